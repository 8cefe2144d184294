/// \file dense.hpp
/// \brief Dense X, column- or row-major, as a kind of X the kernel iterates over (internal).
///
/// A kind of X tells the kernel its shape and layout and does the work of one block of rows:
/// the logits z = X_b w + b, the fused block (logits, an elementwise function of them, and the
/// block's share X_b^T r of the gradient, while the block is in cache), the rows of the Hessian's
/// factor diag(root) X_b, and the column moments of standardize. docs/DESIGN.md lists what a new
/// kind must provide.
#pragma once

#include <algorithm>
#include <cstddef>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "chunks.hpp"

namespace logistic_neuron {
namespace detail {

/// Asks for the cache line at p to be brought into L2 (a hint; no effect where unsupported).
inline void prefetch_to_l2(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 2);
#else
  (void)p;
#endif
}

/// Walks the cache lines of rows [row0, row0 + rows) of a row-major X (rows too short for the
/// grouped pass) and prefetches them a few at a time, so that the next block streams in from
/// memory while the current one is being computed on (the hardware prefetchers stop when the
/// loads stop; these keep memory busy). Column-major X prefetches from its gradient instead.
template <class Scalar>
class BlockPrefetcher {
 public:
  static constexpr Eigen::Index line = 64;

  BlockPrefetcher() = default;

  /// Plans the prefetches of rows [row0, row0 + rows) of a row-major X, spread over `steps`
  /// calls to step(): one segment per row, or one for the whole block when rows are contiguous.
  BlockPrefetcher(const XRef<Scalar, Eigen::RowMajor>& X, Eigen::Index row0, Eigen::Index rows,
                  Eigen::Index steps)
      : m_X(&X), m_first(row0) {
    const bool contiguous = X.outerStride() == X.cols();
    m_segments = contiguous ? 1 : rows;
    m_segment_bytes =
        static_cast<Eigen::Index>(sizeof(Scalar)) * X.cols() * (contiguous ? rows : 1);
    const Eigen::Index lines = m_segments * ((m_segment_bytes + line - 1) / line);
    m_per_step = std::max<Eigen::Index>(1, (lines + std::max<Eigen::Index>(1, steps) - 1) /
                                               std::max<Eigen::Index>(1, steps));
    start_segment();
  }

  /// Issues the next few prefetches (none once the block is covered).
  void step() noexcept {
    for (Eigen::Index k = 0; k < m_per_step && m_segment < m_segments; ++k) {
#if defined(__GNUC__) || defined(__clang__)
      __builtin_prefetch(m_cursor, 0, 3);
#endif
      m_cursor += line;
      if (m_cursor >= m_end) {
        ++m_segment;
        start_segment();
      }
    }
  }

 private:
  void start_segment() noexcept {
    if (m_X == nullptr || m_segment >= m_segments) return;
    m_cursor = reinterpret_cast<const char*>(&m_X->coeffRef(m_first + m_segment, 0));
    m_end = m_cursor + m_segment_bytes;
  }

  const XRef<Scalar, Eigen::RowMajor>* m_X = nullptr;
  Eigen::Index m_first = 0;
  Eigen::Index m_segments = 0, m_segment = 0, m_segment_bytes = 0, m_per_step = 1;
  const char* m_cursor = nullptr;
  const char* m_end = nullptr;
};

/// Rows per group in the row-major pass: a whole number of the widest packets, at least 8.
template <class Scalar>
constexpr Eigen::Index group_rows() {
  return std::max<Eigen::Index>(8, Eigen::internal::packet_traits<Scalar>::size);
}

/// Dense X in storage order Order: a view of the caller's XRef (which must outlive it).
template <class Scalar, int Order>
class DenseX {
 public:
  using scalar_type = Scalar;
  /// The storage order of the view.
  static constexpr int order = Order;

  explicit DenseX(const XRef<Scalar, Order>& X) noexcept : m_X(X) {}

  Eigen::Index rows() const noexcept { return m_X.rows(); }
  Eigen::Index cols() const noexcept { return m_X.cols(); }
  /// The matrix itself.
  const XRef<Scalar, Order>& matrix() const noexcept { return m_X; }

  /// The cut of the rows that every pass uses (see make_layout).
  Layout layout() const {
    return make_layout(rows(), cols(), sizeof(Scalar), Order == Eigen::ColMajor);
  }

  /// z = X_b w + b for rows [row0, row0 + rows) of X, into z[0, rows).
  void logits(Eigen::Index row0, Eigen::Index rows, const Vector<Scalar>& w, Scalar b,
              Scalar* z) const {
    Eigen::Map<Vector<Scalar>> zb(z, rows);
    const auto Xb = m_X.middleRows(row0, rows);
    if constexpr (Order == Eigen::RowMajor) {
      // One contiguous dot product per row.
      for (Eigen::Index i = 0; i < rows; ++i) zb[i] = Xb.row(i).dot(w) + b;
    } else {
      // One contiguous axpy per column, into a z that stays in L1.
      zb.setConstant(b);
      for (Eigen::Index j = 0; j < Xb.cols(); ++j) zb += w[j] * Xb.col(j);
    }
  }

  /// One block of the fused pass over rows [row0, row0 + rows): z = X_b w + b into z, then
  /// value = fn(row0, rows, z, tick) (which turns z into residuals r in place), then
  /// g = X_b^T r. While the block is in cache, the next `next_rows` rows are prefetched.
  /// Returns value.
  template <class BlockFn>
  Scalar fused_block(Eigen::Index row0, Eigen::Index rows, Eigen::Index next_rows,
                     const Vector<Scalar>& w, Scalar b, Scalar* z, Vector<Scalar>& g,
                     const BlockFn& fn) const {
    const Eigen::Index d = cols();
    // Row-major rows of 1 KiB or more are taken a group at a time: each row is read from memory
    // once (the dots) and again from L1 (the gradient) right after, so that loads never stop
    // for long and the out-of-order core overlaps the elementwise work of one group with the
    // loads of the next. Shorter rows pay more in per-row overhead than the grouping saves
    // (measured at d = 32: 1.5x the floor block by block, 2.4x grouped).
    if constexpr (Order == Eigen::RowMajor) {
      if (d * static_cast<Eigen::Index>(sizeof(Scalar)) >= 1024) {
        constexpr Eigen::Index group = group_rows<Scalar>();
        g.setZero();
        Scalar value = 0;
        for (Eigen::Index i = 0; i < rows; i += group) {
          const Eigen::Index m = std::min(group, rows - i);
          const auto Xg = m_X.middleRows(row0 + i, m);
          for (Eigen::Index k = 0; k < m; ++k) z[i + k] = Xg.row(k).dot(w) + b;
          value += fn(row0 + i, m, z + i, [] {});
          g.noalias() += Xg.transpose() * Eigen::Map<const Vector<Scalar>>(z + i, m);
        }
        return value;
      }
      logits(row0, rows, w, b, z);
      BlockPrefetcher<Scalar> prefetcher;
      if (next_rows > 0) {
        prefetcher = BlockPrefetcher<Scalar>(m_X, row0 + rows, next_rows,
                                             std::max<Eigen::Index>(1, rows / 8));
      }
      const auto tick = [&prefetcher] { prefetcher.step(); };
      const Scalar value = fn(row0, rows, z, tick);
      g.noalias() = m_X.middleRows(row0, rows).transpose() *
                    Eigen::Map<const Vector<Scalar>>(z, rows);
      return value;
    } else {
      logits(row0, rows, w, b, z);
      const Scalar value = fn(row0, rows, z, [] {});
      // The gradient's column loop prefetches the next block's segment of each column as it
      // goes (measured at d = 500: 1.65-1.9x the floor without, 1.4-1.55x with).
      const Eigen::Map<const Vector<Scalar>> r(z, rows);
      const auto Xb = m_X.middleRows(row0, rows);
      const Eigen::Index next_bytes = next_rows * static_cast<Eigen::Index>(sizeof(Scalar));
      for (Eigen::Index j = 0; j < d; ++j) {
        g[j] = Xb.col(j).dot(r);
        if (next_rows > 0) {
          const char* segment = reinterpret_cast<const char*>(&m_X.coeffRef(row0 + rows, j));
          for (Eigen::Index k = 0; k < next_bytes; k += 64) prefetch_to_l2(segment + k);
        }
      }
      return value;
    }
  }

  /// A.leftCols(d) = diag(root) X_b for rows [row0, row0 + rows) (root has `rows` entries),
  /// scaled as it is copied, in A's storage order.
  template <class Root, class MatrixA>
  void weighted_rows(Eigen::Index row0, Eigen::Index rows, const Root& root, MatrixA& A) const {
    A.leftCols(cols()).noalias() = root.asDiagonal() * m_X.middleRows(row0, rows);
  }

  /// For rows [row0, row0 + rows), with s_i = weight[i - row0] (1 if weight is null):
  /// total += sum s_i, first_j += sum s_i (x_ij - shift_j), second_j += sum s_i (x_ij - shift_j)^2,
  /// each column's terms added in row order.
  template <class Acc>
  void column_moments(Eigen::Index row0, Eigen::Index rows, const Scalar* weight,
                      const Vector<Acc>& shift, Acc& total, Vector<Acc>& first,
                      Vector<Acc>& second) const {
    for (Eigen::Index i = 0; i < rows; ++i) total += weight ? Acc(weight[i]) : Acc(1);
    const Eigen::Index d = cols();
    for (Eigen::Index j = 0; j < d; ++j) {
      Acc f = first[j], q = second[j];
      for (Eigen::Index i = 0; i < rows; ++i) {
        const Acc s = weight ? Acc(weight[i]) : Acc(1);
        const Acc delta = Acc(m_X(row0 + i, j)) - shift[j];
        f += s * delta;
        q += s * delta * delta;
      }
      first[j] = f;
      second[j] = q;
    }
  }

  /// Copies row i of X into out (a row vector of d entries).
  template <class Row>
  void copy_row(Eigen::Index i, Row&& out) const {
    out = m_X.row(i);
  }

  /// Row 0 of X, in the accumulation type (the shift of column_moments).
  template <class Acc>
  Vector<Acc> first_row() const {
    return m_X.row(0).transpose().template cast<Acc>();
  }

 private:
  const XRef<Scalar, Order>& m_X;
};

}  // namespace detail
}  // namespace logistic_neuron
