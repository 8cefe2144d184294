/// \file kernel.hpp
/// \brief The passes over X that every computation shares, over any dataset (internal).
///
/// An epoch needs z = X w + b and X^T r with r a function of z. Done as two passes it reads X
/// twice; here the rows are cut into blocks small enough to stay in cache (chunks.hpp), and each
/// block's logits, residuals and gradient contribution are computed while the block is hot (the
/// kind of X's fused_block), so X is read from memory once per pass.
///
/// Determinism: each chunk's sums are formed in row order into its own slot (blocks in order,
/// each block's sums in an order fixed by its length); the slots are added along the chunk tree
/// (reduce.hpp). Threads take chunks, so the result is bitwise identical for any thread count,
/// and for any split of the rows into pieces or processes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "dataset.hpp"
#include "pool.hpp"
#include "reduce.hpp"
#include "simd/kernels.hpp"

namespace logistic_neuron {
namespace detail {

/// Runs work(chunk, worker) for every chunk in [0, chunks) on up to `threads` threads of the
/// pool (the calling thread included; worker ids in [0, threads)).
template <class Work>
void run_chunks(Eigen::Index chunks, int threads, const Work& work) {
  ThreadPool::instance().run(chunks, threads, work);
}

/// True for a kind of X whose blocks add X_b^T r straight into their chunk's sums (sparse X,
/// whose gradient touches few of its d entries per block); false for one that forms the block's
/// gradient in a vector of its own first (dense X).
template <class Kind, class = void>
struct scatters : std::false_type {};
template <class Kind>
struct scatters<Kind, std::void_t<decltype(Kind::scatters)>>
    : std::integral_constant<bool, Kind::scatters> {};

/// The sums one fused pass returns.
template <class Scalar>
struct PassSums {
  Accum<Scalar> value = 0;        ///< sum of what the block function returns (the loss)
  Accum<Scalar> bias = 0;         ///< sum_i r_i
  Vector<Accum<Scalar>> weights;  ///< sum_i r_i x_i
};

/// Calls f(piece, chunk_in_piece, global_chunk, worker, row0, rows_in_chunk) for every chunk of
/// every piece of the dataset, the chunks of a piece on up to `threads` threads.
template <class Data, class F>
void for_each_chunk(const Data& data, int threads, const F& f) {
  const Layout layout = data.layout();
  data.for_each_piece([&](const auto& piece) {
    const Eigen::Index n = piece.X.rows();
    run_chunks(piece.chunks(layout), threads, [&](Eigen::Index k, int worker) {
      const ChunkRows rows = chunk_rows(layout, n, k);
      f(piece, piece.first_chunk + k, worker, rows.begin, rows.end);
    });
  });
}

/// One fused pass over the dataset: for each block of rows, z = X_b w + b; then
/// block_fn(piece, row0, rows, z) turns z into residuals r in place and returns a value to be
/// summed (row0 within the piece); then the block's sum_i r_i and X_b^T r are added to the
/// totals. The totals come from the chunk tree, across processes too. Without Gradient, X_b^T r
/// is skipped (the weights' sums stay 0): the value and the bias sum keep their bits, and X is
/// read once per block for z alone.
template <bool Gradient = true, class Data, class BlockFn>
PassSums<typename Data::scalar_type> fused_pass(const Data& data,
                                                const Vector<typename Data::scalar_type>& w,
                                                typename Data::scalar_type b,
                                                const BlockFn& block_fn, int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index d = data.cols();
  const Layout layout = data.layout();
  const int workers = worker_count(data.chunk_count(), threads);
  // Scratch per worker, allocated before any thread starts.
  std::vector<Vector<Scalar>> buffers(static_cast<std::size_t>(workers),
                                      Vector<Scalar>(layout.block_rows));
  constexpr bool scatter = scatters<typename Data::kind_type>::value;
  std::vector<Vector<Scalar>> block_grads(static_cast<std::size_t>(scatter ? 0 : workers),
                                          Vector<Scalar>(Gradient ? d : Eigen::Index(0)));
  ChunkSums<Acc> sums(data.first_chunk(), data.chunk_count(), d + 2);
  for_each_chunk(
      data, workers,
      [&](const auto& piece, Eigen::Index c, int worker, Eigen::Index begin, Eigen::Index end) {
        Scalar* z = buffers[static_cast<std::size_t>(worker)].data();
        auto slot = sums[c];
        const auto fn = [&](Eigen::Index row0, Eigen::Index rows, Scalar* zb) {
          return block_fn(piece, row0, rows, zb);
        };
        for (Eigen::Index row0 = begin; row0 < end; row0 += layout.block_rows) {
          const Eigen::Index rows = std::min(layout.block_rows, end - row0);
          Scalar value;
          if constexpr (scatter) {
            value =
                piece.X.template fused_block_into<Gradient>(row0, rows, w, b, z, fn, slot.data());
          } else {
            Vector<Scalar>& g = block_grads[static_cast<std::size_t>(worker)];
            const Eigen::Index next = row0 + rows;
            const Eigen::Index next_rows = next < end ? std::min(layout.block_rows, end - next) : 0;
            value = piece.X.template fused_block<Gradient>(row0, rows, next_rows, w, b, z, g, fn);
            if constexpr (Gradient) slot.head(d) += g.template cast<Acc>();
          }
          slot[d] += static_cast<Acc>(kernel_sum(z, rows));
          slot[d + 1] += static_cast<Acc>(value);
        }
      });
  const auto total = sums.total(data.reduction());
  PassSums<Scalar> out;
  out.weights = total.head(d);
  out.bias = total[d];
  out.value = total[d + 1];
  return out;
}

/// The magnitudes behind a gradient at (w, b): for each block, z = X_b w + b; block_fn(piece,
/// row0, rows, z) turns z into weights omega >= 0 in place; the totals are sum_i omega_i |x_i|
/// (weights), sum_i omega_i (bias). One pass, along the chunk tree.
template <class Data, class BlockFn>
PassSums<typename Data::scalar_type> abs_pass(const Data& data,
                                              const Vector<typename Data::scalar_type>& w,
                                              typename Data::scalar_type b, const BlockFn& block_fn,
                                              int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index d = data.cols();
  const Layout layout = data.layout();
  const int workers = worker_count(data.chunk_count(), threads);
  std::vector<Vector<Scalar>> buffers(static_cast<std::size_t>(workers),
                                      Vector<Scalar>(layout.block_rows));
  constexpr bool scatter = scatters<typename Data::kind_type>::value;
  std::vector<Vector<Scalar>> block_sums(static_cast<std::size_t>(scatter ? 0 : workers),
                                         Vector<Scalar>(d));
  ChunkSums<Acc> sums(data.first_chunk(), data.chunk_count(), d + 1);
  for_each_chunk(
      data, workers,
      [&](const auto& piece, Eigen::Index c, int worker, Eigen::Index begin, Eigen::Index end) {
        Scalar* z = buffers[static_cast<std::size_t>(worker)].data();
        auto slot = sums[c];
        for (Eigen::Index row0 = begin; row0 < end; row0 += layout.block_rows) {
          const Eigen::Index rows = std::min(layout.block_rows, end - row0);
          piece.X.logits(row0, rows, w, b, z);
          block_fn(piece, row0, rows, z);
          if constexpr (scatter) {
            piece.X.abs_gradient_into(row0, rows, z, slot.data());
          } else {
            Vector<Scalar>& g = block_sums[static_cast<std::size_t>(worker)];
            g.setZero();
            piece.X.abs_gradient(row0, rows, z, g);
            slot.head(d) += g.template cast<Acc>();
          }
          slot[d] += static_cast<Acc>(kernel_sum(z, rows));
        }
      });
  const auto total = sums.total(data.reduction());
  PassSums<Scalar> out;
  out.weights = total.head(d);
  out.bias = total[d];
  return out;
}

/// z = X w + b for this process's rows (local row order), block by block, on up to `threads`
/// threads.
template <class Data>
void forward_pass(const Data& data, const Vector<typename Data::scalar_type>& w,
                  typename Data::scalar_type b, Vector<typename Data::scalar_type>& z,
                  int threads) {
  const Layout layout = data.layout();
  z.resize(data.local_rows());
  for_each_chunk(data, worker_count(data.chunk_count(), threads),
                 [&](const auto& piece, Eigen::Index, int, Eigen::Index begin, Eigen::Index end) {
                   for (Eigen::Index row0 = begin; row0 < end; row0 += layout.block_rows) {
                     const Eigen::Index rows = std::min(layout.block_rows, end - row0);
                     piece.X.logits(row0, rows, w, b, z.data() + piece.local_row + row0);
                   }
                 });
}

}  // namespace detail
}  // namespace logistic_neuron
