// What the two C++ drivers of the sparse benchmark share (bench/sparse/README.md): reading the
// binary CSR file of make_data.py, memory and CPU-time probes, the STREAM-like read that measures
// the bandwidth floor, and the line protocol compare.py drives them with.
//
// Protocol: a driver loads the data, prints one JSON line {"ready": true, ...}, then reads
// commands from stdin, one a line, and answers each with one JSON line on stdout:
//   fit TOL REPS OUT   REPS complete fits at tolerance TOL, each timed alone; the solution of the
//                      last one is written to OUT (d float64 weights, then the float64 bias)
//   pass REPS          (ours only) one cost+gradient pass, against the bandwidth floor
//   quit
// Memory: VmRSS at the start (the baseline, before the data are read), VmRSS once the data are
// in the tool's input form, and VmHWM (the peak RSS) after each command. The peak is reset
// (/proc/self/clear_refs, "5") once the data are loaded, so that it is the peak of the fits
// alone, above the loaded input; where that reset is refused, the peak is the process's
// (getrusage ru_maxrss) and "peak_reset" says false.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sparse_bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// User plus system CPU time of the whole process (every thread), in seconds.
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

inline double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// A field of /proc/self/status in kB ("VmRSS", "VmHWM"), or -1.
inline long long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t length = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, length, field) == 0 && line.size() > length && line[length] == ':') {
      return std::stoll(line.substr(length + 1));
    }
  }
  return -1;
}

// Resets the peak RSS (VmHWM) to the current RSS; false if the kernel refuses.
inline bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  if (!out) return false;
  out << "5" << std::flush;
  return static_cast<bool>(out);
}

inline long long peak_rss_kb(bool reset_worked) {
  if (reset_worked) return status_kb("VmHWM");
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// The file of make_data.py: header, int64 row pointers, int32 indices, padding, float64 values,
// float64 labels. The row pointers are kept as int64 or converted to Index (int32 for ours).
constexpr std::size_t header_bytes = 64;

template <class Index>
struct Csr {
  std::int64_t n = 0, d = 0, nnz = 0;
  std::vector<Index> indptr;          // n + 1
  std::vector<std::int32_t> indices;  // nnz
  std::vector<double> values;         // nnz
  std::vector<double> y;              // n, 0 or 1

  std::size_t bytes() const {  // of the three CSR arrays as held here
    return indptr.size() * sizeof(Index) + indices.size() * 4 + values.size() * 8;
  }
};

template <class Index>
Csr<Index> read_csr(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char head[header_bytes];
  in.read(head, header_bytes);
  if (!in || std::memcmp(head, "LNCSR001", 8) != 0 || std::memcmp(head + 32, "i8,i4,f8,f8", 11) != 0) {
    throw std::runtime_error(path + ": not a CSR file written by bench/sparse/make_data.py");
  }
  Csr<Index> c;
  std::memcpy(&c.n, head + 8, 8);
  std::memcpy(&c.d, head + 16, 8);
  std::memcpy(&c.nnz, head + 24, 8);
  if (c.n < 1 || c.d < 1 || c.nnz < 0) throw std::runtime_error(path + ": bad shape");
  if (sizeof(Index) < 8 && c.nnz > static_cast<std::int64_t>(INT32_MAX)) {
    throw std::runtime_error(path + ": too many non-zeros for 32-bit row pointers");
  }
  auto read = [&](void* to, std::size_t bytes) {
    in.read(static_cast<char*>(to), static_cast<std::streamsize>(bytes));
    if (!in) throw std::runtime_error(path + ": truncated");
  };
  {
    std::vector<std::int64_t> indptr(static_cast<std::size_t>(c.n + 1));
    read(indptr.data(), indptr.size() * 8);
    if (indptr.front() != 0 || indptr.back() != c.nnz) throw std::runtime_error(path + ": bad row pointers");
    if constexpr (sizeof(Index) == 8) {
      c.indptr.swap(indptr);
    } else {
      c.indptr.assign(indptr.begin(), indptr.end());
    }
  }
  c.indices.resize(static_cast<std::size_t>(c.nnz));
  read(c.indices.data(), c.indices.size() * 4);
  if (c.nnz % 2) {
    char pad[4];
    read(pad, 4);
  }
  c.values.resize(static_cast<std::size_t>(c.nnz));
  read(c.values.data(), c.values.size() * 8);
  c.y.resize(static_cast<std::size_t>(c.n));
  read(c.y.data(), c.y.size() * 8);
  return c;
}

// The floor of a pass: read every byte of `bytes` at `data` once and add them up as 64-bit
// words in eight independent 16-byte accumulators (SSE2 with plain -O2, wider or not under
// -march=native): faster than any cache level feeds a core, so the time is the read bandwidth.
inline std::uint64_t sum_words(const unsigned char* data, std::size_t bytes) {
  typedef std::uint64_t v2 __attribute__((vector_size(16)));
  v2 a[8] = {};
  std::size_t i = 0;
  for (; i + 128 <= bytes; i += 128) {
    for (int k = 0; k < 8; ++k) {
      v2 x;
      std::memcpy(&x, data + i + 16 * k, 16);
      a[k] += x;
    }
  }
  std::uint64_t total = 0;
  for (; i < bytes; ++i) total += data[i];
  for (int k = 0; k < 8; ++k) total += a[k][0] + a[k][1];
  return total;
}

struct Span {
  const void* data;
  std::size_t bytes;
};

// Reads every span once on `threads` threads, each a contiguous share of each span.
inline std::uint64_t stream_read(const std::vector<Span>& spans, int threads) {
  std::vector<std::uint64_t> partial(static_cast<std::size_t>(threads), 0);
  auto work = [&](int t) {
    std::uint64_t s = 0;
    for (const Span& span : spans) {
      const std::size_t words = span.bytes / 16;
      const std::size_t begin = 16 * (words * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads));
      const std::size_t end = t + 1 == threads ? span.bytes
          : 16 * (words * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(threads));
      s += sum_words(static_cast<const unsigned char*>(span.data) + begin, end - begin);
    }
    partial[static_cast<std::size_t>(t)] = s;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  std::uint64_t total = 0;
  for (std::uint64_t p : partial) total += p;
  return total;
}

template <class T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// JSON helpers: numbers with every digit, lists of them.
inline std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

inline std::string list(const std::vector<double>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + num(values[i]);
  return s + "]";
}

inline void emit(const std::string& json) {
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

inline std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

inline void write_solution(const std::string& path, const double* w, std::int64_t d, double b) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(w), static_cast<std::streamsize>(d * 8));
  out.write(reinterpret_cast<const char*>(&b), 8);
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace sparse_bench
