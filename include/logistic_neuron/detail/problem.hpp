/// \file problem.hpp
/// \brief The one objective every solver minimises: J, its gradient, its Hessian and its
/// Lipschitz bound over any dataset, in the coordinates the solver works in (internal).
///
/// The data term is one fused pass over X (kernel.hpp):
///   J(w, b)  = scale sum_i s_i [softplus(z_i) - y_i z_i] + penalty,   z = X w + b
///   dJ/dw    = scale X^T (s o (a - y)),      dJ/db = scale sum_i s_i (a_i - y_i)
/// with scale = 1/S for the mean cost and 1 for the summed cost.
///
/// Units. The dataset knows E with every |x_ij| < 2^(E+1); f = 2^-E scales X to X' = f X, whose
/// entries are below 2 in magnitude. The solvers work in units of X', so that nothing they
/// compute (products of two features, the Hessian, the power iteration's norms, the squares of
/// standardize) overflows or underflows whatever X's scale, and their iterates scale with X:
/// for X -> cX with c a power of two, they are the same numbers.
///
/// Coordinates. The solvers see one vector theta = (v; c) of d + 1 entries, the bias last, with
/// a unit u_j and a centre mu_j per column (in units of X'):
///   w' = v / u,  w = f w',  b = c - mu . w',   so  z = X w + b = ((X' - mu) / u) v + c,
/// a change of the features applied to the parameters instead of to X (X is never copied):
///   unscaled:       u = f, mu = 0: theta = (w, b) itself (gradient descent with the user's
///                   learning rate: the seed's loop);
///   scaled:         u = 1, mu = 0: v = w / f (gradient descent with the step 1/L, Newton);
///   standardized:   u = sigma, mu = the column means (FitOptions::standardize): the penalty is
///                   (l2/2) ||v||^2, on the standardized weights;
///   preconditioned: u_j = sqrt(scale S sigma_j^2 / 4 + l2 f^2), mu = the means: a pure change of
///                   variables whose Hessian diagonal is about 1 (L-BFGS).
/// Except for standardized, the penalty is (l2/2) ||w||^2, on the original weights. The gradient
/// follows by the chain rule:
///   dJ/dv_j = (f dJ/dw_j - mu_j dJ/db) / u_j + dpenalty/dv_j,   dJ/dc = dJ/db.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
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
    const Accum<Scalar> norm = next.stableNorm();
    if (!(norm > 0) || !is_finite_bits(norm)) break;
    v = (next / norm).template cast<Scalar>();
    const bool settled = iteration >= 4 && std::abs(rayleigh - lambda) <= 1e-4 * rayleigh;
    lambda = std::max(lambda, rayleigh);
    if (settled) break;
  }
  return lambda;
}

/// The coordinates a Problem's solver works in (see the file comment).
enum class Coordinates { unscaled, scaled, standardized, preconditioned };

/// f = 2^-E for the dataset's scale exponent E, E kept where 2^-E and 2^E are normal numbers.
template <class Scalar>
Scalar scale_factor(int exponent) {
  const int bound = std::numeric_limits<Scalar>::max_exponent - 24;
  using std::ldexp;
  return ldexp(Scalar(1), -std::clamp(exponent, -bound, bound));
}

/// J and its derivatives over a dataset in the solvers' coordinates (see the file comment). The
/// dataset and the scaling must outlive the Problem.
template <class Data>
class Problem {
 public:
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;

  /// \param scaling the column statistics of f X; needed for standardized and preconditioned.
  Problem(const Data& data, Scalar l2, CostReduction reduction, int threads,
          Coordinates coordinates = Coordinates::scaled, const Scaling<Scalar>* scaling = nullptr)
      : m_data(data), m_l2(l2), m_threads(threads),
        m_factor(scale_factor<Scalar>(data.scale_exponent())),
        m_scale(reduction == CostReduction::mean ? Acc(1) / data.total_weight() : Acc(1)),
        m_penalise_v(coordinates == Coordinates::standardized),
        m_report_v(coordinates == Coordinates::standardized) {
    const Eigen::Index d = data.cols();
    m_unit = Vector<Scalar>::Ones(d);
    m_mean = Vector<Scalar>::Zero(d);
    m_constant.assign(static_cast<std::size_t>(d), 0);
    if (coordinates == Coordinates::unscaled) m_unit.setConstant(m_factor);
    if (coordinates == Coordinates::standardized || coordinates == Coordinates::preconditioned) {
      m_mean = scaling->mean;
      m_constant = scaling->constant;
      m_unit = scaling->sd;
      m_centred = true;
    }
    if (coordinates == Coordinates::preconditioned) {
      // The data part of d2J/dv_j^2 is about scale S sigma_j^2 / 4 / u_j^2 (sigmoid' <= 1/4)
      // and the penalty's is l2 f^2 / u_j^2, so u_j^2 = scale S sigma_j^2 / 4 + l2 f^2 (1 if 0).
      const Acc data_part = m_scale * data.total_weight() / 4;
      const Acc ridge = Acc(l2) * Acc(m_factor) * Acc(m_factor);
      for (Eigen::Index j = 0; j < d; ++j) {
        const Acc sd = m_constant[static_cast<std::size_t>(j)] ? Acc(0) : Acc(scaling->sd[j]);
        const Acc unit2 = data_part * sd * sd + ridge;
        m_unit[j] = unit2 > 0 ? static_cast<Scalar>(std::sqrt(unit2)) : Scalar(1);
      }
    }
  }

  Eigen::Index n_features() const noexcept { return m_data.cols(); }
  const Data& data() const noexcept { return m_data; }
  int threads() const noexcept { return m_threads; }

  /// (w, b) on the original scale from theta = (v; c).
  void to_original(const Vector<Scalar>& theta, Vector<Scalar>& w, Scalar& b) const {
    const Eigen::Index d = n_features();
    const Vector<Scalar> w_unit = theta.head(d).cwiseQuotient(m_unit);  // w'
    w = m_factor * w_unit;
    b = m_centred ? static_cast<Scalar>(Acc(theta[d]) - m_mean.template cast<Acc>().dot(
                                                            w_unit.template cast<Acc>()))
                  : theta[d];
  }

  /// theta = (v; c) of (w, b): v = u o w / f, c = b + mu . w / f.
  Vector<Scalar> from_original(const Vector<Scalar>& w, Scalar b) const {
    const Eigen::Index d = n_features();
    const Vector<Scalar> w_unit = w / m_factor;  // w'
    Vector<Scalar> theta(d + 1);
    theta.head(d) = w_unit.cwiseProduct(m_unit);
    theta[d] = m_centred ? static_cast<Scalar>(Acc(b) + m_mean.template cast<Acc>().dot(
                                                            w_unit.template cast<Acc>()))
                         : b;
    return theta;
  }

  /// J(theta) and its gradient (d + 1 entries, the bias last): one fused pass over X.
  Scalar evaluate(const Vector<Scalar>& theta, Vector<Scalar>& gradient) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
    const PassSums<Scalar> sums = logistic_sums(w, b);
    const Scalar gb = static_cast<Scalar>(m_scale * sums.bias);  // dJ/db
    gradient.resize(d + 1);
    Acc penalty = 0;
    for (Eigen::Index j = 0; j < d; ++j) {
      // dJ/dv_j = (f dJ/dw_j - mu_j dJ/db) / u_j + dpenalty/dv_j; the data part is exactly 0
      // for a constant column, whose centred feature is 0.
      const Acc gw = Acc(m_factor) * (m_scale * sums.weights[j]);  // dJ/dw'_j
      const Scalar data_part =
          m_constant[static_cast<std::size_t>(j)]
              ? Scalar(0)
              : static_cast<Scalar>((m_centred ? gw - Acc(m_mean[j]) * Acc(gb) : gw) /
                                    Acc(m_unit[j]));
      if (m_penalise_v) {
        gradient[j] = data_part + m_l2 * theta[j];                   // (l2/2) ||v||^2
        penalty += Acc(theta[j]) * Acc(theta[j]);
      } else {
        gradient[j] = data_part + m_l2 * w[j] * m_factor / m_unit[j];  // (l2/2) ||w||^2
        penalty += Acc(w[j]) * Acc(w[j]);
      }
    }
    gradient[d] = gb;
    // J = scale sum_i s_i loss_i + (l2/2) ||v or w||^2
    return static_cast<Scalar>(m_scale * sums.value + Acc(m_l2) / 2 * penalty);
  }

  /// The gradient that stopping rules and reports use, from the gradient in theta: with
  /// standardized coordinates the gradient itself (with respect to the standardized parameters,
  /// whose objective is the one minimised); otherwise the gradient of the user's problem with
  /// respect to (w, b): dJ/dw_j = (u_j dJ/dv_j + mu_j dJ/dc) / f, dJ/db = dJ/dc.
  Vector<Scalar> reported_gradient(const Vector<Scalar>& gradient) const {
    if (m_report_v) return gradient;
    const Eigen::Index d = n_features();
    Vector<Scalar> g(d + 1);
    for (Eigen::Index j = 0; j < d; ++j) {
      const Acc unit_part = m_centred ? Acc(m_unit[j]) * Acc(gradient[j]) +
                                            Acc(m_mean[j]) * Acc(gradient[d])
                                      : Acc(m_unit[j]) * Acc(gradient[j]);
      g[j] = static_cast<Scalar>(unit_part) / m_factor;
    }
    g[d] = gradient[d];
    return g;
  }

  /// The Hessian of J at theta: (d+1) x (d+1), in the accumulation type. One pass:
  ///   scale T^T H' T + the penalty's diagonal, H' = hessian_sums at (w, b) in units of X'
  /// with T the Jacobian of (w', b) in (v, c): dw'_j/dv_j = 1/u_j, db/dv_j = -mu_j/u_j,
  /// db/dc = 1. The penalty's diagonal is l2 (standardized) or l2 (f / u_j)^2. A constant
  /// column's row and column are 0 but for the diagonal: the penalty's, or 1 when that is 0 (its
  /// gradient entry is then 0, so any positive value leaves it unchanged).
  AccumMatrix<Scalar> hessian(const Vector<Scalar>& theta) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
    AccumMatrix<Scalar> H = hessian_sums(m_data, w, b, m_factor, m_threads);
    // H <- T^T H T, applied as column operations then row operations.
    for (Eigen::Index j = 0; j < d; ++j) {
      if (m_centred) H.col(j) -= Acc(m_mean[j]) * H.col(d);
      H.col(j) /= Acc(m_unit[j]);
    }
    for (Eigen::Index j = 0; j < d; ++j) {
      if (m_centred) H.row(j) -= Acc(m_mean[j]) * H.row(d);
      H.row(j) /= Acc(m_unit[j]);
    }
    for (Eigen::Index j = 0; j < d; ++j) {
      if (m_constant[static_cast<std::size_t>(j)]) {
        H.row(j).setZero();
        H.col(j).setZero();
      }
    }
    H *= m_scale;
    for (Eigen::Index j = 0; j < d; ++j) {
      H(j, j) += penalty_curvature(j);
      if (m_constant[static_cast<std::size_t>(j)] && !(H(j, j) > 0)) H(j, j) = 1;
    }
    return H;
  }

  /// L = lambda_max(T^T [X' 1]^T diag(s) [X' 1] T) scale / 4 + the penalty's largest curvature,
  /// a bound on the Lipschitz constant of the gradient in theta (sigmoid' <= 1/4), with
  /// lambda_max estimated by power iteration from below.
  Scalar lipschitz() const {
    const Eigen::Index d = n_features();
    const Acc lambda = largest_eigenvalue<Scalar>(d + 1, [&](const Vector<Scalar>& u) {
      Vector<Scalar> w;
      Scalar b;
      to_original(u, w, b);
      // T^T [X' 1]^T diag(s) [X' 1] T u: the Gram product in units of X', mapped back.
      const PassSums<Scalar> sums = gram_sums(w, b);
      Vector<Acc> next(d + 1);
      for (Eigen::Index j = 0; j < d; ++j) {
        const Acc product = Acc(m_factor) * sums.weights[j];
        next[j] = m_constant[static_cast<std::size_t>(j)]
                      ? Acc(0)
                      : (m_centred ? product - Acc(m_mean[j]) * sums.bias : product) /
                            Acc(m_unit[j]);
      }
      next[d] = sums.bias;
      return next;
    });
    Acc penalty = 0;
    for (Eigen::Index j = 0; j < d; ++j) penalty = std::max(penalty, penalty_curvature(j));
    return static_cast<Scalar>(lambda * m_scale / 4 + penalty);
  }

  /// True if the gradient g at theta is at the optimum to rounding: no coordinate larger than
  /// 256 eps times the sum of the magnitudes of the terms it is made of, |g_k| <= 256 eps m_k.
  /// For the data part those are, per sample, s_i (|a_i - y_i| + a_i (1 - a_i) |z_i|) |x_ij|
  /// scaled as the gradient is: the residuals' own terms and the terms by which rounding theta
  /// to Scalar moves the gradient (the Hessian's row times theta). One pass over X.
  bool at_rounding_optimum(const Vector<Scalar>& theta, const Vector<Scalar>& g) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
    const PassSums<Scalar> sums = abs_pass(
        m_data, w, b,
        [](const auto& piece, Eigen::Index row0, Eigen::Index rows, Scalar* z) {
          for (Eigen::Index i = 0; i < rows; ++i) {
            const SampleTerms<Scalar> terms = sample_terms(z[i], piece.sign[row0 + i]);
            const Scalar a = sigmoid(z[i]);
            const Scalar s = piece.weight ? piece.weight[row0 + i] : Scalar(1);
            using std::abs;
            z[i] = s * (abs(terms.residual) + a * (Scalar(1) - a) * abs(z[i]));
          }
          return Scalar(0);
        },
        m_threads);
    const Acc tolerance = Acc(256) * Acc(std::numeric_limits<Scalar>::epsilon());
    const Acc bias_scale = m_scale * sums.bias;
    if (!(std::abs(Acc(g[d])) <= tolerance * bias_scale)) return false;
    for (Eigen::Index j = 0; j < d; ++j) {
      const Acc data_part = Acc(m_factor) * m_scale * sums.weights[j];
      Acc magnitude = (m_centred ? data_part + std::abs(Acc(m_mean[j])) * bias_scale : data_part) /
                      Acc(m_unit[j]);
      magnitude += m_penalise_v ? Acc(m_l2) * std::abs(Acc(theta[j]))
                                : Acc(m_l2) * std::abs(Acc(w[j])) * Acc(m_factor) / Acc(m_unit[j]);
      if (m_constant[static_cast<std::size_t>(j)]) continue;
      if (!(std::abs(Acc(g[j])) <= tolerance * magnitude)) return false;
    }
    return true;
  }

  /// The sums of one fused pass at (w, b) on the original scale: sum_i s_i [softplus(z_i) -
  /// y_i z_i], sum_i s_i (a_i - y_i) and X^T (s o (a - y)), unscaled.
  PassSums<Scalar> logistic_sums(const Vector<Scalar>& w, Scalar b) const {
    return fused_pass(
        m_data, w, b,
        [](const auto& piece, Eigen::Index row0, Eigen::Index rows, Scalar* z) {
          return kernel_logistic_step(z, piece.sign + row0,
                                      piece.weight ? piece.weight + row0 : nullptr, rows);
        },
        m_threads);
  }

 private:
  /// The penalty's second derivative in v_j: l2 (standardized) or l2 (f / u_j)^2.
  Acc penalty_curvature(Eigen::Index j) const {
    if (m_penalise_v) return Acc(m_l2);
    const Acc ratio = Acc(m_factor) / Acc(m_unit[j]);
    return Acc(m_l2) * ratio * ratio;
  }

  /// [X 1]^T diag(s) [X 1] (w; b) in one fused pass: z = X w + b, r = s z, then (X^T r; sum r).
  PassSums<Scalar> gram_sums(const Vector<Scalar>& w, Scalar b) const {
    return fused_pass(
        m_data, w, b,
        [](const auto& piece, Eigen::Index row0, Eigen::Index rows, Scalar* z) {
          if (piece.weight) {
            for (Eigen::Index i = 0; i < rows; ++i) z[i] *= piece.weight[row0 + i];
          }
          return Scalar(0);
        },
        m_threads);
  }

  const Data& m_data;
  Scalar m_l2;
  int m_threads;
  Scalar m_factor;   // f = 2^-E
  Acc m_scale;       // 1/S or 1
  bool m_penalise_v;  // (l2/2) ||v||^2 (standardized) instead of (l2/2) ||w||^2
  bool m_report_v;    // reported gradient with respect to v (standardized)
  bool m_centred = false;
  Vector<Scalar> m_unit;  // u_j
  Vector<Scalar> m_mean;  // mu_j
  std::vector<unsigned char> m_constant;
};

}  // namespace detail
}  // namespace logistic_neuron
