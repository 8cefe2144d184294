/// \file gradient_descent.hpp
/// \brief The seed's solver: gradient descent with a fixed step (internal).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include "../base/options.hpp"
#include "../base/config.hpp"

namespace logistic_neuron {
namespace detail {

/// sqrt(|gw|^2 + gb^2) without overflow for large finite entries.
template <class Scalar>
Scalar gradient_norm(const Vector<Scalar>& gw, Scalar gb) {
  using std::hypot;
  return hypot(gw.stableNorm(), gb);
}

/// Gradient descent from (w, b), which it updates to the parameters it keeps.
///
/// Each epoch evaluates J_k and the gradient at the current parameters (one fused pass), then:
/// stops with non_finite if either is not finite (restoring the previous, finite parameters);
/// calls on_epoch and stops with callback if it returns false; stops with converged if
/// |J_k - J_{k-1}| < tolerance, or, when gradient_tolerance > 0, if the gradient's max-norm is
/// <= gradient_tolerance; stops with max_epochs at the cap; else steps
/// w -= eta dJ/dw, b -= eta dJ/db. So the parameters kept are always those whose cost is
/// reported (FitResult::cost == J(w, b)).
template <class Scalar, class Objective>
FitResult<Scalar> gradient_descent(const Objective& objective, const FitOptions<Scalar>& options,
                                   Vector<Scalar>& w, Scalar& b) {
  FitResult<Scalar> result;
  const Scalar eta = options.learning_rate ? *options.learning_rate : Scalar(1) / objective.lipschitz();
  result.learning_rate = eta;
  result.cost = std::numeric_limits<Scalar>::quiet_NaN();
  result.gradient_norm = std::numeric_limits<Scalar>::quiet_NaN();

  Vector<Scalar> gw(w.size());
  Vector<Scalar> w_previous = w;
  Scalar gb = 0, b_previous = b;
  for (Eigen::Index epoch = 1;; ++epoch) {
    result.epochs = epoch;
    const Scalar cost = objective.evaluate(w, b, gw, gb);
    const Scalar norm = gradient_norm(gw, gb);
    if (!std::isfinite(cost) || !std::isfinite(norm) || !gw.allFinite() || !std::isfinite(gb)) {
      // Keep the last parameters whose cost was finite (the starting ones at epoch 1).
      if (epoch > 1) {
        w = w_previous;
        b = b_previous;
      }
      result.stop_reason = StopReason::non_finite;
      break;
    }
    const bool settled =
        epoch > 1 && std::abs(cost - result.cost) < options.tolerance;
    result.cost = cost;
    result.gradient_norm = norm;
    result.cost_history.push_back(cost);
    if (options.on_epoch && !options.on_epoch(EpochInfo<Scalar>{epoch, cost, norm, eta})) {
      result.stop_reason = StopReason::callback;
      break;
    }
    if (settled) {
      result.stop_reason = StopReason::converged;
      break;
    }
    // The optional gradient rule: max(|dJ/dw|_inf, |dJ/db|) <= gradient_tolerance (0 = off).
    if (options.gradient_tolerance > 0 &&
        std::max(gw.size() ? gw.cwiseAbs().maxCoeff() : Scalar(0), std::abs(gb)) <=
            options.gradient_tolerance) {
      result.stop_reason = StopReason::converged;
      break;
    }
    if (epoch >= options.max_epochs) {
      result.stop_reason = StopReason::max_epochs;
      break;
    }
    w_previous = w;
    b_previous = b;
    // w <- w - eta dJ/dw, b <- b - eta dJ/db
    w.noalias() -= eta * gw;
    b -= eta * gb;
  }
  return result;
}

}  // namespace detail
}  // namespace logistic_neuron
