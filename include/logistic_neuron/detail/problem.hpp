/// \file problem.hpp
/// \brief The one objective every solver minimises: J, its gradient, its Hessian and an
/// estimate of its gradient's Lipschitz constant over any dataset, in the coordinates the solver works in (internal).
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
///   standardized:   u = sigma, mu = the column means (FitOptions::standardize): the penalty
///                   falls on q = v, the standardized weights;
///   preconditioned: u_j = sqrt(scale S sigma_j^2 / 4 + ridge_j f^2) (1 if that is 0), mu = the
///                   means: a pure change of variables whose Hessian diagonal is about 1
///                   (L-BFGS, Newton-CG).
/// Without a bias (fit_intercept false) mu = 0: the columns are scaled but not centred. The
/// penalty is sum_j (ridge_j / 2) q_j^2 + lasso_j |q_j| (PenaltySpec), on q = w, the original
/// weights, except for standardized. The gradient
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

/// The penalty of a Problem, per feature: sum_j (ridge_j / 2) q_j^2 + lasso_j |q_j|, with q = w
/// (or q = v in standardized coordinates); and whether the bias is fitted (else it stays 0).
template <class Scalar>
struct PenaltySpec {
  Vector<Scalar> ridge;  ///< ridge_j = l2 + lambda (1 - alpha) p_j
  Vector<Scalar> lasso;  ///< lasso_j = lambda alpha p_j (empty: none)
  bool fit_intercept = true;
};

/// The pure-L2 penalty l2 on every one of d features, with a bias.
template <class Scalar>
PenaltySpec<Scalar> ridge_penalty(Scalar l2, Eigen::Index d) {
  PenaltySpec<Scalar> spec;
  spec.ridge = Vector<Scalar>::Constant(d, l2);
  return spec;
}

/// FitOptions' penalty on d features: l2 plus glmnet's elastic net lambda sum_j p_j ((1 - alpha)/2
/// w_j^2 + alpha |w_j|), the factors p rescaled to sum to d (as glmnet does; all 1 if none given).
template <class Scalar>
PenaltySpec<Scalar> penalty_of(const FitOptions<Scalar>& options, Eigen::Index d) {
  PenaltySpec<Scalar> spec = ridge_penalty(options.l2, d);
  spec.fit_intercept = options.fit_intercept;
  if (options.lambda > 0) {
    Vector<Scalar> p = Vector<Scalar>::Ones(d);
    if (options.penalty_factors.size() == d) {
      const Accum<Scalar> total = options.penalty_factors.template cast<Accum<Scalar>>().sum();
      p = (options.penalty_factors.template cast<Accum<Scalar>>() * (Accum<Scalar>(d) / total))
              .template cast<Scalar>();
    }
    spec.ridge.array() += options.lambda * (Scalar(1) - options.alpha) * p.array();
    if (options.alpha > 0) spec.lasso = options.lambda * options.alpha * p;
  }
  return spec;
}

/// J and its derivatives over a dataset in the solvers' coordinates (see the file comment). The
/// dataset and the scaling must outlive the Problem.
template <class Data>
class Problem {
 public:
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;

  /// The pure-L2 problem (l2 on every weight, a bias): see the other constructor.
  Problem(const Data& data, Scalar l2, CostReduction reduction, int threads,
          Coordinates coordinates = Coordinates::scaled, const Scaling<Scalar>* scaling = nullptr)
      : Problem(data, ridge_penalty(l2, data.cols()), reduction, threads, coordinates, scaling) {}

  /// \param scaling the column statistics of f X; needed for standardized and preconditioned.
  Problem(const Data& data, PenaltySpec<Scalar> penalty, CostReduction reduction, int threads,
          Coordinates coordinates, const Scaling<Scalar>* scaling)
      : m_data(data), m_penalty(std::move(penalty)), m_threads(threads),
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
      // Without a bias, b = 0 ties c to the means: scale the columns but do not centre them.
      if (m_penalty.fit_intercept) {
        m_mean = scaling->mean;
        m_centred = true;
      }
      m_constant = scaling->constant;
      m_unit = scaling->sd;
    }
    if (coordinates == Coordinates::preconditioned) {
      // The data part of d2J/dv_j^2 is about scale S sigma_j^2 / 4 / u_j^2 (sigmoid' <= 1/4)
      // and the ridge's is ridge_j f^2 / u_j^2, so u_j^2 = scale S sigma_j^2 / 4 + ridge_j f^2
      // (1 if 0).
      const Acc data_part = m_scale * data.total_weight() / 4;
      for (Eigen::Index j = 0; j < d; ++j) {
        const Acc ridge = Acc(m_penalty.ridge[j]) * Acc(m_factor) * Acc(m_factor);
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
    b = m_centred
            ? static_cast<Scalar>(Acc(theta[d]) -
                                  m_mean.template cast<Acc>().dot(w_unit.template cast<Acc>()))
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

  /// J(theta) and its gradient (d + 1 entries, the bias last): one fused pass over X. J includes
  /// the L1 part of the penalty; the gradient is that of the smooth part (the L1 part is for the
  /// solvers that handle it: see lasso_in_theta).
  Scalar evaluate(const Vector<Scalar>& theta, Vector<Scalar>& gradient) const {
    const Eigen::Index d = n_features();
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
    const PassSums<Scalar> sums = logistic_sums(w, b);
    // dJ/db, or 0 when the bias is not fitted (it then never moves)
    const Scalar gb =
        m_penalty.fit_intercept ? static_cast<Scalar>(m_scale * sums.bias) : Scalar(0);
    gradient.resize(d + 1);
    for (Eigen::Index j = 0; j < d; ++j) {
      // dJ/dv_j = (f dJ/dw_j - mu_j dJ/db) / u_j + dpenalty/dv_j; the data part is exactly 0
      // for a constant column, whose centred feature is 0.
      const Acc gw = Acc(m_factor) * (m_scale * sums.weights[j]);  // dJ/dw'_j
      const Scalar data_part =
          m_constant[static_cast<std::size_t>(j)]
              ? Scalar(0)
              : static_cast<Scalar>((m_centred ? gw - Acc(m_mean[j]) * Acc(gb) : gw) /
                                    Acc(m_unit[j]));
      const Scalar q = penalised(j, theta, w);
      gradient[j] = data_part + m_penalty.ridge[j] * q * dq_dv(j);  // (ridge_j / 2) q_j^2
    }
    gradient[d] = gb;
    return objective(sums.value, theta, w);
  }

  /// J(theta) alone, with evaluate's bits: the same pass without X^T r (X read once per block,
  /// for z).
  Scalar value(const Vector<Scalar>& theta) const {
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
    return objective(logistic_sums<false>(w, b).value, theta, w);
  }

  /// The L1 weight of each coordinate of theta: J's L1 part is sum_j t_j |v_j| with
  /// t_j = lasso_j dq_j/dv_j (empty when there is no L1 part); the soft-threshold of a proximal
  /// step eta on v_j is eta t_j.
  Vector<Scalar> lasso_in_theta() const {
    if (!m_penalty.lasso.size()) return {};
    const Eigen::Index d = n_features();
    Vector<Scalar> t(d);
    for (Eigen::Index j = 0; j < d; ++j) t[j] = m_penalty.lasso[j] * dq_dv(j);
    return t;
  }

  /// True when the bias is fitted (else its coordinate stays where it starts, at 0).
  bool fits_intercept() const noexcept { return m_penalty.fit_intercept; }

  /// The gradient that stopping rules and reports use, from the gradient in theta: with
  /// standardized coordinates the gradient itself (with respect to the standardized parameters,
  /// whose objective is the one minimised); otherwise the gradient of the user's problem with
  /// respect to (w, b): dJ/dw_j = (u_j dJ/dv_j + mu_j dJ/dc) / f, dJ/db = dJ/dc.
  Vector<Scalar> reported_gradient(const Vector<Scalar>& gradient) const {
    if (m_report_v) return gradient;
    const Eigen::Index d = n_features();
    Vector<Scalar> g(d + 1);
    for (Eigen::Index j = 0; j < d; ++j) {
      const Acc unit_part =
          m_centred ? Acc(m_unit[j]) * Acc(gradient[j]) + Acc(m_mean[j]) * Acc(gradient[d])
                    : Acc(m_unit[j]) * Acc(gradient[j]);
      g[j] = static_cast<Scalar>(unit_part) / m_factor;
    }
    g[d] = gradient[d];
    return g;
  }

  /// The Hessian of J at theta: (d+1) x (d+1), in the accumulation type. One pass:
  ///   scale T^T H' T + the penalty's diagonal, H' = hessian_sums at (w, b) in units of X'
  /// with T the Jacobian of (w', b) in (v, c): dw'_j/dv_j = 1/u_j, db/dv_j = -mu_j/u_j,
  /// db/dc = 1. The penalty's diagonal is ridge_j (standardized) or ridge_j (f / u_j)^2. A constant
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
    if (!m_penalty.fit_intercept) {
      // The bias does not move: its row and column are those of the identity.
      H.row(d).setZero();
      H.col(d).setZero();
      H(d, d) = 1;
    }
    return H;
  }

  /// The curvature weights D_i = s_i a_i (1 - a_i) at theta, for this process's rows in local
  /// row order: one pass (the logits only). hessian_times uses them.
  Vector<Scalar> curvature(const Vector<Scalar>& theta) const {
    Vector<Scalar> w;
    Scalar b;
    to_original(theta, w, b);
    const Layout layout = m_data.layout();
    Vector<Scalar> D(m_data.local_rows());
    for_each_chunk(m_data, worker_count(m_data.chunk_count(), m_threads),
                   [&](const auto& piece, Eigen::Index, int, Eigen::Index begin, Eigen::Index end) {
                     Scalar* out = D.data() + piece.local_row;
                     for (Eigen::Index row0 = begin; row0 < end; row0 += layout.block_rows) {
                       const Eigen::Index rows = std::min(layout.block_rows, end - row0);
                       piece.X.logits(row0, rows, w, b, out + row0);
                       for (Eigen::Index i = row0; i < row0 + rows; ++i) {
                         const Scalar root = hessian_root(out[i]);  // sqrt(a (1 - a))
                         out[i] = (piece.weight ? piece.weight[i] : Scalar(1)) * root * root;
                       }
                     }
                   });
    return D;
  }

  /// H v, the Hessian of J (see hessian()) at the theta whose curvature D is, times v: one fused
  /// pass, T^T (scale [X' 1]^T diag(D) [X' 1]) T v plus the ridge's curvature, never forming H.
  Vector<Scalar> hessian_times(const Vector<Scalar>& D, const Vector<Scalar>& v) const {
    const Eigen::Index d = n_features();
    // T v: the direction in (w, b), on the original scale.
    Vector<Scalar> w_dir, product(d + 1);
    Scalar b_dir;
    to_original(v, w_dir, b_dir);
    if (!m_penalty.fit_intercept) b_dir = 0;
    const PassSums<Scalar> sums = fused_pass(
        m_data, w_dir, b_dir,
        [&D](const auto& piece, Eigen::Index row0, Eigen::Index rows, Scalar* z) {
          const Scalar* weight = D.data() + piece.local_row + row0;
          for (Eigen::Index i = 0; i < rows; ++i) z[i] *= weight[i];
          return Scalar(0);
        },
        m_threads);
    const Acc bias = m_scale * sums.bias;
    for (Eigen::Index j = 0; j < d; ++j) {
      const Acc penalty = penalty_curvature(j);
      if (m_constant[static_cast<std::size_t>(j)]) {
        product[j] = static_cast<Scalar>((penalty > 0 ? penalty : Acc(1)) * Acc(v[j]));
        continue;
      }
      const Acc data_part = Acc(m_factor) * (m_scale * sums.weights[j]);
      product[j] = static_cast<Scalar>((m_centred ? data_part - Acc(m_mean[j]) * bias : data_part) /
                                           Acc(m_unit[j]) +
                                       penalty * Acc(v[j]));
    }
    product[d] = m_penalty.fit_intercept ? static_cast<Scalar>(bias) : v[d];
    return product;
  }

  /// L = lambda_max(T^T [X' 1]^T diag(s) [X' 1] T) scale / 4 + the penalty's largest curvature:
  /// with the exact lambda_max, a bound on the Lipschitz constant of the gradient in theta
  /// (sigmoid' <= 1/4). lambda_max is estimated by power iteration, whose Rayleigh quotient
  /// approaches it from below, so the L returned can be slightly below that bound (a step 1/L
  /// still decreases J: any step below 2/L does; see largest_eigenvalue).
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
        next[j] =
            m_constant[static_cast<std::size_t>(j)]
                ? Acc(0)
                : (m_centred ? product - Acc(m_mean[j]) * sums.bias : product) / Acc(m_unit[j]);
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
    if (m_penalty.fit_intercept && !(std::abs(Acc(g[d])) <= tolerance * bias_scale)) return false;
    for (Eigen::Index j = 0; j < d; ++j) {
      const Acc data_part = Acc(m_factor) * m_scale * sums.weights[j];
      Acc magnitude = (m_centred ? data_part + std::abs(Acc(m_mean[j])) * bias_scale : data_part) /
                      Acc(m_unit[j]);
      magnitude += Acc(m_penalty.ridge[j]) * std::abs(Acc(penalised(j, theta, w))) * Acc(dq_dv(j));
      if (m_constant[static_cast<std::size_t>(j)]) continue;
      if (!(std::abs(Acc(g[j])) <= tolerance * magnitude)) return false;
    }
    return true;
  }

  /// The sums of one fused pass at (w, b) on the original scale: sum_i s_i [softplus(z_i) -
  /// y_i z_i], sum_i s_i (a_i - y_i) and, with Gradient, X^T (s o (a - y)), unscaled.
  template <bool Gradient = true>
  PassSums<Scalar> logistic_sums(const Vector<Scalar>& w, Scalar b) const {
    return fused_pass<Gradient>(
        m_data, w, b,
        [](const auto& piece, Eigen::Index row0, Eigen::Index rows, Scalar* z) {
          return kernel_logistic_step(z, piece.sign + row0,
                                      piece.weight ? piece.weight + row0 : nullptr, rows);
        },
        m_threads);
  }

 private:
  /// J = scale sum_i s_i loss_i + sum_j (ridge_j / 2) q_j^2 + lasso_j |q_j|, from the pass's
  /// summed loss.
  Scalar objective(Acc loss, const Vector<Scalar>& theta, const Vector<Scalar>& w) const {
    Acc smooth = 0, l1 = 0;
    for (Eigen::Index j = 0; j < n_features(); ++j) {
      const Scalar q = penalised(j, theta, w);
      smooth += Acc(m_penalty.ridge[j]) * Acc(q) * Acc(q);
      if (m_penalty.lasso.size()) l1 += Acc(m_penalty.lasso[j]) * std::abs(Acc(q));
    }
    return static_cast<Scalar>(m_scale * loss + smooth / 2 + l1);
  }

  /// The penalised variable q_j: v_j (standardized) or w_j.
  Scalar penalised(Eigen::Index j, const Vector<Scalar>& theta, const Vector<Scalar>& w) const {
    return m_penalise_v ? theta[j] : w[j];
  }
  /// dq_j/dv_j: 1 (standardized) or f / u_j.
  Scalar dq_dv(Eigen::Index j) const { return m_penalise_v ? Scalar(1) : m_factor / m_unit[j]; }

  /// The ridge's second derivative in v_j: ridge_j (dq_j/dv_j)^2.
  Acc penalty_curvature(Eigen::Index j) const {
    const Acc ratio = m_penalise_v ? Acc(1) : Acc(m_factor) / Acc(m_unit[j]);
    return Acc(m_penalty.ridge[j]) * ratio * ratio;
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
  PenaltySpec<Scalar> m_penalty;
  int m_threads;
  Scalar m_factor;    // f = 2^-E
  Acc m_scale;        // 1/S or 1
  bool m_penalise_v;  // (l2/2) ||v||^2 (standardized) instead of (l2/2) ||w||^2
  bool m_report_v;    // reported gradient with respect to v (standardized)
  bool m_centred = false;
  Vector<Scalar> m_unit;  // u_j
  Vector<Scalar> m_mean;  // mu_j
  std::vector<unsigned char> m_constant;
};

}  // namespace detail
}  // namespace logistic_neuron
