// bench/path: fit_path and cross_validate against R's glmnet on the same data, the same lambda
// grid and the same folds (see bench/path/run.sh and bench/README.md, section "path").
//
//   path_bench prepare DIR SET          writes DIR/SET.{x,y,grid,folds} (binary, little-endian)
//   path_bench ours DIR SET REPS        times fit_path and cross_validate REPS times each (medians;
//                                       PATH_BENCH_NO_CV=1 skips cross_validate,
//                                       PATH_BENCH_TOLERANCE sets PathOptions::tolerance,
//                                       PATH_BENCH_THREADS PathOptions::threads, default 0,
//                                       PATH_BENCH_CV_THREADS CvOptions::threads, default 1)
//   path_bench accuracy DIR SET         the largest KKT residual of J over the path of every tool
//                                       whose coefficients are on disk (DIR/SET.<tool>_beta, _a0:
//                                       ours, glmnet, sklearn_saga, sklearn_liblinear), over the
//                                       lambdas each did, and each one's distance to glmnet's
// PATH_BENCH_ALPHA (default 1, the lasso) sets the elastic-net mix of ours and accuracy (as of
// glmnet_bench.R and sklearn_bench.py): the grid divided by alpha, files SET_alpha<alpha>.*.
// SET: dense (100000 x 100, correlated columns) or sparse (rcv1-shaped: 20242 x 47236, about 74
// non-zeros a row, Zipf-like column frequencies, rows of unit norm). Both seeded.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/SparseCore>

#include <logistic_neuron/cv.hpp>
#include <logistic_neuron/path.hpp>

namespace {

namespace ln = logistic_neuron;
using Index = Eigen::Index;
using SparseC = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

template <class T>
void write(const std::string& path, const T* data, std::size_t count) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), std::streamsize(count * sizeof(T)));
  if (!out) throw std::runtime_error("cannot write " + path);
}
template <class T>
std::vector<T> read(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + path);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<T> out(bytes / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(out.data()), std::streamsize(bytes));
  return out;
}

struct Set {
  Eigen::MatrixXd X;  // dense
  SparseC Xs;         // sparse
  Eigen::VectorXd y;
  bool sparse = false;
};

Set generate(const std::string& name) {
  std::mt19937_64 rng(20261201);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Set set;
  if (name == "dense") {
    const Index n = 100000, d = 100;
    set.X.resize(n, d);
    for (Index i = 0; i < n; ++i) {
      double previous = normal(rng);
      for (Index j = 0; j < d; ++j) {
        previous = 0.5 * previous + std::sqrt(0.75) * normal(rng);  // AR(1), 0.5
        set.X(i, j) = previous;
      }
    }
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(d);
    for (Index j = 0; j < 20; ++j)
      beta[j * 5] = (j % 2 ? -1.0 : 1.0) * 0.5 / static_cast<double>(1 + j / 5);
    set.y.resize(n);
    const Eigen::VectorXd z = set.X * beta;
    for (Index i = 0; i < n; ++i) set.y[i] = uniform(rng) < 1 / (1 + std::exp(-z[i])) ? 1 : 0;
  } else if (name == "sparse") {
    const Index n = 20242, d = 47236;
    std::vector<Eigen::Triplet<double, int>> entries;
    std::vector<double> zipf(static_cast<std::size_t>(d));
    double total = 0;
    for (Index j = 0; j < d; ++j) total += (zipf[std::size_t(j)] = 1.0 / std::pow(double(j + 1), 1.0));
    std::vector<double> cumulative(zipf.size());
    double run = 0;
    for (std::size_t j = 0; j < zipf.size(); ++j) cumulative[j] = (run += zipf[j] / total);
    Eigen::VectorXd beta = Eigen::VectorXd::Zero(d);
    for (Index j = 0; j < 200; ++j) beta[j * 37 % 5000] = normal(rng) * 4;
    set.y.resize(n);
    for (Index i = 0; i < n; ++i) {
      std::vector<std::pair<int, double>> row;
      const int count = 20 + int(uniform(rng) * 108);  // mean 74
      for (int k = 0; k < count; ++k) {
        const double u = uniform(rng);
        const int j = int(std::lower_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
        row.push_back({std::min<int>(j, int(d - 1)), 1 + std::abs(normal(rng))});
      }
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                row.end());
      double norm = 0, z = 0;
      for (const auto& e : row) norm += e.second * e.second;
      for (auto& e : row) {
        e.second /= std::sqrt(norm);
        z += beta[e.first] * e.second;
        entries.emplace_back(int(i), e.first, e.second);
      }
      set.y[i] = uniform(rng) < 1 / (1 + std::exp(-(z - 0.3))) ? 1 : 0;
    }
    set.Xs.resize(n, d);
    set.Xs.setFromTriplets(entries.begin(), entries.end());
    set.Xs.makeCompressed();
    set.sparse = true;
  } else {
    throw std::runtime_error("unknown set '" + name + "' (dense or sparse)");
  }
  return set;
}

void prepare(const std::string& dir, const std::string& name) {
  const Set set = generate(name);
  const std::string base = dir + "/" + name;
  if (set.sparse) {
    const Index nnz = set.Xs.nonZeros();
    write(base + ".colptr", set.Xs.outerIndexPtr(), std::size_t(set.Xs.cols() + 1));
    write(base + ".rowind", set.Xs.innerIndexPtr(), std::size_t(nnz));
    write(base + ".values", set.Xs.valuePtr(), std::size_t(nnz));
    const int shape[2] = {int(set.Xs.rows()), int(set.Xs.cols())};
    write(base + ".shape", shape, 2);
  } else {
    write(base + ".x", set.X.data(), std::size_t(set.X.size()));
    const int shape[2] = {int(set.X.rows()), int(set.X.cols())};
    write(base + ".shape", shape, 2);
  }
  write(base + ".y", set.y.data(), std::size_t(set.y.size()));
  // The grid: glmnet's default for this shape, from our exact lambda_max.
  ln::PathOptions<double> one;
  one.n_lambdas = 1;
  const ln::PathResult<double> p = set.sparse ? ln::fit_path(set.Xs, set.y, one) : ln::fit_path(set.X, set.y, one);
  const Index n = set.y.size(), d = set.sparse ? set.Xs.cols() : set.X.cols();
  const double ratio = n < d ? 1e-2 : 1e-4;
  std::vector<double> grid(100);
  for (int k = 0; k < 100; ++k) grid[std::size_t(k)] = p.lambda_max * std::pow(ratio, k / 99.0);
  write(base + ".grid", grid.data(), grid.size());
  // 10 stratified folds (ours, seed 0), 1-based, for both tools.
  std::vector<unsigned char> positive(static_cast<std::size_t>(n));
  for (Index i = 0; i < n; ++i) positive[std::size_t(i)] = set.y[i] > 0 ? 1 : 0;
  std::vector<int> folds = ln::detail::stratified_folds(positive, 10, 0);
  for (int& f : folds) ++f;
  write(base + ".folds", folds.data(), folds.size());
  std::printf("%s: n %ld, d %ld, %s, lambda_max %.6g\n", name.c_str(), long(n), long(d),
              set.sparse ? ("nnz " + std::to_string(set.Xs.nonZeros())).c_str() : "dense",
              p.lambda_max);
}

Set load(const std::string& dir, const std::string& name) {
  const std::string base = dir + "/" + name;
  const std::vector<int> shape = read<int>(base + ".shape");
  Set set;
  const std::vector<double> y = read<double>(base + ".y");
  set.y = Eigen::Map<const Eigen::VectorXd>(y.data(), Index(y.size()));
  if (name == "sparse") {
    const std::vector<int> colptr = read<int>(base + ".colptr"), rowind = read<int>(base + ".rowind");
    const std::vector<double> values = read<double>(base + ".values");
    set.Xs = Eigen::Map<const SparseC>(shape[0], shape[1], Index(values.size()), colptr.data(),
                                       rowind.data(), values.data());
    set.sparse = true;
  } else {
    const std::vector<double> x = read<double>(base + ".x");
    set.X = Eigen::Map<const Eigen::MatrixXd>(x.data(), shape[0], shape[1]);
  }
  return set;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

template <class F>
double seconds(const F& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool exists(const std::string& path) { return std::ifstream(path).good(); }

/// PATH_BENCH_ALPHA (default 1): the elastic-net mix; the grid is the lasso's divided by alpha
/// (lambda_max(alpha) = lambda_max(1) / alpha), and alpha != 1 writes SET_alpha<alpha>.* files.
double alpha_of_env() {
  const char* alpha = std::getenv("PATH_BENCH_ALPHA");
  return alpha ? std::atof(alpha) : 1.0;
}

std::string output_base(const std::string& dir, const std::string& name, double alpha) {
  if (alpha == 1) return dir + "/" + name;
  char text[32];
  std::snprintf(text, sizeof text, "%g", alpha);
  return dir + "/" + name + "_alpha" + text;
}

void ours(const std::string& dir, const std::string& name, int reps) {
  const Set set = load(dir, name);
  const std::vector<double> grid = read<double>(dir + "/" + name + ".grid");
  const std::vector<int> folds = read<int>(dir + "/" + name + ".folds");
  const double alpha = alpha_of_env();
  ln::PathOptions<double> options;
  options.alpha = alpha;
  options.lambdas = Eigen::Map<const Eigen::VectorXd>(grid.data(), Index(grid.size())) / alpha;
  if (const char* tolerance = std::getenv("PATH_BENCH_TOLERANCE")) options.tolerance = std::atof(tolerance);
  if (const char* threads = std::getenv("PATH_BENCH_THREADS")) options.threads = std::atoi(threads);
  std::vector<double> path_times, cv_times;
  ln::PathResult<double> path;
  for (int r = 0; r < reps; ++r) {
    path_times.push_back(seconds([&] {
      path = set.sparse ? ln::fit_path(set.Xs, set.y, options) : ln::fit_path(set.X, set.y, options);
    }));
  }
  const bool with_cv = std::getenv("PATH_BENCH_NO_CV") == nullptr;
  ln::CvOptions<double> cv_options;
  cv_options.path = options;
  cv_options.fold_ids = folds;
  cv_options.threads = 1;  // glmnet's cv.glmnet runs its folds one after another
  if (const char* threads = std::getenv("PATH_BENCH_CV_THREADS")) {
    cv_options.threads = std::atoi(threads);
  }
  ln::CvResult<double> cv;
  for (int r = 0; r < (with_cv ? reps : 0); ++r) {
    cv_times.push_back(seconds([&] {
      cv = set.sparse ? ln::cross_validate(set.Xs, set.y, cv_options)
                      : ln::cross_validate(set.X, set.y, cv_options);
    }));
  }
  long passes = 0;
  for (const Index p : path.passes) passes += long(p);
  std::printf("ours %s path_median_s %.4f cv_median_s %.4f reps %d path_runs", name.c_str(),
              median(path_times), median(cv_times), reps);
  for (const double t : path_times) std::printf(" %.4f", t);
  std::printf(" cv_runs");
  for (const double t : cv_times) std::printf(" %.4f", t);
  std::printf(" passes %ld nnz_last %ld lambda_min_index %ld lambda_1se_index %ld\n", passes,
              long(path.nonzeros.back()), long(cv.index_min), long(cv.index_1se));
  const Eigen::MatrixXd W = Eigen::MatrixXd(path.weights);
  const std::string out = output_base(dir, name, alpha);
  write(out + ".ours_beta", W.data(), std::size_t(W.size()));
  write(out + ".ours_a0", path.biases.data(), std::size_t(path.biases.size()));
  const long cv_index[2] = {long(cv.index_min), long(cv.index_1se)};
  write(out + ".ours_cv", cv_index, 2);
}

/// The largest KKT residual of J = (1/n) sum loss + lambda [alpha |w|_1 + (1 - alpha)/2 |w|^2]
/// over the first lambdas of the grid that (beta, a0) holds, and its bias part alone, |dJ/db|
/// (liblinear penalises the bias, so its residual is mostly there).
struct Kkt {
  double worst = 0, bias = 0;
};
template <class MX>
Kkt worst_kkt(const MX& X, const Eigen::VectorXd& y, const std::vector<double>& grid,
                 double alpha, const std::vector<double>& beta, const std::vector<double>& a0) {
  const Index n = X.rows(), d = X.cols();
  Kkt worst;
  for (std::size_t k = 0; k < a0.size(); ++k) {
    const Eigen::Map<const Eigen::VectorXd> w(beta.data() + k * std::size_t(d), d);
    const Eigen::VectorXd z = (X * w).array() + a0[k];
    Eigen::VectorXd r(n);
    for (Index i = 0; i < n; ++i) r[i] = (1 / (1 + std::exp(-z[i])) - y[i]) / double(n);
    const Eigen::VectorXd g = X.transpose() * r;
    double res = std::abs(r.sum());
    worst.bias = std::max(worst.bias, res);
    for (Index j = 0; j < d; ++j) {
      const double t = grid[k] * alpha, smooth = g[j] + grid[k] * (1 - alpha) * w[j];
      res = std::max(res, w[j] > 0   ? std::abs(smooth + t)
                          : w[j] < 0 ? std::abs(smooth - t)
                                     : std::max(std::abs(smooth) - t, 0.0));
    }
    worst.worst = std::max(worst.worst, res);
  }
  return worst;
}

/// For every tool whose coefficients are on disk (a missing tool is skipped): the largest KKT
/// residual over the lambdas it did (a budgeted or PATH_BENCH_LAMBDAS run of sklearn_bench.py
/// writes fewer than the grid's 100; "lambdas k grid 100" says how many), and, when glmnet's are
/// on disk too, its largest difference from glmnet's over the lambdas both did.
void accuracy(const std::string& dir, const std::string& name) {
  const Set set = load(dir, name);
  const double alpha = alpha_of_env();
  const std::string base = output_base(dir, name, alpha);
  std::vector<double> grid = read<double>(dir + "/" + name + ".grid");
  for (double& lambda : grid) lambda /= alpha;
  const std::size_t d = std::size_t(set.sparse ? set.Xs.cols() : set.X.cols());
  const bool with_glmnet = exists(base + ".glmnet_beta");
  const std::vector<double> glmnet_beta =
      with_glmnet ? read<double>(base + ".glmnet_beta") : std::vector<double>();
  const std::vector<double> glmnet_a0 =
      with_glmnet ? read<double>(base + ".glmnet_a0") : std::vector<double>();
  // sklearn_saga_elasticnet: sklearn_bench.py's elastic net, read when PATH_BENCH_ALPHA is its
  // l1_ratio (its files are SET_alpha<l1_ratio>.*, as the others' at that alpha)
  for (const char* tool : {"ours", "glmnet", "sklearn_saga", "sklearn_liblinear",
                           "sklearn_saga_elasticnet"}) {
    if (!exists(base + "." + tool + "_beta")) continue;
    const std::vector<double> beta = read<double>(base + "." + tool + "_beta");
    const std::vector<double> a0 = read<double>(base + "." + tool + "_a0");
    if (beta.size() != a0.size() * d || a0.size() > grid.size())
      throw std::runtime_error(base + "." + tool + "_beta: " + std::to_string(beta.size()) +
                               " values, not d x " + std::to_string(a0.size()) + " lambdas (of " +
                               std::to_string(grid.size()) + ")");
    const Kkt kkt = set.sparse ? worst_kkt(set.Xs, set.y, grid, alpha, beta, a0)
                                  : worst_kkt(set.X, set.y, grid, alpha, beta, a0);
    std::printf("accuracy %s %s alpha %g lambdas %zu grid %zu max_kkt_residual %.3g bias_part %.3g",
                name.c_str(), tool, alpha, a0.size(), grid.size(), kkt.worst, kkt.bias);
    if (with_glmnet && std::string(tool) != "glmnet") {
      // column-major d x k: the first min(k_tool, k_glmnet) columns are the common lambdas
      const std::size_t common = std::min(a0.size(), glmnet_a0.size());
      double diff = 0, scale = 0, a0_diff = 0;
      long pattern = 0;
      for (std::size_t i = 0; i < common * d; ++i) {
        diff = std::max(diff, std::abs(beta[i] - glmnet_beta[i]));
        scale = std::max(scale, std::abs(glmnet_beta[i]));
        pattern += (beta[i] == 0) != (glmnet_beta[i] == 0) ? 1 : 0;
      }
      for (std::size_t k = 0; k < common; ++k)
        a0_diff = std::max(a0_diff, std::abs(a0[k] - glmnet_a0[k]));
      std::printf(" vs_glmnet lambdas %zu max_abs_diff %.3g relative %.3g"
                  " zero_pattern_differences %ld a0_max_abs_diff %.3g",
                  common, diff, diff / std::max(1.0, scale), pattern, a0_diff);
    }
    std::printf("\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "prepare" && argc == 4) {
      prepare(argv[2], argv[3]);
    } else if (mode == "ours" && argc == 5) {
      ours(argv[2], argv[3], std::atoi(argv[4]));
    } else if (mode == "accuracy" && argc == 4) {
      accuracy(argv[2], argv[3]);
    } else {
      std::cerr << "usage: path_bench prepare DIR SET | ours DIR SET REPS | accuracy DIR SET\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "path_bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
