// Sample weights and class weights: invariance to a common factor, integer weights as duplicated
// rows, zero weights as dropped rows, class_weight as the sample weights it stands for, and bad
// weights rejected with clear messages before anything changes.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_weights {

namespace {

namespace ln = logistic_neuron;
using test_support::Index;
using test_support::LD;
using test_support::Matrix;
using test_support::Vector;

template <class T>
ln::FitOptions<T> converge(ln::Solver solver, T l2 = T(0.01)) {
  ln::FitOptions<T> options;
  options.solver = solver;
  options.l2 = l2;
  options.tolerance = 0;
  options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-5) : T(1e-11);
  options.max_epochs = solver == ln::Solver::gradient_descent ? 100000 : 5000;
  return options;
}

template <class T>
T tolerance() {
  return std::is_same_v<T, float> ? T(1e-3) : T(1e-8);
}

template <class T>
bool same_model(const ln::LogisticNeuron<T>& a, const ln::LogisticNeuron<T>& b, T tol) {
  return a.weights().isApprox(b.weights(), tol) &&
         std::abs(a.bias() - b.bias()) <= tol * std::max(T(1), std::abs(b.bias()));
}

template <class T>
Vector<T> integer_weights(Index n, std::uint32_t seed) {
  test_support::Random random(seed);
  Vector<T> s(n);
  for (Index i = 0; i < n; ++i) s[i] = static_cast<T>(static_cast<int>(4 * random.uniform()));  // 0..3
  return s;
}

const ln::Solver all_solvers[] = {ln::Solver::gradient_descent, ln::Solver::newton, ln::Solver::lbfgs};

}  // namespace

TEST_CASE_TEMPLATE("scaling every sample weight by one factor changes nothing", T, float, double) {
  const auto p = test_support::make_problem<T>(300, 4, 51, 0.3);
  const Vector<T> s = (integer_weights<T>(300, 52).array() + T(0.5)).matrix();
  for (ln::Solver solver : all_solvers) {
    for (bool standardize : {false, true}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      auto options = converge<T>(solver);
      options.standardize = standardize;
      ln::LogisticNeuron<T> a, b, c;
      const auto ra = a.fit(p.X, p.y, s, options);
      // A power of two scales every sum exactly: the same fit bit for bit.
      const auto rb = b.fit(p.X, p.y, Vector<T>(s * T(4)), options);
      CHECK(test_support::same_state(test_support::state_of(a), test_support::state_of(b)));
      CHECK(ra.epochs == rb.epochs);
      CHECK(ra.cost == rb.cost);
      // Any other factor: the same optimum to rounding.
      c.fit(p.X, p.y, Vector<T>(s * T(0.37)), options);
      CHECK(same_model(c, a, tolerance<T>()));
    }
  }
}

TEST_CASE_TEMPLATE("integer sample weights equal duplicated rows; zero weights equal dropped rows",
                   T, float, double) {
  const auto p = test_support::make_problem<T>(200, 3, 61, -0.2);
  const Vector<T> s = integer_weights<T>(200, 62);
  Index total = 0;
  for (Index i = 0; i < s.size(); ++i) total += static_cast<Index>(s[i]);
  Matrix<T> X(total, 3);
  Vector<T> y(total);
  Index row = 0;
  for (Index i = 0; i < s.size(); ++i) {
    for (int k = 0; k < static_cast<int>(s[i]); ++k, ++row) {
      X.row(row) = p.X.row(i);
      y[row] = p.y[i];
    }
  }
  for (ln::Solver solver : all_solvers) {
    for (bool standardize : {false, true}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      auto options = converge<T>(solver);
      options.standardize = standardize;  // weighted moments equal the duplicated rows' moments
      ln::LogisticNeuron<T> weighted, duplicated;
      weighted.fit(p.X, p.y, s, options);
      duplicated.fit(X, y, options);
      CHECK(same_model(weighted, duplicated, tolerance<T>()));
    }
  }
}

TEST_CASE_TEMPLATE("unit sample weights are the unweighted fit", T, float, double) {
  const auto p = test_support::make_problem<T>(250, 4, 71);
  for (ln::Solver solver : all_solvers) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::LogisticNeuron<T> weighted, plain;
    weighted.fit(p.X, p.y, Vector<T>::Ones(250), converge<T>(solver));
    plain.fit(p.X, p.y, converge<T>(solver));
    CHECK(same_model(weighted, plain, tolerance<T>()));
  }
}

TEST_CASE_TEMPLATE("class_weight: balanced is n / (2 n_c), given is (w0, w1); both multiply the "
                   "sample weights",
                   T, float, double) {
  const auto p = test_support::make_problem<T>(400, 3, 81, -1.5);  // imbalanced: few ones
  const Index n = p.y.size();
  const T positives = p.y.sum();
  REQUIRE(positives > 20);
  REQUIRE(positives < n / 2);
  const Vector<T> s = (integer_weights<T>(n, 82).array() + T(1)).matrix();
  for (ln::Solver solver : all_solvers) {
    CAPTURE(std::string(ln::to_string(solver)));
    auto options = converge<T>(solver);
    // balanced = sample weights n / (2 n_c), counted without sample weights
    Vector<T> balanced(n), given(n);
    for (Index i = 0; i < n; ++i) {
      balanced[i] = p.y[i] == 1 ? T(n) / (2 * positives) : T(n) / (2 * (T(n) - positives));
      given[i] = p.y[i] == 1 ? T(3) : T(0.5);
    }
    ln::LogisticNeuron<T> by_class, by_sample;
    options.class_weight = ln::ClassWeight<T>::balanced();
    by_class.fit(p.X, p.y, options);
    options.class_weight = ln::ClassWeight<T>::none();
    by_sample.fit(p.X, p.y, balanced, options);
    CHECK(same_model(by_class, by_sample, tolerance<T>()));

    options.class_weight = ln::ClassWeight<T>::given(T(0.5), T(3));
    by_class.fit(p.X, p.y, s, options);
    options.class_weight = ln::ClassWeight<T>::none();
    by_sample.fit(p.X, p.y, Vector<T>(s.cwiseProduct(given)), options);
    CHECK(same_model(by_class, by_sample, tolerance<T>()));

    // Balanced moves the decision towards the rare class: more predicted ones than unweighted.
    ln::LogisticNeuron<T> plain;
    plain.fit(p.X, p.y, options);
    options.class_weight = ln::ClassWeight<T>::balanced();
    by_class.fit(p.X, p.y, options);
    CHECK(by_class.predict(p.X).sum() > plain.predict(p.X).sum());
  }
}

TEST_CASE_TEMPLATE("bad sample weights and class weights throw clear messages and change nothing",
                   T, float, double) {
  const auto p = test_support::make_problem<T>(50, 2, 91);
  const Vector<T> w = Vector<T>::Constant(2, T(0.75));
  for (ln::Solver solver : all_solvers) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::LogisticNeuron<T> neuron(w, T(-0.25));
    const auto before = test_support::state_of(neuron);
    ln::FitOptions<T> options;
    options.solver = solver;
    auto fit_with = [&](const Vector<T>& s) { neuron.fit(p.X, p.y, s, options); };
    Vector<T> s = Vector<T>::Ones(50);
    s[7] = T(-1);
    test_support::check_throws<std::invalid_argument>([&] { fit_with(s); },
        {"LogisticNeuron::fit", "sample_weight[7] is -1", "expected a finite weight >= 0"});
    s[7] = std::numeric_limits<T>::quiet_NaN();
    test_support::check_throws<std::invalid_argument>([&] { fit_with(s); },
        {"sample_weight[7] is nan"});
    s[7] = std::numeric_limits<T>::infinity();
    test_support::check_throws<std::invalid_argument>([&] { fit_with(s); },
        {"sample_weight[7] is inf"});
    test_support::check_throws<std::invalid_argument>([&] { fit_with(Vector<T>::Zero(50)); },
        {"sample_weight sums to 0", "expected at least one positive weight"});
    test_support::check_throws<std::invalid_argument>([&] { fit_with(Vector<T>::Ones(49)); },
        {"X has 50 rows (samples) but sample_weight has 49 entries"});
    // A class weight of 0 on the only class present leaves no weight at all.
    Vector<T> zeros = Vector<T>::Zero(50);
    options.class_weight = ln::ClassWeight<T>::given(T(0), T(1));
    test_support::check_throws<std::invalid_argument>(
        [&] { neuron.fit(p.X, zeros, options); },
        {"LogisticNeuron::fit", "sample weights times class_weight", "sum to 0"});
    CHECK(test_support::same_state(test_support::state_of(neuron), before));
  }
}

}  // namespace test_weights
