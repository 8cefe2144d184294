/// \file newton.hpp
/// \brief Newton's method with a backtracking (Armijo) line search (internal).
#pragma once

#include <cmath>
#include <limits>

#include <Eigen/Cholesky>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "hessian.hpp"
#include "progress.hpp"

namespace logistic_neuron {
namespace detail {

/// Solves H p = -g for the Newton direction p. H is symmetric positive semi-definite in exact
/// arithmetic; it is first equilibrated, E H E with E = diag(1/sqrt(H_jj)) (which makes the
/// Cholesky factorisation insensitive to the columns' scales), then factored by LLT. If that
/// fails (H singular to rounding, e.g. on separable data or collinear columns), a ridge
/// tau I is added to E H E, tau = 1e-12, 1e-10, ... up to 1. Returns false if no factorisation
/// succeeds or p is not a finite descent direction.
template <class Scalar>
bool newton_direction(AccumMatrix<Scalar> H, const Vector<Scalar>& g, Vector<Scalar>& p) {
  using Acc = Accum<Scalar>;
  const Eigen::Index size = H.rows();
  Vector<Acc> E(size);
  for (Eigen::Index j = 0; j < size; ++j) {
    const Acc diagonal = H(j, j);
    E[j] = diagonal > 0 && is_finite_bits(diagonal) ? Acc(1) / std::sqrt(diagonal) : Acc(1);
  }
  H = E.asDiagonal() * H * E.asDiagonal();
  const Vector<Acc> rhs = -(E.cwiseProduct(g.template cast<Acc>()));
  Acc tau = 0;
  for (int attempt = 0; attempt < 8; ++attempt) {
    Eigen::LLT<AccumMatrix<Scalar>> llt;
    if (tau > 0) {
      AccumMatrix<Scalar> ridged = H;
      ridged.diagonal().array() += tau;
      llt.compute(ridged);
    } else {
      llt.compute(H);
    }
    if (llt.info() == Eigen::Success) {
      const Vector<Acc> q = llt.solve(rhs);
      const Vector<Acc> step = E.cwiseProduct(q);
      // p must be finite and a descent direction: g . p < 0.
      if (all_finite_bits(step) && step.dot(g.template cast<Acc>()) < 0) {
        p = step.template cast<Scalar>();
        if (all_finite_bits(p)) return true;
      }
    }
    tau = tau > 0 ? tau * 100 : Acc(1e-12);
  }
  return false;
}

/// How the search for a Newton direction ended.
enum class DirectionEnd { found, non_finite, out_of_passes };

/// The Armijo backtracking of a Newton step from theta (cost J, gradient g) along p: t = 1,
/// 1/2, 1/4, ..., the first t with J(theta + t p) <= J + 1e-4 t g.p, or, where J is flat to
/// rounding (J(theta + t p) <= J + 16 eps |J|), with at most half the gradient norm at theta.
/// Each trial is one pass; a non-finite trial only shortens the step. Up to 40 halvings. On
/// acceptance, theta, g and J become the trial's and t its step length.
enum class SearchEnd { accepted, failed, out_of_passes };
template <class Scalar, class ProblemT>
SearchEnd backtrack(const ProblemT& problem, Progress<Scalar>& progress, Vector<Scalar>& theta,
                    Vector<Scalar>& g, Scalar& J, const Vector<Scalar>& p, Scalar& t) {
  const Scalar slope = g.dot(p);  // < 0
  const Scalar gradient_norm = g.norm();
  Vector<Scalar> trial, g_trial;
  t = 1;
  for (int halving = 0; halving < 40; ++halving, t /= 2) {
    if (!progress.can_pass()) return SearchEnd::out_of_passes;
    progress.count_pass();
    trial = theta + t * p;
    const Scalar J_trial = problem.evaluate(trial, g_trial);
    if (!all_finite(J_trial, g_trial)) continue;  // too long a step: shorten it
    // As a difference, so that a step that leaves J unchanged is not accepted by rounding.
    if (J_trial - J <= Scalar(1e-4) * t * slope ||
        (J_trial <= J + rounding_slack(J) && g_trial.norm() <= gradient_norm / 2)) {
      theta.swap(trial);
      g.swap(g_trial);
      J = J_trial;
      return SearchEnd::accepted;
    }
  }
  return SearchEnd::failed;
}

/// Newton's method on a Problem, from theta (d + 1 entries, bias last), which it updates to the
/// parameters it keeps; `direction(theta, g, progress, p)` finds the step p (from H p = -g: by
/// Cholesky for Solver::newton, by conjugate gradients for Solver::newton_cg), counting its
/// passes.
///
/// Each iteration: the direction, then backtrack(). Stops: converged (|J_k - J_{k-1}| <
/// tolerance between accepted iterates, the gradient's max-norm <= gradient_tolerance, a
/// gradient exactly 0, or a failed line search at the optimum to rounding), max_epochs (no pass
/// left; the last accepted iterate is kept), callback, non_finite (the starting point's cost or
/// gradient, or the direction, is not finite), line_search_failed (40 halvings found no
/// acceptable t away from the optimum).
template <class Scalar, class ProblemT, class Direction>
FitResult<Scalar> newton_method(const ProblemT& problem, const FitOptions<Scalar>& options,
                                Vector<Scalar>& theta, IterateObserver<Scalar>* observer,
                                const Direction& direction) {
  Progress<Scalar> progress(options, observer);
  Vector<Scalar> g, p;
  progress.count_pass();
  Scalar J = problem.evaluate(theta, g);
  if (!all_finite(J, g)) {
    progress.stop(StopReason::non_finite);
    return progress.result();
  }
  if (progress.accept(J, problem.reported_gradient(g), Scalar(0), theta)) return progress.result();
  for (;;) {
    if (g.isZero(0)) {  // exactly stationary: J is convex, so this is its minimum
      progress.stop(StopReason::converged);
      break;
    }
    const DirectionEnd found = direction(theta, g, progress, p);
    if (found == DirectionEnd::out_of_passes) {
      progress.stop(StopReason::max_epochs);
      break;
    }
    if (found == DirectionEnd::non_finite) {
      progress.stop(StopReason::non_finite);
      break;
    }
    Scalar t = 0;
    const SearchEnd end = backtrack(problem, progress, theta, g, J, p, t);
    if (end == SearchEnd::out_of_passes) {
      progress.stop(StopReason::max_epochs);
      break;
    }
    if (end == SearchEnd::failed) {
      progress.stop_at_failed_search(problem, theta, g);
      break;
    }
    if (progress.accept(J, problem.reported_gradient(g), t, theta)) break;
  }
  return progress.result();
}

/// Newton's method with the Cholesky direction: the Hessian at theta (one pass), then
/// newton_direction. See newton_method.
template <class Scalar, class ProblemT>
FitResult<Scalar> newton(const ProblemT& problem, const FitOptions<Scalar>& options,
                         Vector<Scalar>& theta, IterateObserver<Scalar>* observer) {
  return newton_method(problem, options, theta, observer,
                       [&problem](const Vector<Scalar>& at, const Vector<Scalar>& g,
                                  Progress<Scalar>& progress, Vector<Scalar>& p) {
                         if (!progress.can_pass()) return DirectionEnd::out_of_passes;
                         progress.count_pass();
                         const AccumMatrix<Scalar> H = problem.hessian(at);
                         return all_finite_bits(H) && newton_direction<Scalar>(H, g, p)
                                    ? DirectionEnd::found
                                    : DirectionEnd::non_finite;
                       });
}

}  // namespace detail
}  // namespace logistic_neuron
