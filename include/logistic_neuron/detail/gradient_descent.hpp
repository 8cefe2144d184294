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

/// Gradient descent on a Problem from theta (d + 1 entries, bias last), which it updates to the
/// parameters it keeps.
///
/// Each epoch evaluates J_k and the gradient at theta (one fused pass), then: stops with
/// non_finite if either is not finite (restoring the previous, finite theta); else accepts the
/// iterate (Progress::accept: on_epoch, the tolerance and gradient-tolerance rules); stops with
/// max_epochs at the cap; else steps theta -= eta dJ/dtheta, eta the user's learning rate or 1/L,
/// and stops converged if that step leaves theta unchanged (a fixed point to rounding).
/// So the parameters kept are always those whose cost is reported (FitResult::cost == J(theta)).
template <class Scalar, class ProblemT>
FitResult<Scalar> gradient_descent(const ProblemT& problem, const FitOptions<Scalar>& options,
                                   Vector<Scalar>& theta, IterateObserver<Scalar>* observer) {
  Progress<Scalar> progress(options, observer);
  const Scalar eta = options.learning_rate ? *options.learning_rate : Scalar(1) / problem.lipschitz();
  progress.result().learning_rate = eta;
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
    if (progress.accept(J, problem.reported_gradient(g), eta, theta)) break;
    if (!progress.can_pass()) {
      progress.stop(StopReason::max_epochs);
      break;
    }
    previous = theta;
    // theta <- theta - eta dJ/dtheta
    theta.noalias() -= eta * g;
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
