/// \file solve.hpp
/// \brief Runs the solver FitOptions asks for, in the coordinates it needs; class weights
/// (internal).
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "../base/options.hpp"
#include "../base/config.hpp"
#include "gradient_descent.hpp"
#include "lbfgs.hpp"
#include "newton.hpp"
#include "objective.hpp"
#include "problem.hpp"
#include "../base/text.hpp"

namespace logistic_neuron {
namespace detail {

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
  if (!(total > 0) || !std::isfinite(static_cast<long double>(total))) {
    throw std::invalid_argument(
        std::string(caller) + ": sample weights times class_weight (" +
        to_text(weight_of[0]) + " for class 0, " + to_text(weight_of[1]) +
        " for class 1) sum to " + to_text(total) +
        "; expected a finite sum > 0 (does y contain a class with a positive weight?)");
  }
  targets.total_weight = total;
}

/// An on_epoch that first writes the solver's current iterate, on the original scale, into
/// (w, b) (so that whoever reads them in the callback, like the separation probe, sees the
/// parameters the epoch reports), then calls `inner`. Empty if `inner` is.
template <class Scalar>
std::function<bool(const EpochInfo<Scalar>&)> publishing(
    std::function<bool(const EpochInfo<Scalar>&)> inner, std::function<void()> publish) {
  if (!inner) return {};
  return [inner = std::move(inner), publish = std::move(publish)](const EpochInfo<Scalar>& info) {
    publish();
    return inner(info);
  };
}

/// Minimises J over (X, targets) with options.solver from (w, b), which it updates to the
/// parameters the fit keeps (on the original scale). options.on_epoch sees (w, b) updated to
/// the epoch's iterate.
///
/// - gradient_descent without standardize: exactly the seed's loop on Objective.
/// - gradient_descent with standardize: the same loop on the standardized Problem.
/// - newton: on the plain Problem, or the standardized one with standardize.
/// - lbfgs: always on a scaled Problem (standardized coordinates), with the penalty on the
///   standardized weights if standardize, else on the original ones (then the scaling is a pure
///   change of variables that conditions the problem: the optimum is the unscaled one).
/// The scaling pass that computes mu and sigma is set-up and is not counted in epochs.
template <class Scalar, int Order>
FitResult<Scalar> run_solver(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets,
                             const FitOptions<Scalar>& options, int threads, Vector<Scalar>& w,
                             Scalar& b) {
  if (options.solver == Solver::gradient_descent && !options.standardize) {
    const Objective<Scalar, Order> objective(X, targets, options.l2, options.reduction, threads);
    return gradient_descent(objective, options, w, b);
  }
  std::optional<Scaling<Scalar>> scaling;
  if (options.standardize || options.solver == Solver::lbfgs) {
    scaling = column_scaling(X, targets, threads);
  }
  const Problem<Scalar, Order> problem(X, targets, options.l2, options.reduction, threads,
                                       scaling ? &*scaling : nullptr,
                                       options.standardize ? Penalty::standardized
                                                           : Penalty::original);
  FitOptions<Scalar> inner = options;
  FitResult<Scalar> result;
  const Eigen::Index d = X.cols();
  if (options.solver == Solver::gradient_descent) {
    Vector<Scalar> v;
    Scalar c;
    problem.from_original(w, b, v, c);
    inner.on_epoch = publishing<Scalar>(options.on_epoch, [&] { problem.to_original(v, c, w, b); });
    const Vector<Scalar> v_start = v, w_start = w;
    const Scalar c_start = c, b_start = b;
    result = gradient_descent(problem, inner, v, c);
    if (v == v_start && c == c_start) {
      w = w_start;
      b = b_start;
    } else {
      problem.to_original(v, c, w, b);
    }
    return result;
  }
  Vector<Scalar> theta(d + 1), v;
  Scalar c;
  problem.from_original(w, b, v, c);
  theta.head(d) = v;
  theta[d] = c;
  inner.on_epoch = publishing<Scalar>(options.on_epoch, [&] {
    problem.to_original(Vector<Scalar>(theta.head(d)), theta[d], w, b);
  });
  const Vector<Scalar> theta_start = theta, w_start = w;
  const Scalar b_start = b;
  result = options.solver == Solver::newton ? newton(problem, inner, theta)
                                            : lbfgs(problem, inner, theta);
  if (theta == theta_start) {
    // No step was taken: keep the starting parameters bit for bit (no round trip through v, c).
    w = w_start;
    b = b_start;
  } else {
    problem.to_original(Vector<Scalar>(theta.head(d)), theta[d], w, b);
  }
  return result;
}

}  // namespace detail
}  // namespace logistic_neuron
