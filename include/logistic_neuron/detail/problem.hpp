/// \file problem.hpp
/// \brief The one objective every solver minimises: J, its gradient, its Hessian and its
/// Lipschitz bound over any kind of X, in the coordinates the solver works in (internal).
///
/// The data term is one fused pass over X (kernel.hpp):
///   J(w, b)  = scale sum_i s_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2
///   dJ/dw    = scale X^T (s o (a - y)) + l2 w,      dJ/db = scale sum_i s_i (a_i - y_i)
/// with scale = 1/S for the mean cost and 1 for the summed cost.
///
/// Coordinates. The solvers see one vector theta = (v; c) of d + 1 entries, the bias last.
/// Without a scaling, (v, c) = (w, b). With a scaling (column means mu and standard deviations
/// sigma of X, statistics.hpp) they are centred and scaled coordinates with a unit u_j per column:
///   w = v / u,  b = c - mu . w,   so  z = X w + b = ((X - mu) / u) v + c,
/// which is a change of the features applied to the parameters instead of to X (X is never
/// copied). The cost is J = scale sum s_i loss_i + (l2/2) sum_j pi_j v_j^2, and either
///  - u = sigma and pi_j = 1: standardization, the penalty on the standardized weights
///    (FitOptions::standardize, Penalty::standardized), or
///  - u_j = sqrt(scale S sigma_j^2 / 4 + l2) and pi_j = 1/u_j^2 (Penalty::original): the penalty
///    on the original weights w, so this is a pure change of variables with the unscaled
///    optimum; its units make the Hessian's diagonal about 1 (L-BFGS uses it as a
///    preconditioner).
/// The gradient follows from the data term by the chain rule:
///   dJ/dv_j = (dJ/dw_j - mu_j dJ/db) / u_j + l2 pi_j v_j,   dJ/dc = dJ/db.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "hessian.hpp"
#include "kernel.hpp"
#include "logistic.hpp"
#include "statistics.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// The largest eigenvalue of a symmetric positive semidefinite operator of dimension `dim`, by
/// power iteration: `apply(v)` returns the operator times v (in Accum precision). The Rayleigh
/// quotient approaches it from below; for the step 1/L of gradient descent, which decreases J
/// for every step below 2/L, an estimate within a factor of two is enough, and a generic start
/// reaches one in a few iterations. Stops when the estimate settles to 1e-4 (at most 50 steps).
template <class Scalar, class Apply>
Accum<Scalar> largest_eigenvalue(Eigen::Index dim, const Apply& apply) {
  // A generic, deterministic start: no eigenvector of a real dataset is orthogonal to it.
  Vector<Scalar> v(dim);
  for (Eigen::Index j = 0; j < dim; ++j) v[j] = Scalar(1) + Scalar((j * 7919) % 101) / 101;
  v /= v.norm();
  Accum<Scalar> lambda = 0;
  for (int iteration = 0; iteration < 50; ++iteration) {
    const Vector<Accum<Scalar>> next = apply(v);
    const Accum<Scalar> rayleigh = next.dot(v.template cast<Accum<Scalar>>());  // |v| = 1
    const Accum<Scalar> norm = next.norm();
    if (!(norm > 0) || !std::isfinite(static_cast<double>(norm))) break;
    v = (next / norm).template cast<Scalar>();
    const bool settled = iteration >= 4 && std::abs(rayleigh - lambda) <= 1e-4 * rayleigh;
    lambda = std::max(lambda, rayleigh);
    if (settled) break;
  }
  return lambda;
}

/// Where the L2 penalty falls when a Problem has a scaling.
enum class Penalty {
  standardized,  ///< (l2/2) ||v||^2: FitOptions::standardize
  original       ///< (l2/2) ||w||^2 = (l2/2) sum (v_j / u_j)^2: a pure change of variables
};

/// J and its derivatives over (X, targets) in the solvers' coordinates (see the file comment).
/// Data is a kind of X (e.g. DenseX); X, the targets and the scaling must outlive the Problem.
template <class Data>
class Problem {
 public:
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;

  /// \param scaling nullptr for the plain problem; else the column scaling.
  Problem(const Data& X, const Targets<Scalar>& targets, Scalar l2, CostReduction reduction,
          int threads, const Scaling<Scalar>* scaling = nullptr,
          Penalty penalty = Penalty::standardized)
      : m_X(X), m_targets(targets), m_l2(l2), m_threads(threads), m_scaling(scaling),
        m_change_of_variables(scaling != nullptr && penalty == Penalty::original),
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
  /// The kind of X the passes run over.
  const Data& data() const noexcept { return m_X; }
  const Targets<Scalar>& targets() const noexcept { return m_targets; }
  int threads() const noexcept { return m_threads; }

  /// (w, b) on the original scale from theta = (v; c).
  void to_original(const Vector<Scalar>& theta, Vector<Scalar>& w, Scalar& b) const {
    const Eigen::Index d = n_features();
    if (!m_scaling) {
      w = theta.head(d);
      b = theta[d];
      return;
    }
    // w = v / u, b = c - mu . w
    w = theta.head(d).cwiseQuotient(m_unit);
    b = static_cast<Scalar>(Acc(theta[d]) -
                            m_scaling->mean.template cast<Acc>().dot(w.template cast<Acc>()));
  }

  /// theta = (v; c) of (w, b): v = u o w, c = b + mu . w.
  Vector<Scalar> from_original(const Vector<Scalar>& w, Scalar b) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> theta(d + 1);
    if (!m_scaling) {
      theta.head(d) = w;
      theta[d] = b;
      return theta;
    }
    theta.head(d) = w.cwiseProduct(m_unit);
    theta[d] = static_cast<Scalar>(Acc(b) + m_scaling->mean.template cast<Acc>().dot(
                                                 w.template cast<Acc>()));
    return theta;
  }

  /// J(theta) and its gradient (d + 1 entries, the bias last): one fused pass over X.
  Scalar evaluate(const Vector<Scalar>& theta, Vector<Scalar>& gradient) const {
    const Eigen::Index d = n_features();
    gradient.resize(d + 1);
    if (!m_scaling) {
      Vector<Scalar> w = theta.head(d);
      Vector<Scalar> gw;
      const Scalar J = data_term(w, theta[d], m_l2, gw, gradient[d]);
      gradient.head(d) = gw;
      return J;
    }
    Vector<Scalar> w, gw;
    Scalar b, gb;
    to_original(theta, w, b);
    const Scalar data = data_term(w, b, Scalar(0), gw, gb);
    Acc penalty = 0;
    for (Eigen::Index j = 0; j < d; ++j) {
      // dJ/dv_j = (dJ/dw_j - mu_j dJ/db) / u_j + l2 pi_j v_j; exactly l2 pi_j v_j for a
      // constant column, whose standardized feature is 0.
      const Acc data_part = m_scaling->constant[static_cast<std::size_t>(j)]
                                ? Acc(0)
                                : (Acc(gw[j]) - Acc(m_scaling->mean[j]) * Acc(gb)) /
                                      Acc(m_unit[j]);
      gradient[j] = static_cast<Scalar>(data_part + Acc(m_l2) * Acc(m_penalty[j]) * Acc(theta[j]));
      penalty += Acc(m_penalty[j]) * Acc(theta[j]) * Acc(theta[j]);
    }
    gradient[d] = gb;
    // J = scale sum s_i loss_i + (l2/2) sum pi_j v_j^2
    return static_cast<Scalar>(Acc(data) + Acc(m_l2) / 2 * penalty);
  }

  /// The gradient that stopping rules and reports use, from the gradient in the solver's
  /// coordinates. Where the scaling is a pure change of variables (Penalty::original), the
  /// gradient of the user's problem, with respect to (w, b):
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

  /// The Hessian of J at theta: (d+1) x (d+1), in the accumulation type. One pass.
  ///   plain:  scale H + l2 diag(1, ..., 1, 0)
  ///   scaled: scale T^T H T + l2 diag(pi, 0), with T the Jacobian of (w, b) in (v, c):
  ///           dw_j/dv_j = 1/u_j, db/dv_j = -mu_j/u_j, db/dc = 1
  /// where H = hessian_sums at the original parameters. A constant column's row and column are 0
  /// but for the diagonal, l2 pi_j (or 1 when that is 0: its gradient entry is then 0, so any
  /// positive value leaves it unchanged).
  AccumMatrix<Scalar> hessian(const Vector<Scalar>& theta) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
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

  /// L = lambda_max(T^T [X 1]^T diag(s) [X 1] T) scale / 4 + l2 max(pi), a bound on the
  /// Lipschitz constant of the gradient in theta (sigmoid' <= 1/4), with lambda_max estimated by
  /// power iteration from below; T is the identity without a scaling.
  Scalar lipschitz() const {
    const Eigen::Index d = n_features();
    const Acc lambda = largest_eigenvalue<Scalar>(d + 1, [&](const Vector<Scalar>& u) {
      if (!m_scaling) return gram_times(Vector<Scalar>(u.head(d)), u[d]);
      Vector<Scalar> w;
      Scalar b;
      to_original(u, w, b);
      // T^T [X 1]^T diag(s) [X 1] T u: the Gram product in the original coordinates, mapped back.
      const Vector<Acc> product = gram_times(w, b);
      Vector<Acc> next(d + 1);
      for (Eigen::Index j = 0; j < d; ++j) {
        next[j] = m_scaling->constant[static_cast<std::size_t>(j)]
                      ? Acc(0)
                      : (product[j] - Acc(m_scaling->mean[j]) * product[d]) / Acc(m_unit[j]);
      }
      next[d] = product[d];
      return next;
    });
    const Acc penalty = m_scaling ? Acc(m_l2) * Acc(m_penalty.maxCoeff()) : Acc(m_l2);
    return static_cast<Scalar>(lambda * m_scale / 4 + penalty);
  }

  /// The sums of one fused pass at (w, b) on the original scale: sum_i s_i [softplus(z_i) - y_i z_i],
  /// sum_i s_i (a_i - y_i) and X^T (s o (a - y)), unscaled.
  PassSums<Scalar> logistic_sums(const Vector<Scalar>& w, Scalar b) const {
    const Scalar* sign = m_targets.sign.data();
    const Scalar* weight = m_targets.weight_data();
    return fused_pass(
        m_X, w, b,
        [sign, weight](Eigen::Index row0, Eigen::Index rows, Scalar* z, const auto& tick) {
          return logistic_block(z, sign + row0, weight ? weight + row0 : nullptr, rows, tick);
        },
        m_threads);
  }

 private:
  /// The data term and the L2 penalty l2 on w, at (w, b) on the original scale:
  /// J = scale sum_i s_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2, with gw = dJ/dw and
  /// gb = dJ/db (the bias is not penalised).
  Scalar data_term(const Vector<Scalar>& w, Scalar b, Scalar l2, Vector<Scalar>& gw,
                   Scalar& gb) const {
    const PassSums<Scalar> sums = logistic_sums(w, b);
    // dJ/dw = scale X^T (s o (a - y)) + l2 w
    gw = (m_scale * sums.weights).template cast<Scalar>() + l2 * w;
    // dJ/db = scale sum_i s_i (a_i - y_i)
    gb = static_cast<Scalar>(m_scale * sums.bias);
    // J = scale sum_i s_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2
    return static_cast<Scalar>(m_scale * sums.value + Acc(l2) / 2 * Acc(w.squaredNorm()));
  }

  /// [X 1]^T diag(s) [X 1] (w; b) in one fused pass: z = X w + b, r = s z, then (X^T r; sum r).
  Vector<Acc> gram_times(const Vector<Scalar>& w, Scalar b) const {
    const Scalar* weight = m_targets.weight_data();
    const PassSums<Scalar> sums = fused_pass(
        m_X, w, b,
        [weight](Eigen::Index row0, Eigen::Index rows, Scalar* z, const auto&) {
          if (weight) {
            for (Eigen::Index i = 0; i < rows; ++i) z[i] *= weight[row0 + i];
          }
          return Scalar(0);
        },
        m_threads);
    Vector<Acc> product(w.size() + 1);
    product.head(w.size()) = sums.weights;
    product[w.size()] = sums.bias;
    return product;
  }

  const Data& m_X;
  const Targets<Scalar>& m_targets;
  Scalar m_l2;
  int m_threads;
  const Scaling<Scalar>* m_scaling;
  bool m_change_of_variables;  // scaled with Penalty::original
  Acc m_scale;
  Vector<Scalar> m_penalty;  // pi_j
  Vector<Scalar> m_unit;     // u_j: sigma_j, or the preconditioning units (Penalty::original)
};

}  // namespace detail
}  // namespace logistic_neuron
