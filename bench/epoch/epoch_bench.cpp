// Per-epoch time of the library's fused pass against the memory-bandwidth floor and a naive
// two-pass Eigen epoch, measured in one run, interleaved, with medians of repetitions.
//
// Usage: epoch_bench [--quick] [--shape NxD]... [--reps N] [--csv FILE] [--numpy SCRIPT]
//   --shape NxD     time only this shape (repeatable), instead of the default four
//   --numpy SCRIPT  also time the blog's numpy epoch (bench/epoch/numpy_epoch.py, run with
//                   /usr/bin/python3 and OPENBLAS_NUM_THREADS = the row's thread count) right
//                   after the row's own measurements.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>

namespace ln = logistic_neuron;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Keeps a value alive so that the compiler cannot drop the work that made it.
template <class T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// The floor: read every byte of X once, on `threads` threads, each a contiguous share, summing
// with several independent accumulators so that the adds keep up with the loads.
template <class Scalar>
double stream_read(const Scalar* data, std::size_t count, int threads) {
  std::vector<double> partial(static_cast<std::size_t>(threads), 0.0);
  auto work = [&](int t) {
    const std::size_t begin = count * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads);
    const std::size_t end = count * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(threads);
    const Eigen::Map<const Eigen::Array<Scalar, Eigen::Dynamic, 1>> a(data + begin,
                                                                      static_cast<Eigen::Index>(end - begin));
    partial[static_cast<std::size_t>(t)] = static_cast<double>(a.sum());
  };
  // On the library's pool, which lives across passes like ours' threads: the floor pays a
  // wake-up, as ours does, not a thread start (which alone is most of an in-cache epoch).
  ln::detail::ThreadPool::instance().run(threads, threads,
                                         [&](Eigen::Index t, int) { work(static_cast<int>(t)); });
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

// The naive epoch: z = X w + b, a = sigmoid(z), cost and gradient as two separate passes over X.
template <class Matrix, class Vector>
double naive_epoch(const Matrix& X, const Vector& y, const Vector& w, typename Vector::Scalar b,
                   Vector& gw, typename Vector::Scalar& gb) {
  using Scalar = typename Vector::Scalar;
  const Eigen::Index n = X.rows();
  Vector z = X * w;
  z.array() += b;
  const Eigen::Array<Scalar, Eigen::Dynamic, 1> a = (Scalar(1) + (-z.array()).exp()).inverse();
  const Scalar cost =
      -(y.array() * a.log() + (Scalar(1) - y.array()) * (Scalar(1) - a).log()).sum() / Scalar(n);
  const Vector r = (a - y.array()).matrix();
  gw.noalias() = X.transpose() * r / Scalar(n);
  gb = r.sum() / Scalar(n);
  return static_cast<double>(cost);
}

struct Row {
  std::string scalar, layout;
  Eigen::Index n, d;
  int threads;
  double bytes, floor_s, ours_s, naive_s, numpy_s = std::nan("");
  std::string numpy_kernel;
};

// Runs the numpy epoch for the row's shape, type, layout and threads; fills numpy_s.
void run_numpy(const std::string& script, Row& row, int reps) {
  const std::string command = "OPENBLAS_NUM_THREADS=" + std::to_string(row.threads) +
                              " OMP_NUM_THREADS=" + std::to_string(row.threads) +
                              " /usr/bin/python3 " + script + " " + std::to_string(row.n) + " " +
                              std::to_string(row.d) + " " + (row.scalar == "float" ? "float32" : "float64") +
                              " " + (row.layout == "row" ? "C" : "F") + " " + std::to_string(reps);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return;
  char kernel[256] = {0};
  double ms = 0;
  if (std::fscanf(pipe, "%lf %255s", &ms, kernel) == 2) {
    row.numpy_s = ms / 1e3;
    row.numpy_kernel = kernel;
  }
  pclose(pipe);
}

template <class Scalar, int Order>
Row measure(Eigen::Index n, Eigen::Index d, int threads, int reps) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Order>;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  Matrix X(n, d);
  for (Eigen::Index k = 0; k < X.size(); ++k) X.data()[k] = static_cast<Scalar>(normal(rng));
  Vector y(n), w(d);
  for (Eigen::Index i = 0; i < n; ++i) y[i] = static_cast<Scalar>(rng() & 1);
  for (Eigen::Index j = 0; j < d; ++j) w[j] = static_cast<Scalar>(0.1 * normal(rng));
  const Scalar b = Scalar(0.1);

  ln::detail::Targets<Scalar> targets;
  targets.sign = (Scalar(1) - Scalar(2) * y.array()).matrix();
  targets.total_weight = static_cast<ln::detail::Accum<Scalar>>(n);
  const ln::detail::XRef<Scalar, Order> Xr(X);
  // The pass fit() makes every epoch: cost and gradient in the solver's coordinates.
  const ln::detail::DenseX<Scalar, Order> kind(Xr);
  const ln::detail::InMemory<ln::detail::DenseX<Scalar, Order>> data(
      kind, targets, ln::detail::require_finite("epoch_bench", kind));
  const ln::detail::Problem<ln::detail::InMemory<ln::detail::DenseX<Scalar, Order>>> objective(
      data, Scalar(0), ln::CostReduction::mean, threads);
  Vector theta = objective.from_original(w, b), g;
  Vector gw(d);
  Scalar gb = 0;
  std::vector<double> floor_t, ours_t, naive_t;
  // Warm up each, then interleave the three so that drifting bandwidth hits all alike.
  keep(stream_read(X.data(), static_cast<std::size_t>(X.size()), threads));
  keep(objective.evaluate(theta, g));
  keep(naive_epoch(X, y, w, b, gw, gb));
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    keep(stream_read(X.data(), static_cast<std::size_t>(X.size()), threads));
    floor_t.push_back(seconds_since(t0));
    t0 = Clock::now();
    keep(objective.evaluate(theta, g));
    ours_t.push_back(seconds_since(t0));
    if (threads == 1) {  // the naive epoch is Eigen's own, single-threaded
      t0 = Clock::now();
      keep(naive_epoch(X, y, w, b, gw, gb));
      naive_t.push_back(seconds_since(t0));
    }
  }
  Row row;
  row.scalar = std::is_same_v<Scalar, float> ? "float" : "double";
  row.layout = Order == Eigen::RowMajor ? "row" : "col";
  row.n = n;
  row.d = d;
  row.threads = threads;
  row.bytes = static_cast<double>(X.size()) * sizeof(Scalar);
  row.floor_s = median(floor_t);
  row.ours_s = median(ours_t);
  row.naive_s = naive_t.empty() ? std::nan("") : median(naive_t);
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  std::printf("kernels: %s\n", ln::detail::isa_name(ln::detail::kernel_isa()));
  bool quick = false;
  int reps = 0;
  std::string csv, numpy;
  struct Shape { Eigen::Index n, d; };
  std::vector<Shape> only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--quick")) quick = true;
    else if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--csv") && i + 1 < argc) csv = argv[++i];
    else if (!std::strcmp(argv[i], "--numpy") && i + 1 < argc) numpy = argv[++i];
    else if (!std::strcmp(argv[i], "--shape") && i + 1 < argc) {
      long n = 0, d = 0;
      if (std::sscanf(argv[++i], "%ldx%ld", &n, &d) != 2 || n <= 0 || d <= 0) {
        std::fprintf(stderr, "--shape wants NxD, e.g. 1000000x32\n");
        return 2;
      }
      only.push_back({n, d});
    } else {
      std::fprintf(stderr, "usage: epoch_bench [--quick] [--shape NxD]... [--reps N] [--csv FILE] [--numpy SCRIPT]\n");
      return 2;
    }
  }
  const std::vector<Shape> shapes = !only.empty() ? only : quick ? std::vector<Shape>{{10000, 10}, {100000, 32}}
                                          : std::vector<Shape>{{10000, 10}, {100000, 100}, {1000000, 32}, {200000, 500}};
  std::vector<Row> rows;
  for (const Shape& s : shapes) {
    const double bytes = static_cast<double>(s.n * s.d) * 8;
    const int r = reps > 0 ? reps : (bytes < 1e7 ? 201 : bytes < 1e8 ? 41 : 15);
    for (int threads : {1, 2}) {
      rows.push_back(measure<float, Eigen::ColMajor>(s.n, s.d, threads, r));
      rows.push_back(measure<float, Eigen::RowMajor>(s.n, s.d, threads, r));
      rows.push_back(measure<double, Eigen::ColMajor>(s.n, s.d, threads, r));
      rows.push_back(measure<double, Eigen::RowMajor>(s.n, s.d, threads, r));
      for (std::size_t k = rows.size() - 4; k < rows.size(); ++k) {
        Row& x = rows[k];
        if (!numpy.empty()) run_numpy(numpy, x, std::max(5, r / 4));
        std::printf("%-6s %-3s %8ld x %-4ld t=%d  floor %9.3f ms (%5.1f GB/s)  ours %9.3f ms  ours/floor %5.2f  naive/ours %5.2f  numpy/ours %6.2f\n",
                    x.scalar.c_str(), x.layout.c_str(), static_cast<long>(x.n), static_cast<long>(x.d), x.threads,
                    x.floor_s * 1e3, x.bytes / x.floor_s / 1e9, x.ours_s * 1e3, x.ours_s / x.floor_s,
                    x.naive_s / x.ours_s, x.numpy_s / x.ours_s);
        std::fflush(stdout);
      }
    }
  }
  if (!csv.empty()) {
    std::ofstream out(csv);
    out << "scalar,layout,n,d,threads,bytes,floor_ms,ours_ms,naive_ms,numpy_ms,numpy_kernel\n";
    for (const Row& x : rows) {
      out << x.scalar << ',' << x.layout << ',' << x.n << ',' << x.d << ',' << x.threads << ','
          << x.bytes << ',' << x.floor_s * 1e3 << ',' << x.ours_s * 1e3 << ',' << x.naive_s * 1e3
          << ',' << x.numpy_s * 1e3 << ',' << x.numpy_kernel << '\n';
    }
  }
  return 0;
}
