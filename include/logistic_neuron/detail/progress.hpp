/// \file progress.hpp
/// \brief What every solver shares: epochs counted as passes over X, the cost history, the
/// acceptance of an iterate with its stopping rules, the user's callback and the internal
/// observers (internal).
#pragma once

#include <cmath>
#include <limits>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"

namespace logistic_neuron {
namespace detail {

/// Watches the iterates a solver accepts, for the library's own concerns (the separation check
/// keeps snapshots of them), apart from the user's FitOptions::on_epoch.
template <class Scalar>
class IterateObserver {
 public:
  virtual ~IterateObserver() = default;
  /// Called for the count-th accepted iterate (1-based), theta in the solver's coordinates,
  /// before the user's callback. Returns false to stop the fit (StopReason::callback).
  virtual bool accepted(Eigen::Index count, const Vector<Scalar>& theta) = 0;
};

/// sqrt(|dJ/dw|^2 + (dJ/db)^2) for a gradient of d + 1 entries (the bias last), without
/// overflow for large finite entries.
template <class Scalar>
Scalar gradient_norm(const Vector<Scalar>& g) {
  using std::hypot;
  const Eigen::Index d = g.size() - 1;
  return hypot(g.head(d).stableNorm(), g[d]);
}

/// True if J and every gradient entry are finite.
template <class Scalar>
bool all_finite(Scalar J, const Vector<Scalar>& g) {
  return is_finite_bits(J) && all_finite_bits(g);
}

/// The tolerance within which two costs are equal to rounding: a step whose cost rises by less
/// is not rejected for that alone.
template <class Scalar>
Scalar rounding_slack(Scalar J) {
  return Scalar(16) * std::numeric_limits<Scalar>::epsilon() * std::abs(J);
}

/// The bookkeeping every iterative solver shares: epochs counted as passes over X, the cost
/// history, the callback and the stopping rules, in the order gradient descent applies them.
template <class Scalar>
class Progress {
 public:
  Progress(const FitOptions<Scalar>& options, IterateObserver<Scalar>* observer)
      : m_options(options), m_observer(observer) {
    m_result.cost = std::numeric_limits<Scalar>::quiet_NaN();
    m_result.gradient_norm = std::numeric_limits<Scalar>::quiet_NaN();
  }

  /// True while another pass over X fits in max_epochs.
  bool can_pass() const noexcept { return m_result.epochs < m_options.max_epochs; }
  /// Counts one pass over X.
  void count_pass() noexcept { ++m_result.epochs; }

  /// Records the accepted iterate theta with cost J and reported gradient g (finite), reached
  /// with step length `step`; tells the observer, then calls on_epoch; returns true when the fit
  /// must stop: the observer or on_epoch asked to (callback), |J_k - J_{k-1}| < tolerance, or
  /// max |g| <= gradient_tolerance.
  bool accept(Scalar J, const Vector<Scalar>& g, Scalar step, const Vector<Scalar>& theta) {
    const bool first = m_result.cost_history.empty();
    const bool settled = !first && std::abs(J - m_result.cost) < m_options.tolerance;
    m_result.cost = J;
    m_result.gradient_norm = gradient_norm(g);
    m_result.learning_rate = step;
    m_result.cost_history.push_back(J);
    if (m_observer &&
        !m_observer->accepted(static_cast<Eigen::Index>(m_result.cost_history.size()), theta)) {
      return stop(StopReason::callback);
    }
    if (m_options.on_epoch &&
        !m_options.on_epoch(EpochInfo<Scalar>{m_result.epochs, J, m_result.gradient_norm, step})) {
      return stop(StopReason::callback);
    }
    if (settled) return stop(StopReason::converged);
    if (m_options.gradient_tolerance > 0 &&
        g.cwiseAbs().maxCoeff() <= m_options.gradient_tolerance) {
      return stop(StopReason::converged);
    }
    return false;
  }

  /// Ends the fit whose line search found no step that lowers J from theta (gradient g there):
  /// converged if the gradient is at the optimum to rounding (the check is one pass over X, not
  /// counted in epochs), else line_search_failed. Returns true.
  template <class ProblemT>
  bool stop_at_failed_search(const ProblemT& problem, const Vector<Scalar>& theta,
                             const Vector<Scalar>& g) {
    return stop(problem.at_rounding_optimum(theta, g) ? StopReason::converged
                                                      : StopReason::line_search_failed);
  }

  /// Ends the fit for `reason`; returns true.
  bool stop(StopReason reason) noexcept {
    m_result.stop_reason = reason;
    return true;
  }

  FitResult<Scalar>& result() noexcept { return m_result; }

 private:
  const FitOptions<Scalar>& m_options;
  IterateObserver<Scalar>* m_observer;
  FitResult<Scalar> m_result{};
};

}  // namespace detail
}  // namespace logistic_neuron
