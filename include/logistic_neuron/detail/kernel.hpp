/// \file kernel.hpp
/// \brief The one pass over X that every computation shares (internal).
///
/// An epoch needs z = X w + b and X^T r with r a function of z. Done as two passes it reads X
/// twice; here the rows are cut into blocks small enough to stay in cache, and each block's
/// logits, residuals and gradient contribution are computed while the block is hot, so X is read
/// from memory once per pass.
///
/// Determinism: blocks are grouped into chunks whose size depends only on the shape of X. Each
/// chunk's sums are formed in row order; the chunks' sums are then added in chunk order. Threads
/// take chunks, so the result is bitwise identical for any thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include "config.hpp"

namespace logistic_neuron {
namespace detail {

/// How the rows of an n x d matrix are cut: blocks of block_rows rows (in cache while used)
/// grouped into chunks of chunk_rows rows (the unit of work of a thread).
struct Layout {
  Eigen::Index block_rows = 1;
  Eigen::Index chunk_rows = 1;
  Eigen::Index chunks = 0;
};

/// The most rows a block has, so that block functions can keep per-row scratch on the stack.
inline constexpr Eigen::Index max_block_rows = 1024;

/// The layout for n rows of d scalars of `bytes` bytes each. Depends on nothing else.
inline Layout make_layout(Eigen::Index n, Eigen::Index d, std::size_t bytes) {
  constexpr Eigen::Index block_bytes = 64 * 1024;      // a block stays in L1/L2 while it is used
  constexpr Eigen::Index chunk_bytes = 1024 * 1024;    // a thread's unit of work
  const Eigen::Index row_bytes = std::max<Eigen::Index>(1, d * static_cast<Eigen::Index>(bytes));
  Layout layout;
  layout.block_rows = std::clamp<Eigen::Index>(block_bytes / row_bytes, 16, max_block_rows);
  const Eigen::Index blocks_per_chunk =
      std::max<Eigen::Index>(1, chunk_bytes / (row_bytes * layout.block_rows));
  layout.chunk_rows = layout.block_rows * blocks_per_chunk;
  layout.chunks = n == 0 ? 0 : (n + layout.chunk_rows - 1) / layout.chunk_rows;
  return layout;
}

/// Runs work(chunk, worker) for every chunk in [0, chunks), on `workers` threads (the calling
/// thread included). Worker ids are in [0, workers);
/// chunks are handed out dynamically, so work must not depend on which worker runs a chunk.
template <class Work>
void run_chunks(Eigen::Index chunks, int workers, const Work& work) {
  if (workers <= 1 || chunks <= 1) {
    for (Eigen::Index c = 0; c < chunks; ++c) work(c, 0);
    return;
  }
  std::atomic<Eigen::Index> next{0};
  auto loop = [&](int worker) {
    for (Eigen::Index c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) work(c, worker);
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(workers - 1));
  try {
    for (int t = 1; t < workers; ++t) pool.emplace_back(loop, t);
  } catch (...) {
    // Could not start a thread: the calling thread and the ones started finish the work.
  }
  loop(0);
  for (std::thread& thread : pool) thread.join();
}

/// The number of workers that `threads` threads give for `chunks` chunks.
inline int worker_count(Eigen::Index chunks, int threads) {
  return static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>(chunks, threads)));
}

/// z = X_block w + b for rows [row0, row0 + rows) of X, into z[0, rows).
template <class Scalar, int Order>
void block_logits(const XRef<Scalar, Order>& X, Eigen::Index row0, Eigen::Index rows,
                  const Vector<Scalar>& w, Scalar b, Scalar* z) {
  Eigen::Map<Vector<Scalar>> zb(z, rows);
  const auto Xb = X.middleRows(row0, rows);
  if constexpr (Order == Eigen::RowMajor) {
    // One contiguous dot product per row.
    for (Eigen::Index i = 0; i < rows; ++i) zb[i] = Xb.row(i).dot(w) + b;
  } else {
    // One contiguous axpy per column, into a z that stays in L1.
    zb.setConstant(b);
    for (Eigen::Index j = 0; j < Xb.cols(); ++j) zb += w[j] * Xb.col(j);
  }
}

/// g = X_block^T r for rows [row0, row0 + rows) of X.
template <class Scalar, int Order>
void block_gradient(const XRef<Scalar, Order>& X, Eigen::Index row0, Eigen::Index rows,
                    const Scalar* r, Vector<Scalar>& g) {
  const Eigen::Map<const Vector<Scalar>> rb(r, rows);
  const auto Xb = X.middleRows(row0, rows);
  if constexpr (Order == Eigen::RowMajor) {
    g.noalias() = Xb.transpose() * rb;
  } else {
    for (Eigen::Index j = 0; j < Xb.cols(); ++j) g[j] = Xb.col(j).dot(rb);
  }
}

/// The sums one fused pass returns.
template <class Scalar>
struct PassSums {
  Accum<Scalar> value = 0;          ///< sum of what the block function returns (the loss)
  Accum<Scalar> bias = 0;           ///< sum_i r_i
  Vector<Accum<Scalar>> weights;    ///< sum_i r_i x_i
};

/// One fused pass: for each block of rows, z = X_b w + b; then block_fn(row0, rows, buffer)
/// turns z (in buffer) into residuals r in place and returns a value to be summed; then the
/// block's sum_i r_i and X_b^T r are added to the totals.
template <class Scalar, int Order, class BlockFn>
PassSums<Scalar> fused_pass(const XRef<Scalar, Order>& X, const Vector<Scalar>& w, Scalar b,
                            const BlockFn& block_fn, int threads) {
  using Acc = Accum<Scalar>;
  const Eigen::Index n = X.rows(), d = X.cols();
  const Layout layout = make_layout(n, d, sizeof(Scalar));
  const int workers = worker_count(layout.chunks, threads);

  // Scratch per worker, allocated before any thread starts.
  std::vector<Vector<Scalar>> buffers(static_cast<std::size_t>(workers),
                                      Vector<Scalar>(layout.block_rows));
  std::vector<Vector<Scalar>> block_grads(static_cast<std::size_t>(workers), Vector<Scalar>(d));
  std::vector<PassSums<Scalar>> chunk_sums(static_cast<std::size_t>(layout.chunks));
  for (PassSums<Scalar>& sums : chunk_sums) sums.weights = Vector<Acc>::Zero(d);

  run_chunks(layout.chunks, workers, [&](Eigen::Index c, int worker) {
    Scalar* z = buffers[static_cast<std::size_t>(worker)].data();
    Vector<Scalar>& g = block_grads[static_cast<std::size_t>(worker)];
    PassSums<Scalar>& sums = chunk_sums[static_cast<std::size_t>(c)];
    const Eigen::Index end = std::min(n, (c + 1) * layout.chunk_rows);
    for (Eigen::Index row0 = c * layout.chunk_rows; row0 < end; row0 += layout.block_rows) {
      const Eigen::Index rows = std::min(layout.block_rows, end - row0);
      block_logits(X, row0, rows, w, b, z);
      sums.value += static_cast<Acc>(block_fn(row0, rows, z));
      const Eigen::Map<const Vector<Scalar>> r(z, rows);
      sums.bias += static_cast<Acc>(r.sum());
      block_gradient(X, row0, rows, z, g);
      sums.weights += g.template cast<Acc>();
    }
  });

  PassSums<Scalar> total;
  total.weights = Vector<Acc>::Zero(d);
  for (const PassSums<Scalar>& sums : chunk_sums) {
    total.value += sums.value;
    total.bias += sums.bias;
    total.weights += sums.weights;
  }
  return total;
}

/// z = X w + b into z (length n), block by block, on up to `threads` threads.
template <class Scalar, int Order>
void forward_pass(const XRef<Scalar, Order>& X, const Vector<Scalar>& w, Scalar b,
                  Vector<Scalar>& z, int threads) {
  const Eigen::Index n = X.rows();
  const Layout layout = make_layout(n, X.cols(), sizeof(Scalar));
  z.resize(n);
  run_chunks(layout.chunks, worker_count(layout.chunks, threads),
             [&](Eigen::Index c, int) {
               const Eigen::Index end = std::min(n, (c + 1) * layout.chunk_rows);
               for (Eigen::Index row0 = c * layout.chunk_rows; row0 < end;
                    row0 += layout.block_rows) {
                 const Eigen::Index rows = std::min(layout.block_rows, end - row0);
                 block_logits(X, row0, rows, w, b, z.data() + row0);
               }
             });
}

}  // namespace detail
}  // namespace logistic_neuron
