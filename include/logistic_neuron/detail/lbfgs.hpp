/// \file lbfgs.hpp
/// \brief Limited-memory BFGS with a strong-Wolfe line search (internal).
///
/// Written from the textbook description (Nocedal and Wright, Numerical Optimization, 2nd ed.,
/// algorithms 3.5, 3.6 and 7.4).
#pragma once

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "progress.hpp"

namespace logistic_neuron {
namespace detail {

/// One evaluated point on the search line theta + t p.
template <class Scalar>
struct LinePoint {
  Scalar t = 0;        ///< step length
  Scalar J = 0;        ///< J(theta + t p), +inf if not finite
  Scalar slope = 0;    ///< dJ/dt = g(theta + t p) . p
  Vector<Scalar> theta, g;
};

/// How a line search ended.
enum class LineSearchEnd { accepted, failed, out_of_passes };

/// A line search for a step t along the descent direction p (slope0 = g.p < 0) satisfying the
/// strong Wolfe conditions
///   J(t) <= J(0) + c1 t slope0   (sufficient decrease; c1 = 1e-4)
///   |J'(t)| <= c2 |slope0|         (curvature; c2 = 0.9),
/// where the sufficient decrease also holds if J(t) <= J(0) + 16 eps |J(0)| (J flat to
/// rounding near the minimum) and the gradient's norm has at least halved. Bracketing by doubling t, then zooming with safeguarded cubic
/// interpolation (bisection when the cubic is unusable). A non-finite trial counts as too long.
/// Each trial is one pass. Up to 30 trials; if none satisfies both conditions but one gave
/// sufficient decrease below J(0), that one is accepted.
template <class Scalar, class ProblemT>
LineSearchEnd wolfe_search(const ProblemT& problem, Progress<Scalar>& progress,
                           const Vector<Scalar>& theta, Scalar J0, Scalar gradient_norm0,
                           Scalar slope0, const Vector<Scalar>& p, Scalar t_initial,
                           LinePoint<Scalar>& out) {
  constexpr Scalar c1 = Scalar(1e-4), c2 = Scalar(0.9);
  constexpr int max_trials = 30;
  const Scalar slack = rounding_slack(J0);
  int trials = 0;
  bool out_of_passes = false;
  // Evaluates the point t into `point`; returns false when no pass is left.
  auto evaluate = [&](Scalar t, LinePoint<Scalar>& point) {
    if (!progress.can_pass()) {
      out_of_passes = true;
      return false;
    }
    progress.count_pass();
    ++trials;
    point.t = t;
    point.theta = theta + t * p;
    point.J = problem.evaluate(point.theta, point.g);
    if (!all_finite(point.J, point.g)) {
      point.J = std::numeric_limits<Scalar>::infinity();
      point.slope = std::numeric_limits<Scalar>::quiet_NaN();
    } else {
      point.slope = point.g.dot(p);
    }
    return true;
  };
  // Sufficient decrease; where J is flat to rounding (within slack of J0), the gradient must
  // have halved instead, so that the search ends (fails) once neither can improve.
  auto decreases = [&](const LinePoint<Scalar>& point) {
    return point.J - J0 <= c1 * point.t * slope0 ||  // a difference: J0 + tiny rounds to J0
           (point.J <= J0 + slack && point.g.norm() <= gradient_norm0 / 2);
  };
  auto curved = [&](const LinePoint<Scalar>& point) {
    return std::abs(point.slope) <= c2 * std::abs(slope0);
  };
  // The best point with sufficient decrease seen so far (the fallback).
  LinePoint<Scalar> best;
  bool have_best = false;
  auto remember = [&](const LinePoint<Scalar>& point) {
    if (is_finite_bits(point.J) && decreases(point) && point.J < J0 && (!have_best || point.J < best.J)) {
      best = point;
      have_best = true;
    }
  };

  // The bracket's ends: lo satisfies sufficient decrease with the lowest J so far; hi does not
  // (or has J'(hi) of the other sign). Costs within rounding (slack) of lo's are not taken as
  // higher: there the slopes decide, so the search still works where J is flat to rounding.
  LinePoint<Scalar> lo, hi, current;
  lo.t = 0;
  lo.J = J0;
  lo.slope = slope0;
  bool bracketed = false;
  Scalar t = t_initial;
  while (!bracketed) {
    if (trials >= max_trials || !evaluate(t, current)) break;
    remember(current);
    if (!is_finite_bits(current.J) || !decreases(current) || current.J > lo.J + slack) {
      hi = current;
      bracketed = true;
    } else if (curved(current)) {
      out = current;
      return LineSearchEnd::accepted;
    } else if (current.slope >= 0) {
      hi = lo;
      lo = current;
      bracketed = true;
    } else {
      lo = current;
      t *= 2;
    }
  }
  // Zoom inside [lo, hi] (either order).
  while (bracketed && trials < max_trials) {
    const Scalar a = lo.t, b = hi.t;
    const Scalar left = std::min(a, b), width = std::abs(b - a);
    if (!(width > std::numeric_limits<Scalar>::epsilon() * std::max(Scalar(1), std::abs(a)))) break;
    // The minimiser of the cubic through (a, J_a, J'_a) and (b, J_b, J'_b), safeguarded to the
    // middle 80% of the interval; bisection if hi is not finite or the cubic has no minimum.
    Scalar next = (a + b) / 2;
    if (is_finite_bits(hi.J) && is_finite_bits(hi.slope)) {
      const Scalar d1 = lo.slope + hi.slope - 3 * (lo.J - hi.J) / (a - b);
      const Scalar radicand = d1 * d1 - lo.slope * hi.slope;
      if (radicand >= 0) {
        const Scalar d2 = std::copysign(std::sqrt(radicand), b - a);
        const Scalar cubic = b - (b - a) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2);
        if (is_finite_bits(cubic)) next = cubic;
      }
    }
    next = std::clamp(next, left + Scalar(0.1) * width, left + Scalar(0.9) * width);
    if (!evaluate(next, current)) break;
    remember(current);
    if (!is_finite_bits(current.J) || !decreases(current) || current.J > lo.J + slack) {
      hi = current;
    } else {
      if (curved(current)) {
        out = current;
        return LineSearchEnd::accepted;
      }
      if (current.slope * (hi.t - lo.t) >= 0) hi = lo;
      lo = current;
    }
  }
  if (have_best) {
    out = best;
    return LineSearchEnd::accepted;
  }
  return out_of_passes ? LineSearchEnd::out_of_passes : LineSearchEnd::failed;
}

/// L-BFGS on a Problem from theta (d + 1 entries, bias last), which it updates to the parameters
/// it keeps.
///
/// The direction is p = -H_k g from the two-loop recursion over the last m = 10 pairs
/// s = theta_{k+1} - theta_k, y = g_{k+1} - g_k (a pair is kept only if s.y > eps y.y, which keeps
/// H_k positive definite), with H_0 = (s.y / y.y) I from the newest pair. The first step is
/// t = min(1, 1 / ||g||_inf); later ones start from t = 1. The line search is wolfe_search. If it
/// fails, the memory is dropped and the search is retried once along -g; if that fails too,
/// the fit stops with line_search_failed. Stopping rules as Newton's (see newton()), including
/// converged at a gradient exactly 0.
template <class Scalar, class ProblemT>
FitResult<Scalar> lbfgs(const ProblemT& problem, const FitOptions<Scalar>& options,
                        Vector<Scalar>& theta, IterateObserver<Scalar>* observer) {
  constexpr std::size_t memory = 10;
  Progress<Scalar> progress(options, observer);
  Vector<Scalar> g, p;
  if (!progress.can_pass()) {
    progress.stop(StopReason::max_epochs);
    return progress.result();
  }
  progress.count_pass();
  Scalar J = problem.evaluate(theta, g);
  if (!all_finite(J, g)) {
    progress.stop(StopReason::non_finite);
    return progress.result();
  }
  if (progress.accept(J, problem.reported_gradient(g), Scalar(0), theta)) return progress.result();

  std::deque<Vector<Scalar>> S, Y;
  std::deque<Scalar> rho;
  std::vector<Scalar> alpha;
  for (;;) {
    if (g.isZero(0)) {  // exactly stationary: J is convex, so this is its minimum
      progress.stop(StopReason::converged);
      break;
    }
    // p = -H_k g by the two-loop recursion.
    p = -g;
    alpha.assign(S.size(), Scalar(0));
    for (std::size_t i = S.size(); i-- > 0;) {
      alpha[i] = rho[i] * S[i].dot(p);
      p -= alpha[i] * Y[i];
    }
    if (!S.empty()) p *= S.back().dot(Y.back()) / Y.back().squaredNorm();
    for (std::size_t i = 0; i < S.size(); ++i) {
      const Scalar beta = rho[i] * Y[i].dot(p);
      p += (alpha[i] - beta) * S[i];
    }
    Scalar slope = g.dot(p);
    if (!(slope < 0) || !all_finite_bits(p)) {  // not a descent direction: restart from -g
      S.clear();
      Y.clear();
      rho.clear();
      p = -g;
      slope = g.dot(p);
    }
    const Scalar gmax = g.cwiseAbs().maxCoeff();
    Scalar t0 = S.empty() ? std::min(Scalar(1), Scalar(1) / gmax) : Scalar(1);
    LinePoint<Scalar> next;
    LineSearchEnd end = wolfe_search(problem, progress, theta, J, g.norm(), slope, p, t0, next);
    if (end == LineSearchEnd::failed && !S.empty()) {
      S.clear();
      Y.clear();
      rho.clear();
      p = -g;
      slope = g.dot(p);
      t0 = std::min(Scalar(1), Scalar(1) / gmax);
      end = wolfe_search(problem, progress, theta, J, g.norm(), slope, p, t0, next);
    }
    if (end == LineSearchEnd::out_of_passes) {
      progress.stop(StopReason::max_epochs);
      break;
    }
    if (end == LineSearchEnd::failed) {
      progress.stop_at_failed_search(problem, theta, g);
      break;
    }
    Vector<Scalar> s = next.theta - theta;
    Vector<Scalar> y = next.g - g;
    const Scalar sy = s.dot(y);
    if (sy > std::numeric_limits<Scalar>::epsilon() * y.squaredNorm() && is_finite_bits(sy)) {
      if (S.size() == memory) {
        S.pop_front();
        Y.pop_front();
        rho.pop_front();
      }
      S.push_back(std::move(s));
      Y.push_back(std::move(y));
      rho.push_back(Scalar(1) / sy);
    }
    theta.swap(next.theta);
    g.swap(next.g);
    J = next.J;
    if (progress.accept(J, problem.reported_gradient(g), next.t, theta)) break;
    if (!progress.can_pass()) {
      progress.stop(StopReason::max_epochs);
      break;
    }
  }
  return progress.result();
}

}  // namespace detail
}  // namespace logistic_neuron
