/// \file kernels.hpp
/// \brief The hot loops, dispatched to the instruction set chosen at run time (internal): the
/// logits and the gradient of a block of dense rows (column- and row-major), the elementwise
/// logistic step, and the finite scan. See kernels.ipp for what each computes and in which
/// order, and isa.hpp for the choice.
#pragma once

#include <type_traits>

#include <Eigen/Core>

#include "isa.hpp"
#include "ops_portable.hpp"
#include "ops_x86.hpp"

namespace logistic_neuron {
namespace detail {

/// Calls call(ops) with the operation set of the process's instruction set for scalar S (an
/// empty object of type simd_<isa>::Ops<S>; long double always gets the portable set). The
/// kernels take the set as their first argument, so that argument-dependent lookup finds the
/// instance compiled for it.
template <class S, class Call>
decltype(auto) with_ops(const Call& call) {
#ifdef LOGISTIC_NEURON_X86_DISPATCH
  if constexpr (std::is_same_v<S, float> || std::is_same_v<S, double>) {
    switch (kernel_isa()) {
      case Isa::avx512: return call(simd_avx512::Ops<S>{});
      case Isa::avx2: return call(simd_avx2::Ops<S>{});
      default: return call(simd_sse2::Ops<S>{});
    }
  } else {
    return call(simd_portable::Ops<S>{});
  }
#else
  return call(simd_portable::Ops<S>{});
#endif
}

/// z_i = b + sum_j w_j x_ij for rows [0, rows) of column-major X (column j at X + j ld).
template <class S>
void kernel_logits_cols(const S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d, const S* w,
                        S b, S* z) {
  with_ops<S>([&](auto ops) { logits_cols(ops, X, ld, rows, d, w, b, z); });
}

/// The same with multiply-adds (the fit's passes; see logits_cols_impl).
template <class S>
void kernel_logits_cols_fused(const S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                              const S* w, S b, S* z) {
  with_ops<S>([&](auto ops) { logits_cols_fused(ops, X, ld, rows, d, w, b, z); });
}

/// g_j = sum_i x_ij r_i for rows [0, rows) of column-major X; prefetches next_rows more rows.
template <class S>
void kernel_gradient_cols(const S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                          const S* r, S* g, Eigen::Index next_rows) {
  with_ops<S>([&](auto ops) { gradient_cols(ops, X, ld, rows, d, r, g, next_rows); });
}

/// z_i = b + x_i . w for rows [0, rows) of row-major X (row i at X + i ld).
template <class S>
void kernel_logits_rows(const S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d, const S* w,
                        S b, S* z) {
  with_ops<S>([&](auto ops) { logits_rows(ops, X, ld, rows, d, w, b, z); });
}

/// g += sum_i r_i x_i for rows [0, rows) of row-major X.
template <class S>
void kernel_gradient_rows(const S* X, Eigen::Index ld, Eigen::Index rows, Eigen::Index d,
                          const S* r, S* g) {
  with_ops<S>([&](auto ops) { gradient_rows(ops, X, ld, rows, d, r, g); });
}

/// sum_i a_i over n values, in an order fixed by n.
template <class S>
S kernel_sum(const S* a, Eigen::Index n) {
  return with_ops<S>([&](auto ops) { return sum(ops, a, n); });
}

/// sum_i (f a_i)^2 over n values.
template <class S>
S kernel_sum_squares(const S* a, Eigen::Index n, S f) {
  return with_ops<S>([&](auto ops) { return sum_squares(ops, a, n, f); });
}

/// sum_i a_i b_i over n values.
template <class S>
S kernel_dot(const S* a, const S* b, Eigen::Index n) {
  return with_ops<S>([&](auto ops) { return dot_product(ops, a, b, n); });
}

/// A column's coordinate-descent sums: out = (x . rho, x . v, sum_i x_i^2 v_i).
template <class S>
void kernel_cd_moments(const S* x, const S* rho, const S* v, Eigen::Index n, S* out) {
  with_ops<S>([&](auto ops) { cd_moments(ops, x, rho, v, n, out); });
}

/// rho -= delta (v o x).
template <class S>
void kernel_cd_update(const S* x, S delta, const S* v, S* rho, Eigen::Index n) {
  with_ops<S>([&](auto ops) { cd_update(ops, x, delta, v, rho, n); });
}

/// kernel_cd_update, then returns x_next . rho (kernel_dot's bits) in the same read of rho.
template <class S>
S kernel_cd_update_dot(const S* x, S delta, const S* v, S* rho, const S* x_next, Eigen::Index n) {
  return with_ops<S>([&](auto ops) { return cd_update_dot(ops, x, delta, v, rho, x_next, n); });
}

/// kernel_cd_update, then kernel_cd_moments of x_next (its bits) in the same read of rho, v.
template <class S>
void kernel_cd_update_moments(const S* x, S delta, const S* v, S* rho, const S* x_next,
                              Eigen::Index n, S* out) {
  with_ops<S>([&](auto ops) { cd_update_moments(ops, x, delta, v, rho, x_next, n, out); });
}

/// The elementwise logistic step of a block: z becomes r in place; returns the summed loss.
template <class S>
S kernel_logistic_step(S* z, const S* sign, const S* weight, Eigen::Index rows) {
  return with_ops<S>([&](auto ops) { return logistic_step(ops, z, sign, weight, rows); });
}

/// The same out of place, with the curvatures: r_i = s_i (a_i - y_i), v_i = s_i a_i (1 - a_i)
/// for the rows of z (r, v and z distinct); returns the loss with kernel_logistic_step's bits.
template <class S>
S kernel_logistic_curvature(const S* z, const S* sign, const S* weight, Eigen::Index rows, S* r,
                            S* v) {
  return with_ops<S>(
      [&](auto ops) { return logistic_curvature(ops, z, sign, weight, rows, r, v); });
}

/// False if one of n contiguous values is not finite; else the largest binary exponent of their
/// magnitudes in max_exponent. Reads bit patterns (holds under -ffast-math).
template <class S>
bool kernel_scan_finite(const S* p, Eigen::Index n, int& max_exponent) {
  return with_ops<S>([&](auto ops) { return scan_finite(ops, p, n, max_exponent); });
}

}  // namespace detail
}  // namespace logistic_neuron
