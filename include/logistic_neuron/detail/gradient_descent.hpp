/// \file gradient_descent.hpp
/// \brief The seed's solver: gradient descent with a fixed step (internal).
#pragma once

#include <cmath>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "progress.hpp"

namespace logistic_neuron {
namespace detail {

/// sign(x) max(|x| - t, 0): the proximal map of t |x|.
template <class Scalar>
Scalar soft_threshold(Scalar x, Scalar t) {
  return x > t ? x - t : (x < -t ? x + t : Scalar(0));
}

/// The subgradient of smallest norm of J at theta, from the smooth part's gradient g and the L1
/// weights t: g_j + t_j sign(v_j) where v_j != 0, else g_j shrunk towards 0 by t_j. It is 0
/// exactly at the optimum, so stopping rules on it mean what they do without L1.
template <class Scalar>
Vector<Scalar> minimum_subgradient(const Vector<Scalar>& theta, const Vector<Scalar>& g,
                                   const Vector<Scalar>& t) {
  Vector<Scalar> s = g;
  for (Eigen::Index j = 0; j < t.size(); ++j) {
    s[j] = theta[j] > 0 ? g[j] + t[j] : theta[j] < 0 ? g[j] - t[j] : soft_threshold(g[j], t[j]);
  }
  return s;
}

/// Gradient descent on a Problem from theta (d + 1 entries, bias last), which it updates to the
/// parameters it keeps.
///
/// Each epoch evaluates J_k and the gradient at theta (one fused pass), then: stops with
/// non_finite if either is not finite (restoring the previous, finite theta); else accepts the
/// iterate (Progress::accept: on_epoch, the tolerance and gradient-tolerance rules); stops with
/// max_epochs at the cap; else steps theta -= eta dJ/dtheta, eta the user's learning rate or 1/L
/// (with an L1 penalty, a proximal step: then soft-thresholding), and stops converged if that
/// step leaves theta unchanged (a fixed point to rounding).
/// So the parameters kept are always those whose cost is reported (FitResult::cost == J(theta)).
template <class Scalar, class ProblemT>
FitResult<Scalar> gradient_descent(const ProblemT& problem, const FitOptions<Scalar>& options,
                                   Vector<Scalar>& theta, IterateObserver<Scalar>* observer) {
  Progress<Scalar> progress(options, observer);
  const Scalar eta =
      options.learning_rate ? *options.learning_rate : Scalar(1) / problem.lipschitz();
  progress.result().learning_rate = eta;
  // The L1 weights of the coordinates (empty without an L1 penalty): each step is then a
  // proximal step, the gradient step followed by soft-thresholding at eta t_j.
  const Vector<Scalar> lasso = problem.lasso_in_theta();
  Vector<Scalar> g, previous = theta;
  for (;;) {
    progress.count_pass();
    const Scalar J = problem.evaluate(theta, g);
    if (!is_finite_bits(J) || !is_finite_bits(gradient_norm(g)) || !all_finite_bits(g)) {
      // Keep the last parameters whose cost was finite (the starting ones at epoch 1).
      theta = previous;
      progress.stop(StopReason::non_finite);
      break;
    }
    if (progress.accept(
            J, problem.reported_gradient(lasso.size() ? minimum_subgradient(theta, g, lasso) : g),
            eta, theta)) {
      break;
    }
    if (!progress.can_pass()) {
      progress.stop(StopReason::max_epochs);
      break;
    }
    previous = theta;
    // theta <- theta - eta dJ/dtheta, then v_j <- sign(v_j) max(|v_j| - eta t_j, 0)
    theta.noalias() -= eta * g;
    for (Eigen::Index j = 0; j < lasso.size(); ++j)
      theta[j] = soft_threshold(theta[j], eta * lasso[j]);
    if (theta == previous) {
      // The step no longer moves theta: eta |dJ/dtheta| is below half an ulp of every
      // coordinate, so J is at its minimum along the gradient to rounding.
      progress.stop(StopReason::converged);
      break;
    }
  }
  return progress.result();
}

}  // namespace detail
}  // namespace logistic_neuron
