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

#include "../base/config.hpp"

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

/// The layout for n rows of d scalars of `bytes` bytes each, stored column-major or not. Depends
/// on nothing else, so that the sums (and so the results) are the same for any thread count.
/// LOGISTIC_NEURON_BLOCK_BYTES (default 64 KiB row-major, 256 KiB column-major) and
/// LOGISTIC_NEURON_CHUNK_BYTES (default 1 MiB) may be defined before the first include to tune
/// them; CI's sanitizer build shrinks both so that nearly every pass of the test suite runs on
/// threads.
inline Layout make_layout(Eigen::Index n, Eigen::Index d, std::size_t bytes,
                          [[maybe_unused]] bool column_major = false) {
#ifdef LOGISTIC_NEURON_BLOCK_BYTES
  const Eigen::Index block_bytes = LOGISTIC_NEURON_BLOCK_BYTES;
#else
  // A row-major block stays in L1/L2 while it is used. A column-major block is d segments of
  // block_rows scalars, one per column, each read as its own stream: 64 KiB blocks leave them
  // 16 rows (128 bytes) long at d = 500, too short for the hardware prefetchers, and measured
  // 2.7x the bandwidth floor there against 1.6x with 256 KiB blocks (bench/README.md).
  const Eigen::Index block_bytes = column_major ? 256 * 1024 : 64 * 1024;
#endif
#ifdef LOGISTIC_NEURON_CHUNK_BYTES
  constexpr Eigen::Index chunk_bytes = LOGISTIC_NEURON_CHUNK_BYTES;
#else
  constexpr Eigen::Index chunk_bytes = 1024 * 1024;  // a thread's unit of work
#endif
  const Eigen::Index row_bytes = std::max<Eigen::Index>(1, d * static_cast<Eigen::Index>(bytes));
  Layout layout;
  layout.block_rows = std::clamp<Eigen::Index>(block_bytes / row_bytes, 16, max_block_rows);
  const Eigen::Index blocks_per_chunk =
      std::max<Eigen::Index>(1, chunk_bytes / (row_bytes * layout.block_rows));
  layout.chunk_rows = layout.block_rows * blocks_per_chunk;
  layout.chunks = n == 0 ? 0 : (n + layout.chunk_rows - 1) / layout.chunk_rows;
  return layout;
}

/// The layout of X's rows (its shape, scalar size and storage order).
template <class Scalar, int Order>
Layout layout_of(const XRef<Scalar, Order>& X) {
  return make_layout(X.rows(), X.cols(), sizeof(Scalar), Order == Eigen::ColMajor);
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

/// Asks for the cache line at p to be brought into L2 (a hint; no effect where unsupported).
inline void prefetch_to_l2(const void* p) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p, 0, 2);
#else
  (void)p;
#endif
}

/// g = X_block^T r for rows [row0, row0 + rows) of X. Column-major: after each column's dot
/// product, prefetches that column's next `next_rows` rows (the next block's segment).
template <class Scalar, int Order>
void block_gradient(const XRef<Scalar, Order>& X, Eigen::Index row0, Eigen::Index rows,
                    const Scalar* r, Vector<Scalar>& g, Eigen::Index next_rows = 0) {
  const Eigen::Map<const Vector<Scalar>> rb(r, rows);
  const auto Xb = X.middleRows(row0, rows);
  if constexpr (Order == Eigen::RowMajor) {
    g.noalias() = Xb.transpose() * rb;
  } else {
    const Eigen::Index next_bytes = next_rows * static_cast<Eigen::Index>(sizeof(Scalar));
    for (Eigen::Index j = 0; j < Xb.cols(); ++j) {
      g[j] = Xb.col(j).dot(rb);
      if (next_rows > 0) {
        const char* segment = reinterpret_cast<const char*>(&X.coeffRef(row0 + rows, j));
        for (Eigen::Index k = 0; k < next_bytes; k += 64) prefetch_to_l2(segment + k);
      }
    }
  }
}

/// Walks the cache lines of rows [row0, row0 + rows) of a row-major X (rows too short for the
/// grouped pass) and prefetches them a few at a time, so that the next block streams in from
/// memory while the current one is being computed on (the hardware prefetchers stop when the
/// loads stop; these keep memory busy). Column-major X prefetches from block_gradient instead.
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

/// The sums one fused pass returns.
template <class Scalar>
struct PassSums {
  Accum<Scalar> value = 0;          ///< sum of what the block function returns (the loss)
  Accum<Scalar> bias = 0;           ///< sum_i r_i
  Vector<Accum<Scalar>> weights;    ///< sum_i r_i x_i
};

/// One fused pass: for each block of rows, z = X_b w + b; then block_fn(row0, rows, buffer, tick)
/// turns z (in buffer) into residuals r in place and returns a value to be summed, calling
/// tick() now and then (each call prefetches a few lines of the next block); then the block's
/// sum_i r_i and X_b^T r are added to the totals.
template <class Scalar, int Order, class BlockFn>
PassSums<Scalar> fused_pass(const XRef<Scalar, Order>& X, const Vector<Scalar>& w, Scalar b,
                            const BlockFn& block_fn, int threads) {
  using Acc = Accum<Scalar>;
  const Eigen::Index n = X.rows(), d = X.cols();
  const Layout layout = layout_of(X);
  const int workers = worker_count(layout.chunks, threads);

  // Scratch per worker, allocated before any thread starts.
  std::vector<Vector<Scalar>> buffers(static_cast<std::size_t>(workers),
                                      Vector<Scalar>(layout.block_rows));
  std::vector<Vector<Scalar>> block_grads(static_cast<std::size_t>(workers), Vector<Scalar>(d));
  std::vector<PassSums<Scalar>> chunk_sums(static_cast<std::size_t>(layout.chunks));
  for (PassSums<Scalar>& sums : chunk_sums) sums.weights = Vector<Acc>::Zero(d);

  // Row-major rows of 1 KiB or more are taken a group at a time (see below); shorter rows pay
  // more in per-row overhead than the grouping saves (measured at d = 32: 1.5x the floor block
  // by block, 2.4x grouped), and go block by block.
  const bool grouped =
      Order == Eigen::RowMajor && d * static_cast<Eigen::Index>(sizeof(Scalar)) >= 1024;
  run_chunks(layout.chunks, workers, [&](Eigen::Index c, int worker) {
    Scalar* z = buffers[static_cast<std::size_t>(worker)].data();
    Vector<Scalar>& g = block_grads[static_cast<std::size_t>(worker)];
    PassSums<Scalar>& sums = chunk_sums[static_cast<std::size_t>(c)];
    const Eigen::Index end = std::min(n, (c + 1) * layout.chunk_rows);
    for (Eigen::Index row0 = c * layout.chunk_rows; row0 < end; row0 += layout.block_rows) {
      const Eigen::Index rows = std::min(layout.block_rows, end - row0);
      if (grouped) {
        // Row-major with long rows: a few rows at a time, each read from memory once (the dots)
        // and again from L1 (the gradient) right after, so that loads never stop for long and
        // the out-of-order core overlaps the elementwise work of one group with the loads of the
        // next.
        constexpr Eigen::Index group = group_rows<Scalar>();
        g.setZero();
        Scalar value = 0;
        for (Eigen::Index i = 0; i < rows; i += group) {
          const Eigen::Index m = std::min(group, rows - i);
          const auto Xg = X.middleRows(row0 + i, m);
          for (Eigen::Index k = 0; k < m; ++k) z[i + k] = Xg.row(k).dot(w) + b;
          value += block_fn(row0 + i, m, z + i, [] {});
          g.noalias() += Xg.transpose() * Eigen::Map<const Vector<Scalar>>(z + i, m);
        }
        sums.value += static_cast<Acc>(value);
      } else {
        block_logits(X, row0, rows, w, b, z);
        const Eigen::Index next = row0 + rows;
        const Eigen::Index next_rows = next < end ? std::min(layout.block_rows, end - next) : 0;
        if constexpr (Order == Eigen::ColMajor) {
          // The gradient's column loop prefetches the next block's segment of each column as
          // it goes (measured at d = 500: 1.65-1.9x the floor without, 1.4-1.55x with).
          sums.value += static_cast<Acc>(block_fn(row0, rows, z, [] {}));
          block_gradient(X, row0, rows, z, g, next_rows);
        } else {
          BlockPrefetcher<Scalar> prefetcher;
          if (next_rows > 0) {
            prefetcher = BlockPrefetcher<Scalar>(X, next, next_rows,
                                                 std::max<Eigen::Index>(1, rows / 8));
          }
          const auto tick = [&prefetcher] { prefetcher.step(); };
          sums.value += static_cast<Acc>(block_fn(row0, rows, z, tick));
          block_gradient(X, row0, rows, z, g);
        }
      }
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
template <class Scalar, int Order>
void forward_pass(const XRef<Scalar, Order>& X, const Vector<Scalar>& w, Scalar b,
                  Vector<Scalar>& z, int threads) {
  const Eigen::Index n = X.rows();
  const Layout layout = layout_of(X);
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
