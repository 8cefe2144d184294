// Online updates (LogisticNeuron::partial_fit, detail/online.hpp): a few passes of batches over a
// stream reach the full-batch optimum's cost (L2 and elastic net, dense and sparse batches); the
// schedule is AdaGrad's, averaged, in units where X has unit scale; the same batches give the
// same bits on any thread count; integer sample weights are duplicated rows; the state is kept
// between calls and restarted by fit, load and reset_partial_fit; bad input throws before
// anything changes.

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/SparseCore>
#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_online {

namespace {

namespace ln = logistic_neuron;
using test_support::check_throws;
using test_support::Index;
using test_support::Matrix;
using test_support::same_bits;
using test_support::Vector;

template <class T>
using SparseRows = Eigen::SparseMatrix<T, Eigen::RowMajor>;

/// Columns with different means (and a bias to fit): X = N(0, 1) + 0.3 (j mod 3).
template <class T>
test_support::Problem<T> online_problem(Index n, Index d, std::uint32_t seed) {
  test_support::Problem<T> p = test_support::make_problem<T>(n, d, seed, 0.3);
  for (Index j = 0; j < d; ++j) p.X.col(j).array() += T(0.3) * T(j % 3);
  return p;
}

/// `passes` passes over the rows of (X, y) in batches of `batch` rows, in order; each step must
/// be taken.
template <class T, class MatrixX>
void run_passes(ln::LogisticNeuron<T>& neuron, const MatrixX& X, const Vector<T>& y, Index batch,
                int passes, const ln::FitOptions<T>& options) {
  for (int pass = 0; pass < passes; ++pass) {
    for (Index k = 0; k < X.rows(); k += batch) {
      const Index rows = std::min(batch, X.rows() - k);
      const MatrixX Xb = X.middleRows(k, rows);
      const ln::FitResult<T> result = neuron.partial_fit(Xb, Vector<T>(y.segment(k, rows)), options);
      REQUIRE(result.stop_reason == ln::StopReason::max_epochs);
    }
  }
}

/// The elastic net's J: the mean loss plus lambda sum_j ((1 - alpha)/2 w_j^2 + alpha |w_j|).
template <class T>
double elastic_cost(const ln::LogisticNeuron<T>& neuron, const Matrix<T>& X, const Vector<T>& y,
                    T lambda, T alpha) {
  return static_cast<double>(neuron.cost(X, y, lambda * (1 - alpha))) +
         static_cast<double>(lambda * alpha) *
             static_cast<double>(neuron.weights().template lpNorm<1>());
}

/// The relative excess of `cost` over `optimum`.
double excess(double cost, double optimum) { return (cost - optimum) / optimum; }

}  // namespace

TEST_CASE_TEMPLATE("online: three passes of batches reach the full-batch optimum's cost to 1e-3 "
                   "relative",
                   T, float, double) {
  const Index n = 100000, d = 10, batch = 1000;
  const auto p = online_problem<T>(n, d, 8101);
  for (const T l2 : {T(0), T(1e-3)}) {
    CAPTURE(l2);
    // The optimum: Newton to a gradient at rounding level.
    ln::LogisticNeuron<T> full;
    ln::FitOptions<T> options;
    options.solver = ln::Solver::newton;
    options.l2 = l2;
    options.tolerance = 0;
    options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-6) : T(1e-12);
    full.fit(p.X, p.y, options);
    const double optimum = static_cast<double>(full.cost(p.X, p.y, l2));

    ln::LogisticNeuron<T> neuron;
    ln::FitOptions<T> online;
    online.l2 = l2;
    std::vector<double> excesses;
    for (int pass = 1; pass <= 3; ++pass) {
      run_passes(neuron, p.X, p.y, batch, 1, online);
      excesses.push_back(excess(static_cast<double>(neuron.cost(p.X, p.y, l2)), optimum));
      MESSAGE("l2 ", l2, ", pass ", pass, ": relative excess cost ", excesses.back());
    }
    CHECK(neuron.partial_fit_steps() == 3 * n / batch);
    CHECK(excesses.back() >= -1e-6);  // nothing beats the optimum (beyond float's rounding)
    CHECK(excesses.back() <= 1e-3);
    CHECK(excesses[2] < excesses[0]);
  }
}

TEST_CASE_TEMPLATE("online: the elastic net's proximal steps reach the full-batch optimum's cost "
                   "to 1e-3 relative",
                   T, float, double) {
  const Index n = 20000, d = 10, batch = 500;
  auto p = online_problem<T>(n, d, 8151);
  // Two columns of noise, independent of y: the L1 part holds their weights at 0.
  p.X.rightCols(2) = test_support::random_matrix<T>(n, 2, 8152);
  ln::FitOptions<T> options;
  options.lambda = T(0.02);
  options.alpha = T(0.5);
  // The optimum: proximal gradient descent (step 1/L) until the minimum-norm subgradient is at
  // rounding level.
  ln::FitOptions<T> full_options = options;
  full_options.tolerance = 0;
  full_options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-6) : T(1e-11);
  full_options.max_epochs = 100000;
  ln::LogisticNeuron<T> full;
  REQUIRE(full.fit(p.X, p.y, full_options).converged());
  const double optimum = elastic_cost(full, p.X, p.y, options.lambda, options.alpha);
  // The penalty zeroes some weights.
  Index zeros = 0;
  for (Index j = 0; j < d; ++j) zeros += full.weights()[j] == 0 ? 1 : 0;
  MESSAGE("elastic net: ", zeros, " of ", d, " weights 0 at the optimum");
  CHECK(zeros >= 1);

  ln::LogisticNeuron<T> neuron;
  std::vector<double> excesses;
  for (int pass = 1; pass <= 3; ++pass) {
    run_passes(neuron, p.X, p.y, batch, 1, options);
    excesses.push_back(excess(elastic_cost(neuron, p.X, p.y, options.lambda, options.alpha), optimum));
    MESSAGE("elastic net, pass ", pass, ": relative excess cost ", excesses.back());
  }
  CHECK(excesses.back() >= -1e-6);
  CHECK(excesses.back() <= 1e-3);
}

TEST_CASE("online: sparse batches take the steps dense batches take, and reach the optimum") {
  const Index n = 40000, d = 12, batch = 800;
  auto p = online_problem<double>(n, d, 8171);
  // About half the entries zero.
  test_support::Random random(8172);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) {
      if (random.uniform() < 0.5) p.X(i, j) = 0;
    }
  }
  const SparseRows<double> Xs = p.X.sparseView();
  ln::FitOptions<double> options;
  options.l2 = 1e-3;
  options.class_weight = ln::ClassWeight<double>::given(0.8, 1.25);
  ln::LogisticNeuron<double> dense, sparse;
  run_passes(dense, p.X, p.y, batch, 3, options);
  run_passes(sparse, Xs, p.y, batch, 3, options);
  CHECK(sparse.partial_fit_steps() == dense.partial_fit_steps());
  CHECK((sparse.weights() - dense.weights()).norm() <= 1e-12 * dense.weights().norm());
  CHECK(std::abs(sparse.bias() - dense.bias()) <= 1e-12 * std::abs(dense.bias()));

  // The optimum of the weighted cost: Newton. Class weights are sample weights, so the cost of
  // the full fit is the weighted mean loss, computed here from the same weights.
  ln::LogisticNeuron<double> full;
  ln::FitOptions<double> newton = options;
  newton.solver = ln::Solver::newton;
  newton.tolerance = 0;
  newton.gradient_tolerance = 1e-12;
  full.fit(Xs, p.y, newton);
  Vector<double> s(n);
  for (Index i = 0; i < n; ++i) s[i] = p.y[i] == 1 ? 1.25 : 0.8;
  const auto weighted_cost = [&](const ln::LogisticNeuron<double>& neuron) {
    const Vector<double> z = neuron.decision_function(Xs);
    double total = 0;
    for (Index i = 0; i < n; ++i) {
      const double softplus = std::max(z[i], 0.0) + std::log1p(std::exp(-std::abs(z[i])));
      total += s[i] * (softplus - p.y[i] * z[i]);
    }
    return total / s.sum() + 0.5 * options.l2 * neuron.weights().squaredNorm();
  };
  const double relative = excess(weighted_cost(sparse), weighted_cost(full));
  MESSAGE("sparse batches, three passes: relative excess cost ", relative);
  CHECK(relative >= -1e-9);
  CHECK(relative <= 1e-3);
}

TEST_CASE_TEMPLATE("online: the same batches give the same bits on any thread count", T, float,
                   double) {
  // Batches of 4 MiB and more: several chunks, so the pass runs on threads.
  const Index n = 120000, d = 10, batch = 60000;
  const auto p = online_problem<T>(n, d, 8201);
  ln::FitOptions<T> options;
  options.l2 = T(1e-4);
  ln::LogisticNeuron<T> one, two, again;
  options.threads = 1;
  run_passes(one, p.X, p.y, batch, 2, options);
  options.threads = 2;
  run_passes(two, p.X, p.y, batch, 2, options);
  run_passes(again, p.X, p.y, batch, 2, options);
  CHECK(test_support::same_state(test_support::state_of(one), test_support::state_of(two)));
  CHECK(test_support::same_state(test_support::state_of(two), test_support::state_of(again)));
  // The kept state too: one more step from each gives the same bits.
  one.partial_fit(p.X.topRows(1000), p.y.head(1000), options);
  two.partial_fit(p.X.topRows(1000), p.y.head(1000), options);
  CHECK(test_support::same_state(test_support::state_of(one), test_support::state_of(two)));
  // Another order of the same batches is another stream.
  ln::LogisticNeuron<T> swapped;
  for (int pass = 0; pass < 2; ++pass) {
    for (Index k = n - batch; k >= 0; k -= batch) {
      swapped.partial_fit(p.X.middleRows(k, batch), p.y.segment(k, batch), options);
    }
  }
  CHECK(!same_bits(swapped.weights(), again.weights()));
}

TEST_CASE_TEMPLATE("online: AdaGrad's first step moves every coordinate by the learning rate, in "
                   "units where X has unit scale",
                   T, float, double, long double) {
  const auto p = online_problem<T>(400, 5, 8301);
  ln::FitOptions<T> options;
  options.learning_rate = T(0.25);
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.partial_fit(p.X, p.y, options);
  CHECK(result.stop_reason == ln::StopReason::max_epochs);
  CHECK(result.epochs == 1);
  CHECK(result.learning_rate == T(0.25));
  CHECK(neuron.partial_fit_steps() == 1);
  // From zeros the cost is ln 2 exactly (to rounding).
  CHECK(std::abs(static_cast<double>(result.cost) - std::log(2.0)) <= 1e-6);
  REQUIRE(result.cost_history.size() == 1);
  CHECK(same_bits(result.cost_history[0], result.cost));
  // theta_1 = -eta g / (|g| + epsilon) and bar_1 = theta_1: each coordinate moves by eta (X's
  // unit here: its root mean square rounds to 2^0) against the sign of its gradient.
  const ln::Gradient<T> g0 = ln::LogisticNeuron<T>(Vector<T>::Zero(5), T(0)).gradient(p.X, p.y);
  for (Index j = 0; j < 5; ++j) {
    CHECK(std::abs(static_cast<double>(neuron.weights()[j]) +
                   0.25 * (g0.weights[j] > 0 ? 1 : -1)) <= 1e-6);
  }
  CHECK(std::abs(static_cast<double>(neuron.bias()) + 0.25 * (g0.bias > 0 ? 1 : -1)) <= 1e-6);
  // Scale-free: X times 2^3 gives the weights times 2^-3, bit for bit, for every later step too.
  ln::LogisticNeuron<T> scaled;
  const Matrix<T> X8 = p.X * T(8);
  for (int step = 0; step < 5; ++step) {
    scaled.partial_fit(X8, p.y, options);
    if (step > 0) neuron.partial_fit(p.X, p.y, options);
  }
  CHECK(same_bits(Vector<T>(scaled.weights() * T(8)), neuron.weights()));
  CHECK(same_bits(scaled.bias(), neuron.bias()));
}

TEST_CASE_TEMPLATE("online: integer sample weights count as duplicated rows, zero weights as "
                   "dropped rows",
                   T, float, double) {
  const Index n = 60, d = 4;
  const auto p = online_problem<T>(n, d, 8401);
  test_support::Random random(8402);
  Vector<T> s(n);
  Index total = 0;
  for (Index i = 0; i < n; ++i) {
    s[i] = T(static_cast<int>(4 * random.uniform()));  // 0, 1, 2 or 3
    total += static_cast<Index>(s[i]);
  }
  Matrix<T> Xd(total, d);
  Vector<T> yd(total);
  for (Index i = 0, r = 0; i < n; ++i) {
    for (int copy = 0; copy < static_cast<int>(s[i]); ++copy, ++r) {
      Xd.row(r) = p.X.row(i);
      yd[r] = p.y[i];
    }
  }
  const T tol = std::is_same_v<T, float> ? T(1e-5) : T(1e-13);
  ln::FitOptions<T> options;
  options.l2 = T(0.01);
  options.class_weight = ln::ClassWeight<T>::given(T(0.5), T(2));
  // Three steps each: the later ones use the accumulated state too.
  ln::LogisticNeuron<T> weighted(Vector<T>::Constant(d, T(0.1)), T(-0.2)), duplicated = weighted;
  for (int step = 0; step < 3; ++step) {
    const auto rw = weighted.partial_fit(p.X, p.y, s, options);
    const auto rd = duplicated.partial_fit(Xd, yd, options);
    CHECK(std::abs(rw.cost - rd.cost) <= tol * rd.cost);
  }
  CHECK(weighted.weights().isApprox(duplicated.weights(), tol));
  CHECK(std::abs(weighted.bias() - duplicated.bias()) <= tol * std::abs(duplicated.bias()));
}

TEST_CASE_TEMPLATE("online: bad input, refused options and another feature count throw before "
                   "anything changes",
                   T, float, double) {
  const Index d = 3;
  const auto p = online_problem<T>(50, d, 8501);
  ln::LogisticNeuron<T> neuron;
  ln::FitOptions<T> options;
  neuron.partial_fit(p.X, p.y, options);
  neuron.partial_fit(p.X, p.y, options);
  const ln::LogisticNeuron<T> copy = neuron;
  const auto unchanged = [&] {
    CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(copy)));
    CHECK(neuron.partial_fit_steps() == 2);
  };
  const std::string caller = "LogisticNeuron::partial_fit: ";

  Vector<T> y = p.y;
  y[7] = T(2);
  check_throws<std::invalid_argument>([&] { neuron.partial_fit(p.X, y, options); },
                                      {(caller + "y[7] is 2; expected a label 0 or 1").c_str()});
  unchanged();
  Matrix<T> X = p.X;
  X(4, 1) = std::numeric_limits<T>::quiet_NaN();
  check_throws<std::invalid_argument>([&] { neuron.partial_fit(X, p.y, options); },
                                      {(caller + "X(4, 1) is nan; expected finite values").c_str()});
  unchanged();
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(p.X, Vector<T>(p.y.head(49)), options); },
      {(caller + "X has 50 rows (samples) but y has 49 entries").c_str()});
  unchanged();
  // d changes: an exception.
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(Matrix<T>(p.X.leftCols(2)), p.y, options); },
      {(caller + "X has 2 columns (features) but the neuron has 3 features").c_str()});
  unchanged();
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(p.X, p.y, Vector<T>(Vector<T>::Zero(50)), options); },
      {(caller + "sample_weight sums to 0; expected at least one positive weight").c_str()});
  unchanged();
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(Matrix<T>(0, d), Vector<T>(0), options); },
      {(caller + "X is empty (0 rows x 3 columns)").c_str()});
  unchanged();
  ln::FitOptions<T> bad = options;
  bad.learning_rate = T(0);
  check_throws<std::invalid_argument>([&] { neuron.partial_fit(p.X, p.y, bad); },
                                      {(caller + "learning_rate must be finite and > 0, got 0").c_str()});
  bad = options;
  bad.l2 = -T(1);
  check_throws<std::invalid_argument>([&] { neuron.partial_fit(p.X, p.y, bad); },
                                      {(caller + "l2 must be finite and >= 0, got -1").c_str()});
  bad = options;
  bad.penalty_factors = Vector<T>::Ones(d + 1);
  bad.lambda = T(0.1);
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(p.X, p.y, bad); },
      {(caller + "penalty_factors has 4 entries but X has 3 columns (features)").c_str()});
  bad = options;
  bad.class_weight = ln::ClassWeight<T>::balanced();
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(p.X, p.y, bad); },
      {(caller + "class_weight balanced needs the class counts of the whole stream").c_str()});
  bad = options;
  bad.standardize = true;
  check_throws<std::invalid_argument>(
      [&] { neuron.partial_fit(p.X, p.y, bad); },
      {(caller + "standardize needs the column statistics of the whole stream").c_str()});
  bad = options;
  bad.class_weight = ln::ClassWeight<T>::given(T(0), T(1));
  Vector<T> zeros = Vector<T>::Zero(50);
  check_throws<std::invalid_argument>([&] { neuron.partial_fit(p.X, zeros, bad); },
                                      {(caller + "sample weights times class_weight").c_str()});
  unchanged();
  // The kept schedule is the one before the errors: the next step equals the copy's.
  ln::LogisticNeuron<T> twin = copy;
  neuron.partial_fit(p.X, p.y, options);
  twin.partial_fit(p.X, p.y, options);
  CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(twin)));
  CHECK(neuron.partial_fit_steps() == 3);
}

TEST_CASE("online: a step whose cost is not finite is not taken and changes nothing") {
  const Index d = 2;
  Matrix<double> X(2, d);
  X << 1e300, 1e300, -1e300, 1e300;
  Vector<double> y(2);
  y << 1, 0;
  ln::LogisticNeuron<double> neuron(Vector<double>::Constant(d, 1e300), 0.0);
  const auto before = test_support::state_of(neuron);
  const ln::FitResult<double> result = neuron.partial_fit(X, y);
  CHECK(result.stop_reason == ln::StopReason::non_finite);
  CHECK(result.cost_history.empty());
  CHECK(test_support::same_state(test_support::state_of(neuron), before));
  CHECK(neuron.partial_fit_steps() == 0);
}

TEST_CASE("online: fit, load and reset_partial_fit restart the schedule from the parameters; "
          "metadata is kept; fit_intercept = false keeps the bias at 0") {
  const auto p = online_problem<double>(2000, 3, 8601);
  const Matrix<double> first = p.X.topRows(1000);
  const Vector<double> y_first = p.y.head(1000);
  ln::LogisticNeuron<double> neuron;
  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  neuron.fit(p.X, p.y, options);
  neuron.set_feature_names({"a", "b", "c"});
  const double fitted_cost = neuron.cost(p.X, p.y);
  ln::FitOptions<double> online;
  online.learning_rate = 1e-3;  // small steps from the optimum stay near it
  neuron.partial_fit(first, y_first, online);
  CHECK(neuron.partial_fit_steps() == 1);
  CHECK(neuron.feature_names().size() == 3);
  CHECK(std::abs(neuron.cost(p.X, p.y) - fitted_cost) <= 1e-3 * fitted_cost);
  // A step from a fresh schedule at these parameters is what a new neuron with them takes.
  const auto from_scratch = [&](const ln::LogisticNeuron<double>& at) {
    ln::LogisticNeuron<double> fresh(at.weights(), at.bias());
    fresh.partial_fit(first, y_first, online);
    return test_support::state_of(fresh);
  };
  {
    ln::LogisticNeuron<double> reset = neuron;
    const auto expected = from_scratch(reset);
    reset.reset_partial_fit();
    CHECK(reset.partial_fit_steps() == 0);
    reset.partial_fit(first, y_first, online);
    CHECK(test_support::same_state(test_support::state_of(reset), expected));
  }
  {
    ln::LogisticNeuron<double> refit = neuron;
    ln::FitOptions<double> gd;
    gd.max_epochs = 3;
    refit.fit(p.X, p.y, gd);
    CHECK(refit.partial_fit_steps() == 0);
    const auto expected = from_scratch(refit);
    refit.partial_fit(first, y_first, online);
    CHECK(test_support::same_state(test_support::state_of(refit), expected));
  }
  {
    std::stringstream file;
    neuron.save(file);
    ln::LogisticNeuron<double> loaded = neuron;
    loaded.load(file);
    CHECK(loaded.partial_fit_steps() == 0);
    const auto expected = from_scratch(loaded);
    loaded.partial_fit(first, y_first, online);
    CHECK(test_support::same_state(test_support::state_of(loaded), expected));
  }

  ln::LogisticNeuron<double> no_bias;
  online.fit_intercept = false;
  online.learning_rate = 0.5;
  for (int step = 0; step < 3; ++step) no_bias.partial_fit(p.X, p.y, online);
  CHECK(no_bias.bias() == 0);
  CHECK(no_bias.weights().norm() > 0);
}

}  // namespace test_online
