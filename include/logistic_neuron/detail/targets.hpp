/// \file targets.hpp
/// \brief The labels and sample weights of one dataset, checked and ready for the passes; class
/// weights (internal).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/text.hpp"
#include "validate.hpp"

namespace logistic_neuron {
namespace detail {

/// The labels and sample weights of one dataset, checked and ready for the passes.
template <class Scalar>
struct Targets {
  Vector<Scalar> sign;           ///< t_i = 1 - 2 y_i
  Vector<Scalar> weight;         ///< s_i; empty when every weight is 1
  Accum<Scalar> total_weight{};  ///< S = sum_i s_i (n when unweighted)

  const Scalar* weight_data() const noexcept { return weight.size() ? weight.data() : nullptr; }
};

/// "X has n rows (samples)": what the sizes of y and of the sample weights must match.
inline std::string rows_of_X(Eigen::Index rows) {
  return "X has " + std::to_string(rows) + " rows (samples)";
}

/// y must be a vector of one label in {0, 1} per row of X. Returns the signs t_i = 1 - 2 y_i.
template <class Scalar, class DerivedY>
Vector<Scalar> label_signs(const char* caller, Eigen::Index rows,
                           const Eigen::MatrixBase<DerivedY>& y) {
  require_vector(caller, "y", y);
  if (y.size() != rows) {
    throw std::invalid_argument(prefix(caller) + rows_of_X(rows) + " but y has " +
                                std::to_string(y.size()) + " entries");
  }
  Vector<Scalar> sign(rows);
  for (Eigen::Index i = 0; i < rows; ++i) {
    sign[i] = require_label(caller, "y", i, y.derived().coeff(i)) ? Scalar(-1) : Scalar(1);
  }
  return sign;
}

/// The targets of (X rows, y), with unit sample weights.
template <class Scalar, class DerivedY>
Targets<Scalar> unweighted_targets(const char* caller, Eigen::Index rows,
                                   const Eigen::MatrixBase<DerivedY>& y) {
  Targets<Scalar> targets;
  targets.sign = label_signs<Scalar>(caller, rows, y);
  targets.total_weight = static_cast<Accum<Scalar>>(rows);
  return targets;
}

/// The targets of (X rows, y) with the sample weights s.
template <class Scalar, class DerivedY, class DerivedS>
Targets<Scalar> weighted_targets(const char* caller, Eigen::Index rows,
                                 const Eigen::MatrixBase<DerivedY>& y,
                                 const Eigen::MatrixBase<DerivedS>& s) {
  Targets<Scalar> targets;
  targets.sign = label_signs<Scalar>(caller, rows, y);
  targets.weight = checked_weights<Scalar>(caller, rows_of_X(rows), rows, s, targets.total_weight);
  return targets;
}

/// Multiplies the sample weights by FitOptions::class_weight: s_i <- s_i cw[y_i], with cw = (1, 1)
/// (none), (n / (2 n_0), n / (2 n_1)) (balanced, n_c counted over rows, without sample weights)
/// or (weight_0, weight_1) (given); then recomputes S.
/// \throws std::invalid_argument naming `caller` if the weighted total is 0 or not finite.
template <class Scalar>
void apply_class_weight(const char* caller, const ClassWeight<Scalar>& class_weight,
                        Targets<Scalar>& targets) {
  using Mode = typename ClassWeight<Scalar>::Mode;
  if (class_weight.mode == Mode::none) return;
  const Eigen::Index n = targets.sign.size();
  Scalar weight_of[2] = {class_weight.weight_0, class_weight.weight_1};
  if (class_weight.mode == Mode::balanced) {
    Eigen::Index count[2] = {0, 0};
    for (Eigen::Index i = 0; i < n; ++i) ++count[targets.sign[i] > 0 ? 0 : 1];
    for (int c = 0; c < 2; ++c) {
      weight_of[c] = count[c] > 0 ? static_cast<Scalar>(static_cast<long double>(n) /
                                                        (2.0L * static_cast<long double>(count[c])))
                                  : Scalar(0);
    }
  }
  if (targets.weight.size() == 0) targets.weight = Vector<Scalar>::Ones(n);
  Accum<Scalar> total = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    targets.weight[i] *= weight_of[targets.sign[i] > 0 ? 0 : 1];
    total += static_cast<Accum<Scalar>>(targets.weight[i]);
  }
  if (!(total > 0) || !is_finite_bits(total)) {
    throw std::invalid_argument(
        std::string(caller) + ": sample weights times class_weight (" + to_text(weight_of[0]) +
        " for class 0, " + to_text(weight_of[1]) + " for class 1) sum to " + to_text(total) +
        "; expected a finite sum > 0 (does y contain a class with a positive weight?)");
  }
  targets.total_weight = total;
}

}  // namespace detail
}  // namespace logistic_neuron
