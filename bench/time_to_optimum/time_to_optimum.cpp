// Time to the optimum: fits a dataset written by make_data.py with one of the library's solvers
// and prints one JSON line with what it measured. Driven by peers.py (see README.md).
//
// Two modes:
//   reference (no --target): one tight fit (|J_k - J_{k-1}| < 1e-14, a large epoch cap, stopped
//     after --budget seconds); reports its cost, epochs and time, and writes the solution.
//   timed (--target T): --reps complete fits, each stopped by the progress callback at the first
//     epoch whose cost is <= T (or when --budget seconds have passed); each fit() call is timed
//     from its start to its return; reports every time, their median, and writes the solution of
//     the last fit so that the caller can check its cost with its own evaluation.
//
// Usage: time_to_optimum DATA.bin --solver gradient_descent|newton|lbfgs|newton_cg --l2 L
//          [--target T] [--reps R] [--budget SECONDS] [--max-epochs M] [--threads N]
//          [--standardize 0|1] [--layout row|col] [--solution OUT.bin]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <logistic_neuron/logistic_neuron.hpp>

namespace ln = logistic_neuron;

namespace {

using Clock = std::chrono::steady_clock;
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

struct Dataset {
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  std::vector<double> values;  // X row-major (rows * cols), then y (rows)
};

// Reads the format of make_data.py: "LNDATA01", int64 n, int64 d, X row-major, y.
Dataset read_dataset(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  char magic[8];
  std::int64_t shape[2];
  in.read(magic, 8);
  in.read(reinterpret_cast<char*>(shape), sizeof shape);
  if (!in || std::memcmp(magic, "LNDATA01", 8) != 0 || shape[0] < 1 || shape[1] < 1) {
    throw std::runtime_error(path + ": not a dataset written by make_data.py");
  }
  Dataset data;
  data.rows = static_cast<Eigen::Index>(shape[0]);
  data.cols = static_cast<Eigen::Index>(shape[1]);
  data.values.resize(static_cast<std::size_t>(data.rows * (data.cols + 1)));
  in.read(reinterpret_cast<char*>(data.values.data()),
          static_cast<std::streamsize>(data.values.size() * sizeof(double)));
  if (!in) throw std::runtime_error(path + ": truncated");
  return data;
}

struct Arguments {
  std::string data;
  std::string solver = "gradient_descent";
  double l2 = 0;
  bool timed = false;
  double target = 0;
  int reps = 5;
  double budget = 60;
  Eigen::Index max_epochs = 100000;
  int threads = 0;
  bool standardize = false;
  bool column_major = false;
  std::string solution;
};

Arguments parse(int argc, char** argv) {
  Arguments a;
  auto value = [&](int& i) -> std::string {
    if (i + 1 >= argc) throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--solver") a.solver = value(i);
    else if (arg == "--l2") a.l2 = std::stod(value(i));
    else if (arg == "--target") { a.timed = true; a.target = std::stod(value(i)); }
    else if (arg == "--reps") a.reps = std::stoi(value(i));
    else if (arg == "--budget") a.budget = std::stod(value(i));
    else if (arg == "--max-epochs") a.max_epochs = std::stoll(value(i));
    else if (arg == "--threads") a.threads = std::stoi(value(i));
    else if (arg == "--standardize") a.standardize = std::stoi(value(i)) != 0;
    else if (arg == "--layout") a.column_major = value(i) == "col";
    else if (arg == "--solution") a.solution = value(i);
    else if (!arg.empty() && arg[0] != '-' && a.data.empty()) a.data = arg;
    else throw std::invalid_argument("unknown argument " + arg);
  }
  if (a.data.empty()) throw std::invalid_argument("no dataset given");
  if (a.reps < 1) throw std::invalid_argument("--reps must be >= 1");
  return a;
}

ln::Solver solver_of(const std::string& name) {
  if (name == "gradient_descent") return ln::Solver::gradient_descent;
  if (name == "newton") return ln::Solver::newton;
  if (name == "lbfgs") return ln::Solver::lbfgs;
  if (name == "newton_cg") return ln::Solver::newton_cg;
  throw std::invalid_argument("unknown solver " + name +
                              "; expected gradient_descent, newton, lbfgs or newton_cg");
}

// A reference fit ends when J changes by less than 1e-14 between iterates (J is of order 0.1 to
// 1 here, so that is the optimum to about rounding precision: eight orders below the 1e-6 of the
// target), when a line search finds no lower J, at the epoch cap, or at the time budget. A timed
// fit has no tolerance rule: it ends at the target (or the budget).
ln::FitOptions<double> base_options(const Arguments& a) {
  ln::FitOptions<double> options;
  options.solver = solver_of(a.solver);
  options.l2 = a.l2;
  options.threads = a.threads;
  options.max_epochs = a.max_epochs;
  options.tolerance = a.timed ? 0.0 : 1e-14;
  options.gradient_tolerance = 0;
  options.standardize = a.standardize;
  return options;
}

struct Run {
  double seconds = 0;
  double cost = 0;
  Eigen::Index epochs = 0;
  bool reached = false;
  std::string stop;
};

template <class MatrixX>
Run fit_once(const MatrixX& X, const Eigen::Map<const Eigen::VectorXd>& y, const Arguments& a,
             ln::LogisticNeuron<double>& neuron) {
  ln::FitOptions<double> options = base_options(a);
  bool reached = false;
  Clock::time_point start;
  const bool timed = a.timed;
  const double target = a.target;
  const double budget = a.budget;
  options.on_epoch = [&reached, &start, timed, target, budget](const ln::EpochInfo<double>& info) {
    if (timed && info.cost <= target) {
      reached = true;
      return false;
    }
    return seconds_since(start) < budget;
  };
  start = Clock::now();
  const ln::FitResult<double> result = neuron.fit(X, y, options);
  Run run;
  run.seconds = seconds_since(start);
  run.cost = result.cost;
  run.epochs = result.epochs;
  run.reached = reached;
  run.stop = ln::to_string(result.stop_reason);
  return run;
}

void write_solution(const std::string& path, const ln::LogisticNeuron<double>& neuron) {
  std::ofstream out(path, std::ios::binary);
  const Eigen::VectorXd& w = neuron.weights();
  const double b = neuron.bias();
  out.write(reinterpret_cast<const char*>(w.data()), static_cast<std::streamsize>(w.size() * 8));
  out.write(reinterpret_cast<const char*>(&b), 8);
  if (!out) throw std::runtime_error("cannot write " + path);
}

template <class MatrixX>
int run_all(const MatrixX& X, const Eigen::Map<const Eigen::VectorXd>& y, const Arguments& a) {
  std::vector<Run> runs;
  ln::LogisticNeuron<double> neuron;
  const int reps = a.timed ? a.reps : 1;
  for (int r = 0; r < reps; ++r) runs.push_back(fit_once(X, y, a, neuron));
  if (!a.solution.empty()) write_solution(a.solution, neuron);

  std::vector<double> times;
  for (const Run& run : runs) times.push_back(run.seconds);
  const Run& last = runs.back();
  bool all_reached = true;
  for (const Run& run : runs) all_reached = all_reached && run.reached;
  std::printf("{\"tool\": \"ours\", \"solver\": \"%s\", \"standardize\": %s, \"layout\": \"%s\", "
              "\"threads\": %d, \"timed\": %s, \"reached\": %s, \"median_seconds\": %.9g, "
              "\"seconds\": [",
              a.solver.c_str(), a.standardize ? "true" : "false", a.column_major ? "col" : "row",
              a.threads > 0 ? a.threads : ln::num_threads(), a.timed ? "true" : "false",
              all_reached ? "true" : "false", median(times));
  for (std::size_t i = 0; i < times.size(); ++i) std::printf("%s%.9g", i ? ", " : "", times[i]);
  std::printf("], \"epochs\": %lld, \"cost\": %.17g, \"stop_reason\": \"%s\"}\n",
              static_cast<long long>(last.epochs), last.cost, last.stop.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Arguments a = parse(argc, argv);
    const Dataset data = read_dataset(a.data);
    const Eigen::Map<const RowMatrix> X(data.values.data(), data.rows, data.cols);
    const Eigen::Map<const Eigen::VectorXd> y(data.values.data() + data.rows * data.cols,
                                              data.rows);
    if (a.column_major) {
      const Eigen::MatrixXd Xc = X;  // a column-major copy, made before any timing
      return run_all(Xc, y, a);
    }
    return run_all(X, y, a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "time_to_optimum: %s\n", e.what());
    return 2;
  }
}
