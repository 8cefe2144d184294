/// \file threads.hpp
/// \brief The library-wide default thread count for passes over X.
#pragma once

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>

namespace logistic_neuron {

namespace detail {
inline std::atomic<int>& thread_setting() noexcept {
  static std::atomic<int> setting{0};
  return setting;
}
}  // namespace detail

/// Sets how many threads a pass over X may use when FitOptions::threads is 0, and for cost(),
/// gradient(), decision_function(), predict_proba() and predict(). 0 (the initial setting) means
/// std::thread::hardware_concurrency(). Results are bitwise identical whatever the thread count:
/// the rows are cut into chunks that depend only on the shape of X, and the chunks' sums are
/// added in a fixed order. Small inputs (under about 1 MiB of X) run on the calling thread.
/// \param threads 0 for automatic, or the number of threads (>= 1).
/// \throws std::invalid_argument if threads < 0.
inline void set_num_threads(int threads) {
  if (threads < 0) {
    throw std::invalid_argument("logistic_neuron::set_num_threads: threads must be >= 0 "
                                "(0 = automatic), got " +
                                std::to_string(threads));
  }
  detail::thread_setting().store(threads, std::memory_order_relaxed);
}

/// \brief The number of threads a pass over X uses by default.
/// \return the count set_num_threads set, or else std::thread::hardware_concurrency() (1 when
///         that is unknown); always >= 1.
inline int num_threads() noexcept {
  const int setting = detail::thread_setting().load(std::memory_order_relaxed);
  if (setting > 0) return setting;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

}  // namespace logistic_neuron
