// A streamed pass against its parts (issue 12, point 4): on a file in the binary format of
// bench/ (make one with --make), the time of
//   read:    one pass of the streamed dataset's reading alone (the two-buffer pipeline of
//            stream_pipeline.hpp, each block visited by a function that does nothing),
//   compute: the same pass's arithmetic alone, on the file's rows held in memory (row-major X,
//            the layout a stream has),
//   pass:    the streamed pass itself (the next block read while the current one is computed),
// for two passes a fit makes: the cost and gradient (one fused pass: little arithmetic a byte)
// and Newton's Hessian (d^2 a row: much). A pass that overlaps its reading with its arithmetic
// takes about max(read, compute); one that does not, read + compute. A last row isolates the
// pipeline: each block's visit waits a fixed time on the clock (no memory traffic), and the time
// the visiting thread spent waiting for its next block is reported beside the pass: with the
// read hidden, the pass is the visits' total plus the first block's read.
//
//   stream_pass --make FILE N D     writes an N x D file (seeded; in pieces, never all in memory)
//   stream_pass [--cold] FILE [REPEATS [THREADS]]
//                                   the table; REPEATS (default 5) passes of each, their median;
//                                   THREADS (default 1) for the arithmetic
// The read figures are of the page cache when the file is in it (read it once first, or run
// twice); --cold drops the page cache before every timed pass (root only), for the disk.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/stream.hpp>

namespace ln = logistic_neuron;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// With --cold, the page cache is dropped before every timed repeat (root only, Linux).
bool cold = false;

void drop_caches() {
  if (cold && std::system("sync; echo 1 > /proc/sys/vm/drop_caches") != 0) {
    std::fprintf(stderr, "stream_pass: --cold needs root (writes /proc/sys/vm/drop_caches)\n");
    std::exit(2);
  }
}

template <class F>
double median_seconds(int repeats, const F& f) {
  std::vector<double> times;
  for (int k = 0; k < repeats; ++k) {
    drop_caches();
    const auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(seconds_since(start));
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

void put(std::string& out, const void* p, std::size_t bytes) {
  out.append(static_cast<const char*>(p), bytes);  // little-endian machines only
}

int make_file(const char* path, long long n, long long d) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::string piece = "LNDATA01";
  put(piece, &n, 8);
  put(piece, &d, 8);
  std::mt19937_64 random(12);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  std::vector<double> w(static_cast<std::size_t>(d)), y(static_cast<std::size_t>(n));
  for (double& value : w) value = 0.5 * normal(random) / std::sqrt(static_cast<double>(d) / 10);
  for (long long i = 0; i < n; ++i) {
    double z = -0.3;
    for (long long j = 0; j < d; ++j) {
      const double x = normal(random) + 0.1 * static_cast<double>(j % 5);
      z += x * w[static_cast<std::size_t>(j)];
      put(piece, &x, 8);
    }
    y[static_cast<std::size_t>(i)] = uniform(random) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
    if (piece.size() >= (std::size_t(8) << 20)) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      piece.clear();
    }
  }
  for (double label : y) put(piece, &label, 8);
  out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  return out.good() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "--make") == 0) {
    return make_file(argv[2], std::atoll(argv[3]), std::atoll(argv[4]));
  }
  if (argc > 1 && std::strcmp(argv[1], "--cold") == 0) {
    cold = true;
    --argc;
    ++argv;
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: stream_pass --make FILE N D | stream_pass [--cold] FILE "
                         "[REPEATS [THREADS]]\n");
    return 2;
  }
  const std::string path = argv[1];
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  const int threads = argc > 3 ? std::atoi(argv[3]) : 1;

  ln::BinaryFileSource<double> source(path);
  const auto setup_start = std::chrono::steady_clock::now();
  const ln::detail::StreamedData<ln::BinaryFileSource<double>> stream(
      source, "stream_pass", ln::ClassWeight<double>::none());
  const double setup = seconds_since(setup_start);
  const Eigen::Index n = stream.rows(), d = stream.cols();
  const double megabytes = 8.0 * static_cast<double>(n) * static_cast<double>(d + 1) / 1e6;

  // The rows in memory, read once (for the arithmetic alone).
  RowMatrix X(n, d);
  Eigen::VectorXd y(n);
  source.rewind();
  source.read(X, y, n);
  const ln::detail::XRef<double, Eigen::RowMajor> Xr(X);
  const ln::detail::DenseX<double, Eigen::RowMajor> kind(Xr);
  const ln::detail::Targets<double> targets = ln::detail::unweighted_targets<double>("stream_pass", n, y);
  const ln::detail::InMemory<ln::detail::DenseX<double, Eigen::RowMajor>> memory(
      kind, targets, stream.scale_exponent());

  using Coordinates = ln::detail::Coordinates;
  const ln::detail::Problem<decltype(memory)> in_memory(memory, 1e-4, ln::CostReduction::mean,
                                                        threads, Coordinates::scaled);
  const ln::detail::Problem<decltype(stream)> streamed(stream, 1e-4, ln::CostReduction::mean,
                                                       threads, Coordinates::scaled);
  Eigen::VectorXd theta = Eigen::VectorXd::Constant(d + 1, 0.01), g;
  double sink = 0;

  const double read = median_seconds(repeats, [&] {
    stream.for_each_piece([&](const auto& piece) { sink += static_cast<double>(piece.X.rows()); });
  });
  const double grad_compute = median_seconds(repeats, [&] { sink += in_memory.evaluate(theta, g); });
  const double grad_pass = median_seconds(repeats, [&] { sink += streamed.evaluate(theta, g); });
  const double hess_compute = median_seconds(repeats, [&] { sink += static_cast<double>(in_memory.hessian(theta)(0, 0)); });
  const double hess_pass = median_seconds(repeats, [&] { sink += static_cast<double>(streamed.hessian(theta)(0, 0)); });

  std::printf("file %s (%s): n = %lld, d = %lld, %.0f MB; blocks of %lld rows; %d thread(s) of "
              "arithmetic; median of %d\n",
              path.c_str(), cold ? "read from disk: caches dropped before each pass" : "page cache", static_cast<long long>(n), static_cast<long long>(d), megabytes,
              static_cast<long long>(stream.block_rows()), threads, repeats);
  std::printf("set-up pass (read and check every value): %.3f s\n", setup);
  std::printf("read alone: %.3f s (%.0f MB/s)\n", read, megabytes / read);
  std::printf("%-22s %10s %10s %10s %16s %14s\n", "pass", "read s", "compute s", "pass s",
              "max(read,comp)", "read+comp");
  const auto row = [&](const char* name, double compute, double pass) {
    std::printf("%-22s %10.3f %10.3f %10.3f %16.3f %14.3f\n", name, read, compute, pass,
                std::max(read, compute), read + compute);
  };
  row("cost and gradient", grad_compute, grad_pass);
  row("Newton's Hessian", hess_compute, hess_pass);

  // The pipeline alone: visits that take `visit` seconds of the clock each.
  const Eigen::Index blocks = (n + stream.block_rows() - 1) / stream.block_rows();
  const double visit = std::max(0.002, 1.5 * read / static_cast<double>(blocks));
  double waited = 0;
  const double timed = median_seconds(repeats, [&] {
    auto last = std::chrono::steady_clock::now();
    double wait = 0;
    stream.for_each_piece([&](const auto&) {
      const auto start = std::chrono::steady_clock::now();
      wait += std::chrono::duration<double>(start - last).count();
      while (seconds_since(start) < visit) {
      }
      last = std::chrono::steady_clock::now();
    });
    waited = wait;
  });
  std::printf("%-22s %10.3f %10.3f %10.3f %16.3f %14.3f   (waited for blocks: %.3f s)\n",
              "fixed visits", read, visit * static_cast<double>(blocks), timed,
              std::max(read, visit * static_cast<double>(blocks)),
              read + visit * static_cast<double>(blocks), waited);
  return sink == 12345.678 ? 1 : 0;  // keeps the work
}
