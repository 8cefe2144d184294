/// \file logistic.hpp
/// \brief The per-sample maths, written once: the sigmoid, softplus, the residual and the
/// Hessian weight of one logit, in scalar form and, for a block of logits, in Eigen's packets
/// (internal).
///
/// With z the logit of a sample, y its label and t = 1 - 2y its sign (+1 for y = 0, -1 for
/// y = 1), m = t z and e = exp(-|z|):
///   a = sigmoid(z)            = (z >= 0 ? 1 : e) / (1 + e)       (no overflow)
///   softplus(z) - y z         = softplus(m) = max(m, 0) + log1p(e) (no cancellation)
///   a - y                     = t sigmoid(m) = t (m >= 0 ? 1 : e) / (1 + e)
///   a (1 - a)                 = e / (1 + e)^2, whose root is sqrt(e) / (1 + e)
/// log1p(e) is log1p_unit (a polynomial, to about an ulp) for float and double, std::log1p for
/// long double; e is flushed to 0 where it would be subnormal (see subnormal_exp_limit).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

#include "../base/config.hpp"

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

/// True for the types whose log1p is log1p_unit.
template <class Scalar>
inline constexpr bool has_log1p_unit_v =
    std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>;

/// e = exp(-|z|), flushed to 0 where it would be subnormal.
template <class Scalar>
Scalar exp_minus_abs(Scalar z) {
  using std::abs;
  using std::exp;
  constexpr Scalar limit = subnormal_exp_limit<Scalar>();
  return abs(z) < limit ? exp(-abs(z)) : Scalar(0);
}

/// log1p(e) for e = exp(-|z|) in [0, 1]: log1p_unit for float and double, std::log1p otherwise.
template <class Scalar>
Scalar log1p_of_unit(Scalar e) {
  if constexpr (has_log1p_unit_v<Scalar>) {
    return log1p_unit<Scalar>(e, ScalarOps<Scalar>());
  } else {
    using std::log1p;
    return log1p(e);
  }
}

/// sigmoid(z) = 1 / (1 + e^-z), as (z >= 0 ? 1 : e) / (1 + e) with e = exp(-|z|): exp never
/// overflows, and no digits cancel.
template <class Scalar>
Scalar sigmoid(Scalar z) {
  using std::abs;
  using std::exp;
  const Scalar e = exp(-abs(z));
  return (z >= 0 ? Scalar(1) : e) / (Scalar(1) + e);
}

/// softplus(m) = log(1 + e^m) = max(m, 0) + log1p(exp(-|m|)).
template <class Scalar>
Scalar softplus(Scalar m) {
  return (m > Scalar(0) ? m : Scalar(0)) + log1p_of_unit(exp_minus_abs(m));
}

/// The loss and residual of one sample of sign t (1 - 2y) at logit z.
template <class Scalar>
struct SampleTerms {
  Scalar loss;      ///< softplus(z) - y z = softplus(t z)
  Scalar residual;  ///< a - y = t sigmoid(t z)
};

/// softplus(m) and t sigmoid(m) for m = t z, sharing one exp (see the file comment).
template <class Scalar>
SampleTerms<Scalar> sample_terms(Scalar z, Scalar t) {
  const Scalar m = t * z;
  const Scalar e = exp_minus_abs(z);
  const Scalar inverse = Scalar(1) / (Scalar(1) + e);
  return {(m > Scalar(0) ? m : Scalar(0)) + log1p_of_unit(e),
          t * ((m >= 0 ? Scalar(1) : e) * inverse)};
}

/// The square root of the Hessian weight sigmoid'(z) = a (1 - a) = e / (1 + e)^2, as
/// sqrt(e) / (1 + e) with e = exp(-|z|) (no overflow).
template <class Scalar>
Scalar hessian_root(Scalar z) {
  using std::abs;
  using std::exp;
  using std::sqrt;
  const Scalar e = exp(-abs(z));
  return sqrt(e) / (Scalar(1) + e);
}

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
/// returns sum_i s_i [softplus(z_i) - y_i z_i] (sample_terms, vectorised with Eigen's packets;
/// the rows a packet does not cover go through sample_terms itself). tick() is called once per
/// 8 rows (the kernel prefetches the next block from it). weight is null for unit weights.
template <class Scalar, class Tick>
Scalar logistic_block(Scalar* z_then_r, const Scalar* sign, const Scalar* weight, Eigen::Index rows,
                      const Tick& tick) {
  Eigen::Index i = 0;
  Scalar loss = 0;
  if constexpr (has_log1p_unit_v<Scalar> && Eigen::internal::packet_traits<Scalar>::Vectorizable) {
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
      const Packet e =
          pselect(pcmp_lt(magnitude, flush), pexp(pnegate(pmin(magnitude, flush))), zero);
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
  for (; i < rows; ++i) {
    if (i % 8 == 0) tick();
    const Scalar s = weight != nullptr ? weight[i] : Scalar(1);
    const SampleTerms<Scalar> terms = sample_terms(z_then_r[i], sign[i]);
    loss += s * terms.loss;
    z_then_r[i] = s * terms.residual;
  }
  return loss;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace detail
}  // namespace logistic_neuron
