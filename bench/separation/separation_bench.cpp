// The cost of the separation check: fit() with FitOptions::check_separation on and off, on large
// data whose classes overlap, timed interleaved in one run (medians of repetitions).
//
// Usage: separation_bench [--quick] [--reps N]
//   --quick   1/10 of the rows (a trial run)
//   --reps N  timed fits per setting and row (default 7)
//
// The data: features independent N(0, 1), labels drawn from a logistic model whose logits have
// standard deviation 2 (about 18% of the samples are then misclassified by the true model): the
// classes overlap, so J without a penalty has a minimiser and the check should cost nothing.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>

namespace ln = logistic_neuron;

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

// Overlapping classes: X ~ N(0, 1) (row-major), y ~ Bernoulli(sigmoid(X w* + 0.3)) with
// ||w*|| = 2.
struct Data {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> X;
  Eigen::VectorXd y;
};

Data make_data(Eigen::Index n, Eigen::Index d, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  Eigen::VectorXd w(d);
  for (Eigen::Index j = 0; j < d; ++j) w[j] = normal(rng);
  w *= 2.0 / w.norm();
  Data data;
  data.X.resize(n, d);
  data.y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double z = 0.3;
    for (Eigen::Index j = 0; j < d; ++j) {
      data.X(i, j) = normal(rng);
      z += data.X(i, j) * w[j];
    }
    data.y[i] = uniform(rng) < 1.0 / (1.0 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return data;
}

const char* solver_name(ln::Solver solver) {
  switch (solver) {
    case ln::Solver::gradient_descent: return "gradient_descent";
    case ln::Solver::newton: return "newton";
    case ln::Solver::lbfgs: return "lbfgs";
    default: return "other";
  }
}

// One row of the table: `reps` fits with the check on and `reps` with it off, alternating, each
// from a fresh neuron (the defaults of FitOptions except solver and max_epochs).
template <class Matrix, class Vector>
void row(const char* shape, const char* type, const char* order, const Matrix& X, const Vector& y,
         ln::Solver solver, Eigen::Index max_epochs, int reps) {
  using Scalar = typename Vector::Scalar;
  std::vector<double> on, off;
  ln::FitResult<Scalar> checked;
  for (int r = 0; r < reps; ++r) {
    for (const bool check : {true, false}) {
      ln::FitOptions<Scalar> options;
      options.solver = solver;
      if (max_epochs > 0) options.max_epochs = max_epochs;
      options.check_separation = check;
      ln::LogisticNeuron<Scalar> neuron;
      const auto start = Clock::now();
      ln::FitResult<Scalar> result = neuron.fit(X, y, options);
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      (check ? on : off).push_back(seconds);
      if (check) checked = std::move(result);
    }
  }
  const ln::Separation<Scalar>& s = checked.separation;
  const double t_on = median(on), t_off = median(off);
  std::printf("| %s | %s | %s | %s | %lld | %.1f | %.1f | %.3f | %s | %lld | %lld |\n", shape,
              type, order, solver_name(solver), static_cast<long long>(checked.epochs),
              1e3 * t_on, 1e3 * t_off, t_on / t_off,
              s.overlap_certified ? "overlap certified" : (s.detected ? "separation" : "none"),
              static_cast<long long>(s.subsample_rows), static_cast<long long>(s.probe_steps));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int reps = 7;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: separation_bench [--quick] [--reps N]\n");
      return 2;
    }
  }
  const Eigen::Index scale = quick ? 10 : 1;
  std::printf("| n x d | type | layout | solver | epochs | check on ms | check off ms | on/off | "
              "check's verdict | subsample rows | probe steps |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  {
    const Eigen::Index n = 1000000 / scale;
    const std::string shape = std::to_string(n) + " x 32";
    const Data data = make_data(n, 32, 1);
    const Eigen::MatrixXd col = data.X;
    row(shape.c_str(), "double", "col", col, data.y, ln::Solver::gradient_descent, 20, reps);
    row(shape.c_str(), "double", "row", data.X, data.y, ln::Solver::gradient_descent, 20, reps);
    const Eigen::MatrixXf colf = data.X.cast<float>();
    const Eigen::VectorXf yf = data.y.cast<float>();
    row(shape.c_str(), "float", "col", colf, yf, ln::Solver::gradient_descent, 20, reps);
    row(shape.c_str(), "double", "col", col, data.y, ln::Solver::lbfgs, 0, reps);
    row(shape.c_str(), "double", "col", col, data.y, ln::Solver::newton, 0, reps);
  }
  {
    const Eigen::Index n = 5000000 / scale;
    const std::string shape = std::to_string(n) + " x 20";
    Data data = make_data(n, 20, 2);
    const Eigen::MatrixXd col = data.X;
    data.X.resize(0, 0);
    row(shape.c_str(), "double", "col", col, data.y, ln::Solver::lbfgs, 0, reps);
    row(shape.c_str(), "double", "col", col, data.y, ln::Solver::gradient_descent, 20, reps);
  }
  return 0;
}
