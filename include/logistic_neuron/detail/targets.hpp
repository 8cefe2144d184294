/// \file targets.hpp
/// \brief The labels and sample weights of one dataset, checked and ready for the passes; class
/// weights (internal).
#pragma once

#include <array>
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

/// The number of labels equal to 1 (t_i = -1).
/// \param targets the targets.
/// \return the count.
template <class Scalar>
Eigen::Index count_ones(const Targets<Scalar>& targets) {
  Eigen::Index ones = 0;
  for (Eigen::Index i = 0; i < targets.sign.size(); ++i) ones += targets.sign[i] < 0 ? 1 : 0;
  return ones;
}

/// The class weights cw = (cw_0, cw_1) of FitOptions::class_weight for n rows of which `ones`
/// are labelled 1: (1, 1) (none), (n / (2 n_0), n / (2 n_1)) (balanced, n_c counted over rows,
/// without sample weights; 0 for a class without rows) or (weight_0, weight_1) (given).
/// \param class_weight the option.
/// \param n the rows.
/// \param ones the rows labelled 1.
/// \return cw.
template <class Scalar>
std::array<Scalar, 2> class_weights_of(const ClassWeight<Scalar>& class_weight, Eigen::Index n,
                                       Eigen::Index ones) {
  using Mode = typename ClassWeight<Scalar>::Mode;
  if (class_weight.mode == Mode::none) return {Scalar(1), Scalar(1)};
  if (class_weight.mode == Mode::given) return {class_weight.weight_0, class_weight.weight_1};
  const auto balanced = [n](Eigen::Index count) {
    return count > 0 ? static_cast<Scalar>(static_cast<long double>(n) /
                                           (2.0L * static_cast<long double>(count)))
                     : Scalar(0);
  };
  return {balanced(n - ones), balanced(ones)};
}

/// s_i <- s_i cw[y_i] (weights of 1 first when there were none).
///
/// The class is chosen by a select between two scalars, not by indexing cw with the label:
/// g++ 12 at -O3 vectorizes `cw[t_i > 0 ? 0 : 1]` into an emulated gather whose indices are the
/// comparison's mask (0 or -1) instead of 0 or 1, in some inlining contexts (it read cw[-1]
/// for class 1 inside mpi::fit; -fno-tree-vectorize, -fno-strict-aliasing or a non-inlined call
/// hid it).
/// \param weight_of cw, from class_weights_of.
/// \param targets the targets to weigh.
template <class Scalar>
void multiply_class_weights(const std::array<Scalar, 2>& weight_of, Targets<Scalar>& targets) {
  const Eigen::Index n = targets.sign.size();
  if (targets.weight.size() == 0) targets.weight = Vector<Scalar>::Ones(n);
  const Scalar weight_0 = weight_of[0], weight_1 = weight_of[1];
  for (Eigen::Index i = 0; i < n; ++i) {
    targets.weight[i] *= targets.sign[i] > 0 ? weight_0 : weight_1;
  }
}

/// Multiplies the sample weights by FitOptions::class_weight (class_weights_of over these rows,
/// then multiply_class_weights); then recomputes S.
/// \param caller what the message starts with.
/// \param class_weight the option.
/// \param targets the targets to weigh.
/// \throws std::invalid_argument naming `caller` if the weighted total is 0 or not finite.
template <class Scalar>
void apply_class_weight(const char* caller, const ClassWeight<Scalar>& class_weight,
                        Targets<Scalar>& targets) {
  if (class_weight.mode == ClassWeight<Scalar>::Mode::none) return;
  const Eigen::Index n = targets.sign.size();
  const std::array<Scalar, 2> weight_of = class_weights_of(class_weight, n, count_ones(targets));
  multiply_class_weights(weight_of, targets);
  Accum<Scalar> total = 0;
  for (Eigen::Index i = 0; i < n; ++i) total += static_cast<Accum<Scalar>>(targets.weight[i]);
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
