/// \file sparse.hpp
/// \brief Sparse X, compressed by rows (CSR) or by columns (CSC), as a kind of X (internal).
///
/// A view of the caller's arrays (outer starts, inner indices, values, and the per-outer counts
/// of an uncompressed matrix), never copied. Implicit entries are zeros; explicit zeros are
/// entries like any other. The passes ask it for the same block work as dense X (see dense.hpp)
/// with one difference: a sparse block adds X_b^T r straight into its chunk's sums
/// (fused_block_into), so that no pass costs O(d) per block.
///
/// CSR goes a block of rows at a time: each row's entries are read once for its logit and again,
/// while still in cache, for the gradient. CSC goes a chunk at a time: for every column, the
/// entries of the chunk's rows are found by binary search, then used for the logits (scattered
/// into the chunk's z) and for the gradient (gathered from its r); a pass reads the entries
/// twice and costs O(d log(nnz/d)) per chunk to find them. Chunks of sparse X are fixed by n
/// alone (sparse_layout): at most sparse_max_chunks of them, so that their sums take O(d) memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "simd/kernels.hpp"

namespace logistic_neuron {
namespace detail {

/// The most chunks sparse X is cut into: each chunk's gradient sums are a vector of d.
inline constexpr Eigen::Index sparse_max_chunks = 8;

/// The cut of n rows of sparse X with d columns and nnz entries: K chunks of equal rows (a
/// multiple of 64), K the largest power of two <= nnz / (8 d) in [1, sparse_max_chunks], so that
/// the chunks' sums (K vectors of d, zeroed and added once a pass) cost at most about a quarter of
/// reading the entries; but K = 2 rather than 1 where nnz >= 4 d and n >= 128, since one chunk
/// is one thread's work: for d >> n (news20's 1.35M columns, 6.7 entries a column) the second
/// vector of d costs about what reading the entries does and lets a second thread take half the
/// rows (an L-BFGS fit of a news20-shaped set went from 1.8-2.1 s to 1.2-1.7 s on 2 cores).
/// CSR blocks of 256 rows, CSC blocks of a chunk. The cut depends on the shape alone, so the
/// sums, and their bits, do not depend on the thread count.
inline Layout sparse_layout(Eigen::Index n, Eigen::Index d, Eigen::Index nnz, bool csr) {
  Eigen::Index chunks = 1;
  while (chunks < sparse_max_chunks && 2 * chunks * 8 * d <= nnz) chunks *= 2;
  if (chunks == 1 && 4 * d <= nnz && n >= 128) chunks = 2;
  Layout layout;
  const Eigen::Index per_chunk = (n + chunks - 1) / chunks;
  layout.chunk_rows = std::max<Eigen::Index>(64, (per_chunk + 63) / 64 * 64);
  layout.block_rows = csr ? std::min<Eigen::Index>(layout.chunk_rows, 256) : layout.chunk_rows;
  layout.chunks = n == 0 ? 0 : (n + layout.chunk_rows - 1) / layout.chunk_rows;
  return layout;
}

/// Sparse X of Scalar with indices of StorageIndex, compressed by rows (Order = RowMajor) or
/// columns (ColMajor): a view of the caller's arrays, which must outlive it.
template <class Scalar, int Order, class StorageIndex>
class SparseX {
 public:
  using scalar_type = Scalar;
  static constexpr bool csr = Order == Eigen::RowMajor;
  /// Sparse blocks add their gradient into the chunk's sums (fused_block_into).
  static constexpr bool scatters = true;

  /// \param outer outer + 1 starts (rows + 1 for CSR), \param inner the inner indices,
  /// \param values the values, \param counts the entries per outer vector of an uncompressed
  /// matrix, or null.
  SparseX(Eigen::Index rows, Eigen::Index cols, const StorageIndex* outer,
          const StorageIndex* inner, const Scalar* values, const StorageIndex* counts) noexcept
      : m_rows(rows), m_cols(cols), m_outer(outer), m_inner(inner), m_values(values),
        m_counts(counts) {
    for (Eigen::Index k = 0; k < outer_size(); ++k) m_entries += end(k) - begin(k);
  }

  /// A view of an Eigen sparse matrix (a SparseMatrix or a Map of one).
  template <class Derived>
  static SparseX of(const Eigen::SparseCompressedBase<Derived>& X) noexcept {
    return SparseX(X.rows(), X.cols(), X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(),
                   X.isCompressed() ? nullptr : X.innerNonZeroPtr());
  }

  /// Rows [begin, begin + count) of this view as a view of the same arrays (for X sharded over
  /// MPI ranks, mpi_dataset.hpp): CSR starts at outer vector `begin`; CSC keeps its columns and
  /// reads stored row index k as row k - begin of the view, ignoring the entries outside. The
  /// checks of whole arrays (scan, first_non_finite, require_valid) belong to the full view.
  SparseX rows_view(Eigen::Index begin, Eigen::Index count) const {
    if constexpr (csr) {
      return SparseX(count, m_cols, m_outer + begin, m_inner, m_values,
                     m_counts ? m_counts + begin : nullptr);
    } else {
      SparseX view = *this;
      view.m_rows = count;
      view.m_first = m_first + begin;
      view.m_entries = 0;
      for (Eigen::Index j = 0; j < m_cols; ++j)
        view.m_entries += view.first_in(j, count) - view.first_in(j, 0);
      return view;
    }
  }

  Eigen::Index rows() const noexcept { return m_rows; }
  Eigen::Index cols() const noexcept { return m_cols; }
  /// The stored entries (explicit zeros included).
  Eigen::Index entries() const noexcept { return m_entries; }
  Layout layout() const { return sparse_layout(m_rows, m_cols, entries(), csr); }

  /// z = X_b w + b for rows [row0, row0 + rows), into z[0, rows).
  void logits(Eigen::Index row0, Eigen::Index rows, const Vector<Scalar>& w, Scalar b,
              Scalar* z) const {
    if constexpr (csr) {
      for (Eigen::Index i = 0; i < rows; ++i) z[i] = row_dot(row0 + i, w.data()) + b;
    } else {
      for (Eigen::Index i = 0; i < rows; ++i) z[i] = b;
      for (Eigen::Index j = 0; j < m_cols; ++j) {
        const Scalar wj = w[j];
        for (Eigen::Index k = first_in(j, row0), e = end(j); k < e && row_at(k) < row0 + rows;
             ++k) {
          z[row_at(k) - row0] += wj * m_values[k];
        }
      }
    }
  }

  /// One block of the fused pass over rows [row0, row0 + rows): z = X_b w + b, value =
  /// fn(row0, rows, z) (z becomes r), then gradient_j += sum_i x_ij r_i (Acc). Returns value.
  /// Without Gradient, gradient is left alone (z and value have the same bits).
  template <bool Gradient = true, class BlockFn, class Acc>
  Scalar fused_block_into(Eigen::Index row0, Eigen::Index rows, const Vector<Scalar>& w, Scalar b,
                          Scalar* z, const BlockFn& fn, Acc* gradient) const {
    logits(row0, rows, w, b, z);
    const Scalar value = fn(row0, rows, z);
    if constexpr (!Gradient) {
      return value;
    } else if constexpr (csr) {
      for (Eigen::Index i = 0; i < rows; ++i) row_scatter(row0 + i, z[i], gradient);
    } else {
      for (Eigen::Index j = 0; j < m_cols; ++j) {
        Scalar sum = 0;
        for (Eigen::Index k = first_in(j, row0), e = end(j); k < e && row_at(k) < row0 + rows;
             ++k) {
          sum += m_values[k] * z[row_at(k) - row0];
        }
        gradient[j] += static_cast<Acc>(sum);
      }
    }
    return value;
  }

  /// A.leftCols(d) = diag(root) X_b factor for rows [row0, row0 + rows), densified.
  template <class Root, class MatrixA>
  void weighted_rows(Eigen::Index row0, Eigen::Index rows, const Root& root, Scalar factor,
                     MatrixA& A) const {
    A.leftCols(m_cols).setZero();
    for_entries(row0, rows,
                [&](Eigen::Index i, Eigen::Index j, Scalar x) { A(i, j) = root[i] * x * factor; });
  }

  /// For rows [row0, row0 + rows), with s_i = weight[i - row0] (1 if weight is null) and
  /// x' = factor x: total += sum s_i, first_j += sum s_i (x'_ij - shift_j),
  /// second_j += sum s_i (x'_ij - shift_j)^2, where the implicit zeros count as x' = 0 (their
  /// part, -shift_j and shift_j^2 times their weight, is added once per column that has a shift).
  template <class Acc>
  void column_moments(Eigen::Index row0, Eigen::Index rows, const Scalar* weight, Scalar factor,
                      const Vector<Acc>& shift, Acc& total, Vector<Acc>& first,
                      Vector<Acc>& second) const {
    Acc block_weight = 0;
    for (Eigen::Index i = 0; i < rows; ++i) block_weight += weight ? Acc(weight[i]) : Acc(1);
    total += block_weight;
    // The weight of the stored entries of every column with a shift (the zeros' share is the rest).
    Vector<Acc> stored = Vector<Acc>::Zero(m_cols);
    for_entries(row0, rows, [&](Eigen::Index i, Eigen::Index j, Scalar x) {
      const Acc s = weight ? Acc(weight[i]) : Acc(1);
      const Acc delta = Acc(x * factor) - shift[j];
      first[j] += s * delta;
      second[j] += s * delta * delta;
      if (shift[j] != 0) stored[j] += s;
    });
    for (Eigen::Index j = 0; j < m_cols; ++j) {
      if (shift[j] == 0) continue;
      const Acc zeros = block_weight - stored[j];
      first[j] -= zeros * shift[j];
      second[j] += zeros * shift[j] * shift[j];
    }
  }

  /// g_j += sum_i |x_ij| r_i (Acc) for rows [row0, row0 + rows).
  template <class Acc>
  void abs_gradient_into(Eigen::Index row0, Eigen::Index rows, const Scalar* r, Acc* g) const {
    using std::abs;
    for_entries(row0, rows, [&](Eigen::Index i, Eigen::Index j, Scalar x) {
      g[j] += static_cast<Acc>(abs(x) * r[i]);
    });
  }

  /// Row 0 of X, densified, in the accumulation type.
  template <class Acc>
  Vector<Acc> first_row() const {
    Vector<Acc> row = Vector<Acc>::Zero(m_cols);
    if (m_rows > 0)
      for_entries(0, 1, [&](Eigen::Index, Eigen::Index j, Scalar x) { row[j] = Acc(x); });
    return row;
  }

  /// Copies row i of X, densified, into out (a row vector of d entries).
  template <class Row>
  void copy_row(Eigen::Index i, Row&& out) const {
    out.setZero();
    for_entries(i, 1, [&](Eigen::Index, Eigen::Index j, Scalar x) { out[j] = x; });
  }

  /// Scans the stored values: false if one is NaN or infinite; else adds the sum of their
  /// squares (scaled by powers of two per segment, in long double) to sum_squares. Bit patterns:
  /// holds under -ffast-math.
  bool scan(long double& sum_squares) const {
    constexpr Eigen::Index segment = 2048;
    for (Eigen::Index k = 0; k < outer_size(); ++k) {
      for (Eigen::Index start = begin(k), e = end(k); start < e; start += segment) {
        const Eigen::Index count = std::min(segment, e - start);
        int exponent = 0;
        if (!kernel_scan_finite(m_values + start, count, exponent)) return false;
        using std::ldexp;
        const Scalar squares =
            kernel_sum_squares(m_values + start, count, ldexp(Scalar(1), -exponent));
        sum_squares += std::ldexp(static_cast<long double>(squares), 2 * exponent);
      }
    }
    return true;
  }

  /// An entry of X and where it is.
  struct Entry {
    Eigen::Index row = 0, col = 0;
    Scalar value = 0;
  };
  /// The first stored entry, in storage order, that is NaN or infinite (X must have one).
  Entry first_non_finite() const {
    for (Eigen::Index k = 0; k < outer_size(); ++k) {
      for (Eigen::Index p = begin(k); p < end(k); ++p) {
        if (!is_finite_bits(m_values[p])) {
          const Eigen::Index i = csr ? k : Eigen::Index(m_inner[p]);
          const Eigen::Index j = csr ? Eigen::Index(m_inner[p]) : k;
          return {i, j, m_values[p]};
        }
      }
    }
    return {};
  }

  /// The stored inner indices must lie in [0, inner size) and increase along every outer vector.
  /// \throws std::invalid_argument naming `caller` and the first that does not.
  void require_valid(const char* caller) const {
    const Eigen::Index inner_size = csr ? m_cols : m_rows;
    for (Eigen::Index k = 0; k < outer_size(); ++k) {
      for (Eigen::Index p = begin(k); p < end(k); ++p) {
        const Eigen::Index index = m_inner[p];
        if (index < 0 || index >= inner_size || (p > begin(k) && !(m_inner[p - 1] < m_inner[p]))) {
          throw std::invalid_argument(
              std::string(caller) + ": sparse X's " + (csr ? "row " : "column ") +
              std::to_string(k) + " has inner index " + std::to_string(index) + " at entry " +
              std::to_string(p) + "; expected indices in [0, " + std::to_string(inner_size) +
              ") that increase along each " + (csr ? "row" : "column"));
        }
      }
    }
  }

  /// f(i - row0, j, x_ij) for every stored entry of rows [row0, row0 + rows).
  template <class F>
  void for_entries(Eigen::Index row0, Eigen::Index rows, const F& f) const {
    if constexpr (csr) {
      for (Eigen::Index i = 0; i < rows; ++i) {
        for (Eigen::Index k = begin(row0 + i), e = end(row0 + i); k < e; ++k) {
          f(i, Eigen::Index(m_inner[k]), m_values[k]);
        }
      }
    } else {
      for (Eigen::Index j = 0; j < m_cols; ++j) {
        for (Eigen::Index k = first_in(j, row0), e = end(j); k < e && row_at(k) < row0 + rows;
             ++k) {
          f(row_at(k) - row0, j, m_values[k]);
        }
      }
    }
  }

 private:
  Eigen::Index outer_size() const noexcept { return csr ? m_rows : m_cols; }
  Eigen::Index begin(Eigen::Index k) const noexcept { return m_outer[k]; }
  Eigen::Index end(Eigen::Index k) const noexcept {
    return m_counts ? Eigen::Index(m_outer[k]) + m_counts[k] : Eigen::Index(m_outer[k + 1]);
  }
  /// CSC: the first entry of column j whose row is >= row0 (of this view).
  Eigen::Index first_in(Eigen::Index j, Eigen::Index row0) const {
    const StorageIndex* first = m_inner + begin(j);
    const StorageIndex* last = m_inner + end(j);
    return std::lower_bound(first, last, static_cast<StorageIndex>(row0 + m_first)) - m_inner;
  }
  /// CSC: the row of this view that entry k is in (its stored row index less m_first).
  Eigen::Index row_at(Eigen::Index k) const noexcept { return Eigen::Index(m_inner[k]) - m_first; }
  /// x_i . w for row i of CSR X: four partial sums over the entries k = 0, 1, 2, 3 mod 4 (so
  /// that the products do not wait on one chain of additions), then (s0 + s1) + (s2 + s3).
  Scalar row_dot(Eigen::Index i, const Scalar* w) const {
    const Eigen::Index e = end(i);
    Eigen::Index k = begin(i);
    Scalar s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (; k + 4 <= e; k += 4) {
      s0 += m_values[k] * w[m_inner[k]];
      s1 += m_values[k + 1] * w[m_inner[k + 1]];
      s2 += m_values[k + 2] * w[m_inner[k + 2]];
      s3 += m_values[k + 3] * w[m_inner[k + 3]];
    }
    if (k < e) s0 += m_values[k] * w[m_inner[k]];
    if (k + 1 < e) s1 += m_values[k + 1] * w[m_inner[k + 1]];
    if (k + 2 < e) s2 += m_values[k + 2] * w[m_inner[k + 2]];
    return (s0 + s1) + (s2 + s3);
  }
  /// gradient_j += x_ij r for the entries of row i of CSR X. The indices of a row are distinct,
  /// so four entries at a time load, add and store without waiting on one another.
  template <class Acc>
  void row_scatter(Eigen::Index i, Scalar r, Acc* gradient) const {
    const Eigen::Index e = end(i);
    Eigen::Index k = begin(i);
    for (; k + 4 <= e; k += 4) {
      Acc* g0 = gradient + m_inner[k];
      Acc* g1 = gradient + m_inner[k + 1];
      Acc* g2 = gradient + m_inner[k + 2];
      Acc* g3 = gradient + m_inner[k + 3];
      const Acc a0 = *g0 + static_cast<Acc>(m_values[k] * r);
      const Acc a1 = *g1 + static_cast<Acc>(m_values[k + 1] * r);
      const Acc a2 = *g2 + static_cast<Acc>(m_values[k + 2] * r);
      const Acc a3 = *g3 + static_cast<Acc>(m_values[k + 3] * r);
      *g0 = a0;
      *g1 = a1;
      *g2 = a2;
      *g3 = a3;
    }
    for (; k < e; ++k) gradient[m_inner[k]] += static_cast<Acc>(m_values[k] * r);
  }

  Eigen::Index m_rows, m_cols;
  const StorageIndex* m_outer;
  const StorageIndex* m_inner;
  const Scalar* m_values;
  const StorageIndex* m_counts;
  Eigen::Index m_entries = 0;
  Eigen::Index m_first = 0;  ///< CSC: the stored row index of row 0 of this view (rows_view)
};

/// Recomputes the logits z_i = x_i . w + b that came out NaN or infinite from finite X and
/// parameters, in long double, and rounds them to Scalar (see repair_logits in dense.hpp).
/// \throws std::overflow_error naming `caller` and the row if even long double cannot hold it.
template <class Scalar, int Order, class StorageIndex>
void repair_logits(const char* caller, const SparseX<Scalar, Order, StorageIndex>& X,
                   const Vector<Scalar>& w, Scalar b, Vector<Scalar>& z) {
  for (Eigen::Index i = 0; i < z.size(); ++i) {
    if (is_finite_bits(z[i])) continue;
    long double sum = b;
    X.for_entries(i, 1, [&](Eigen::Index, Eigen::Index j, Scalar x) {
      sum += static_cast<long double>(x) * static_cast<long double>(w[j]);
    });
    if (!is_finite_bits(sum) || std::is_same_v<Scalar, long double>) {
      throw std::overflow_error(std::string(caller) + ": the logit of row " + std::to_string(i) +
                                " overflows (x . w + b is beyond the range of long double for "
                                "these parameters); expected parameters of a scale that X can "
                                "carry");
    }
    z[i] = static_cast<Scalar>(sum);
  }
}

}  // namespace detail
}  // namespace logistic_neuron
