/// \file validate.hpp
/// \brief Checks of user input, each written once, with messages that name the call, what was
/// expected and what came (internal).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/text.hpp"

namespace logistic_neuron {
namespace detail {

inline std::string prefix(const char* caller) { return std::string(caller) + ": "; }

/// X must have at least one row and one column.
template <class Derived>
void require_non_empty(const char* caller, const Eigen::EigenBase<Derived>& X) {
  if (X.rows() == 0 || X.cols() == 0) {
    throw std::invalid_argument(prefix(caller) + "X is empty (" + std::to_string(X.rows()) +
                                " rows x " + std::to_string(X.cols()) +
                                " columns); expected at least one sample and one feature");
  }
}

/// `v` (called `name` in the message) must be a vector: one row or one column.
template <class Derived>
void require_vector(const char* caller, const char* name, const Eigen::EigenBase<Derived>& v) {
  if (v.rows() != 1 && v.cols() != 1) {
    throw std::invalid_argument(prefix(caller) + name + " is a " + std::to_string(v.rows()) +
                                " x " + std::to_string(v.cols()) +
                                " matrix; expected a vector (one row or one column)");
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

/// Entry i of the labels `name` must be 0 or 1; returns true for 1.
template <class Label>
bool require_label(const char* caller, const char* name, Eigen::Index i, const Label& label) {
  if (label == 0) return false;
  if (label == 1) return true;
  throw std::invalid_argument(prefix(caller) + name + "[" + std::to_string(i) + "] is " +
                              to_text(label) + "; expected a label 0 or 1");
}

/// Sample weights: a vector of `n` entries (`what_n` says what n counts, e.g. "X has 5 rows
/// (samples)"), each finite and >= 0, not all zero, with a finite sum. Returns them as W and
/// their sum in `total` (each weight converted to W, then to Total, then added).
template <class W, class Total, class DerivedS>
Vector<W> checked_weights(const char* caller, const std::string& what_n, Eigen::Index n,
                          const Eigen::MatrixBase<DerivedS>& s, Total& total) {
  require_vector(caller, "sample_weight", s);
  if (s.size() != n) {
    throw std::invalid_argument(prefix(caller) + what_n + " but sample_weight has " +
                                std::to_string(s.size()) + " entries");
  }
  Vector<W> weight(n);
  total = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto value = s.derived().coeff(i);
    if (!(std::isfinite(static_cast<long double>(value)) && value >= 0)) {
      throw std::invalid_argument(prefix(caller) + "sample_weight[" + std::to_string(i) +
                                  "] is " + to_text(value) + "; expected a finite weight >= 0");
    }
    weight[i] = static_cast<W>(value);
    total += static_cast<Total>(weight[i]);
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
