// The kernels' bodies, written once on an operation set O (O::S the scalar, O::V a vector of
// O::width of them, O::M a lane mask). Included by each of ops_portable.hpp, ops_sse2.hpp,
// ops_avx2.hpp and ops_avx512.hpp inside its own namespace and, for the x86 ones, inside a
// region compiled for that instruction set. No include guard: it is meant to be included once
// per instruction set.
//
// The helpers below are forced inline: called once per vector from the loops, a call would pass
// the vectors through memory and keep the out-of-order core from interleaving them.
//
// Determinism: every sum is formed in an order fixed by the lengths alone (vectors from index 0,
// then the remainder), never by the addresses, so the same rows give the same bits wherever
// they are stored.

// Loop unrolling hints, given only where the compiler optimises (without optimisation GCC
// ignores them with a warning, which would break a user's -O0 -Werror build).
#ifndef LOGISTIC_NEURON_UNROLL
#define LOGISTIC_NEURON_PRAGMA(text) _Pragma(#text)
#if defined(__OPTIMIZE__)
#define LOGISTIC_NEURON_UNROLL(n) LOGISTIC_NEURON_PRAGMA(GCC unroll n)
#else
#define LOGISTIC_NEURON_UNROLL(n)
#endif
#endif

/// sum_k c_k x^k by Estrin's scheme: pairs c_2i + c_2i+1 x, then pairs of those with x^2, then
/// with x^4, ...: the same number of multiply-adds as Horner's rule, but a chain of about
/// log2(N) of them instead of N, so that the vector units stay busy.
template <class O, int N>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V estrin(typename O::V x, const typename O::S (&c)[N]) {
  using V = typename O::V;
  V t[N];
  LOGISTIC_NEURON_UNROLL(32)
  for (int k = 0; k < N; ++k) t[k] = O::set1(c[k]);
  V power = x;
  int m = N;
  LOGISTIC_NEURON_UNROLL(8)
  for (int level = 0; level < 6 && m > 1; ++level) {
    LOGISTIC_NEURON_UNROLL(16)
    for (int i = 0; 2 * i + 1 < m; ++i) t[i] = O::fmadd(t[2 * i + 1], power, t[2 * i]);
    if (m % 2 != 0) t[m / 2] = t[m - 1];
    m = (m + 1) / 2;
    power = O::mul(power, power);
  }
  return t[0];
}

/// e^x for x in [-(1 - min_exponent) ln 2, 0] (so that the result is a normal number or just
/// below): x = n ln 2 + r with n = round(x / ln 2) and |r| <= ln 2 / 2 (Cody and Waite's split
/// of ln 2, exact products), e^r by its Taylor polynomial to degree 13 (double; error below
/// 0.04 ulp) or 7 (float; below 0.1 ulp), times 2^n built in the exponent field.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V exp_nonpositive(typename O::V x) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr bool dbl = sizeof(S) == 8;
  const V t = O::fmadd(x, O::set1(S(1.4426950408889634)),
                       O::set1(dbl ? S(6755399441055744.0) : S(12582912.0f)));
  const V n = O::sub(t, O::set1(dbl ? S(6755399441055744.0) : S(12582912.0f)));
  V r = O::fmadd(n, O::set1(dbl ? S(-6.93147180369123816490e-01) : S(-0.693359375f)), x);
  r = O::fmadd(n, O::set1(dbl ? S(-1.90821492927058770002e-10) : S(2.12194440e-4f)), r);
  // e^r = 1 + (r + r^2 Q(r)), Q(r) = 1/2! + r/3! + ..., Q by Estrin's scheme: the two leading
  // terms, added last, carry the result's precision.
  V q;
  if constexpr (dbl) {
    static constexpr S tail[12] = {1.0 / 2.0,        1.0 / 6.0,         1.0 / 24.0,
                                   1.0 / 120.0,      1.0 / 720.0,       1.0 / 5040.0,
                                   1.0 / 40320.0,    1.0 / 362880.0,    1.0 / 3628800.0,
                                   1.0 / 39916800.0, 1.0 / 479001600.0, 1.0 / 6227020800.0};
    q = estrin<O>(r, tail);
  } else {
    static constexpr S tail[6] = {1.0f / 2.0f,   1.0f / 6.0f,   1.0f / 24.0f,
                                  1.0f / 120.0f, 1.0f / 720.0f, 1.0f / 5040.0f};
    q = estrin<O>(r, tail);
  }
  const V p = O::add(O::set1(S(1)), O::fmadd(O::mul(r, r), q, r));
  return O::mul(p, O::pow2_from_shifted(t));
}

/// log1p(e) for e in [0, 1]: the polynomial of Log1pUnit with its exact reduction (see
/// log1p_unit in logistic.hpp), Q evaluated by Estrin's scheme.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V log1p_unit_vector(typename O::V e) {
  using S = typename O::S;
  using V = typename O::V;
  using P = Log1pUnit<S>;
  const V half = O::set1(S(0.5));
  const typename O::M big = O::le(half, e);
  const V f = O::select(big, O::mul(O::sub(e, O::set1(S(1))), half), e);
  const V g = O::sub(f, O::set1(S(0.125)));
  const V q = estrin<O>(g, P::q);
  const V l = O::add(f, O::mul(f, O::mul(f, q)));
  return O::select(big, O::add(O::set1(P::ln2_hi), O::add(l, O::set1(P::ln2_lo))), l);
}

/// For one vector of logits z with signs t (1 - 2y) and weights s: the losses
/// s softplus(t z) (returned), the residuals s t sigmoid(t z) (into r) and, with Curvature, the
/// curvatures s e / (1 + e)^2 = s a (1 - a) (into v); e = exp(-|z|) is flushed to 0 beyond
/// subnormal_exp_limit.
template <class O, bool Curvature = false>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V logistic_lanes(typename O::V z, typename O::V t,
                                                           typename O::V s, typename O::V& r,
                                                           typename O::V* v = nullptr) {
  using S = typename O::S;
  using V = typename O::V;
  const V one = O::set1(S(1));
  const V zero = O::zero();
  const V limit = O::set1(subnormal_exp_limit<S>());
  const V m = O::mul(t, z);
  const V magnitude = O::abs(z);
  const V e = O::select(O::lt(magnitude, limit),
                        exp_nonpositive<O>(O::neg(O::min(magnitude, limit))), zero);
  const V inverse = O::div(one, O::add(one, e));
  // softplus(m) = max(m, 0) + log1p(e);  r = t (m >= 0 ? 1 : e) / (1 + e)
  V log1p_e;
  if constexpr (has_log1p_unit_v<S>) {
    log1p_e = log1p_unit_vector<O>(e);
  } else {
    log1p_e = O::log1p(e);
  }
  const V loss = O::add(O::max(m, zero), log1p_e);
  r = O::mul(s, O::mul(t, O::mul(O::select(O::le(zero, m), one, e), inverse)));
  if constexpr (Curvature) *v = O::mul(O::mul(s, e), O::mul(inverse, inverse));
  return O::mul(s, loss);
}

/// The elementwise logistic step of one block, from logits z (rows of them) into r_i =
/// s_i (a_i - y_i) (r may be z itself) and, with Curvature, v_i = s_i a_i (1 - a_i); returns
/// sum_i s_i [softplus(z_i) - y_i z_i] (weight null: unit weights), the same bits either way.
/// The rows a whole vector does not cover go through the same vector code, padded.
template <class O, bool Curvature>
typename O::S logistic_pass(const typename O::S* z, const typename O::S* sign,
                            const typename O::S* weight, Eigen::Index rows, typename O::S* r_out,
                            typename O::S* v_out) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  // Four vectors at a time, so that the out-of-order core interleaves four independent chains
  // of polynomial steps (one alone is bound by their latency); lane sums in four accumulators.
  V total[4] = {O::zero(), O::zero(), O::zero(), O::zero()};
  const V one = O::set1(S(1));
  Eigen::Index i = 0;
  for (; i + 4 * W <= rows; i += 4 * W) {
    V r[4], v[4];
    for (int k = 0; k < 4; ++k) {
      const Eigen::Index at = i + k * W;
      const V s = weight ? O::loadu(weight + at) : one;
      total[k] = O::add(total[k], logistic_lanes<O, Curvature>(
                                      O::loadu(z + at), O::loadu(sign + at), s, r[k], &v[k]));
    }
    for (int k = 0; k < 4; ++k) {
      O::storeu(r_out + i + k * W, r[k]);
      if constexpr (Curvature) O::storeu(v_out + i + k * W, v[k]);
    }
  }
  for (; i + W <= rows; i += W) {
    V r, v;
    const V s = weight ? O::loadu(weight + i) : one;
    total[0] = O::add(total[0],
                      logistic_lanes<O, Curvature>(O::loadu(z + i), O::loadu(sign + i), s, r, &v));
    O::storeu(r_out + i, r);
    if constexpr (Curvature) O::storeu(v_out + i, v);
  }
  S loss = O::reduce_add(O::add(O::add(total[0], total[1]), O::add(total[2], total[3])));
  if (i < rows) {
    S zt[W], tt[W], st[W], lt[W], vt[W];
    for (Eigen::Index k = 0; k < W; ++k) {
      const bool used = i + k < rows;
      zt[k] = used ? z[i + k] : S(0);
      tt[k] = used ? sign[i + k] : S(1);
      st[k] = used ? (weight ? weight[i + k] : S(1)) : S(0);
    }
    V r, v;
    O::storeu(lt, logistic_lanes<O, Curvature>(O::loadu(zt), O::loadu(tt), O::loadu(st), r, &v));
    O::storeu(zt, r);
    if constexpr (Curvature) O::storeu(vt, v);
    for (Eigen::Index k = 0; i + k < rows; ++k) {
      loss += lt[k];
      r_out[i + k] = zt[k];
      if constexpr (Curvature) v_out[i + k] = vt[k];
    }
  }
  return loss;
}

/// The elementwise logistic step of one block in place: z becomes r_i = s_i (a_i - y_i); see
/// logistic_pass.
template <class O>
typename O::S logistic_step(O, typename O::S* z, const typename O::S* sign,
                            const typename O::S* weight, Eigen::Index rows) {
  return logistic_pass<O, false>(z, sign, weight, rows, z, nullptr);
}

/// logistic_step out of place, with the curvatures: r_i = s_i (a_i - y_i), v_i = s_i a_i (1 - a_i).
template <class O>
typename O::S logistic_curvature(O, const typename O::S* z, const typename O::S* sign,
                                 const typename O::S* weight, Eigen::Index rows, typename O::S* r,
                                 typename O::S* v) {
  return logistic_pass<O, true>(z, sign, weight, rows, r, v);
}

/// Column-major X (column j at X + j ld): z_i = b + w_0 x_i0 + w_1 x_i1 + ... for rows
/// [0, rows), in column order. With Fused false, each product is rounded before it is added
/// (never fused into a multiply-add): the order and rounding of export_cpp's generated code,
/// which predictions use; the fit's passes use Fused true (multiply-adds), which does half the
/// work.
/// acc + w x: a multiply-add (Fused), or a rounded product then an add.
template <class O, bool Fused>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V logit_term(typename O::V acc, typename O::V w,
                                                       typename O::V x) {
  if constexpr (Fused) {
    return O::fmadd(w, x, acc);
  } else {
    return O::add(acc, O::unfused(O::mul(w, x)));
  }
}

/// The same on scalars.
template <class O, bool Fused>
LOGISTIC_NEURON_KERNEL_INLINE typename O::S logit_term_scalar(typename O::S acc, typename O::S w,
                                                              typename O::S x) {
  if constexpr (Fused) {
    return O::fmadd_scalar(w, x, acc);
  } else {
    return acc + O::unfused_scalar(w * x);
  }
}

template <class O, bool Fused>
void logits_cols_impl(const typename O::S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                      const typename O::S* w, typename O::S b, typename O::S* z) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  const Eigen::Index full = rows - rows % W;
  for (Eigen::Index i = 0; i < full; i += W) O::storeu(z + i, O::set1(b));
  for (Eigen::Index i = full; i < rows; ++i) z[i] = b;
  Eigen::Index j = 0;
  for (; j + 8 <= d; j += 8) {
    const S* c = X + j * ld;
    V wv[8];
    for (int k = 0; k < 8; ++k) wv[k] = O::set1(w[j + k]);
    for (Eigen::Index i = 0; i < full; i += W) {
      V acc = O::loadu(z + i);
      for (int k = 0; k < 8; ++k) acc = logit_term<O, Fused>(acc, wv[k], O::loadu(c + k * ld + i));
      O::storeu(z + i, acc);
    }
    for (Eigen::Index i = full; i < rows; ++i) {
      S acc = z[i];
      for (int k = 0; k < 8; ++k) acc = logit_term_scalar<O, Fused>(acc, w[j + k], c[k * ld + i]);
      z[i] = acc;
    }
  }
  for (; j < d; ++j) {
    const S* c = X + j * ld;
    const V wj = O::set1(w[j]);
    for (Eigen::Index i = 0; i < full; i += W) {
      O::storeu(z + i, logit_term<O, Fused>(O::loadu(z + i), wj, O::loadu(c + i)));
    }
    for (Eigen::Index i = full; i < rows; ++i) z[i] = logit_term_scalar<O, Fused>(z[i], w[j], c[i]);
  }
}

template <class O>
void logits_cols(O, const typename O::S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                 const typename O::S* w, typename O::S b, typename O::S* z) {
  logits_cols_impl<O, false>(X, ld, rows, d, w, b, z);
}

template <class O>
void logits_cols_fused(O, const typename O::S* X, Eigen::Index ld, Eigen::Index rows,
                       Eigen::Index d, const typename O::S* w, typename O::S b, typename O::S* z) {
  logits_cols_impl<O, true>(X, ld, rows, d, w, b, z);
}

/// The dot product of a and b over n entries: W-wide partial sums in 4 accumulators (vector k
/// into accumulator k mod 4), added as (a0 + a1) + (a2 + a3), reduced, then the remainder in
/// order.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE typename O::S dot(const typename O::S* a, const typename O::S* b,
                                                Eigen::Index n) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  V a0 = O::zero(), a1 = O::zero(), a2 = O::zero(), a3 = O::zero();
  Eigen::Index i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    a0 = O::fmadd(O::loadu(a + i), O::loadu(b + i), a0);
    a1 = O::fmadd(O::loadu(a + i + W), O::loadu(b + i + W), a1);
    a2 = O::fmadd(O::loadu(a + i + 2 * W), O::loadu(b + i + 2 * W), a2);
    a3 = O::fmadd(O::loadu(a + i + 3 * W), O::loadu(b + i + 3 * W), a3);
  }
  for (; i + W <= n; i += W) a0 = O::fmadd(O::loadu(a + i), O::loadu(b + i), a0);
  S sum = O::reduce_add(O::add(O::add(a0, a1), O::add(a2, a3)));
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

/// sum_i a_i over n entries, in the order of dot (4 vector accumulators, then the remainder).
template <class O>
typename O::S sum(O, const typename O::S* a, Eigen::Index n) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  V a0 = O::zero(), a1 = O::zero(), a2 = O::zero(), a3 = O::zero();
  Eigen::Index i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    a0 = O::add(a0, O::loadu(a + i));
    a1 = O::add(a1, O::loadu(a + i + W));
    a2 = O::add(a2, O::loadu(a + i + 2 * W));
    a3 = O::add(a3, O::loadu(a + i + 3 * W));
  }
  for (; i + W <= n; i += W) a0 = O::add(a0, O::loadu(a + i));
  S total = O::reduce_add(O::add(O::add(a0, a1), O::add(a2, a3)));
  for (; i < n; ++i) total += a[i];
  return total;
}

/// sum_i (f a_i)^2 over n entries, in the order of dot.
template <class O>
typename O::S sum_squares(O, const typename O::S* a, Eigen::Index n, typename O::S f) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  const V factor = O::set1(f);
  V a0 = O::zero(), a1 = O::zero();
  Eigen::Index i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    const V x0 = O::mul(factor, O::loadu(a + i)), x1 = O::mul(factor, O::loadu(a + i + W));
    a0 = O::fmadd(x0, x0, a0);
    a1 = O::fmadd(x1, x1, a1);
  }
  for (; i + W <= n; i += W) {
    const V x = O::mul(factor, O::loadu(a + i));
    a0 = O::fmadd(x, x, a0);
  }
  S total = O::reduce_add(O::add(a0, a1));
  for (; i < n; ++i) total += (f * a[i]) * (f * a[i]);
  return total;
}

/// sum_i a_i b_i over n entries, in dot's order (coordinate descent's c_j = x_j . rho).
template <class O>
typename O::S dot_product(O, const typename O::S* a, const typename O::S* b, Eigen::Index n) {
  return dot<O>(a, b, n);
}

/// One vector of cd_update: rho[i..i+W) -= delta v x over it, with minus_step = -delta in
/// every lane; returns the new rho there.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V cd_update_vector(const typename O::S* x,
                                                             typename O::V minus_step,
                                                             const typename O::S* v,
                                                             typename O::S* rho, Eigen::Index i) {
  const typename O::V r =
      O::fmadd(O::mul(minus_step, O::loadu(x + i)), O::loadu(v + i), O::loadu(rho + i));
  O::storeu(rho + i, r);
  return r;
}

/// One vector of cd_moments' sums: c += x rho, m += x v, q += x v x.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE void cd_moments_step(const typename O::S* x, typename O::V rho,
                                                   const typename O::S* v, typename O::V& c,
                                                   typename O::V& m, typename O::V& q) {
  const typename O::V xi = O::loadu(x), xv = O::mul(xi, O::loadu(v));
  c = O::fmadd(xi, rho, c);
  m = O::add(m, xv);
  q = O::fmadd(xv, xi, q);
}

/// cd_moments' end: the vector sums c, m, q reduced, then entries [i, n) one at a time.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE void cd_moments_finish(const typename O::S* x,
                                                     const typename O::S* rho,
                                                     const typename O::S* v, Eigen::Index i,
                                                     Eigen::Index n, typename O::V c_sum,
                                                     typename O::V m_sum, typename O::V q_sum,
                                                     typename O::S* out) {
  using S = typename O::S;
  S c = O::reduce_add(c_sum), m = O::reduce_add(m_sum), q = O::reduce_add(q_sum);
  for (; i < n; ++i) {
    const S xv = x[i] * v[i];
    c += x[i] * rho[i];
    m += xv;
    q += xv * x[i];
  }
  out[0] = c;
  out[1] = m;
  out[2] = q;
}

/// A column's three sums for coordinate descent, in one read of it: out[0] = sum_i x_i rho_i,
/// out[1] = sum_i x_i v_i, out[2] = sum_i x_i^2 v_i; two vector accumulators each (vector k
/// into accumulator k mod 2), added, reduced, then the remainder in order.
template <class O>
void cd_moments(O, const typename O::S* x, const typename O::S* rho, const typename O::S* v,
                Eigen::Index n, typename O::S* out) {
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  V c0 = O::zero(), c1 = O::zero(), m0 = O::zero(), m1 = O::zero(), q0 = O::zero(), q1 = O::zero();
  Eigen::Index i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    cd_moments_step<O>(x + i, O::loadu(rho + i), v + i, c0, m0, q0);
    cd_moments_step<O>(x + i + W, O::loadu(rho + i + W), v + i + W, c1, m1, q1);
  }
  cd_moments_finish<O>(x, rho, v, i, n, O::add(c0, c1), O::add(m0, m1), O::add(q0, q1), out);
}

/// Coordinate descent's update of one column over n entries: rho_i -= delta v_i x_i.
template <class O>
void cd_update(O, const typename O::S* x, typename O::S delta, const typename O::S* v,
               typename O::S* rho, Eigen::Index n) {
  constexpr Eigen::Index W = O::width;
  const typename O::V minus_step = O::set1(-delta);
  Eigen::Index i = 0;
  for (; i + W <= n; i += W) cd_update_vector<O>(x, minus_step, v, rho, i);
  for (; i < n; ++i) rho[i] -= delta * x[i] * v[i];
}

/// cd_update of column x, then the next coordinate's x_next . rho in the same read of rho:
/// the same bits as cd_update followed by dot_product (each rho_i is final before it is
/// multiplied; the sum's order is dot's).
template <class O>
typename O::S cd_update_dot(O, const typename O::S* x, typename O::S delta, const typename O::S* v,
                            typename O::S* rho, const typename O::S* x_next, Eigen::Index n) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  const V minus_step = O::set1(-delta);
  V a0 = O::zero(), a1 = O::zero(), a2 = O::zero(), a3 = O::zero();
  Eigen::Index i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    a0 = O::fmadd(O::loadu(x_next + i), cd_update_vector<O>(x, minus_step, v, rho, i), a0);
    a1 = O::fmadd(O::loadu(x_next + i + W), cd_update_vector<O>(x, minus_step, v, rho, i + W), a1);
    a2 = O::fmadd(O::loadu(x_next + i + 2 * W),
                  cd_update_vector<O>(x, minus_step, v, rho, i + 2 * W), a2);
    a3 = O::fmadd(O::loadu(x_next + i + 3 * W),
                  cd_update_vector<O>(x, minus_step, v, rho, i + 3 * W), a3);
  }
  for (; i + W <= n; i += W) {
    a0 = O::fmadd(O::loadu(x_next + i), cd_update_vector<O>(x, minus_step, v, rho, i), a0);
  }
  S sum = O::reduce_add(O::add(O::add(a0, a1), O::add(a2, a3)));
  for (; i < n; ++i) {
    rho[i] -= delta * x[i] * v[i];
    sum += x_next[i] * rho[i];
  }
  return sum;
}

/// cd_update of column x, then the next coordinate's three sums (cd_moments of x_next) in the
/// same read of rho and v: the same bits as cd_update followed by cd_moments.
template <class O>
void cd_update_moments(O, const typename O::S* x, typename O::S delta, const typename O::S* v,
                       typename O::S* rho, const typename O::S* x_next, Eigen::Index n,
                       typename O::S* out) {
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  const V minus_step = O::set1(-delta);
  V c0 = O::zero(), c1 = O::zero(), m0 = O::zero(), m1 = O::zero(), q0 = O::zero(), q1 = O::zero();
  Eigen::Index i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    const V r0 = cd_update_vector<O>(x, minus_step, v, rho, i);
    const V r1 = cd_update_vector<O>(x, minus_step, v, rho, i + W);
    cd_moments_step<O>(x_next + i, r0, v + i, c0, m0, q0);
    cd_moments_step<O>(x_next + i + W, r1, v + i + W, c1, m1, q1);
  }
  // The rest of the update (a last whole vector, then one entry at a time), then the rest of
  // the sums, entry by entry, as cd_moments forms them.
  const Eigen::Index tail = i;
  for (; i + W <= n; i += W) cd_update_vector<O>(x, minus_step, v, rho, i);
  for (; i < n; ++i) rho[i] -= delta * x[i] * v[i];
  cd_moments_finish<O>(x_next, rho, v, tail, n, O::add(c0, c1), O::add(m0, m1), O::add(q0, q1),
                       out);
}

/// Asks for the `bytes` bytes at p to be brought into L2 (a hint).
LOGISTIC_NEURON_KERNEL_INLINE void prefetch_segment(const void* p, Eigen::Index bytes) {
  const char* segment = static_cast<const char*>(p);
  for (Eigen::Index k = 0; k < bytes; k += 64) __builtin_prefetch(segment + k, 0, 2);
}

/// Column-major X: g_j = sum_i x_ij r_i over rows [0, rows) for every column j. Four columns go
/// side by side, sharing the loads of r: per column, one vector accumulator over whole vectors,
/// the four lane sums at once (O::reduce4), then the remainder in order. After each column, the
/// next `next_rows` rows of it (the next block's segment) are prefetched into L2.
template <class O>
void gradient_cols(O, const typename O::S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                   const typename O::S* r, typename O::S* g, Eigen::Index next_rows) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  const Eigen::Index full = rows - rows % W;
  const Eigen::Index next_bytes = next_rows * static_cast<Eigen::Index>(sizeof(S));
  Eigen::Index j = 0;
  for (; j + 4 <= d; j += 4) {
    const S* c = X + j * ld;
    V acc[4] = {O::zero(), O::zero(), O::zero(), O::zero()};
    for (Eigen::Index i = 0; i < full; i += W) {
      const V ri = O::loadu(r + i);
      for (int k = 0; k < 4; ++k) acc[k] = O::fmadd(O::loadu(c + k * ld + i), ri, acc[k]);
    }
    S sums[4];
    O::reduce4(acc[0], acc[1], acc[2], acc[3], sums);
    for (int k = 0; k < 4; ++k) {
      for (Eigen::Index i = full; i < rows; ++i) sums[k] += c[k * ld + i] * r[i];
      g[j + k] = sums[k];
      if (next_rows > 0) prefetch_segment(c + k * ld + rows, next_bytes);
    }
  }
  for (; j < d; ++j) {
    const S* c = X + j * ld;
    V acc = O::zero();
    for (Eigen::Index i = 0; i < full; i += W)
      acc = O::fmadd(O::loadu(c + i), O::loadu(r + i), acc);
    S sums[4];
    O::reduce4(acc, O::zero(), O::zero(), O::zero(), sums);
    for (Eigen::Index i = full; i < rows; ++i) sums[0] += c[i] * r[i];
    g[j] = sums[0];
    if (next_rows > 0) prefetch_segment(c + rows, next_bytes);
  }
}

/// Row-major X (row i at X + i ld): z_i = b + x_i . w (dot) for rows [0, rows).
/// The dot product x . w over d entries for a row x: one vector accumulator over whole vectors
/// and, where the instruction set has masked loads, the last partial one (zero-padded), summed
/// across lanes by O::reduce4 (passed as `sum` of 4 rows at once); otherwise the remainder in
/// order after the lane sum.
template <class O>
LOGISTIC_NEURON_KERNEL_INLINE typename O::V row_dot_lanes(const typename O::S* x,
                                                          const typename O::S* w, Eigen::Index full,
                                                          Eigen::Index tail, typename O::V w_tail) {
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  V acc = O::zero();
  for (Eigen::Index j = 0; j < full; j += W) acc = O::fmadd(O::loadu(x + j), O::loadu(w + j), acc);
  if constexpr (O::masked) {
    if (tail) acc = O::fmadd(O::load_partial(x + full, tail), w_tail, acc);
  }
  return acc;
}

/// Row-major X: z_i = b + x_i . w for rows [0, rows). Rows of eight vectors or more go one at a
/// time (dot: one stream from memory, measured at the bandwidth floor, where four rows side by
/// side ran 2.6 times slower); shorter rows go four side by side (row_dot_lanes), which shares
/// the lane sums.
template <class O>
void logits_rows(O, const typename O::S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                 const typename O::S* w, typename O::S b, typename O::S* z) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  if (d >= 8 * W) {
    for (Eigen::Index i = 0; i < rows; ++i) z[i] = dot<O>(X + i * ld, w, d) + b;
    return;
  }
  const Eigen::Index full = d - d % W, tail = d - full;
  const V w_tail = (O::masked && tail) ? O::load_partial(w + full, tail) : O::zero();
  Eigen::Index i = 0;
  for (; i + 4 <= rows; i += 4) {
    const S* x = X + i * ld;
    S sums[4];
    O::reduce4(row_dot_lanes<O>(x, w, full, tail, w_tail),
               row_dot_lanes<O>(x + ld, w, full, tail, w_tail),
               row_dot_lanes<O>(x + 2 * ld, w, full, tail, w_tail),
               row_dot_lanes<O>(x + 3 * ld, w, full, tail, w_tail), sums);
    for (int k = 0; k < 4; ++k) {
      if constexpr (!O::masked) {
        for (Eigen::Index j = full; j < d; ++j)
          sums[k] = O::fmadd_scalar(x[k * ld + j], w[j], sums[k]);
      }
      z[i + k] = sums[k] + b;
    }
  }
  for (; i < rows; ++i) {
    const S* x = X + i * ld;
    S sums[4];
    O::reduce4(row_dot_lanes<O>(x, w, full, tail, w_tail), O::zero(), O::zero(), O::zero(), sums);
    if constexpr (!O::masked) {
      for (Eigen::Index j = full; j < d; ++j) sums[0] = O::fmadd_scalar(x[j], w[j], sums[0]);
    }
    z[i] = sums[0] + b;
  }
}

/// g += sum_i r_i x_i for short rows of `Vectors` whole vectors and `tail` more entries: g in
/// registers, the rows dealt in turn to four sets of accumulators (so that four chains of
/// multiply-adds run side by side), which are then added, ((a0 + a1) + (a2 + a3)), to g.
template <class O, int Vectors>
void gradient_short_rows(const typename O::S* X, Eigen::Index ld, Eigen::Index rows,
                         Eigen::Index tail, const typename O::S* r, typename O::S* g) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  constexpr Eigen::Index full = Vectors * W;
  V acc[4][Vectors + 1];
  for (int k = 0; k < 4; ++k) {
    for (int v = 0; v <= Vectors; ++v) acc[k][v] = O::zero();
  }
  S scalar_tail[4][W] = {};
  for (Eigen::Index i = 0; i < rows; ++i) {
    const int k = static_cast<int>(i % 4);
    const S* x = X + i * ld;
    const V ri = O::set1(r[i]);
    for (int v = 0; v < Vectors; ++v) acc[k][v] = O::fmadd(ri, O::loadu(x + v * W), acc[k][v]);
    if constexpr (O::masked) {
      if (tail) acc[k][Vectors] = O::fmadd(ri, O::load_partial(x + full, tail), acc[k][Vectors]);
    } else {
      for (Eigen::Index j = 0; j < tail; ++j) {
        scalar_tail[k][j] = O::fmadd_scalar(r[i], x[full + j], scalar_tail[k][j]);
      }
    }
  }
  for (int v = 0; v < Vectors; ++v) {
    const V sum = O::add(O::add(acc[0][v], acc[1][v]), O::add(acc[2][v], acc[3][v]));
    O::storeu(g + v * W, O::add(O::loadu(g + v * W), sum));
  }
  if (tail) {
    if constexpr (O::masked) {
      const V sum = O::add(O::add(acc[0][Vectors], acc[1][Vectors]),
                           O::add(acc[2][Vectors], acc[3][Vectors]));
      O::store_partial(g + full, O::add(O::load_partial(g + full, tail), sum), tail);
    } else {
      for (Eigen::Index j = 0; j < tail; ++j) {
        g[full + j] +=
            (scalar_tail[0][j] + scalar_tail[1][j]) + (scalar_tail[2][j] + scalar_tail[3][j]);
      }
    }
  }
}

/// Row-major X: g += sum_i r_i x_i over rows [0, rows), in an order fixed by rows and d. Rows
/// shorter than three vectors go through gradient_short_rows; longer ones update g in memory,
/// four rows at a time, each entry's terms added in row order.
template <class O>
void gradient_rows(O, const typename O::S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                   const typename O::S* r, typename O::S* g) {
  using S = typename O::S;
  using V = typename O::V;
  constexpr Eigen::Index W = O::width;
  const Eigen::Index full = d - d % W, tail = d - full;
  switch (full / W) {
    case 0: return gradient_short_rows<O, 0>(X, ld, rows, tail, r, g);
    case 1: return gradient_short_rows<O, 1>(X, ld, rows, tail, r, g);
    case 2: return gradient_short_rows<O, 2>(X, ld, rows, tail, r, g);
    default: break;
  }
  Eigen::Index i = 0;
  for (; i + 4 <= rows; i += 4) {
    const S* x0 = X + i * ld;
    const S* x1 = x0 + ld;
    const S* x2 = x1 + ld;
    const S* x3 = x2 + ld;
    const V r0 = O::set1(r[i]), r1 = O::set1(r[i + 1]), r2 = O::set1(r[i + 2]),
            r3 = O::set1(r[i + 3]);
    for (Eigen::Index j = 0; j < full; j += W) {
      V acc = O::loadu(g + j);
      acc = O::fmadd(r0, O::loadu(x0 + j), acc);
      acc = O::fmadd(r1, O::loadu(x1 + j), acc);
      acc = O::fmadd(r2, O::loadu(x2 + j), acc);
      acc = O::fmadd(r3, O::loadu(x3 + j), acc);
      O::storeu(g + j, acc);
    }
    for (Eigen::Index j = full; j < d; ++j) {
      S acc = g[j];
      acc = O::fmadd_scalar(r[i], x0[j], acc);
      acc = O::fmadd_scalar(r[i + 1], x1[j], acc);
      acc = O::fmadd_scalar(r[i + 2], x2[j], acc);
      acc = O::fmadd_scalar(r[i + 3], x3[j], acc);
      g[j] = acc;
    }
  }
  for (; i < rows; ++i) {
    const S* x = X + i * ld;
    const V ri = O::set1(r[i]);
    for (Eigen::Index j = 0; j < full; j += W) {
      O::storeu(g + j, O::fmadd(ri, O::loadu(x + j), O::loadu(g + j)));
    }
    for (Eigen::Index j = full; j < d; ++j) g[j] = O::fmadd_scalar(r[i], x[j], g[j]);
  }
}

/// Scans n contiguous values: returns false if one is NaN or infinite; else sets max_exponent to
/// the largest binary exponent of their magnitudes (floor(log2 |x|)), or to the smallest normal
/// exponent minus one if every value is 0 or subnormal. Reads the bit patterns, so it holds
/// under -ffast-math too.
template <class O>
bool scan_finite(O, const typename O::S* p, Eigen::Index n, int& max_exponent) {
  return O::scan_finite(p, n, max_exponent);
}
