/// \file hessian.hpp
/// \brief The Hessian sums of the logistic loss over a dataset, in units where X has unit scale
/// (internal).
///
/// With a_i = sigmoid(x_i . w + b), sample weights s_i and a factor f (a power of two: the
/// Problem's 2^-E, so that f X has entries below 2 in magnitude), the Hessian of
/// sum_i s_i [softplus(z_i) - y_i z_i] with respect to (w / f, b) is
///   H = sum_i s_i a_i (1 - a_i) [f x_i; 1] [f x_i; 1]^T,
/// a (d+1) x (d+1) matrix whose last row and column belong to the bias. Scaling the rows by f
/// while they are formed keeps every product of two features in range whatever X's scale (1e-150
/// and 1e150 alike). The cost J scales H by 1/S (mean) or 1 (sum) and adds the penalty; the
/// Problem does that.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "kernel.hpp"
#include "logistic.hpp"
#include "reduce.hpp"

namespace logistic_neuron {
namespace detail {

/// The square matrix type in which Hessian sums are returned.
template <class Scalar>
using AccumMatrix = Eigen::Matrix<Accum<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;

/// Per-worker scratch of hessian_sums, allocated before any thread starts.
template <class Scalar>
struct HessianScratch {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  HessianScratch(Eigen::Index block_rows, Eigen::Index p) : z(block_rows), A(block_rows, p) {
    if constexpr (!std::is_same_v<Accum<Scalar>, Scalar>) G.resize(p, p);
  }
  Vector<Scalar> z;
  Matrix A;  ///< diag(sqrt(c)) [f X_b 1], block_rows x (d+1)
  Matrix G;  ///< A^T A in Scalar when Scalar is not the accumulator type
};

/// One chunk's sum of H: for each block of its rows in order, c_i = s_i a_i (1 - a_i),
/// A = diag(sqrt(c)) [f X_b 1], and A^T A added to the lower triangle of `sum` (set to 0 first).
template <class Piece, class Scalar>
void hessian_chunk(const Piece& piece, ChunkRows rows_of, Eigen::Index block_rows,
                   const Vector<Scalar>& w, Scalar b, Scalar factor, HessianScratch<Scalar>& s,
                   AccumMatrix<Scalar>& sum) {
  const Eigen::Index d = w.size(), p = d + 1;
  sum.setZero(p, p);
  for (Eigen::Index row0 = rows_of.begin; row0 < rows_of.end; row0 += block_rows) {
    const Eigen::Index rows = std::min(block_rows, rows_of.end - row0);
    piece.X.logits(row0, rows, w, b, s.z.data());
    auto root = s.z.head(rows);
    for (Eigen::Index i = 0; i < rows; ++i) {
      // sqrt(s a (1 - a)) = sqrt(s) sqrt(e) / (1 + e), e = exp(-|z|)
      root[i] = hessian_root(root[i]);
      if (piece.weight) root[i] *= std::sqrt(piece.weight[row0 + i]);
    }
    auto A = s.A.topRows(rows);
    piece.X.weighted_rows(row0, rows, root, factor, A);
    A.col(d) = root;
    if constexpr (std::is_same_v<Accum<Scalar>, Scalar>) {
      sum.template selfadjointView<Eigen::Lower>().rankUpdate(A.transpose());
    } else {
      s.G.setZero();
      s.G.template selfadjointView<Eigen::Lower>().rankUpdate(A.transpose());
      sum += s.G.template cast<Accum<Scalar>>();  // G's strict upper triangle stays 0
    }
  }
}

/// H (see the file comment) at (w, b) over the dataset: (d+1) x (d+1), symmetric, not divided by
/// S and without a penalty.
///
/// One pass: for each block of rows, z = X_b w + b (logits), c_i = s_i a_i (1 - a_i) =
/// s_i e_i / (1 + e_i)^2 with e_i = exp(-|z_i|) (no overflow), A = diag(sqrt(c)) [f X_b 1], and
/// the block adds A^T A (a rank update of the lower triangle) to its chunk's sum
/// (hessian_chunk). Chunks go in windows (at most about 64 MiB of (d+1) x (d+1) sums alive at
/// once) and the windows' sums into the chunk tree in order, so the result does not depend on
/// the thread count, the window or how the rows are split.
template <class Data>
AccumMatrix<typename Data::scalar_type> hessian_sums(const Data& data,
                                                     const Vector<typename Data::scalar_type>& w,
                                                     typename Data::scalar_type b,
                                                     typename Data::scalar_type factor,
                                                     int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index d = data.cols(), p = d + 1, entries = p * p;
  const Layout layout = data.layout();
  // Blocks of at least 256 rows within the chunk: each block's rank update reads and writes the
  // whole lower triangle (2 MB at d = 500), which short blocks made dominate the pass. Sparse
  // blocks are densified into A, so they take 256 rows exactly (a chunk would be n/8 x d).
  const Eigen::Index block_rows =
      std::min(layout.chunk_rows, scatters<typename Data::kind_type>::value
                                      ? Eigen::Index(256)
                                      : std::max<Eigen::Index>(layout.block_rows, 256));
  const int workers = worker_count(data.chunk_count(), threads);
  const Eigen::Index window = std::max<Eigen::Index>(
      workers, (64 * 1024 * 1024) / std::max<Eigen::Index>(1, entries * Eigen::Index(sizeof(Acc))));
  std::vector<HessianScratch<Scalar>> scratch(static_cast<std::size_t>(workers),
                                              HessianScratch<Scalar>(block_rows, p));

  Frontier<Acc> frontier;
  std::vector<AccumMatrix<Scalar>> sums(static_cast<std::size_t>(window));
  data.for_each_piece([&](const auto& piece) {
    const Eigen::Index chunks = piece.chunks(layout);
    for (Eigen::Index first = 0; first < chunks; first += window) {
      const Eigen::Index count = std::min(window, chunks - first);
      run_chunks(count, workers, [&](Eigen::Index k, int worker) {
        hessian_chunk(piece, chunk_rows(layout, piece.X.rows(), first + k), block_rows, w, b,
                      factor, scratch[static_cast<std::size_t>(worker)],
                      sums[static_cast<std::size_t>(k)]);
      });
      for (Eigen::Index k = 0; k < count; ++k) {
        const Eigen::Map<const Vector<Acc>> flat(sums[static_cast<std::size_t>(k)].data(), entries);
        push_node(frontier, TreeNode<Acc>{0, piece.first_chunk + first + k, Vector<Acc>(flat)});
      }
    }
  });
  if (data.reduction()) data.reduction()->merge(frontier, entries);
  const Vector<Acc> total = frontier_total(frontier, entries);
  AccumMatrix<Scalar> H = Eigen::Map<const AccumMatrix<Scalar>>(total.data(), p, p);
  // The rank updates filled the lower triangle; mirror it.
  H.template triangularView<Eigen::StrictlyUpper>() = H.transpose().eval();
  return H;
}

}  // namespace detail
}  // namespace logistic_neuron
