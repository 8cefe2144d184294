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
  Scalar t = 0;      ///< step length
  Scalar J = 0;      ///< J(theta + t p), +inf if not finite
  Scalar slope = 0;  ///< dJ/dt = g(theta + t p) . p
  Vector<Scalar> theta, g;
};

/// How a line search ended.
enum class LineSearchEnd { accepted, failed, out_of_passes };

/// The minimiser of the cubic through (a, J_a, J'_a) and (b, J_b, J'_b) (lo at a, hi at b, either
/// order), safeguarded to the middle 80% of [a, b]; the midpoint if hi is not finite or the cubic
/// has no minimum.
template <class Scalar>
Scalar cubic_step(const LinePoint<Scalar>& lo, const LinePoint<Scalar>& hi) {
  const Scalar a = lo.t, b = hi.t;
  const Scalar left = std::min(a, b), width = std::abs(b - a);
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
  return std::clamp(next, left + Scalar(0.1) * width, left + Scalar(0.9) * width);
}

/// A line search for a step t along the descent direction p (slope0 = g.p < 0) satisfying the
/// strong Wolfe conditions
///   J(t) <= J(0) + c1 t slope0   (sufficient decrease; c1 = 1e-4)
///   |J'(t)| <= c2 |slope0|         (curvature; c2 = 0.9),
/// where the sufficient decrease also holds if J(t) <= J(0) + 16 eps |J(0)| (J flat to
/// rounding near the minimum) and the gradient's norm has at least halved. Bracketing by
/// doubling t, then zooming with safeguarded cubic interpolation (cubic_step). A non-finite trial
/// counts as too long. Each trial is one pass. Up to 30 trials; if none satisfies both
/// conditions but one gave sufficient decrease below J(0), that one is accepted.
template <class Scalar, class ProblemT>
class WolfeSearch {
 public:
  WolfeSearch(const ProblemT& problem, Progress<Scalar>& progress, const Vector<Scalar>& theta,
              Scalar J0, Scalar gradient_norm0, Scalar slope0, const Vector<Scalar>& p)
      : m_problem(problem), m_progress(progress), m_theta(theta), m_p(p), m_J0(J0),
        m_gradient_norm0(gradient_norm0), m_slope0(slope0), m_slack(rounding_slack(J0)) {}

  /// Searches from t_initial; on acceptance the point is in `out`.
  LineSearchEnd run(Scalar t_initial, LinePoint<Scalar>& out) {
    // The bracket's ends: lo satisfies sufficient decrease with the lowest J so far; hi does
    // not (or has J'(hi) of the other sign). Costs within rounding (slack) of lo's are not
    // taken as higher: there the slopes decide, so the search still works where J is flat to
    // rounding.
    LinePoint<Scalar> lo, hi;
    lo.t = 0;
    lo.J = m_J0;
    lo.slope = m_slope0;
    bool accepted = false;
    const bool bracketed = bracket(t_initial, lo, hi, out, accepted);
    if (accepted || (bracketed && zoom(lo, hi, out))) return LineSearchEnd::accepted;
    if (m_have_best) {
      out = m_best;
      return LineSearchEnd::accepted;
    }
    return m_out_of_passes ? LineSearchEnd::out_of_passes : LineSearchEnd::failed;
  }

 private:
  static constexpr int max_trials = 30;

  /// Evaluates the point t into `point`; returns false when no pass is left.
  bool evaluate(Scalar t, LinePoint<Scalar>& point) {
    if (!m_progress.can_pass()) {
      m_out_of_passes = true;
      return false;
    }
    m_progress.count_pass();
    ++m_trials;
    point.t = t;
    point.theta = m_theta + t * m_p;
    point.J = m_problem.evaluate(point.theta, point.g);
    if (!all_finite(point.J, point.g)) {
      point.J = std::numeric_limits<Scalar>::infinity();
      point.slope = std::numeric_limits<Scalar>::quiet_NaN();
    } else {
      point.slope = point.g.dot(m_p);
    }
    remember(point);
    return true;
  }
  /// Sufficient decrease (c1 = 1e-4); where J is flat to rounding (within slack of J0), the
  /// gradient must have halved instead, so that the search ends (fails) once neither can improve.
  bool decreases(const LinePoint<Scalar>& point) const {
    // (J - J0, a difference: J0 + tiny rounds to J0.)
    return point.J - m_J0 <= Scalar(1e-4) * point.t * m_slope0 ||
           (point.J <= m_J0 + m_slack && point.g.norm() <= m_gradient_norm0 / 2);
  }
  /// The curvature condition (c2 = 0.9).
  bool curved(const LinePoint<Scalar>& point) const {
    return std::abs(point.slope) <= Scalar(0.9) * std::abs(m_slope0);
  }
  /// True if the point is no better than lo: not finite, no sufficient decrease, or higher.
  bool too_long(const LinePoint<Scalar>& point, const LinePoint<Scalar>& lo) const {
    return !is_finite_bits(point.J) || !decreases(point) || point.J > lo.J + m_slack;
  }
  /// Keeps the best point with sufficient decrease seen so far (the fallback).
  void remember(const LinePoint<Scalar>& point) {
    if (is_finite_bits(point.J) && decreases(point) && point.J < m_J0 &&
        (!m_have_best || point.J < m_best.J)) {
      m_best = point;
      m_have_best = true;
    }
  }
  /// Doubles t until [lo, hi] brackets an acceptable step (returns true) or a trial is accepted
  /// (sets `accepted`, the point in `out`).
  bool bracket(Scalar t, LinePoint<Scalar>& lo, LinePoint<Scalar>& hi, LinePoint<Scalar>& out,
               bool& accepted) {
    LinePoint<Scalar> current;
    for (;;) {
      if (m_trials >= max_trials || !evaluate(t, current)) return false;
      if (too_long(current, lo)) {
        hi = current;
        return true;
      }
      if (curved(current)) {
        out = current;
        accepted = true;
        return false;
      }
      if (current.slope >= 0) {
        hi = lo;
        lo = current;
        return true;
      }
      lo = current;
      t *= 2;
    }
  }
  /// Zooms inside [lo, hi] (either order); true if a trial is accepted (the point in `out`).
  bool zoom(LinePoint<Scalar>& lo, LinePoint<Scalar>& hi, LinePoint<Scalar>& out) {
    LinePoint<Scalar> current;
    while (m_trials < max_trials) {
      const Scalar width = std::abs(hi.t - lo.t);
      if (!(width > std::numeric_limits<Scalar>::epsilon() * std::max(Scalar(1), std::abs(lo.t))))
        return false;
      if (!evaluate(cubic_step(lo, hi), current)) return false;
      if (too_long(current, lo)) {
        hi = current;
        continue;
      }
      if (curved(current)) {
        out = current;
        return true;
      }
      if (current.slope * (hi.t - lo.t) >= 0) hi = lo;
      lo = current;
    }
    return false;
  }

  const ProblemT& m_problem;
  Progress<Scalar>& m_progress;
  const Vector<Scalar>& m_theta;
  const Vector<Scalar>& m_p;
  const Scalar m_J0, m_gradient_norm0, m_slope0, m_slack;
  int m_trials = 0;
  bool m_out_of_passes = false;
  bool m_have_best = false;
  LinePoint<Scalar> m_best;
};

/// The strong-Wolfe line search of WolfeSearch along p from theta, starting at t_initial.
template <class Scalar, class ProblemT>
LineSearchEnd wolfe_search(const ProblemT& problem, Progress<Scalar>& progress,
                           const Vector<Scalar>& theta, Scalar J0, Scalar gradient_norm0,
                           Scalar slope0, const Vector<Scalar>& p, Scalar t_initial,
                           LinePoint<Scalar>& out) {
  return WolfeSearch<Scalar, ProblemT>(problem, progress, theta, J0, gradient_norm0, slope0, p)
      .run(t_initial, out);
}

/// The last m = 10 pairs s = theta_{k+1} - theta_k, y = g_{k+1} - g_k of L-BFGS, and the
/// two-loop recursion for p = -H_k g over them.
template <class Scalar>
class LbfgsMemory {
 public:
  static constexpr std::size_t size = 10;

  bool empty() const { return m_S.empty(); }
  void clear() {
    m_S.clear();
    m_Y.clear();
    m_rho.clear();
  }
  /// Keeps the pair if s.y > eps y.y (which keeps H_k positive definite), dropping the oldest.
  void push(Vector<Scalar> s, Vector<Scalar> y) {
    const Scalar sy = s.dot(y);
    if (!(sy > std::numeric_limits<Scalar>::epsilon() * y.squaredNorm() && is_finite_bits(sy)))
      return;
    if (m_S.size() == size) {
      m_S.pop_front();
      m_Y.pop_front();
      m_rho.pop_front();
    }
    m_S.push_back(std::move(s));
    m_Y.push_back(std::move(y));
    m_rho.push_back(Scalar(1) / sy);
  }
  /// p = -H_k g by the two-loop recursion, with H_0 = (s.y / y.y) I from the newest pair.
  void direction(const Vector<Scalar>& g, Vector<Scalar>& p) {
    p = -g;
    m_alpha.assign(m_S.size(), Scalar(0));
    for (std::size_t i = m_S.size(); i-- > 0;) {
      m_alpha[i] = m_rho[i] * m_S[i].dot(p);
      p -= m_alpha[i] * m_Y[i];
    }
    if (!m_S.empty()) p *= m_S.back().dot(m_Y.back()) / m_Y.back().squaredNorm();
    for (std::size_t i = 0; i < m_S.size(); ++i) {
      const Scalar beta = m_rho[i] * m_Y[i].dot(p);
      p += (m_alpha[i] - beta) * m_S[i];
    }
  }

 private:
  std::deque<Vector<Scalar>> m_S, m_Y;
  std::deque<Scalar> m_rho;
  std::vector<Scalar> m_alpha;
};

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

  LbfgsMemory<Scalar> memory;
  for (;;) {
    if (g.isZero(0)) {  // exactly stationary: J is convex, so this is its minimum
      progress.stop(StopReason::converged);
      break;
    }
    memory.direction(g, p);
    Scalar slope = g.dot(p);
    if (!(slope < 0) || !all_finite_bits(p)) {  // not a descent direction: restart from -g
      memory.clear();
      p = -g;
      slope = g.dot(p);
    }
    const Scalar gmax = g.cwiseAbs().maxCoeff();
    Scalar t0 = memory.empty() ? std::min(Scalar(1), Scalar(1) / gmax) : Scalar(1);
    LinePoint<Scalar> next;
    LineSearchEnd end = wolfe_search(problem, progress, theta, J, g.norm(), slope, p, t0, next);
    if (end == LineSearchEnd::failed && !memory.empty()) {  // once more along -g
      memory.clear();
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
    memory.push(next.theta - theta, next.g - g);
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
