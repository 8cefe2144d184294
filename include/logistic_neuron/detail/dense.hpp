/// \file dense.hpp
/// \brief Dense X, column- or row-major, as a kind of X the passes iterate over (internal).
///
/// A kind of X holds rows and does the work of one block of them (see dataset.hpp for how the
/// rows reach the passes, and docs/DESIGN.md for what a new kind provides):
///   scalar_type; rows(), cols(); layout()              the chunk and block cut of its shape
///   logits(row0, rows, w, b, z)                        z = X_b w + b
///   fused_block(row0, rows, next_rows, w, b, z, g, fn) z = X_b w + b; value = fn(row0, rows, z)
///                                                      turns z into r; g = X_b^T r; returns value
///   weighted_rows(row0, rows, root, factor, A)         A(:, 0..d) = diag(root) X_b factor
///   column_moments(row0, rows, weight, factor, shift, total, first, second)
///   abs_gradient(row0, rows, r, g)                     g += |X_b|^T r
///   copy_row(i, out); scan(max_exponent)               a row; finiteness and magnitude
/// Dense X runs the dispatched SIMD kernels of simd/kernels.hpp on its blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "simd/kernels.hpp"

namespace logistic_neuron {
namespace detail {

/// Dense X in storage order Order: a view of the caller's XRef (which must outlive it).
template <class Scalar, int Order>
class DenseX {
 public:
  using scalar_type = Scalar;
  /// The storage order of the view.
  static constexpr int order = Order;
  static constexpr bool column_major = Order == Eigen::ColMajor;

  explicit DenseX(const XRef<Scalar, Order>& X) noexcept : m_X(X) {}

  Eigen::Index rows() const noexcept { return m_X.rows(); }
  Eigen::Index cols() const noexcept { return m_X.cols(); }
  /// The matrix itself.
  const XRef<Scalar, Order>& matrix() const noexcept { return m_X; }

  /// The cut of the rows that every pass uses (see make_layout).
  Layout layout() const { return make_layout(rows(), cols(), sizeof(Scalar), column_major); }

  /// z = X_b w + b for rows [row0, row0 + rows) of X, into z[0, rows).
  void logits(Eigen::Index row0, Eigen::Index rows, const Vector<Scalar>& w, Scalar b,
              Scalar* z) const {
    if constexpr (column_major) {
      kernel_logits_cols(at(row0), stride(), rows, cols(), w.data(), b, z);
    } else {
      kernel_logits_rows(at(row0), stride(), rows, cols(), w.data(), b, z);
    }
  }

  /// One block of the fused pass over rows [row0, row0 + rows): z = X_b w + b into z, then
  /// value = fn(row0, rows, z) (which turns z into residuals r in place), then g = X_b^T r.
  /// Column-major X prefetches the next `next_rows` rows of each column (the next block) from
  /// the gradient's column loop; row-major X goes through the block a group of rows at a time,
  /// so that each row is read from memory once and again from L1 right after. Returns value.
  /// Without Gradient, g is left alone and the block's X is read once, for z: z and value have
  /// the bits they have with it.
  template <bool Gradient = true, class BlockFn>
  Scalar fused_block(Eigen::Index row0, Eigen::Index rows, Eigen::Index next_rows,
                     const Vector<Scalar>& w, Scalar b, Scalar* z, Vector<Scalar>& g,
                     const BlockFn& fn) const {
    const Eigen::Index d = cols();
    if constexpr (column_major) {
      kernel_logits_cols_fused(at(row0), stride(), rows, d, w.data(), b, z);
      // While the elementwise step computes (no loads), memory fetches the first part of the
      // next block's columns; the gradient's column loop asks for the rest.
      Scalar value = 0;
      const Eigen::Index quarter = std::max<Eigen::Index>(1, (rows + 3) / 4);
      for (Eigen::Index i = 0, q = 0; i < rows; i += quarter, ++q) {
        if (next_rows > 0) prefetch_segments(row0 + rows, next_rows, q, 4);
        value += fn(row0 + i, std::min(quarter, rows - i), z + i);
      }
      if constexpr (Gradient)
        kernel_gradient_cols(at(row0), stride(), rows, d, z, g.data(), next_rows);
      return value;
    } else {
      const Eigen::Index group = group_rows();
      if constexpr (Gradient) g.setZero();
      Scalar value = 0;
      for (Eigen::Index i = 0; i < rows; i += group) {
        const Eigen::Index m = std::min(group, rows - i);
        kernel_logits_rows(at(row0 + i), stride(), m, d, w.data(), b, z + i);
        value += fn(row0 + i, m, z + i);
        if constexpr (Gradient) kernel_gradient_rows(at(row0 + i), stride(), m, d, z + i, g.data());
      }
      return value;
    }
  }

  /// A.leftCols(d) = diag(root) X_b factor for rows [row0, row0 + rows) (root has `rows`
  /// entries; factor scales every entry, a power of two in practice), in A's storage order.
  template <class Root, class MatrixA>
  void weighted_rows(Eigen::Index row0, Eigen::Index rows, const Root& root, Scalar factor,
                     MatrixA& A) const {
    A.leftCols(cols()).noalias() = (root * factor).asDiagonal() * m_X.middleRows(row0, rows);
  }

  /// For rows [row0, row0 + rows), with s_i = weight[i - row0] (1 if weight is null) and
  /// x'_ij = factor x_ij: total += sum s_i, first_j += sum s_i (x'_ij - shift_j),
  /// second_j += sum s_i (x'_ij - shift_j)^2, each column's terms added in row order.
  template <class Acc>
  void column_moments(Eigen::Index row0, Eigen::Index rows, const Scalar* weight, Scalar factor,
                      const Vector<Acc>& shift, Acc& total, Vector<Acc>& first,
                      Vector<Acc>& second) const {
    for (Eigen::Index i = 0; i < rows; ++i) total += weight ? Acc(weight[i]) : Acc(1);
    const Eigen::Index d = cols();
    for (Eigen::Index j = 0; j < d; ++j) {
      Acc f = first[j], q = second[j];
      for (Eigen::Index i = 0; i < rows; ++i) {
        const Acc s = weight ? Acc(weight[i]) : Acc(1);
        const Acc delta = Acc(m_X(row0 + i, j) * factor) - shift[j];
        f += s * delta;
        q += s * delta * delta;
      }
      first[j] = f;
      second[j] = q;
    }
  }

  /// g += |X_b|^T r for rows [row0, row0 + rows): the scale of the terms of the gradient.
  void abs_gradient(Eigen::Index row0, Eigen::Index rows, const Scalar* r,
                    Vector<Scalar>& g) const {
    g.noalias() += m_X.middleRows(row0, rows).cwiseAbs().transpose() *
                   Eigen::Map<const Vector<Scalar>>(r, rows);
  }

  /// Row 0 of X, in the accumulation type.
  template <class Acc>
  Vector<Acc> first_row() const {
    return m_X.row(0).transpose().template cast<Acc>();
  }

  /// Copies row i of X into out (a row vector of d entries).
  template <class Row>
  void copy_row(Eigen::Index i, Row&& out) const {
    out = m_X.row(i);
  }

  /// An entry of X and where it is.
  struct Entry {
    Eigen::Index row = 0, col = 0;
    Scalar value = 0;
  };
  /// The first entry of X, row by row, that is NaN or infinite (X must have one).
  Entry first_non_finite() const {
    for (Eigen::Index i = 0; i < rows(); ++i) {
      for (Eigen::Index j = 0; j < cols(); ++j) {
        if (!is_finite_bits(m_X(i, j))) return {i, j, m_X(i, j)};
      }
    }
    return {};
  }

  /// Scans every entry: false if one is NaN or infinite; else adds sum x_ij^2 (in long double,
  /// each segment of a line scaled by a power of two first, so that nothing overflows or
  /// underflows) to sum_squares. Reads the bit patterns, line by line in storage order, so it
  /// holds under -ffast-math.
  bool scan(long double& sum_squares) const {
    const Eigen::Index lines = column_major ? cols() : rows();
    const Eigen::Index length = column_major ? rows() : cols();
    if (length == 0) return true;  // no entries (and no line to point at)
    constexpr Eigen::Index segment = 2048;
    for (Eigen::Index k = 0; k < lines; ++k) {
      const Scalar* line = column_major ? &m_X.coeffRef(0, k) : &m_X.coeffRef(k, 0);
      for (Eigen::Index start = 0; start < length; start += segment) {
        const Eigen::Index count = std::min(segment, length - start);
        int e = 0;
        if (!kernel_scan_finite(line + start, count, e)) return false;
        using std::ldexp;
        const Scalar squares = kernel_sum_squares(line + start, count, ldexp(Scalar(1), -e));
        sum_squares += std::ldexp(static_cast<long double>(squares), 2 * e);
      }
    }
    return true;
  }

 private:
  /// Asks for part `part` of `parts` of the column segments of rows [row0, row0 + rows) (each
  /// column's first lines first) to be brought into L2 (a hint).
  void prefetch_segments(Eigen::Index row0, Eigen::Index rows, Eigen::Index part,
                         Eigen::Index parts) const {
    const Eigen::Index lines = (rows * Eigen::Index(sizeof(Scalar)) + 63) / 64;
    const Eigen::Index first = lines * part / parts, last = lines * (part + 1) / parts;
    for (Eigen::Index j = 0; j < cols(); ++j) {
      const char* p = reinterpret_cast<const char*>(&m_X.coeffRef(row0, j));
      for (Eigen::Index k = first; k < last; ++k) __builtin_prefetch(p + 64 * k, 0, 2);
    }
  }
  const Scalar* at(Eigen::Index row) const { return &m_X.coeffRef(row, 0); }
  Eigen::Index stride() const { return m_X.outerStride(); }
  /// Rows per group of the row-major block: about 16 KiB of them, 4 to 64.
  Eigen::Index group_rows() const {
    const Eigen::Index row_bytes = std::max<Eigen::Index>(1, cols() * Eigen::Index(sizeof(Scalar)));
    return std::clamp<Eigen::Index>(16384 / row_bytes, 4, 64);
  }

  const XRef<Scalar, Order>& m_X;
};

/// Recomputes the logits z_i = x_i . w + b that came out NaN or infinite from finite X and
/// parameters (products or partial sums beyond the range of Scalar), in long double, and rounds
/// them to Scalar: a logit beyond the range of Scalar becomes +-infinity (probability exactly 1
/// or 0).
/// \throws std::overflow_error naming `caller` and the row if even long double cannot hold it.
template <class Scalar, int Order>
void repair_logits(const char* caller, const XRef<Scalar, Order>& X, const Vector<Scalar>& w,
                   Scalar b, Vector<Scalar>& z) {
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    if (is_finite_bits(z[i])) continue;
    long double sum = b;
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      sum += static_cast<long double>(X(i, j)) * static_cast<long double>(w[j]);
    }
    if (!is_finite_bits(sum) || std::is_same_v<Scalar, long double>) {
      throw std::overflow_error(std::string(caller) + ": the logit of row " + std::to_string(i) +
                                " overflows (x . w + b is beyond the range of long double for "
                                "these parameters); expected parameters of a scale that X can "
                                "carry");
    }
    z[i] = static_cast<Scalar>(sum);  // +-infinity beyond the range of Scalar
  }
}

}  // namespace detail
}  // namespace logistic_neuron
