/// \file newton_cg.hpp
/// \brief Truncated Newton: the Newton direction by conjugate gradients on Hessian-vector
/// products, never forming the Hessian (internal).
#pragma once

#include <algorithm>
#include <cmath>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "newton.hpp"
#include "progress.hpp"

namespace logistic_neuron {
namespace detail {

/// The most conjugate-gradient steps one Newton direction takes.
inline constexpr int newton_cg_max_steps = 250;

/// An approximate solution p of H p = -g at theta by conjugate gradients: the curvature weights
/// D at theta (one pass), then up to newton_cg_max_steps (or d + 1) products H v (one pass each)
/// until the residual ||H p + g|| <= eta ||g|| with eta = min(0.5, sqrt(||g||)) (the
/// Eisenstat-Walker forcing term: loose far from the optimum, superlinear near it), or a
/// direction of non-positive curvature appears (then the steps so far, or -g on the first).
/// The problem's coordinates are preconditioned (units that make the Hessian's diagonal about
/// 1), so plain CG is diagonally preconditioned CG on the user's problem.
template <class Scalar, class ProblemT>
DirectionEnd conjugate_gradient_direction(const ProblemT& problem, const Vector<Scalar>& theta,
                                          const Vector<Scalar>& g, Progress<Scalar>& progress,
                                          Vector<Scalar>& p) {
  if (!progress.can_pass()) return DirectionEnd::out_of_passes;
  progress.count_pass();
  const Vector<Scalar> D = problem.curvature(theta);
  const Scalar g_norm = g.stableNorm();
  const Scalar target = std::min(Scalar(0.5), std::sqrt(g_norm)) * g_norm;
  p = Vector<Scalar>::Zero(g.size());
  Vector<Scalar> r = -g;  // the residual -g - H p
  Vector<Scalar> direction = r;
  Scalar rr = r.squaredNorm();
  const Eigen::Index steps = std::min<Eigen::Index>(newton_cg_max_steps, g.size());
  for (Eigen::Index k = 0; k < steps; ++k) {
    if (!progress.can_pass()) return DirectionEnd::out_of_passes;
    progress.count_pass();
    const Vector<Scalar> Hd = problem.hessian_times(D, direction);
    const Scalar curvature = direction.dot(Hd);
    if (!is_finite_bits(curvature) || !all_finite_bits(Hd)) return DirectionEnd::non_finite;
    if (!(curvature > 0)) {
      if (k == 0) p = -g;
      break;
    }
    // p += a d, r -= a H d with a = r.r / d.H d; then d = r + (r'.r' / r.r) d
    const Scalar a = rr / curvature;
    p += a * direction;
    r -= a * Hd;
    const Scalar rr_next = r.squaredNorm();
    if (std::sqrt(rr_next) <= target) break;
    direction = r + (rr_next / rr) * direction;
    rr = rr_next;
  }
  return all_finite_bits(p) && g.dot(p) < 0 ? DirectionEnd::found : DirectionEnd::non_finite;
}

/// Newton-CG on a Problem from theta: newton_method with conjugate_gradient_direction.
template <class Scalar, class ProblemT>
FitResult<Scalar> newton_cg(const ProblemT& problem, const FitOptions<Scalar>& options,
                            Vector<Scalar>& theta, IterateObserver<Scalar>* observer) {
  return newton_method(problem, options, theta, observer,
                       [&problem](const Vector<Scalar>& at, const Vector<Scalar>& g,
                                  Progress<Scalar>& progress, Vector<Scalar>& p) {
                         return conjugate_gradient_direction(problem, at, g, progress, p);
                       });
}

}  // namespace detail
}  // namespace logistic_neuron
