/// \file pool.hpp
/// \brief The threads that passes over X run on: a pool that lives across passes (internal).
///
/// Threads are started once, on the first pass that asks for them, and then wait for work, so a
/// pass costs a wake-up, not a thread start. Work is a number of chunks handed out one at a time;
/// the calling thread takes chunks too. While one pass has the pool, a pass started from another
/// thread (two fits at once) runs on its own calling thread: results never depend on which
/// thread runs a chunk, so that changes only the time.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include <Eigen/Core>

namespace logistic_neuron {
namespace detail {

class ThreadPool {
 public:
  /// The process's pool.
  static ThreadPool& instance() {
    static ThreadPool pool;
    return pool;
  }

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    for (std::thread& thread : m_threads) thread.join();
  }

  /// Runs work(chunk, worker) for every chunk in [0, chunks) on up to `workers` threads, the
  /// calling one included (worker ids in [0, workers)). Returns when every chunk is done; an
  /// exception thrown by work is rethrown here (the remaining chunks are skipped).
  template <class Work>
  void run(Eigen::Index chunks, int workers, const Work& work) {
    workers = static_cast<int>(std::min<Eigen::Index>(workers, chunks));
    std::unique_lock<std::mutex> busy(m_busy, std::try_to_lock);
    if (workers <= 1 || !busy.owns_lock() || !grow(workers - 1)) {
      for (Eigen::Index c = 0; c < chunks; ++c) work(c, 0);
      return;
    }
    m_work = &work;
    m_call = [](const void* task, Eigen::Index c, int worker) {
      (*static_cast<const Work*>(task))(c, worker);
    };
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      m_chunks = chunks;
      m_next.store(0);
      m_helpers = std::min(workers - 1, static_cast<int>(m_threads.size()));
      m_running = m_helpers;
      m_error = nullptr;
      ++m_generation;
    }
    m_wake.notify_all();
    take_chunks(0);
    std::unique_lock<std::mutex> lock(m_mutex);
    m_done.wait(lock, [this] { return m_running == 0; });
    m_work = nullptr;
    if (m_error) std::rethrow_exception(m_error);
  }

 private:
  ThreadPool() = default;

  /// Makes sure at least `helpers` threads exist; false if none could be started.
  bool grow(int helpers) {
    try {
      while (static_cast<int>(m_threads.size()) < helpers) {
        const int id = static_cast<int>(m_threads.size()) + 1;
        m_threads.emplace_back([this, id] { serve(id); });
      }
    } catch (...) {
      // Could not start a thread: the ones started (and the caller) do the work.
    }
    return !m_threads.empty();
  }

  /// Hands out chunks to `worker` until none is left (or one has failed).
  void take_chunks(int worker) {
    for (Eigen::Index c = m_next.fetch_add(1); c < m_chunks; c = m_next.fetch_add(1)) {
      try {
        m_call(m_work, c, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!m_error) m_error = std::current_exception();
        m_next.store(m_chunks);
      }
    }
  }

  /// A helper thread's life: wait for a pass that wants it, take chunks, report, repeat.
  void serve(int id) {
    unsigned long long seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_wake.wait(lock, [&] { return m_stop || (m_generation != seen && id <= m_helpers); });
        if (m_stop) return;
        seen = m_generation;
      }
      take_chunks(id);
      std::lock_guard<std::mutex> lock(m_mutex);
      if (--m_running == 0) m_done.notify_one();
    }
  }

  std::mutex m_busy;   // held by the pass that has the pool
  std::mutex m_mutex;  // guards what follows
  std::condition_variable m_wake, m_done;
  std::vector<std::thread> m_threads;
  bool m_stop = false;
  unsigned long long m_generation = 0;
  int m_helpers = 0;  // helpers (ids 1..m_helpers) that this pass wants
  int m_running = 0;  // helpers of this pass not yet finished
  Eigen::Index m_chunks = 0;
  std::atomic<Eigen::Index> m_next{0};
  std::exception_ptr m_error;
  const void* m_work = nullptr;                              // the pass's work ...
  void (*m_call)(const void*, Eigen::Index, int) = nullptr;  // ... and how to call it
};

}  // namespace detail
}  // namespace logistic_neuron
