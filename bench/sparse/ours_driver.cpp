// Ours on sparse X: LogisticNeuron<double>::fit with Solver::newton_cg or Solver::lbfgs on an
// Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor, int>> over the CSR arrays of a
// dataset of bench/sparse/make_data.py, driven by compare.py over the line protocol of
// csr_file.hpp. Written against the planned sparse API; run.sh builds it only with --with-ours.
//
// The file's int64 row pointers are converted to int (the Map's StorageIndex) while loading; the
// values, indices and labels are read into plain arrays and mapped without a copy, so the
// process holds what a user who has the CSR arrays in memory holds. Only fit() is timed, whole
// (input checks included).
//
// Usage: ours_driver DATA.bin --solver newton_cg|lbfgs --l2 L [--threads T] [--max-epochs M]
//                    [--budget SECONDS]
//   then on stdin (see csr_file.hpp):
// --threads T (default 0 = all cores) is handed to set_num_threads() and FitOptions::threads.
//   fit GTOL REPS OUT   REPS fits with tolerance = 0 and gradient_tolerance = GTOL (so they end
//                       when the max-norm of the gradient of J is <= GTOL, or by the solver's own
//                       end: a failed line search, max_epochs, the budget); answers
//                       {"tol", "seconds", "cpu_seconds", "iterations" (epochs), "cost" (J as
//                        the library computes it), "stop_reason", "rss_kb", "peak_rss_kb"}
//   pass REPS           with the parameters of the last fit (one fit at GTOL 1e-4 first if
//                       there was none), REPS rounds of, interleaved: the floor (a STREAM-like
//                       read of the three CSR arrays, on the fit's thread count), one
//                       neuron.gradient(X, y, l2) and one neuron.cost(X, y, l2), each a single
//                       pass over X; answers the medians and every time
//   quit
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <logistic_neuron/logistic_neuron.hpp>

#include "csr_file.hpp"

namespace ln = logistic_neuron;
namespace sb = sparse_bench;

namespace {

using SparseX = Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor, int>>;
using Labels = Eigen::Map<const Eigen::VectorXd>;

struct Arguments {
  std::string data;
  std::string solver = "newton_cg";
  double l2 = -1;
  int threads = 0;
  long long max_epochs = 1000000;
  double budget = 1e9;
};

ln::Solver solver_of(const std::string& name) {
  if (name == "newton_cg") return ln::Solver::newton_cg;
  if (name == "lbfgs") return ln::Solver::lbfgs;
  throw std::invalid_argument("unknown solver " + name + "; expected newton_cg or lbfgs");
}

struct Fit {
  double seconds = 0, cpu = 0, cost = 0;
  long long epochs = 0;
  std::string stop;
};

Fit fit_once(ln::LogisticNeuron<double>& neuron, const SparseX& X, const Labels& y,
             const Arguments& a, double gradient_tolerance) {
  ln::FitOptions<double> o;
  o.solver = solver_of(a.solver);
  o.l2 = a.l2;
  o.tolerance = 0;
  o.gradient_tolerance = gradient_tolerance;
  o.max_epochs = static_cast<Eigen::Index>(a.max_epochs);
  o.threads = a.threads;
  o.check_separation = false;
  sb::Clock::time_point start;
  const double budget = a.budget;
  o.on_epoch = [&start, budget](const ln::EpochInfo<double>&) {
    return sb::seconds_since(start) < budget;
  };
  Fit f;
  const double cpu0 = sb::cpu_seconds();
  start = sb::Clock::now();
  const ln::FitResult<double> result = neuron.fit(X, y, o);
  f.seconds = sb::seconds_since(start);
  f.cpu = sb::cpu_seconds() - cpu0;
  f.cost = static_cast<double>(result.cost);
  f.epochs = static_cast<long long>(result.epochs);
  f.stop = ln::to_string(result.stop_reason);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Arguments a;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
        return argv[++i];
      };
      if (arg == "--solver") a.solver = value();
      else if (arg == "--l2") a.l2 = std::stod(value());
      else if (arg == "--threads") a.threads = std::stoi(value());
      else if (arg == "--max-epochs") a.max_epochs = std::stoll(value());
      else if (arg == "--budget") a.budget = std::stod(value());
      else if (a.data.empty() && !arg.empty() && arg[0] != '-') a.data = arg;
      else throw std::invalid_argument("unknown argument " + arg);
    }
    if (a.data.empty() || a.l2 < 0) {
      throw std::invalid_argument("usage: ours_driver DATA.bin --solver newton_cg|lbfgs --l2 L");
    }
    solver_of(a.solver);
    // The thread count of every pass: fit() (FitOptions::threads below says the same), cost()
    // and gradient(), and the floor's read. 0 = all cores.
    ln::set_num_threads(a.threads);
    const long long baseline_kb = sb::status_kb("VmRSS");
    const auto load_start = sb::Clock::now();
    const sb::Csr<int> csr = sb::read_csr<int>(a.data);
    const double load_seconds = sb::seconds_since(load_start);
    const SparseX X(static_cast<Eigen::Index>(csr.n), static_cast<Eigen::Index>(csr.d),
                    static_cast<Eigen::Index>(csr.nnz), csr.indptr.data(), csr.indices.data(),
                    csr.values.data());
    const Labels y(csr.y.data(), static_cast<Eigen::Index>(csr.n));
    const long long loaded_kb = sb::status_kb("VmRSS");
    const bool reset = sb::reset_peak_rss();
    const int threads = a.threads > 0 ? a.threads : ln::num_threads();
    const std::vector<sb::Span> spans = {{csr.values.data(), csr.values.size() * 8},
                                         {csr.indices.data(), csr.indices.size() * 4},
                                         {csr.indptr.data(), csr.indptr.size() * 4}};

#ifdef __AVX512F__
    const char* isa = "avx512";
#elif defined(__AVX2__)
    const char* isa = "avx2";
#elif defined(__AVX__)
    const char* isa = "avx";
#else
    const char* isa = "sse2";
#endif
    sb::emit("{\"ready\": true, \"tool\": \"ours\", \"solver\": \"" + a.solver + "\", \"n\": " +
             std::to_string(csr.n) + ", \"d\": " + std::to_string(csr.d) + ", \"nnz\": " +
             std::to_string(csr.nnz) + ", \"l2\": " + sb::num(a.l2) + ", \"threads\": " +
             std::to_string(threads) + ", \"isa\": \"" + isa + "\", \"csr_bytes\": " +
             std::to_string(csr.bytes()) + ", \"input_bytes\": " +
             std::to_string(csr.bytes() + csr.y.size() * 8) +
             ", \"input\": \"CSR arrays (int32 row pointers and indices, float64 values) under "
             "Map<const SparseMatrix<double, RowMajor, int>>\", \"load_seconds\": " +
             sb::num(load_seconds) + ", \"baseline_rss_kb\": " + std::to_string(baseline_kb) +
             ", \"loaded_rss_kb\": " + std::to_string(loaded_kb) + ", \"peak_reset\": " +
             (reset ? "true" : "false") + "}");

    ln::LogisticNeuron<double> neuron;
    for (std::string line; std::getline(std::cin, line);) {
      const std::vector<std::string> w = sb::words(line);
      if (w.empty()) continue;
      if (w[0] == "quit") break;
      if (w[0] == "fit" && w.size() == 4) {
        const double gtol = std::stod(w[1]);
        const int reps = std::stoi(w[2]);
        std::vector<double> seconds, cpu;
        Fit f;
        for (int r = 0; r < reps; ++r) {
          f = fit_once(neuron, X, y, a, gtol);
          seconds.push_back(f.seconds);
          cpu.push_back(f.cpu);
        }
        sb::write_solution(w[3], neuron.weights().data(), csr.d, neuron.bias());
        sb::emit("{\"tol\": " + sb::num(gtol) + ", \"seconds\": " + sb::list(seconds) +
                 ", \"cpu_seconds\": " + sb::list(cpu) + ", \"iterations\": " +
                 std::to_string(f.epochs) + ", \"cost\": " + sb::num(f.cost) +
                 ", \"stop_reason\": \"" + f.stop + "\", \"rss_kb\": " +
                 std::to_string(sb::status_kb("VmRSS")) + ", \"peak_rss_kb\": " +
                 std::to_string(sb::peak_rss_kb(reset)) + "}");
      } else if (w[0] == "pass" && w.size() == 2) {
        const int reps = std::stoi(w[1]);
        if (!neuron.has_parameters()) fit_once(neuron, X, y, a, 1e-4);
        std::vector<double> floor, gradient, cost;
        sb::keep(sb::stream_read(spans, threads));  // warm-up, untimed
        sb::keep(neuron.gradient(X, y, a.l2));
        for (int r = 0; r < reps; ++r) {
          auto t0 = sb::Clock::now();
          sb::keep(sb::stream_read(spans, threads));
          floor.push_back(sb::seconds_since(t0));
          t0 = sb::Clock::now();
          const ln::Gradient<double> g = neuron.gradient(X, y, a.l2);
          gradient.push_back(sb::seconds_since(t0));
          sb::keep(g);
          t0 = sb::Clock::now();
          const double j = neuron.cost(X, y, a.l2);
          cost.push_back(sb::seconds_since(t0));
          sb::keep(j);
        }
        const double bytes = static_cast<double>(csr.bytes());
        sb::emit("{\"pass\": true, \"threads\": " + std::to_string(threads) + ", \"bytes\": " +
                 sb::num(bytes) + ", \"other_bytes\": " +
                 sb::num(8.0 * static_cast<double>(csr.n) + 16.0 * static_cast<double>(csr.d)) +
                 ", \"floor_seconds\": " + sb::num(sb::median(floor)) + ", \"bandwidth_gbs\": " +
                 sb::num(bytes / sb::median(floor) / 1e9) + ", \"gradient_seconds\": " +
                 sb::num(sb::median(gradient)) + ", \"cost_seconds\": " + sb::num(sb::median(cost)) +
                 ", \"all_floor\": " + sb::list(floor) + ", \"all_gradient\": " + sb::list(gradient) +
                 ", \"all_cost\": " + sb::list(cost) + ", \"rss_kb\": " +
                 std::to_string(sb::status_kb("VmRSS")) + ", \"peak_rss_kb\": " +
                 std::to_string(sb::peak_rss_kb(reset)) + "}");
      } else {
        sb::emit("{\"error\": \"unknown command: " + line + "\"}");
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ours_driver: %s\n", e.what());
    return 2;
  }
}
