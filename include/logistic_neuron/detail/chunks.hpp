/// \file chunks.hpp
/// \brief How the rows of X are cut for a pass (internal).
///
/// Determinism: the rows are cut into blocks (in cache while used) grouped into chunks (the unit
/// of work of a thread) whose sizes depend only on the shape of X, never on the thread count;
/// chunks start at multiples of chunk_rows of the global row index. Each chunk's sums are
/// formed in row order into a slot of its own, and the slots are added along a fixed tree
/// (reduce.hpp), so a pass gives the same bits on any number of threads.
#pragma once

#include <algorithm>
#include <cstddef>

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

/// The most rows a block has.
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

/// The rows [begin, end) of chunk c of n rows.
struct ChunkRows {
  Eigen::Index begin = 0;
  Eigen::Index end = 0;
};

/// The rows of chunk c.
inline ChunkRows chunk_rows(const Layout& layout, Eigen::Index n, Eigen::Index c) {
  return {c * layout.chunk_rows, std::min(n, (c + 1) * layout.chunk_rows)};
}

/// The number of workers that `threads` threads give for `chunks` chunks.
inline int worker_count(Eigen::Index chunks, int threads) {
  return static_cast<int>(std::max<Eigen::Index>(1, std::min<Eigen::Index>(chunks, threads)));
}

}  // namespace detail
}  // namespace logistic_neuron
