/// \file validate.hpp
/// \brief Checks of user input, with messages that name the call, what was expected and what came
/// (internal).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include "../base/options.hpp"
#include "../base/config.hpp"
#include "../base/text.hpp"

namespace logistic_neuron {
namespace detail {

inline std::string prefix(const char* caller) { return std::string(caller) + ": "; }

/// X must have at least one row and one column.
template <class Derived>
void require_non_empty(const char* caller, const Eigen::MatrixBase<Derived>& X) {
  if (X.rows() == 0 || X.cols() == 0) {
    throw std::invalid_argument(prefix(caller) + "X is empty (" + std::to_string(X.rows()) +
                                " rows x " + std::to_string(X.cols()) +
                                " columns); expected at least one sample and one feature");
  }
}

/// True when every entry of X is finite. Walks X in its storage order, one contiguous row (row-
/// major) or column (column-major) at a time: Eigen's allFinite() on a row-major Ref walks it
/// column by column, eight times slower on a large matrix.
template <class Derived>
bool all_finite(const Eigen::MatrixBase<Derived>& X) {
  // x - x is 0 for a finite x and NaN otherwise, so a line is finite iff the sum of x - x over
  // it is 0: a vectorised sum, where allFinite() tests element by element (0.14 s against
  // 0.08 s for 200000 x 500 doubles, column-major).
  using Scalar = typename Derived::Scalar;
  if constexpr (Derived::IsRowMajor) {
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      if (!((X.row(i) - X.row(i)).sum() == Scalar(0))) return false;
    }
  } else {
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      if (!((X.col(j) - X.col(j)).sum() == Scalar(0))) return false;
    }
  }
  return true;
}

/// Every entry of X must be finite; names the first that is not.
template <class Derived>
void require_finite_X(const char* caller, const Eigen::MatrixBase<Derived>& X) {
  if (all_finite(X)) return;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      if (!std::isfinite(static_cast<long double>(X(i, j)))) {
        throw std::invalid_argument(prefix(caller) + "X(" + std::to_string(i) + ", " +
                                    std::to_string(j) + ") is " + to_text(X(i, j)) +
                                    "; expected finite values");
      }
    }
  }
}

/// X must have as many columns as the neuron has features.
inline void require_features(const char* caller, Eigen::Index expected, Eigen::Index got) {
  if (expected != got) {
    throw std::invalid_argument(prefix(caller) + "X has " + std::to_string(got) +
                                " columns (features) but the neuron has " +
                                std::to_string(expected) + " features");
  }
}

/// y must hold one label in {0, 1} per row of X. Returns the signs t_i = 1 - 2 y_i.
template <class Scalar, class DerivedY>
Vector<Scalar> label_signs(const char* caller, Eigen::Index rows,
                           const Eigen::MatrixBase<DerivedY>& y) {
  if (y.size() != rows) {
    throw std::invalid_argument(prefix(caller) + "X has " + std::to_string(rows) +
                                " rows (samples) but y has " + std::to_string(y.size()) +
                                " entries");
  }
  Vector<Scalar> sign(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto label = y.derived().coeff(i);
    if (label == 0) {
      sign[i] = Scalar(1);
    } else if (label == 1) {
      sign[i] = Scalar(-1);
    } else {
      throw std::invalid_argument(prefix(caller) + "y[" + std::to_string(i) + "] is " +
                                  to_text(label) + "; expected a label 0 or 1");
    }
  }
  return sign;
}

/// Sample weights: one per row, finite, >= 0, not all zero. Returns them and their sum.
template <class Scalar, class DerivedS>
Vector<Scalar> sample_weights(const char* caller, Eigen::Index rows,
                              const Eigen::MatrixBase<DerivedS>& s, Accum<Scalar>& total) {
  if (s.size() != rows) {
    throw std::invalid_argument(prefix(caller) + "X has " + std::to_string(rows) +
                                " rows (samples) but sample_weight has " +
                                std::to_string(s.size()) + " entries");
  }
  Vector<Scalar> weight(rows);
  total = 0;
  for (Eigen::Index i = 0; i < rows; ++i) {
    const auto value = s.derived().coeff(i);
    if (!(std::isfinite(static_cast<long double>(value)) && value >= 0)) {
      throw std::invalid_argument(prefix(caller) + "sample_weight[" + std::to_string(i) +
                                  "] is " + to_text(value) + "; expected a finite weight >= 0");
    }
    weight[i] = static_cast<Scalar>(value);
    total += static_cast<Accum<Scalar>>(weight[i]);
  }
  if (!(total > 0)) {
    throw std::invalid_argument(prefix(caller) +
                                "sample_weight sums to 0; expected at least one positive weight");
  }
  if (!std::isfinite(static_cast<long double>(total))) {
    throw std::invalid_argument(prefix(caller) + "sample_weight sums to " + to_text(total) +
                                "; expected a finite sum");
  }
  return weight;
}

}  // namespace detail
}  // namespace logistic_neuron
