/// \file hessian.hpp
/// \brief The (unscaled) Hessian sums of the logistic loss over one dataset (internal).
///
/// With a_i = sigmoid(x_i . w + b) and sample weights s_i, the Hessian of
/// sum_i s_i [softplus(z_i) - y_i z_i] with respect to (w, b) is
///   H = sum_i s_i a_i (1 - a_i) [x_i; 1] [x_i; 1]^T,
/// a (d+1) x (d+1) matrix whose last row and column belong to the bias. The cost J scales it by
/// 1/S (mean) or 1 (sum) and adds l2 to the first d diagonal entries; the solvers do that.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "logistic.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// The square matrix type in which Hessian sums are returned.
template <class Scalar>
using AccumMatrix = Eigen::Matrix<Accum<Scalar>, Eigen::Dynamic, Eigen::Dynamic>;

/// The Hessian's own cut of the rows: blocks of at least 256 rows, since each block's rank
/// update reads and writes the whole (d+1) x (d+1) lower triangle (2 MB at d = 500); the
/// kernel's blocks, as short as 16 rows for wide X, made that traffic dominate the pass. Chunks
/// of at least 8 such blocks. Like the kernel's layout it depends on the shape of X alone.
inline Layout hessian_layout(const Layout& kernel, Eigen::Index n) {
  Layout layout;
  layout.block_rows = std::max<Eigen::Index>(kernel.block_rows, 256);
  const Eigen::Index blocks_per_chunk =
      std::max<Eigen::Index>(8, (kernel.chunk_rows + layout.block_rows - 1) / layout.block_rows);
  layout.chunk_rows = layout.block_rows * blocks_per_chunk;
  layout.chunks = n == 0 ? 0 : (n + layout.chunk_rows - 1) / layout.chunk_rows;
  return layout;
}

/// H = sum_i s_i a_i (1 - a_i) [x_i; 1] [x_i; 1]^T at (w, b): (d+1) x (d+1), symmetric, the last
/// row and column for the bias, not divided by S and without any L2 term.
///
/// One pass over X with hessian_layout(): for each block of rows, z = X_b w + b
/// (block_logits), c_i = s_i a_i (1 - a_i) = s_i e_i / (1 + e_i)^2 with e_i = exp(-|z_i|) (no
/// overflow), A = diag(sqrt(c)) [X_b 1], and the block adds A^T A (a rank update of the lower
/// triangle). Each chunk's sum is formed in row order and the chunks' sums are added in chunk
/// order, so the result is bitwise identical for any thread count. Chunks are processed in
/// windows so that at most a bounded number of (d+1) x (d+1) chunk sums exist at once; the order
/// of the additions does not depend on the window.
/// \param X n x d data (any kind of X).
/// \param targets the sample weights (the labels do not enter the Hessian).
/// \param w the d weights, \param b the bias at which H is evaluated.
/// \param threads the most threads to use (>= 1).
template <class Data>
AccumMatrix<typename Data::scalar_type> hessian_sums(
    const Data& X, const Targets<typename Data::scalar_type>& targets,
    const Vector<typename Data::scalar_type>& w, typename Data::scalar_type b, int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = X.rows(), d = X.cols(), p = d + 1;
  const Layout layout = hessian_layout(X.layout(), n);
  const int workers = worker_count(layout.chunks, threads);
  const Scalar* weight = targets.weight_data();

  // At most `window` chunk sums alive at once: about 64 MiB of them, but never fewer than one per
  // worker.
  const Eigen::Index matrix_bytes = p * p * static_cast<Eigen::Index>(sizeof(Acc));
  const Eigen::Index window = std::max<Eigen::Index>(
      workers, std::min<Eigen::Index>(layout.chunks, (64 * 1024 * 1024) / matrix_bytes));

  // Scratch per worker, allocated before any thread starts.
  struct Scratch {
    Vector<Scalar> z;
    Matrix A;  // diag(sqrt(c)) [X_b 1], block_rows x (d+1)
    Matrix G;  // A^T A in Scalar when Scalar is not the accumulator type
  };
  std::vector<Scratch> scratch(static_cast<std::size_t>(workers));
  for (Scratch& s : scratch) {
    s.z.resize(std::min(layout.block_rows, n));
    s.A.resize(std::min(layout.block_rows, n), p);
    if constexpr (!std::is_same_v<Acc, Scalar>) s.G.resize(p, p);
  }
  std::vector<AccumMatrix<Scalar>> chunk_sums(
      static_cast<std::size_t>(std::min<Eigen::Index>(window, layout.chunks)));

  AccumMatrix<Scalar> total = AccumMatrix<Scalar>::Zero(p, p);
  for (Eigen::Index first = 0; first < layout.chunks; first += window) {
    const Eigen::Index count = std::min(window, layout.chunks - first);
    run_chunks(count, worker_count(count, workers), [&](Eigen::Index k, int worker) {
      const Eigen::Index c = first + k;
      Scratch& s = scratch[static_cast<std::size_t>(worker)];
      AccumMatrix<Scalar>& sum = chunk_sums[static_cast<std::size_t>(k)];
      sum.setZero(p, p);
      const Eigen::Index end = std::min(n, (c + 1) * layout.chunk_rows);
      for (Eigen::Index row0 = c * layout.chunk_rows; row0 < end; row0 += layout.block_rows) {
        const Eigen::Index rows = std::min(layout.block_rows, end - row0);
        X.logits(row0, rows, w, b, s.z.data());
        auto root = s.z.head(rows);
        for (Eigen::Index i = 0; i < rows; ++i) {
          // sqrt(s a (1 - a)) = sqrt(s) sqrt(e) / (1 + e), e = exp(-|z|)
          root[i] = hessian_root(root[i]);
          if (weight) root[i] *= std::sqrt(weight[row0 + i]);
        }
        auto A = s.A.topRows(rows);
        // Scaled as it is copied, in A's storage order (scaling A row by row strides through it).
        X.weighted_rows(row0, rows, root, A);
        A.col(d) = root;
        if constexpr (std::is_same_v<Acc, Scalar>) {
          sum.template selfadjointView<Eigen::Lower>().rankUpdate(A.transpose());
        } else {
          s.G.setZero();
          s.G.template selfadjointView<Eigen::Lower>().rankUpdate(A.transpose());
          sum += s.G.template cast<Acc>();  // G's strict upper triangle stays 0
        }
      }
    });
    for (Eigen::Index k = 0; k < count; ++k) total += chunk_sums[static_cast<std::size_t>(k)];
  }
  // The rank updates filled the lower triangle; mirror it.
  total.template triangularView<Eigen::StrictlyUpper>() = total.transpose().eval();
  return total;
}

}  // namespace detail
}  // namespace logistic_neuron
