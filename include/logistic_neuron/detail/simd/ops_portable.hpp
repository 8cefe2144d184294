/// \file ops_portable.hpp
/// \brief The portable operation set (plain C++, one value at a time) and its instance of the
/// kernels: for long double, for other architectures and compilers, and under
/// LOGISTIC_NEURON_NO_DISPATCH (internal).
#pragma once

#include <cmath>
#include <cstring>
#include <limits>

#include <Eigen/Core>

#include "../logistic.hpp"

namespace logistic_neuron {
namespace detail {
namespace simd_portable {

/// One value a "vector"; std::exp for the exponential.
template <class Scalar>
struct Ops {
  using S = Scalar;
  using V = Scalar;
  using M = bool;
  static constexpr Eigen::Index width = 1;
  static constexpr bool masked = false;
  static V zero() { return S(0); }
  static V set1(S s) { return s; }
  static V loadu(const S* p) { return *p; }
  static void storeu(S* p, V v) { *p = v; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V min(V a, V b) { return b < a ? b : a; }
  static V max(V a, V b) { return a < b ? b : a; }
  static V abs(V a) {
    using std::abs;
    return abs(a);
  }
  static V neg(V a) { return -a; }
  static V log1p(V a) {
    using std::log1p;
    return log1p(a);
  }
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static S fmadd_scalar(S a, S b, S c) { return a * b + c; }
  static M lt(V a, V b) { return a < b; }
  static M le(V a, V b) { return a <= b; }
  static V select(M m, V a, V b) { return m ? a : b; }
  static S reduce_add(V v) { return v; }
  static void reduce4(V a, V b, V c, V d, S* out) {
    out[0] = a;
    out[1] = b;
    out[2] = c;
    out[3] = d;
  }
  static V load_partial(const S* p, Eigen::Index count) { return count > 0 ? *p : S(0); }
  static void store_partial(S* p, V v, Eigen::Index count) {
    if (count > 0) *p = v;
  }
  static V unfused(V v) { return v; }
  static S unfused_scalar(S v) { return v; }
  static V pow2_from_shifted(V) { return S(1); }  // unused: exp_nonpositive is overridden below

  static bool scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
    max_exponent = std::numeric_limits<S>::min_exponent - 2;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (!is_finite_bits(p[i])) return false;
      if (p[i] != S(0)) {
        int e = 0;
        using std::frexp;
        frexp(p[i], &e);
        max_exponent = std::max(max_exponent, e - 1);
      }
    }
    return true;
  }
};

#include "kernels.ipp"

/// The portable e^x is the library's own: std::exp.
template <>
inline long double exp_nonpositive<Ops<long double>>(long double x) {
  using std::exp;
  return exp(x);
}
template <>
inline double exp_nonpositive<Ops<double>>(double x) {
  return std::exp(x);
}
template <>
inline float exp_nonpositive<Ops<float>>(float x) {
  return std::exp(x);
}

}  // namespace simd_portable
}  // namespace detail
}  // namespace logistic_neuron
