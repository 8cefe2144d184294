/// \file problem.hpp
/// \brief The objective the solvers minimise, in the coordinates they work in (internal).
///
/// Without a scaling, the coordinates are (w, b) themselves and the problem is Objective.
/// With a scaling (column means mu and standard deviations sigma of X), the solvers work on
/// centred and scaled coordinates (v, c), with a unit u_j per column:
///   w = v / u,  b = c - mu . w,   so  z = X w + b = ((X - mu) / u) v + c,
/// which is a change of the features applied to the parameters instead of to X (X is never
/// copied). The cost is J = (1/S) sum s_i loss_i + (l2/2) sum_j pi_j v_j^2, and either
///  - u = sigma and pi_j = 1: standardization, the penalty on the standardized weights
///    (FitOptions::standardize), or
///  - u_j = sqrt(sigma_j^2 / 4 + l2) (for the mean cost) and pi_j = 1/u_j^2: the penalty on the
///    original weights w, so this is a pure change of variables with the unscaled optimum; its
///    units make the Hessian's diagonal about 1 (L-BFGS uses it as a preconditioner).
/// The gradient follows from Objective's fused pass by the chain rule:
///   dJ/dv_j = (dJ/dw_j - mu_j dJ/db) / u_j + l2 pi_j v_j,   dJ/dc = dJ/db.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "../base/options.hpp"
#include "../base/config.hpp"
#include "hessian.hpp"
#include "kernel.hpp"
#include "objective.hpp"

namespace logistic_neuron {
namespace detail {

/// Sample-weighted column means and standard deviations of X.
template <class Scalar>
struct Scaling {
  Vector<Scalar> mean;                ///< mu_j
  Vector<Scalar> sd;                  ///< sigma_j, 1 for a constant column
  std::vector<unsigned char> constant;  ///< 1 where every positively weighted x_ij is the same
};

/// mu and sigma of every column in one pass (the kernel's layout; deterministic for any thread
/// count). Weighted by s_i: mu_j = sum s_i x_ij / S, sigma_j^2 = sum s_i (x_ij - mu_j)^2 / S,
/// accumulated as shifted sums around the first row (no cancellation for columns whose mean is
/// large against their spread). A column with sum s_i (x_ij - x_0j)^2 == 0 is constant: sigma
/// is taken as 1.
template <class Scalar, int Order>
Scaling<Scalar> column_scaling(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets,
                               int threads) {
  using Acc = Accum<Scalar>;
  const Eigen::Index n = X.rows(), d = X.cols();
  const Layout layout = make_layout(n, d, sizeof(Scalar));
  const Scalar* weight = targets.weight_data();
  const Vector<Acc> shift = X.row(0).transpose().template cast<Acc>();
  struct Sums {
    Acc weight = 0;
    Vector<Acc> first, second;  // sum s (x - shift), sum s (x - shift)^2
  };
  std::vector<Sums> chunk_sums(static_cast<std::size_t>(layout.chunks));
  for (Sums& sums : chunk_sums) {
    sums.first = Vector<Acc>::Zero(d);
    sums.second = Vector<Acc>::Zero(d);
  }
  run_chunks(layout.chunks, worker_count(layout.chunks, threads), [&](Eigen::Index c, int) {
    Sums& sums = chunk_sums[static_cast<std::size_t>(c)];
    const Eigen::Index end = std::min(n, (c + 1) * layout.chunk_rows);
    for (Eigen::Index i = c * layout.chunk_rows; i < end; ++i) {
      const Acc s = weight ? Acc(weight[i]) : Acc(1);
      sums.weight += s;
      for (Eigen::Index j = 0; j < d; ++j) {
        const Acc delta = Acc(X(i, j)) - shift[j];
        sums.first[j] += s * delta;
        sums.second[j] += s * delta * delta;
      }
    }
  });
  Sums total;
  total.first = Vector<Acc>::Zero(d);
  total.second = Vector<Acc>::Zero(d);
  for (const Sums& sums : chunk_sums) {
    total.weight += sums.weight;
    total.first += sums.first;
    total.second += sums.second;
  }
  Scaling<Scalar> scaling;
  scaling.mean.resize(d);
  scaling.sd.resize(d);
  scaling.constant.assign(static_cast<std::size_t>(d), 0);
  for (Eigen::Index j = 0; j < d; ++j) {
    const Acc offset = total.first[j] / total.weight;
    const Acc variance = std::max(Acc(0), total.second[j] / total.weight - offset * offset);
    scaling.mean[j] = static_cast<Scalar>(shift[j] + offset);
    const Scalar sd = static_cast<Scalar>(std::sqrt(variance));
    const bool constant = !(total.second[j] > 0) || !(sd > 0) || !std::isfinite(sd);
    scaling.constant[static_cast<std::size_t>(j)] = constant ? 1 : 0;
    scaling.sd[j] = constant ? Scalar(1) : sd;
  }
  return scaling;
}

/// Where the L2 penalty falls when a Problem has a scaling.
enum class Penalty {
  standardized,  ///< (l2/2) ||v||^2: FitOptions::standardize
  original       ///< (l2/2) ||w||^2 = (l2/2) sum (v_j / sigma_j)^2: a pure change of variables
};

/// J and its derivatives in the solvers' coordinates (see the file comment). Coordinates are
/// either (w, b) kept apart, for gradient descent, or one vector theta = (w; b) of d + 1
/// entries, for Newton and L-BFGS.
template <class Scalar, int Order>
class Problem {
 public:
  using Acc = Accum<Scalar>;

  /// \param scaling nullptr for the plain problem; else the column scaling, which must outlive
  ///   the Problem.
  Problem(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets, Scalar l2,
          CostReduction reduction, int threads, const Scaling<Scalar>* scaling, Penalty penalty)
      : m_X(X), m_targets(targets), m_l2(l2), m_threads(threads), m_scaling(scaling),
        m_change_of_variables(scaling != nullptr && penalty == Penalty::original),
        m_objective(X, targets, scaling ? Scalar(0) : l2, reduction, threads),
        m_scale(reduction == CostReduction::mean ? Acc(1) / targets.total_weight : Acc(1)) {
    const Eigen::Index d = X.cols();
    m_penalty = Vector<Scalar>::Ones(d);
    if (!scaling) return;
    m_unit = scaling->sd;
    if (penalty == Penalty::original) {
      // Units that give every coordinate a Hessian diagonal of about 1: the data part of
      // d2J/dv_j^2 is about scale S sigma_j^2 / 4 / u_j^2 (sigmoid' <= 1/4) and the penalty's is
      // l2 / u_j^2, so u_j^2 = scale S sigma_j^2 / 4 + l2 (1 if that is 0).
      const Acc data = m_scale * targets.total_weight / 4;
      for (Eigen::Index j = 0; j < d; ++j) {
        const Acc sd = scaling->constant[static_cast<std::size_t>(j)] ? Acc(0) : Acc(scaling->sd[j]);
        const Acc unit2 = data * sd * sd + Acc(l2);
        m_unit[j] = unit2 > 0 ? static_cast<Scalar>(std::sqrt(unit2)) : Scalar(1);
        m_penalty[j] = Scalar(1) / (m_unit[j] * m_unit[j]);
      }
    }
  }

  Eigen::Index n_features() const noexcept { return m_X.cols(); }
  bool scaled() const noexcept { return m_scaling != nullptr; }

  /// (w, b) on the original scale from the solver's coordinates (v, c).
  void to_original(const Vector<Scalar>& v, Scalar c, Vector<Scalar>& w, Scalar& b) const {
    if (!m_scaling) {
      w = v;
      b = c;
      return;
    }
    // w = v / u, b = c - mu . w
    w = v.cwiseQuotient(m_unit);
    b = static_cast<Scalar>(Acc(c) - m_scaling->mean.template cast<Acc>().dot(w.template cast<Acc>()));
  }

  /// The solver's coordinates (v, c) of (w, b): v = u o w, c = b + mu . w.
  void from_original(const Vector<Scalar>& w, Scalar b, Vector<Scalar>& v, Scalar& c) const {
    if (!m_scaling) {
      v = w;
      c = b;
      return;
    }
    v = w.cwiseProduct(m_unit);
    c = static_cast<Scalar>(Acc(b) + m_scaling->mean.template cast<Acc>().dot(w.template cast<Acc>()));
  }

  /// J(v, c) and its gradient (gv, gc): one fused pass over X.
  Scalar evaluate(const Vector<Scalar>& v, Scalar c, Vector<Scalar>& gv, Scalar& gc) const {
    if (!m_scaling) return m_objective.evaluate(v, c, gv, gc);
    Vector<Scalar> w, gw;
    Scalar b, gb;
    to_original(v, c, w, b);
    const Scalar data = m_objective.evaluate(w, b, gw, gb);  // l2 = 0 here
    gv.resize(v.size());
    Acc penalty = 0;
    for (Eigen::Index j = 0; j < v.size(); ++j) {
      // dJ/dv_j = (dJ/dw_j - mu_j dJ/db) / u_j + l2 pi_j v_j; exactly l2 pi_j v_j for a
      // constant column, whose standardized feature is 0.
      const Acc data_part = m_scaling->constant[static_cast<std::size_t>(j)]
                                ? Acc(0)
                                : (Acc(gw[j]) - Acc(m_scaling->mean[j]) * Acc(gb)) /
                                      Acc(m_unit[j]);
      gv[j] = static_cast<Scalar>(data_part + Acc(m_l2) * Acc(m_penalty[j]) * Acc(v[j]));
      penalty += Acc(m_penalty[j]) * Acc(v[j]) * Acc(v[j]);
    }
    gc = gb;
    // J = (1/S) sum s_i loss_i + (l2/2) sum pi_j v_j^2
    return static_cast<Scalar>(Acc(data) + Acc(m_l2) / 2 * penalty);
  }

  /// The gradient that stopping rules and reports use, from the gradient in the solver's
  /// coordinates (theta layout). Where the scaling is a pure change of variables
  /// (Penalty::original), the gradient of the user's problem, with respect to (w, b):
  ///   dJ/dw_j = u_j dJ/dv_j + mu_j dJ/dc,  dJ/db = dJ/dc;
  /// otherwise the gradient itself (for standardize: with respect to the standardized
  /// parameters, whose objective is the one minimised).
  Vector<Scalar> reported_gradient(const Vector<Scalar>& gradient) const {
    if (!m_change_of_variables) return gradient;
    const Eigen::Index d = n_features();
    Vector<Scalar> g(d + 1);
    for (Eigen::Index j = 0; j < d; ++j) {
      g[j] = static_cast<Scalar>(Acc(m_unit[j]) * Acc(gradient[j]) +
                                 Acc(m_scaling->mean[j]) * Acc(gradient[d]));
    }
    g[d] = gradient[d];
    return g;
  }

  /// J(theta) and its gradient for theta = (v; c), d + 1 entries.
  Scalar evaluate(const Vector<Scalar>& theta, Vector<Scalar>& gradient) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> gv;
    Scalar gc;
    const Scalar J = evaluate(Vector<Scalar>(theta.head(d)), theta[d], gv, gc);
    gradient.resize(d + 1);
    gradient.head(d) = gv;
    gradient[d] = gc;
    return J;
  }

  /// The Hessian of J at theta = (v; c): (d+1) x (d+1), in the accumulation type. One pass.
  ///   plain:  scale H + l2 diag(1, ..., 1, 0)
  ///   scaled: scale T^T H T + l2 diag(pi, 0), with T the Jacobian of (w, b) in (v, c):
  ///           dw_j/dv_j = 1/sigma_j, db/dv_j = -mu_j/sigma_j, db/dc = 1
  /// where H = hessian_sums at the original parameters. A constant column's row and column are 0
  /// but for the diagonal, l2 pi_j (or 1 when that is 0: its gradient entry is then 0, so any
  /// positive value leaves it unchanged).
  AccumMatrix<Scalar> hessian(const Vector<Scalar>& theta) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> w;
    Scalar b;
    to_original(Vector<Scalar>(theta.head(d)), theta[d], w, b);
    AccumMatrix<Scalar> H = hessian_sums(m_X, m_targets, w, b, m_threads);
    if (m_scaling) {
      // H <- T^T H T, applied as column operations then row operations.
      for (Eigen::Index j = 0; j < d; ++j) {
        H.col(j) = (H.col(j) - Acc(m_scaling->mean[j]) * H.col(d)) / Acc(m_unit[j]);
      }
      for (Eigen::Index j = 0; j < d; ++j) {
        H.row(j) = (H.row(j) - Acc(m_scaling->mean[j]) * H.row(d)) / Acc(m_unit[j]);
      }
      for (Eigen::Index j = 0; j < d; ++j) {
        if (m_scaling->constant[static_cast<std::size_t>(j)]) {
          H.row(j).setZero();
          H.col(j).setZero();
        }
      }
    }
    H *= m_scale;
    for (Eigen::Index j = 0; j < d; ++j) {
      H(j, j) += Acc(m_l2) * Acc(m_penalty[j]);
      if (m_scaling && m_scaling->constant[static_cast<std::size_t>(j)] && !(H(j, j) > 0)) {
        H(j, j) = 1;
      }
    }
    return H;
  }

  /// An upper bound L on the Lipschitz constant of the gradient in (v, c), for gradient
  /// descent's step 1/L: lambda_max(T^T [X 1]^T diag(s) [X 1] T) scale / 4 + l2 max(pi), by
  /// power iteration through the fused pass (Objective::lipschitz when there is no scaling).
  Scalar lipschitz() const {
    if (!m_scaling) return m_objective.lipschitz();
    const Eigen::Index d = n_features();
    const Acc lambda = largest_eigenvalue<Scalar>(d + 1, [&](const Vector<Scalar>& u) {
      Vector<Scalar> w;
      Scalar b;
      to_original(Vector<Scalar>(u.head(d)), u[d], w, b);
      // T^T [X 1]^T diag(s) [X 1] T u: the Gram product in the original coordinates, mapped back.
      const Vector<Acc> product = m_objective.gram_times(w, b);
      Vector<Acc> next(d + 1);
      for (Eigen::Index j = 0; j < d; ++j) {
        next[j] = m_scaling->constant[static_cast<std::size_t>(j)]
                      ? Acc(0)
                      : (product[j] - Acc(m_scaling->mean[j]) * product[d]) / Acc(m_unit[j]);
      }
      next[d] = product[d];
      return next;
    });
    return static_cast<Scalar>(lambda * m_scale / 4 + Acc(m_l2) * Acc(m_penalty.maxCoeff()));
  }

 private:
  const XRef<Scalar, Order>& m_X;
  const Targets<Scalar>& m_targets;
  Scalar m_l2;
  int m_threads;
  const Scaling<Scalar>* m_scaling;
  bool m_change_of_variables;  // scaled with Penalty::original
  Objective<Scalar, Order> m_objective;
  Acc m_scale;
  Vector<Scalar> m_penalty;  // pi_j
  Vector<Scalar> m_unit;     // u_j: sigma_j, or the preconditioning units (Penalty::original)
};

/// The bookkeeping every iterative solver shares: epochs counted as passes over X, the cost
/// history, the callback and the stopping rules, in the order gradient descent applies them.
template <class Scalar>
class Progress {
 public:
  explicit Progress(const FitOptions<Scalar>& options) : m_options(options) {
    m_result.cost = std::numeric_limits<Scalar>::quiet_NaN();
    m_result.gradient_norm = std::numeric_limits<Scalar>::quiet_NaN();
  }

  /// True while another pass over X fits in max_epochs.
  bool can_pass() const noexcept { return m_result.epochs < m_options.max_epochs; }
  /// Counts one pass over X.
  void count_pass() noexcept { ++m_result.epochs; }

  /// Records an accepted iterate with cost J and gradient g (finite), reached with step length
  /// `step`; returns true when the fit must stop (callback, tolerance or gradient tolerance).
  bool accept(Scalar J, const Vector<Scalar>& g, Scalar step) {
    const bool first = m_result.cost_history.empty();
    const bool settled = !first && std::abs(J - m_result.cost) < m_options.tolerance;
    m_result.cost = J;
    m_result.gradient_norm = g.stableNorm();
    m_result.learning_rate = step;
    m_result.cost_history.push_back(J);
    if (m_options.on_epoch &&
        !m_options.on_epoch(EpochInfo<Scalar>{m_result.epochs, J, m_result.gradient_norm, step})) {
      return stop(StopReason::callback);
    }
    if (settled) return stop(StopReason::converged);
    if (m_options.gradient_tolerance > 0 && g.cwiseAbs().maxCoeff() <= m_options.gradient_tolerance) {
      return stop(StopReason::converged);
    }
    return false;
  }

  /// Ends the fit for `reason`; returns true.
  bool stop(StopReason reason) noexcept {
    m_result.stop_reason = reason;
    return true;
  }

  FitResult<Scalar>& result() noexcept { return m_result; }

 private:
  const FitOptions<Scalar>& m_options;
  FitResult<Scalar> m_result{};
};

/// True if J and every gradient entry are finite.
template <class Scalar>
bool all_finite(Scalar J, const Vector<Scalar>& g) {
  return std::isfinite(J) && g.allFinite();
}

/// The tolerance within which two costs are equal to rounding: a step whose cost rises by less
/// is not rejected for that alone.
template <class Scalar>
Scalar rounding_slack(Scalar J) {
  return Scalar(16) * std::numeric_limits<Scalar>::epsilon() * std::abs(J);
}

}  // namespace detail
}  // namespace logistic_neuron
