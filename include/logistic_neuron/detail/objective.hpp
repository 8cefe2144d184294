/// \file objective.hpp
/// \brief The cost J, its gradient and its Lipschitz bound over one dataset (internal).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "../base/options.hpp"
#include "../base/config.hpp"
#include "kernel.hpp"

namespace logistic_neuron {
namespace detail {

/// -log of the smallest normal Scalar, (1 - min_exponent) ln 2: exp(-x) is subnormal for x
/// beyond it. A compile-time constant, since the elementwise kernel runs on groups of a few rows.
template <class Scalar>
constexpr Scalar subnormal_exp_limit() noexcept {
  return static_cast<Scalar>(1 - std::numeric_limits<Scalar>::min_exponent) *
         static_cast<Scalar>(0.693147180559945309417232121458176568L);
}

/// The polynomial of log1p_unit: log1p(f) = f + f^2 Q(f - 1/8) on f in [-1/4, 1/2), with Q's
/// monomial coefficients q (Chebyshev interpolation rounded to Scalar; relative error of Q 6.8e-17
/// in double, 2.6e-8 in float) and ln 2 = ln2_hi + ln2_lo. Written by
/// tests/reference/make_log1p_coefficients.py.
template <class Scalar>
struct Log1pUnit;
template <>
struct Log1pUnit<double> {
  static constexpr int terms = 21;
  static constexpr double q[terms] = {
      -0.4618857179914589,   0.27906037675223105,  -0.18823069386628313,  0.1349088369973017,
      -0.10049821603123663,  0.07689654217693348,  -0.060007481547988566, 0.04753996394592383,
      -0.0381153148872469,   0.030856552584773034, -0.025181399837841605, 0.020691156181732544,
      -0.01709822937700038,  0.014171097965692185, -0.011819298332628396, 0.010158238529403694,
      -0.008537263458124904, 0.005712827702644126, -0.004815874604913657, 0.008759368003717906,
      -0.0074517766465232015};
  static constexpr double ln2_hi = 0.6931471805599453;
  static constexpr double ln2_lo = 2.3190468138462996e-17;
};
template <>
struct Log1pUnit<float> {
  static constexpr int terms = 10;
  static constexpr float q[terms] = {
      -0.4618857204914093f,  0.27906039357185364f, -0.18822945654392242f, 0.1349078267812729f,
      -0.100567527115345f,   0.07695363461971283f, -0.05865805223584175f, 0.04642867296934128f,
      -0.04854618385434151f, 0.03944223001599312f};
  static constexpr float ln2_hi = 0.6931471824645996f;
  static constexpr float ln2_lo = -1.9046542121259336e-09f;
};

/// log1p(e) for e in [0, 1] (e = exp(-|z|) in the kernel), float or double, to about an ulp,
/// with one polynomial and neither a division nor a call: Eigen's vectorised log costs about
/// 3 ns a double with AVX-512 and this about a third of that. The reduction is exact: f = e for
/// e < 1/2, else f = (e - 1)/2 (exact for e in [1/2, 1]) and log1p(e) = ln 2 + log1p(f). Written
/// on operations that exist for Scalar and for Eigen's packets alike (ops::), so that the packet
/// and scalar paths compute the same formula.
template <class Scalar, class Ops, class Value>
Value log1p_unit(const Value& e, const Ops& ops) {
  using P = Log1pUnit<Scalar>;
  const Value half = ops.constant(Scalar(0.5));
  const auto big = ops.less_equal(half, e);
  const Value f = ops.select(big, ops.mul(ops.sub(e, ops.constant(Scalar(1))), half), e);
  const Value g = ops.sub(f, ops.constant(Scalar(0.125)));
  Value q = ops.constant(P::q[P::terms - 1]);
  for (int k = P::terms - 2; k >= 0; --k) q = ops.madd(q, g, ops.constant(P::q[k]));
  const Value l = ops.add(f, ops.mul(f, ops.mul(f, q)));
  return ops.select(big, ops.add(ops.constant(P::ln2_hi), ops.add(l, ops.constant(P::ln2_lo))), l);
}

/// The operations log1p_unit needs, on plain scalars.
template <class Scalar>
struct ScalarOps {
  Scalar constant(Scalar c) const { return c; }
  bool less_equal(Scalar a, Scalar b) const { return a <= b; }
  Scalar select(bool c, Scalar a, Scalar b) const { return c ? a : b; }
  Scalar add(Scalar a, Scalar b) const { return a + b; }
  Scalar sub(Scalar a, Scalar b) const { return a - b; }
  Scalar mul(Scalar a, Scalar b) const { return a * b; }
  Scalar madd(Scalar a, Scalar b, Scalar c) const { return a * b + c; }
};

// Eigen's packet types (__m256d and the like) carry attributes that GCC warns about when they
// are template arguments; the warning is harmless here, as in Eigen itself.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#endif
/// The operations log1p_unit needs, on Eigen's packets.
template <class Packet>
struct PacketOps {
  using Scalar = typename Eigen::internal::unpacket_traits<Packet>::type;
  Packet constant(Scalar c) const { return Eigen::internal::pset1<Packet>(c); }
  Packet less_equal(const Packet& a, const Packet& b) const {
    return Eigen::internal::pcmp_le(a, b);
  }
  Packet select(const Packet& c, const Packet& a, const Packet& b) const {
    return Eigen::internal::pselect(c, a, b);
  }
  Packet add(const Packet& a, const Packet& b) const { return Eigen::internal::padd(a, b); }
  Packet sub(const Packet& a, const Packet& b) const { return Eigen::internal::psub(a, b); }
  Packet mul(const Packet& a, const Packet& b) const { return Eigen::internal::pmul(a, b); }
  Packet madd(const Packet& a, const Packet& b, const Packet& c) const {
    return Eigen::internal::pmadd(a, b, c);
  }
};

/// For one block: turns the logits z into the residuals r_i = s_i (a_i - y_i) in place and
/// returns sum_i s_i [softplus(z_i) - y_i z_i].
///
/// The labels come as signs t_i = 1 - 2 y_i (+1 for y = 0, -1 for y = 1), so that with
/// m_i = t_i z_i, e_i = exp(-|z_i|) and u_i = 1 + e_i:
///   softplus(z) - y z = softplus(m) = max(m, 0) + log1p(e)   (no cancellation for either label)
///   a - y = t sigmoid(m) = t (m >= 0 ? 1 : e) / u             (no overflow, no cancellation)
/// For float and double, log1p(e) is log1p_unit (a polynomial, to about an ulp); for long
/// double, std::log1p. One exp, one polynomial and one division a sample, vectorised with Eigen's
/// packets. e is flushed to 0 where it would be subnormal (|z| > -log(min normal), about 708 in
/// double and 87 in float): the loss and residual then change by less than the smallest normal
/// number, and no arithmetic on subnormals (up to 100 times slower) is done on well-separated
/// data.
template <class Scalar, class Tick>
Scalar logistic_block(Scalar* z_then_r, const Scalar* sign, const Scalar* weight,
                      Eigen::Index rows, const Tick& tick) {
  constexpr bool polynomial = std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>;
  Eigen::Index i = 0;
  Scalar loss = 0;
  if constexpr (polynomial && Eigen::internal::packet_traits<Scalar>::Vectorizable) {
    using namespace Eigen::internal;
    using Packet = typename packet_traits<Scalar>::type;
    constexpr Eigen::Index size = unpacket_traits<Packet>::size;
    const PacketOps<Packet> ops;
    const Packet one = pset1<Packet>(Scalar(1));
    const Packet zero = pset1<Packet>(Scalar(0));
    constexpr Scalar limit = subnormal_exp_limit<Scalar>();
    const Packet flush = pset1<Packet>(limit);
    Packet total = zero;
    for (; i + size <= rows; i += size) {
      // one tick per 8 rows, whatever the packet size
      if constexpr (size >= 8) {
        for (Eigen::Index k = 0; k < size / 8; ++k) tick();
      } else if (i % 8 == 0) {
        tick();
      }
      const Packet z = ploadu<Packet>(z_then_r + i);
      const Packet t = ploadu<Packet>(sign + i);
      const Packet m = pmul(t, z);
      const Packet magnitude = pabs(z);
      const Packet e = pselect(pcmp_lt(magnitude, flush), pexp(pnegate(pmin(magnitude, flush))), zero);
      const Packet inverse = pdiv(one, padd(one, e));
      // softplus(m) = max(m, 0) + log1p(e)
      Packet loss_i = padd(pmax(m, zero), log1p_unit<Scalar>(e, ops));
      // r = t (m >= 0 ? 1 : e) / u
      Packet r = pmul(t, pmul(pselect(pcmp_le(zero, m), one, e), inverse));
      if (weight != nullptr) {
        const Packet s = ploadu<Packet>(weight + i);
        loss_i = pmul(s, loss_i);
        r = pmul(s, r);
      }
      total = padd(total, loss_i);
      pstoreu(z_then_r + i, r);
    }
    loss = predux(total);
  }
  constexpr Scalar limit = subnormal_exp_limit<Scalar>();
  for (; i < rows; ++i) {
    if (i % 8 == 0) tick();
    using std::exp;
    const Scalar z = z_then_r[i], t = sign[i], m = t * z;
    const Scalar e = std::abs(z) < limit ? exp(-std::abs(z)) : Scalar(0);
    const Scalar inverse = Scalar(1) / (Scalar(1) + e);
    const Scalar s = weight != nullptr ? weight[i] : Scalar(1);
    Scalar log1p_e;
    if constexpr (polynomial) {
      log1p_e = log1p_unit<Scalar>(e, ScalarOps<Scalar>());
    } else {
      using std::log1p;
      log1p_e = log1p(e);
    }
    loss += s * ((m > Scalar(0) ? m : Scalar(0)) + log1p_e);
    z_then_r[i] = s * t * ((m >= 0 ? Scalar(1) : e) * inverse);
  }
  return loss;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// The labels and sample weights of one dataset, checked and ready for the passes.
template <class Scalar>
struct Targets {
  Vector<Scalar> sign;           ///< t_i = 1 - 2 y_i
  Vector<Scalar> weight;         ///< s_i; empty when every weight is 1
  Accum<Scalar> total_weight{};  ///< S = sum_i s_i (n when unweighted)

  const Scalar* weight_data() const noexcept { return weight.size() ? weight.data() : nullptr; }
};

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

/// J(w, b) and its gradient over (X, targets), with the reduction and L2 penalty of FitOptions.
template <class Scalar, int Order>
class Objective {
 public:
  Objective(const XRef<Scalar, Order>& X, const Targets<Scalar>& targets, Scalar l2,
            CostReduction reduction, int threads)
      : m_X(X), m_targets(targets), m_l2(l2), m_threads(threads),
        m_scale(reduction == CostReduction::mean ? Accum<Scalar>(1) / targets.total_weight
                                                 : Accum<Scalar>(1)) {}

  Eigen::Index n_features() const noexcept { return m_X.cols(); }

  /// J(w, b); fills gw = dJ/dw = scale X^T (s o (a - y)) + l2 w and gb = dJ/db = scale sum s (a - y),
  /// where scale = 1/S for the mean cost and 1 for the summed cost.
  Scalar evaluate(const Vector<Scalar>& w, Scalar b, Vector<Scalar>& gw, Scalar& gb) const {
    const Scalar* sign = m_targets.sign.data();
    const Scalar* weight = m_targets.weight_data();
    const PassSums<Scalar> sums = fused_pass(
        m_X, w, b,
        [sign, weight](Eigen::Index row0, Eigen::Index rows, Scalar* z, const auto& tick) {
          return logistic_block(z, sign + row0, weight ? weight + row0 : nullptr, rows, tick);
        },
        m_threads);
    // dJ/dw = (1/S) X^T (s o (a - y)) + l2 w
    gw = (m_scale * sums.weights).template cast<Scalar>() + m_l2 * w;
    // dJ/db = (1/S) sum_i s_i (a_i - y_i): the bias is not penalised
    gb = static_cast<Scalar>(m_scale * sums.bias);
    // J = (1/S) sum_i s_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2
    return static_cast<Scalar>(m_scale * sums.value +
                               Accum<Scalar>(m_l2) / 2 * Accum<Scalar>(w.squaredNorm()));
  }

  /// [X 1]^T diag(s) [X 1] (w; b) in one fused pass: z = X w + b, r = s z, then (X^T r; sum r).
  Vector<Accum<Scalar>> gram_times(const Vector<Scalar>& w, Scalar b) const {
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
    Vector<Accum<Scalar>> product(w.size() + 1);
    product.head(w.size()) = sums.weights;
    product[w.size()] = sums.bias;
    return product;
  }

  /// L = lambda_max([X 1]^T diag(s) [X 1]) scale / 4 + l2, an upper bound on the Lipschitz
  /// constant of the gradient (sigmoid' <= 1/4), with lambda_max estimated by power iteration.
  Scalar lipschitz() const {
    const Eigen::Index d = m_X.cols();
    const Accum<Scalar> lambda = largest_eigenvalue<Scalar>(d + 1, [&](const Vector<Scalar>& v) {
      return gram_times(Vector<Scalar>(v.head(d)), v[d]);
    });
    return static_cast<Scalar>(lambda * m_scale / 4 + Accum<Scalar>(m_l2));
  }

 private:
  const XRef<Scalar, Order>& m_X;
  const Targets<Scalar>& m_targets;
  Scalar m_l2;
  int m_threads;
  Accum<Scalar> m_scale;
};

}  // namespace detail
}  // namespace logistic_neuron
