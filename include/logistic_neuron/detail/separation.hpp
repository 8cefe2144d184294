/// \file separation.hpp
/// \brief Recognising (quasi-)separable data after a fit without L2 (internal).
///
/// Without L2, J has a minimiser only if no hyperplane separates the classes: if some direction
/// delta = (dw, db) != 0 has signed margins m_i(delta) = (2 y_i - 1)(x_i . dw + db) >= 0 for
/// every sample, J keeps decreasing along it and the weights grow without bound. The rule is
/// documented on logistic_neuron::Separation; this file implements it:
///
///  - margins at the kept parameters (one forward pass): all > 0 certifies complete separation;
///  - the direction the fit's own iterates moved in over the second half of the run (snapshots
///    through the wrapped on_epoch callback);
///  - when that is not conclusive, a Newton probe: up to separation_probe_max_steps damped Newton
///    steps on the summed cost from the kept parameters, in scratch variables (the fit's result is
///    not changed). Newton is affine invariant, so it runs away along a separating direction in a
///    few steps even when the margin is tiny compared with the data's scale (breast cancer: about
///    13 steps from zero), where gradient descent needs millions of epochs. On data with a
///    minimiser it converges (quadratically) and stops.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>

#include "../base/options.hpp"
#include "../base/config.hpp"
#include "hessian.hpp"
#include "kernel.hpp"
#include "objective.hpp"

namespace logistic_neuron {
namespace detail {

/// Keeps snapshots of the iterates a solver reports through on_epoch, for check_separation.
template <class Scalar>
class SeparationProbe {
 public:
  /// \param options the user's options (kept by reference; must outlive the probe).
  /// \param w, b the variables the solver updates in place; read at every on_epoch call.
  SeparationProbe(const FitOptions<Scalar>& options, const Vector<Scalar>& w, const Scalar& b)
      : m_user(options), m_w(w), m_b(b), m_active(options.l2 == 0 && options.check_separation) {
    if (!m_active) return;
    m_options = options;
    m_options.on_epoch = [this](const EpochInfo<Scalar>& info) {
      record();
      return m_user.on_epoch ? m_user.on_epoch(info) : true;
    };
  }
  SeparationProbe(const SeparationProbe&) = delete;
  SeparationProbe& operator=(const SeparationProbe&) = delete;

  /// The options to hand to the solver: the user's, with on_epoch wrapped when the check runs
  /// (l2 == 0 and check_separation).
  const FitOptions<Scalar>& options() const noexcept { return m_active ? m_options : m_user; }

  /// Fills result.separation for the parameters (w, b) the fit kept, over the data it used.
  template <int Order>
  void finish(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets,
              const Vector<Scalar>& w, Scalar b, int threads, FitResult<Scalar>& result) const {
    if (!m_active) return;
    // The reference: the latest snapshot taken at most half-way through the reported iterates.
    const Snapshot* reference = nullptr;
    if (m_latest.epoch > 0 && 2 * m_latest.epoch <= m_calls) {
      reference = &m_latest;
    } else if (m_older.epoch > 0 && 2 * m_older.epoch <= m_calls) {
      reference = &m_older;
    }
    check_separation(X, targets, w, b, reference ? &reference->w : nullptr,
                     reference ? reference->b : Scalar(0), reference ? reference->epoch : 0,
                     threads, result.separation);
  }

 private:
  struct Snapshot {
    Eigen::Index epoch = 0;
    Vector<Scalar> w;
    Scalar b = 0;
  };

  void record() {
    ++m_calls;
    if ((m_calls & (m_calls - 1)) != 0) return;  // snapshots at calls 1, 2, 4, 8, ...
    std::swap(m_older, m_latest);
    m_latest.epoch = m_calls;
    m_latest.w = m_w;
    m_latest.b = m_b;
  }

  const FitOptions<Scalar>& m_user;
  FitOptions<Scalar> m_options{};
  const Vector<Scalar>& m_w;
  const Scalar& m_b;
  bool m_active;
  Eigen::Index m_calls = 0;
  Snapshot m_latest{}, m_older{};
};

/// The summed cost sum_i s_i softplus(u_i), u_i = t_i z_i, at logits z; fills r_i = s_i (a_i - y_i)
/// = s_i t_i sigmoid(u_i) when r is not null.
template <class Scalar>
Accum<Scalar> probe_cost(const Vector<Scalar>& z, const Targets<Scalar>& targets, Vector<Scalar>* r) {
  const Scalar* weight = targets.weight_data();
  Accum<Scalar> total = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    const Scalar s = weight ? weight[i] : Scalar(1);
    const Scalar u = targets.sign[i] * z[i];
    const Scalar e = std::exp(-std::abs(u));
    // softplus(u) = max(u, 0) + log1p(e^-|u|)
    total += static_cast<Accum<Scalar>>(s * (std::max(u, Scalar(0)) + std::log1p(e)));
    if (r) (*r)[i] = s * targets.sign[i] * ((u >= 0 ? Scalar(1) : e) / (Scalar(1) + e));
  }
  return total;
}

/// Counts samples of positive weight with margin (2 y_i - 1) z_i <= 0.
template <class Scalar>
Eigen::Index count_misclassified(const Vector<Scalar>& z, const Targets<Scalar>& targets) {
  const Scalar* weight = targets.weight_data();
  Eigen::Index count = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    if (weight && !(weight[i] > 0)) continue;
    if (!(-targets.sign[i] * z[i] > 0)) ++count;
  }
  return count;
}

/// max_i(-m_i) / max_i(m_i) for the margins m_i = (2 y_i - 1)(z_i - z0_i) of the move from the
/// logits z0 to z (infinite when no margin is positive).
template <class Scalar>
Scalar move_overlap(const Vector<Scalar>& z, const Vector<Scalar>& z0, const Targets<Scalar>& targets) {
  const Scalar* weight = targets.weight_data();
  Scalar most_positive = 0, most_negative = 0;
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    if (weight && !(weight[i] > 0)) continue;
    const Scalar m = -targets.sign[i] * (z[i] - z0[i]);
    most_positive = std::max(most_positive, m);
    most_negative = std::max(most_negative, -m);
  }
  return most_positive > 0 ? most_negative / most_positive : std::numeric_limits<Scalar>::infinity();
}

/// Damped Newton steps on the summed cost from (w, b), which it updates; stops when the iterate
/// separates every sample, when the Newton decrement is negligible (a minimiser), when no step
/// lowers the cost, or after max_steps. Returns the steps taken.
template <class Scalar, int Order>
Eigen::Index newton_probe(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets,
                          Vector<Scalar>& w, Scalar& b, int threads, Eigen::Index max_steps) {
  using Acc = Accum<Scalar>;
  const Eigen::Index d = X.cols();
  Vector<Scalar> z, r(X.rows()), z_trial;
  forward_pass(X, w, b, z, threads);
  Acc cost = probe_cost(z, targets, &r);
  Eigen::Index steps = 0;
  for (; steps < max_steps; ++steps) {
    if (count_misclassified(z, targets) == 0) break;
    // g = sum_i r_i [x_i; 1], H = sum_i s_i a_i (1 - a_i) [x_i; 1][x_i; 1]^T (unscaled)
    Vector<Acc> g(d + 1);
    g.head(d) = (X.transpose() * r).template cast<Acc>();
    g[d] = static_cast<Acc>(r.sum());
    AccumMatrix<Scalar> H = hessian_sums(X, targets, w, b, threads);
    // A tiny ridge keeps the solve defined when the Hessian degenerates (saturated samples).
    const Acc ridge = Acc(1e-10) * std::max(H.diagonal().maxCoeff(), Acc(0)) +
                      std::numeric_limits<Acc>::min();
    H.diagonal().array() += ridge;
    const Vector<Acc> step = H.ldlt().solve(g);
    const Acc decrement = g.dot(step);  // Newton decrement squared
    if (!std::isfinite(static_cast<double>(decrement)) || !(decrement > 0) ||
        decrement <= Acc(1e-12) * (cost + Acc(1))) {
      break;  // at a minimiser (or the solve failed): no run-away
    }
    // Backtracking (Armijo) line search on the summed cost.
    Acc alpha = 1;
    bool accepted = false;
    for (int halving = 0; halving < 40; ++halving, alpha /= 2) {
      const Vector<Scalar> w_trial = (w.template cast<Acc>() - alpha * step.head(d)).template cast<Scalar>();
      const Scalar b_trial = static_cast<Scalar>(static_cast<Acc>(b) - alpha * step[d]);
      if (!w_trial.allFinite() || !std::isfinite(b_trial)) continue;
      forward_pass(X, w_trial, b_trial, z_trial, threads);
      const Acc trial = probe_cost(z_trial, targets, static_cast<Vector<Scalar>*>(nullptr));
      if (trial <= cost - Acc(1e-4) * alpha * decrement) {
        w = w_trial;
        b = b_trial;
        z.swap(z_trial);
        cost = probe_cost(z, targets, &r);
        accepted = true;
        break;
      }
    }
    if (!accepted) break;
  }
  return steps;
}

/// The rule documented on logistic_neuron::Separation; fills `out`. w_ref is null when the fit
/// reported fewer than two iterates.
template <class Scalar, int Order>
void check_separation(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets,
                      const Vector<Scalar>& w, Scalar b, const Vector<Scalar>* w_ref,
                      Scalar b_ref, Eigen::Index reference_epoch, int threads,
                      Separation<Scalar>& out) {
  out = Separation<Scalar>{};
  out.checked = true;
  const Scalar* weight = targets.weight_data();
  const Eigen::Index n = X.rows(), d = X.cols();

  // 1. Margins at the kept parameters.
  Vector<Scalar> z;
  forward_pass(X, w, b, z, threads);
  Scalar min_margin = std::numeric_limits<Scalar>::infinity();
  for (Eigen::Index i = 0; i < n; ++i) {
    if (weight && !(weight[i] > 0)) continue;
    const Scalar m = -targets.sign[i] * z[i];  // (2 y_i - 1) z_i
    min_margin = std::min(min_margin, m);
    out.max_abs_logit = std::max(out.max_abs_logit, std::abs(z[i]));
    if (!(m > 0)) ++out.misclassified;
    if (m >= separation_confident_margin<Scalar>) ++out.confident;
  }
  out.min_margin = min_margin;
  out.weight_norm = std::hypot(w.stableNorm(), b);  // ||(w, b)||
  if (out.misclassified == 0) {
    out.detected = true;
    out.kind = SeparationKind::complete;
  }

  // 2. The direction of the fit's own iterates over the second half of the run (reported as
  //    evidence even when rule 1 already decided).
  if (w_ref != nullptr) {
    out.reference_epoch = reference_epoch;
    const Scalar ref_norm = std::hypot(w_ref->stableNorm(), b_ref);
    out.weight_growth = ref_norm > 0 ? out.weight_norm / ref_norm
                                     : std::numeric_limits<Scalar>::infinity();
    Vector<Scalar> z_ref;
    forward_pass(X, *w_ref, b_ref, z_ref, threads);
    out.direction_overlap = move_overlap(z, z_ref, targets);
    if (!out.detected && out.weight_growth > 1 &&
        out.direction_overlap <= separation_overlap_limit<Scalar>) {
      out.detected = true;
      out.kind = SeparationKind::quasi_complete;
    }
  }
  if (out.detected) return;
  // Iterates that have settled: a minimiser, no probe needed.
  if (w_ref != nullptr && !(out.weight_growth > Scalar(1) + separation_probe_min_growth<Scalar>)) {
    return;
  }

  // 3. The Newton probe, where its Hessian is affordable.
  const double hessian_work = static_cast<double>(n) * static_cast<double>(d + 1) *
                              static_cast<double>(d + 1);
  if (d + 1 > separation_probe_max_features || hessian_work > separation_probe_max_work) return;
  Vector<Scalar> w_probe = w;
  Scalar b_probe = b;
  out.probe_steps = newton_probe(X, targets, w_probe, b_probe, threads,
                                 separation_probe_max_steps);
  Vector<Scalar> z_probe;
  forward_pass(X, w_probe, b_probe, z_probe, threads);
  out.probe_misclassified = count_misclassified(z_probe, targets);
  const Scalar probe_norm = std::hypot(w_probe.stableNorm(), b_probe);
  out.probe_weight_growth = out.weight_norm > 0 ? probe_norm / out.weight_norm
                                                : std::numeric_limits<Scalar>::infinity();
  out.probe_direction_overlap = move_overlap(z_probe, z, targets);
  if (out.probe_misclassified == 0) {
    out.detected = true;
    out.kind = SeparationKind::complete;
  } else if (out.probe_weight_growth > 1 &&
             out.probe_direction_overlap <= separation_overlap_limit<Scalar>) {
    out.detected = true;
    out.kind = SeparationKind::quasi_complete;
  }
}

}  // namespace detail
}  // namespace logistic_neuron
