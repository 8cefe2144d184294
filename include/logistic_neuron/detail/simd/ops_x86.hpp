/// \file ops_x86.hpp
/// \brief The x86-64 operation sets (SSE2, AVX2 with FMA, AVX-512) and their instances of the
/// kernels, each compiled for its instruction set whatever the translation unit's flags
/// (internal; see isa.hpp for how one is chosen).
#pragma once

#include "isa.hpp"

#ifdef LOGISTIC_NEURON_X86_DISPATCH

#include <immintrin.h>

#include <cstdint>
#include <cstring>
#include <limits>

#include <Eigen/Core>

#include "../logistic.hpp"

// Empty asm statements that take a register in and out: the compiler cannot fuse a multiply
// before one with an add after it (GCC contracts mul + add into FMA under -ffp-contract=fast,
// its default), so that logits_cols adds rounded products, as export_cpp's code does.
#define LOGISTIC_NEURON_UNFUSED(v) __asm__("" : "+x"(v))
#define LOGISTIC_NEURON_UNFUSED_WIDE(v) __asm__("" : "+v"(v))

#if defined(__GNUC__) && !defined(__clang__)
// Intrinsic vector types carry attributes that GCC warns about as template arguments; and GCC 12
// reports its own AVX-512 headers' deliberately undefined registers (_mm512_undefined_pd and the
// like) as uninitialised once they are inlined here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace logistic_neuron {
namespace detail {

/// The largest binary exponent among the high words of doubles (bits 52-62 of each value's
/// magnitude), as an unbiased exponent; subnormals and zeros count as min_exponent - 2.
inline int exponent_of_high_word(std::uint32_t high) {
  const int biased = static_cast<int>(high >> 20);
  return biased == 0 ? std::numeric_limits<double>::min_exponent - 2 : biased - 1023;
}
/// The same for a float's bits (bits 23-30).
inline int exponent_of_float_bits(std::uint32_t bits) {
  const int biased = static_cast<int>(bits >> 23);
  return biased == 0 ? std::numeric_limits<float>::min_exponent - 2 : biased - 127;
}

}  // namespace detail
}  // namespace logistic_neuron

// ------------------------------------------------------------------------------------------
// SSE2: the x86-64 baseline (no FMA: fmadd is a multiply then an add).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("sse2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("sse2")
#endif
namespace logistic_neuron {
namespace detail {
namespace simd_sse2 {

template <class Scalar>
struct Ops;

template <>
struct Ops<double> {
  using S = double;
  using V = __m128d;
  using M = __m128d;
  static constexpr Eigen::Index width = 2;
  static constexpr bool masked = false;  // no masked loads: remainders go one by one
  static V zero() { return _mm_setzero_pd(); }
  static V set1(S s) { return _mm_set1_pd(s); }
  static V loadu(const S* p) { return _mm_loadu_pd(p); }
  static void storeu(S* p, V v) { _mm_storeu_pd(p, v); }
  static V add(V a, V b) { return _mm_add_pd(a, b); }
  static V sub(V a, V b) { return _mm_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm_mul_pd(a, b); }
  static V div(V a, V b) { return _mm_div_pd(a, b); }
  static V min(V a, V b) { return _mm_min_pd(a, b); }
  static V max(V a, V b) { return _mm_max_pd(a, b); }
  static V abs(V a) { return _mm_andnot_pd(_mm_set1_pd(-0.0), a); }
  static V neg(V a) { return _mm_xor_pd(_mm_set1_pd(-0.0), a); }
  static V fmadd(V a, V b, V c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
  static S fmadd_scalar(S a, S b, S c) { return a * b + c; }
  static M lt(V a, V b) { return _mm_cmplt_pd(a, b); }
  static M le(V a, V b) { return _mm_cmple_pd(a, b); }
  static V select(M m, V a, V b) { return _mm_or_pd(_mm_and_pd(m, a), _mm_andnot_pd(m, b)); }
  static S reduce_add(V v) { return _mm_cvtsd_f64(_mm_add_sd(v, _mm_unpackhi_pd(v, v))); }
  static void reduce4(V a, V b, V c, V d, S* out) {
    out[0] = reduce_add(a);
    out[1] = reduce_add(b);
    out[2] = reduce_add(c);
    out[3] = reduce_add(d);
  }
  static V load_partial(const S* p, Eigen::Index count) {
    S lanes[width] = {};
    for (Eigen::Index k = 0; k < count; ++k) lanes[k] = p[k];
    return loadu(lanes);
  }
  static void store_partial(S* p, V v, Eigen::Index count) {
    S lanes[width];
    storeu(lanes, v);
    for (Eigen::Index k = 0; k < count; ++k) p[k] = lanes[k];
  }
  static V unfused(V v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static S unfused_scalar(S v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static V pow2_from_shifted(V t) {
    const __m128i bits = _mm_add_epi64(_mm_castpd_si128(t), _mm_set1_epi64x(1023));
    return _mm_castsi128_pd(_mm_slli_epi64(bits, 52));
  }
  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    // The high 32-bit word of |x|: finite iff below 0x7ff00000; the largest one gives the
    // largest exponent (signed compares are right, the sign bit being cleared).
    const __m128i magnitude = _mm_set1_epi32(0x7fffffff);
    __m128i most = _mm_setzero_si128();
    Eigen::Index i = 0;
    for (; i + 2 <= n; i += 2) {
      const __m128i v =
          _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), magnitude);
      const __m128i high = _mm_shuffle_epi32(v, _MM_SHUFFLE(3, 1, 3, 1));
      const __m128i greater = _mm_cmpgt_epi32(high, most);
      most = _mm_or_si128(_mm_and_si128(greater, high), _mm_andnot_si128(greater, most));
    }
    std::uint32_t words[4];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(words), most);
    std::uint32_t top = words[0] > words[1] ? words[0] : words[1];
    for (; i < n; ++i) {
      std::uint64_t bits;
      std::memcpy(&bits, p + i, sizeof bits);
      const auto high = static_cast<std::uint32_t>((bits >> 32) & 0x7fffffffu);
      if (high > top) top = high;
    }
    if (top >= 0x7ff00000u) return false;
    max_exponent = exponent_of_high_word(top);
    return true;
  }
};

template <>
struct Ops<float> {
  using S = float;
  using V = __m128;
  using M = __m128;
  static constexpr Eigen::Index width = 4;
  static constexpr bool masked = false;
  static V zero() { return _mm_setzero_ps(); }
  static V set1(S s) { return _mm_set1_ps(s); }
  static V loadu(const S* p) { return _mm_loadu_ps(p); }
  static void storeu(S* p, V v) { _mm_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm_add_ps(a, b); }
  static V sub(V a, V b) { return _mm_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm_mul_ps(a, b); }
  static V div(V a, V b) { return _mm_div_ps(a, b); }
  static V min(V a, V b) { return _mm_min_ps(a, b); }
  static V max(V a, V b) { return _mm_max_ps(a, b); }
  static V abs(V a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
  static V neg(V a) { return _mm_xor_ps(_mm_set1_ps(-0.0f), a); }
  static V fmadd(V a, V b, V c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static S fmadd_scalar(S a, S b, S c) { return a * b + c; }
  static M lt(V a, V b) { return _mm_cmplt_ps(a, b); }
  static M le(V a, V b) { return _mm_cmple_ps(a, b); }
  static V select(M m, V a, V b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
  static S reduce_add(V v) {
    const V pairs = _mm_add_ps(v, _mm_movehl_ps(v, v));  // (v0 + v2, v1 + v3)
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
  }
  static void reduce4(V a, V b, V c, V d, S* out) {
    out[0] = reduce_add(a);
    out[1] = reduce_add(b);
    out[2] = reduce_add(c);
    out[3] = reduce_add(d);
  }
  static V load_partial(const S* p, Eigen::Index count) {
    S lanes[width] = {};
    for (Eigen::Index k = 0; k < count; ++k) lanes[k] = p[k];
    return loadu(lanes);
  }
  static void store_partial(S* p, V v, Eigen::Index count) {
    S lanes[width];
    storeu(lanes, v);
    for (Eigen::Index k = 0; k < count; ++k) p[k] = lanes[k];
  }
  static V unfused(V v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static S unfused_scalar(S v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static V pow2_from_shifted(V t) {
    const __m128i bits = _mm_add_epi32(_mm_castps_si128(t), _mm_set1_epi32(127));
    return _mm_castsi128_ps(_mm_slli_epi32(bits, 23));
  }
  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    const __m128i magnitude = _mm_set1_epi32(0x7fffffff);
    __m128i most = _mm_setzero_si128();
    Eigen::Index i = 0;
    for (; i + 4 <= n; i += 4) {
      const __m128i v =
          _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), magnitude);
      const __m128i greater = _mm_cmpgt_epi32(v, most);
      most = _mm_or_si128(_mm_and_si128(greater, v), _mm_andnot_si128(greater, most));
    }
    std::uint32_t words[4];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(words), most);
    std::uint32_t top = 0;
    for (const std::uint32_t word : words) top = word > top ? word : top;
    for (; i < n; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, p + i, sizeof bits);
      bits &= 0x7fffffffu;
      if (bits > top) top = bits;
    }
    if (top >= 0x7f800000u) return false;
    max_exponent = exponent_of_float_bits(top);
    return true;
  }
};

#include "kernels.ipp"

}  // namespace simd_sse2
}  // namespace detail
}  // namespace logistic_neuron
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ------------------------------------------------------------------------------------------
// AVX2 with FMA.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif
namespace logistic_neuron {
namespace detail {
namespace simd_avx2 {

template <class Scalar>
struct Ops;

template <>
struct Ops<double> {
  using S = double;
  using V = __m256d;
  using M = __m256d;
  static constexpr Eigen::Index width = 4;
  static constexpr bool masked = true;  // masked loads for remainders
  static V zero() { return _mm256_setzero_pd(); }
  static V set1(S s) { return _mm256_set1_pd(s); }
  static V loadu(const S* p) { return _mm256_loadu_pd(p); }
  static void storeu(S* p, V v) { _mm256_storeu_pd(p, v); }
  static V add(V a, V b) { return _mm256_add_pd(a, b); }
  static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  static V div(V a, V b) { return _mm256_div_pd(a, b); }
  static V min(V a, V b) { return _mm256_min_pd(a, b); }
  static V max(V a, V b) { return _mm256_max_pd(a, b); }
  static V abs(V a) { return _mm256_andnot_pd(_mm256_set1_pd(-0.0), a); }
  static V neg(V a) { return _mm256_xor_pd(_mm256_set1_pd(-0.0), a); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  static S fmadd_scalar(S a, S b, S c) {
    return _mm_cvtsd_f64(_mm_fmadd_sd(_mm_set_sd(a), _mm_set_sd(b), _mm_set_sd(c)));
  }
  static M lt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
  static V select(M m, V a, V b) { return _mm256_blendv_pd(b, a, m); }
  static S reduce_add(V v) {
    const __m128d low = _mm256_castpd256_pd128(v), high = _mm256_extractf128_pd(v, 1);
    const __m128d pairs = _mm_add_pd(low, high);  // (v0 + v2, v1 + v3)
    return _mm_cvtsd_f64(_mm_add_sd(pairs, _mm_unpackhi_pd(pairs, pairs)));
  }
  // Four sums at once: (x0 + x1) + (x2 + x3) of each.
  static void reduce4(V a, V b, V c, V d, S* out) {
    const V ab = _mm256_hadd_pd(a, b), cd = _mm256_hadd_pd(c, d);
    _mm256_storeu_pd(out, _mm256_add_pd(_mm256_permute2f128_pd(ab, cd, 0x20),
                                        _mm256_permute2f128_pd(ab, cd, 0x31)));
  }
  static __m256i lanes_below(Eigen::Index count) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(count), _mm256_set_epi64x(3, 2, 1, 0));
  }
  static V load_partial(const S* p, Eigen::Index count) {
    return _mm256_maskload_pd(p, lanes_below(count));
  }
  static void store_partial(S* p, V v, Eigen::Index count) {
    _mm256_maskstore_pd(p, lanes_below(count), v);
  }
  static V unfused(V v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static S unfused_scalar(S v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static V pow2_from_shifted(V t) {
    const __m256i bits = _mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(1023));
    return _mm256_castsi256_pd(_mm256_slli_epi64(bits, 52));
  }
  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    const __m256i magnitude = _mm256_set1_epi64x(0x7fffffffffffffffll);
    __m256i most = _mm256_setzero_si256();
    Eigen::Index i = 0;
    for (; i + 4 <= n; i += 4) {
      const __m256i v =
          _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), magnitude);
      most = _mm256_blendv_epi8(most, v, _mm256_cmpgt_epi64(v, most));
    }
    std::uint64_t words[4];
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words), most);
    std::uint64_t top = 0;
    for (const std::uint64_t word : words) top = word > top ? word : top;
    for (; i < n; ++i) {
      std::uint64_t bits;
      std::memcpy(&bits, p + i, sizeof bits);
      bits &= 0x7fffffffffffffffull;
      if (bits > top) top = bits;
    }
    if (top >= 0x7ff0000000000000ull) return false;
    max_exponent = exponent_of_high_word(static_cast<std::uint32_t>(top >> 32));
    return true;
  }
};

template <>
struct Ops<float> {
  using S = float;
  using V = __m256;
  using M = __m256;
  static constexpr Eigen::Index width = 8;
  static constexpr bool masked = true;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(S s) { return _mm256_set1_ps(s); }
  static V loadu(const S* p) { return _mm256_loadu_ps(p); }
  static void storeu(S* p, V v) { _mm256_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V abs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static V neg(V a) { return _mm256_xor_ps(_mm256_set1_ps(-0.0f), a); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static S fmadd_scalar(S a, S b, S c) {
    return _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(a), _mm_set_ss(b), _mm_set_ss(c)));
  }
  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LE_OQ); }
  static V select(M m, V a, V b) { return _mm256_blendv_ps(b, a, m); }
  static S reduce_add(V v) {
    const __m128 low = _mm256_castps256_ps128(v), high = _mm256_extractf128_ps(v, 1);
    const __m128 quads = _mm_add_ps(low, high);  // (v0 + v4, ..., v3 + v7)
    const __m128 pairs = _mm_add_ps(quads, _mm_movehl_ps(quads, quads));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
  }
  // Four sums at once: ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) of each.
  static void reduce4(V a, V b, V c, V d, S* out) {
    const V h = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
  }
  static __m256i lanes_below(Eigen::Index count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)),
                              _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
  }
  static V load_partial(const S* p, Eigen::Index count) {
    return _mm256_maskload_ps(p, lanes_below(count));
  }
  static void store_partial(S* p, V v, Eigen::Index count) {
    _mm256_maskstore_ps(p, lanes_below(count), v);
  }
  static V unfused(V v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static S unfused_scalar(S v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static V pow2_from_shifted(V t) {
    const __m256i bits = _mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127));
    return _mm256_castsi256_ps(_mm256_slli_epi32(bits, 23));
  }
  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    const __m256i magnitude = _mm256_set1_epi32(0x7fffffff);
    __m256i most = _mm256_setzero_si256();
    Eigen::Index i = 0;
    for (; i + 8 <= n; i += 8) {
      most = _mm256_max_epu32(
          most,
          _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)), magnitude));
    }
    std::uint32_t words[8];
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(words), most);
    std::uint32_t top = 0;
    for (const std::uint32_t word : words) top = word > top ? word : top;
    for (; i < n; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, p + i, sizeof bits);
      bits &= 0x7fffffffu;
      if (bits > top) top = bits;
    }
    if (top >= 0x7f800000u) return false;
    max_exponent = exponent_of_float_bits(top);
    return true;
  }
};

#include "kernels.ipp"

}  // namespace simd_avx2
}  // namespace detail
}  // namespace logistic_neuron
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ------------------------------------------------------------------------------------------
// AVX-512 (F and DQ).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx2,fma"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx2,fma")
#endif
namespace logistic_neuron {
namespace detail {
namespace simd_avx512 {

template <class Scalar>
struct Ops;

template <>
struct Ops<double> {
  using S = double;
  using V = __m512d;
  using M = __mmask8;
  static constexpr Eigen::Index width = 8;
  static constexpr bool masked = true;
  static V zero() { return _mm512_setzero_pd(); }
  static V set1(S s) { return _mm512_set1_pd(s); }
  static V loadu(const S* p) { return _mm512_loadu_pd(p); }
  static void storeu(S* p, V v) { _mm512_storeu_pd(p, v); }
  static V add(V a, V b) { return _mm512_add_pd(a, b); }
  static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
  static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  static V div(V a, V b) { return _mm512_div_pd(a, b); }
  static V min(V a, V b) { return _mm512_min_pd(a, b); }
  static V max(V a, V b) { return _mm512_max_pd(a, b); }
  static V abs(V a) { return _mm512_abs_pd(a); }
  static V neg(V a) { return _mm512_xor_pd(_mm512_set1_pd(-0.0), a); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  static S fmadd_scalar(S a, S b, S c) {
    return _mm_cvtsd_f64(_mm_fmadd_sd(_mm_set_sd(a), _mm_set_sd(b), _mm_set_sd(c)));
  }
  static M lt(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ); }
  static V select(M m, V a, V b) { return _mm512_mask_blend_pd(m, b, a); }
  static S reduce_add(V v) {
    const __m256d quads = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
    const __m128d pairs =
        _mm_add_pd(_mm256_castpd256_pd128(quads), _mm256_extractf128_pd(quads, 1));
    return _mm_cvtsd_f64(_mm_add_sd(pairs, _mm_unpackhi_pd(pairs, pairs)));
  }
  static void reduce4(V a, V b, V c, V d, S* out) {
    out[0] = reduce_add(a);
    out[1] = reduce_add(b);
    out[2] = reduce_add(c);
    out[3] = reduce_add(d);
  }
  static V load_partial(const S* p, Eigen::Index count) {
    return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << count) - 1), p);
  }
  static void store_partial(S* p, V v, Eigen::Index count) {
    _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << count) - 1), v);
  }
  static V unfused(V v) {
    LOGISTIC_NEURON_UNFUSED_WIDE(v);
    return v;
  }
  static S unfused_scalar(S v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static V pow2_from_shifted(V t) {
    const __m512i bits = _mm512_add_epi64(_mm512_castpd_si512(t), _mm512_set1_epi64(1023));
    return _mm512_castsi512_pd(_mm512_slli_epi64(bits, 52));
  }
  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    const __m512i magnitude = _mm512_set1_epi64(0x7fffffffffffffffll);
    __m512i most = _mm512_setzero_si512();
    Eigen::Index i = 0;
    for (; i + 8 <= n; i += 8) {
      most = _mm512_max_epu64(most, _mm512_and_si512(_mm512_loadu_si512(p + i), magnitude));
    }
    std::uint64_t words[8];
    _mm512_storeu_si512(words, most);
    std::uint64_t top = 0;
    for (const std::uint64_t word : words) top = word > top ? word : top;
    for (; i < n; ++i) {
      std::uint64_t bits;
      std::memcpy(&bits, p + i, sizeof bits);
      bits &= 0x7fffffffffffffffull;
      if (bits > top) top = bits;
    }
    if (top >= 0x7ff0000000000000ull) return false;
    max_exponent = exponent_of_high_word(static_cast<std::uint32_t>(top >> 32));
    return true;
  }
};

template <>
struct Ops<float> {
  using S = float;
  using V = __m512;
  using M = __mmask16;
  static constexpr Eigen::Index width = 16;
  static constexpr bool masked = true;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(S s) { return _mm512_set1_ps(s); }
  static V loadu(const S* p) { return _mm512_loadu_ps(p); }
  static void storeu(S* p, V v) { _mm512_storeu_ps(p, v); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V abs(V a) { return _mm512_abs_ps(a); }
  static V neg(V a) { return _mm512_xor_ps(_mm512_set1_ps(-0.0f), a); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static S fmadd_scalar(S a, S b, S c) {
    return _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(a), _mm_set_ss(b), _mm_set_ss(c)));
  }
  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M le(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LE_OQ); }
  static V select(M m, V a, V b) { return _mm512_mask_blend_ps(m, b, a); }
  static S reduce_add(V v) {
    const __m256 octs =
        _mm256_add_ps(_mm512_castps512_ps256(v),
                      _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    const __m128 quads = _mm_add_ps(_mm256_castps256_ps128(octs), _mm256_extractf128_ps(octs, 1));
    const __m128 pairs = _mm_add_ps(quads, _mm_movehl_ps(quads, quads));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_shuffle_ps(pairs, pairs, 1)));
  }
  static void reduce4(V a, V b, V c, V d, S* out) {
    out[0] = reduce_add(a);
    out[1] = reduce_add(b);
    out[2] = reduce_add(c);
    out[3] = reduce_add(d);
  }
  static V load_partial(const S* p, Eigen::Index count) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1), p);
  }
  static void store_partial(S* p, V v, Eigen::Index count) {
    _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << count) - 1), v);
  }
  static V unfused(V v) {
    LOGISTIC_NEURON_UNFUSED_WIDE(v);
    return v;
  }
  static S unfused_scalar(S v) {
    LOGISTIC_NEURON_UNFUSED(v);
    return v;
  }
  static V pow2_from_shifted(V t) {
    const __m512i bits = _mm512_add_epi32(_mm512_castps_si512(t), _mm512_set1_epi32(127));
    return _mm512_castsi512_ps(_mm512_slli_epi32(bits, 23));
  }
  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    const __m512i magnitude = _mm512_set1_epi32(0x7fffffff);
    __m512i most = _mm512_setzero_si512();
    Eigen::Index i = 0;
    for (; i + 16 <= n; i += 16) {
      most = _mm512_max_epu32(most, _mm512_and_si512(_mm512_loadu_si512(p + i), magnitude));
    }
    std::uint32_t words[16];
    _mm512_storeu_si512(words, most);
    std::uint32_t top = 0;
    for (const std::uint32_t word : words) top = word > top ? word : top;
    for (; i < n; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, p + i, sizeof bits);
      bits &= 0x7fffffffu;
      if (bits > top) top = bits;
    }
    if (top >= 0x7f800000u) return false;
    max_exponent = exponent_of_float_bits(top);
    return true;
  }
};

#include "kernels.ipp"

}  // namespace simd_avx512
}  // namespace detail
}  // namespace logistic_neuron
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#undef LOGISTIC_NEURON_UNFUSED
#undef LOGISTIC_NEURON_UNFUSED_WIDE

#endif  // LOGISTIC_NEURON_X86_DISPATCH
