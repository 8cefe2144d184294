/// \file kernel.hpp
/// \brief The passes over X that every computation shares, over any kind of X (internal).
///
/// An epoch needs z = X w + b and X^T r with r a function of z. Done as two passes it reads X
/// twice; here the rows are cut into blocks small enough to stay in cache (chunks.hpp), and each
/// block's logits, residuals and gradient contribution are computed while the block is hot
/// (the kind of X's fused_block), so X is read from memory once per pass.
///
/// Determinism: each chunk's sums are formed in row order into its own slot; the slots are then
/// added in chunk order. Threads take chunks, so the result is bitwise identical for any thread
/// count.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "../base/config.hpp"
#include "chunks.hpp"

namespace logistic_neuron {
namespace detail {

/// The sums one fused pass returns.
template <class Scalar>
struct PassSums {
  Accum<Scalar> value = 0;          ///< sum of what the block function returns (the loss)
  Accum<Scalar> bias = 0;           ///< sum_i r_i
  Vector<Accum<Scalar>> weights;    ///< sum_i r_i x_i
};

/// One fused pass over X (any kind): for each block of rows, z = X_b w + b; then
/// block_fn(row0, rows, buffer, tick) turns z (in buffer) into residuals r in place and returns
/// a value to be summed, calling tick() now and then (each call prefetches a few lines of the
/// next block); then the block's sum_i r_i and X_b^T r are added to the totals.
template <class Data, class BlockFn>
PassSums<typename Data::scalar_type> fused_pass(const Data& X,
                                                const Vector<typename Data::scalar_type>& w,
                                                typename Data::scalar_type b,
                                                const BlockFn& block_fn, int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index n = X.rows(), d = X.cols();
  const Layout layout = X.layout();
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
    const ChunkRows chunk = chunk_rows(layout, n, c);
    for (Eigen::Index row0 = chunk.begin; row0 < chunk.end; row0 += layout.block_rows) {
      const Eigen::Index rows = std::min(layout.block_rows, chunk.end - row0);
      const Eigen::Index next = row0 + rows;
      const Eigen::Index next_rows =
          next < chunk.end ? std::min(layout.block_rows, chunk.end - next) : 0;
      sums.value += static_cast<Acc>(X.fused_block(row0, rows, next_rows, w, b, z, g, block_fn));
      const Eigen::Map<const Vector<Scalar>> r(z, rows);
      sums.bias += static_cast<Acc>(r.sum());
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
template <class Data>
void forward_pass(const Data& X, const Vector<typename Data::scalar_type>& w,
                  typename Data::scalar_type b, Vector<typename Data::scalar_type>& z,
                  int threads) {
  const Eigen::Index n = X.rows();
  const Layout layout = X.layout();
  z.resize(n);
  run_chunks(layout.chunks, worker_count(layout.chunks, threads), [&](Eigen::Index c, int) {
    const ChunkRows chunk = chunk_rows(layout, n, c);
    for (Eigen::Index row0 = chunk.begin; row0 < chunk.end; row0 += layout.block_rows) {
      const Eigen::Index rows = std::min(layout.block_rows, chunk.end - row0);
      X.logits(row0, rows, w, b, z.data() + row0);
    }
  });
}

}  // namespace detail
}  // namespace logistic_neuron
