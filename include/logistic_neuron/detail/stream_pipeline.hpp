/// \file stream_pipeline.hpp
/// \brief Reading a row source block by block into two buffers, the next block on a background
/// thread while the current one is computed (internal).
///
/// One pass over a streamed dataset reads rows [0, n) in blocks of block_rows rows (the last
/// one shorter). Block 0 is read on the calling thread; then a reader thread reads block k + 1
/// into one buffer while the calling thread visits block k in the other, so a pass takes about
/// max(read, compute) rather than their sum. The reader never gets more than one block ahead:
/// it fills a buffer only once the block that held it before has been visited. The visits run
/// on the calling thread, in row order (the passes start their pool threads from there). An
/// exception from the source is rethrown on the calling thread in place of the block it was
/// reading; an exception from a visit stops the reader and is rethrown once it has stopped. If
/// no thread can be started, the blocks are read on the calling thread, each just before its
/// visit.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/errors.hpp"

namespace logistic_neuron {
namespace detail {

/// One buffer of a streamed dataset: X as the source fills it (its x_block_type, block_rows x d;
/// the first `rows` rows are the block's), the labels as read, and the block's rows.
template <class XBlock>
struct StreamBuffer {
  XBlock X;
  Eigen::VectorXd y;
  Eigen::Index rows = 0;
};

/// Reads rows [row0, row0 + rows) of the source into the buffer (the source's next rows).
/// \throws FormatError naming the source if it gives fewer rows (it ended early: changed since
///   it was opened?).
template <class Source, class XBlock>
void read_block(Source& source, StreamBuffer<XBlock>& buffer, Eigen::Index row0, Eigen::Index rows,
                const std::string& where) {
  const Eigen::Index got = source.read(buffer.X, buffer.y, rows);
  if (got != rows) {
    throw FormatError(0, where + ": the source gave " + std::to_string(got) + " rows at row " +
                             std::to_string(row0) + " where " + std::to_string(rows) +
                             " were expected (its rows() says " + std::to_string(source.rows()) +
                             "; did the file change during the fit?)");
  }
  buffer.rows = rows;
}

/// Rewinds the source and calls visit(row0, buffer) for each block of rows [0, n), in order, on
/// the calling thread, while the next block is read on a background thread (see the file
/// comment). `where` starts the messages of read errors ("<caller>: \"<name>\""). One function
/// of about 75 lines on purpose: the reader thread, the visiting loop and the guard that joins
/// the thread share its locals (the mutex, the counters, the stop flag, the error), which split
/// functions would have to pass around or wrap in a class holding the same state.
template <class Source, class XBlock, class Visit>
void read_blocks(Source& source, Eigen::Index n, Eigen::Index block_rows,
                 StreamBuffer<XBlock> (&buffers)[2], const std::string& where, const Visit& visit) {
  const Eigen::Index blocks = n == 0 ? 0 : (n + block_rows - 1) / block_rows;
  const auto rows_of = [&](Eigen::Index k) { return std::min(block_rows, n - k * block_rows); };
  source.rewind();
  if (blocks == 0) return;
  read_block(source, buffers[0], 0, rows_of(0), where);

  // What the two threads share: blocks read so far, blocks visited so far.
  std::mutex mutex;
  std::condition_variable changed;
  Eigen::Index read = 1, visited = 0;
  bool stop = false;
  std::exception_ptr error;
  const auto reader = [&] {
    for (Eigen::Index k = 1; k < blocks; ++k) {
      {
        // Block k goes where block k - 2 was: wait until that one has been visited.
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return stop || visited >= k - 1; });
        if (stop) return;
      }
      try {
        read_block(source, buffers[k % 2], k * block_rows, rows_of(k), where);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        error = std::current_exception();
        changed.notify_all();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      read = k + 1;
      changed.notify_all();
    }
  };
  std::thread thread;
  if (blocks > 1) {
    try {
      thread = std::thread(reader);
    } catch (const std::system_error&) {
      // No thread: each block is read just before its visit, below.
    }
  }
  // Stops and joins the reader however the loop below ends.
  struct Join {
    std::thread& thread;
    std::mutex& mutex;
    std::condition_variable& changed;
    bool& stop;
    ~Join() {
      if (!thread.joinable()) return;
      {
        std::lock_guard<std::mutex> lock(mutex);
        stop = true;
      }
      changed.notify_all();
      thread.join();
    }
  } join{thread, mutex, changed, stop};

  for (Eigen::Index k = 0; k < blocks; ++k) {
    if (k > 0) {
      if (!thread.joinable()) {
        read_block(source, buffers[k % 2], k * block_rows, rows_of(k), where);
      } else {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return read > k || error; });
        if (read <= k) std::rethrow_exception(error);
      }
    }
    visit(k * block_rows, buffers[k % 2]);
    std::lock_guard<std::mutex> lock(mutex);
    visited = k + 1;
    changed.notify_all();
  }
}

}  // namespace detail
}  // namespace logistic_neuron
