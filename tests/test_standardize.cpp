// FitOptions::standardize: the same optimum as without it when l2 = 0, the documented penalty on
// the standardized weights when l2 > 0 (checked against standardizing X by hand), constant
// columns, and coefficients reported on the original scale.

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

#include "solver_support.hpp"
#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_standardize {

namespace {

namespace ln = logistic_neuron;
using test_support::Index;
using test_support::LD;
using test_support::Matrix;
using test_support::Vector;

template <class T>
ln::FitOptions<T> converge(ln::Solver solver, bool standardize, T l2 = 0) {
  ln::FitOptions<T> options;
  options.solver = solver;
  options.standardize = standardize;
  options.l2 = l2;
  options.tolerance = 0;
  options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-11);
  options.max_epochs = solver == ln::Solver::gradient_descent ? 200000 : 20000;
  return options;
}

template <class T>
LD relative(const ln::LogisticNeuron<T>& a, const ln::LogisticNeuron<T>& b) {
  const Vector<LD> dw = (a.weights() - b.weights()).template cast<LD>();
  const LD db = static_cast<LD>(a.bias()) - static_cast<LD>(b.bias());
  const Vector<LD> w = b.weights().template cast<LD>();
  const LD bb = static_cast<LD>(b.bias());
  return std::sqrt(dw.squaredNorm() + db * db) / std::sqrt(w.squaredNorm() + bb * bb);
}

template <class T>
LD coefficient_tolerance() {
  return std::is_same_v<T, float> ? LD(2e-2) : LD(1e-7);
}

}  // namespace

TEST_CASE_TEMPLATE("standardize true and false reach the same optimum when l2 = 0 (ill-conditioned,"
                   " non-separable data)",
                   T, float, double) {
  const solver_support::Data data = solver_support::load("ill_conditioned");
  const Matrix<T> X = data.X.template cast<T>();
  const Vector<T> y = data.y.template cast<T>();
  ln::LogisticNeuron<T> raw;
  raw.fit(X, y, converge<T>(ln::Solver::newton, false));
  for (ln::Solver solver : {ln::Solver::newton, ln::Solver::lbfgs, ln::Solver::gradient_descent}) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::LogisticNeuron<T> standardized;
    const auto result = standardized.fit(X, y, converge<T>(solver, true));
    CHECK(result.stop_reason != ln::StopReason::max_epochs);
    CHECK(relative(standardized, raw) <= coefficient_tolerance<T>());
    // Same cost too (l2 = 0: the standardized objective is the original one).
    CHECK(static_cast<double>(standardized.cost(X, y)) ==
          doctest::Approx(static_cast<double>(raw.cost(X, y)))
              .epsilon(std::is_same_v<T, float> ? 1e-5 : 1e-12));
  }
}

TEST_CASE_TEMPLATE("with l2 > 0, standardize puts the penalty on the standardized weights, as "
                   "standardizing X by hand does",
                   T, double, long double) {
  const auto p = test_support::make_problem<T>(500, 4, 31, -0.4);
  // Columns with very different means and spreads.
  Matrix<T> X = p.X;
  const T scale[4] = {T(0.01), T(1), T(30), T(500)};
  const T shift[4] = {T(3), T(-2), T(100), T(0)};
  for (Index j = 0; j < 4; ++j) X.col(j) = (X.col(j).array() * scale[j] + shift[j]).matrix();
  const T l2 = T(0.05);
  // By hand: Z = (X - mean) / sd (population sd), fit on Z with the same l2.
  Vector<LD> mean, sd;
  solver_support::moments(X.template cast<LD>(), Vector<LD>(), mean, sd);
  Matrix<T> Z = X;
  for (Index j = 0; j < 4; ++j) {
    for (Index i = 0; i < X.rows(); ++i) {
      Z(i, j) = static_cast<T>((static_cast<LD>(X(i, j)) - mean[j]) / sd[j]);
    }
  }
  ln::LogisticNeuron<T> by_hand;
  by_hand.fit(Z, p.y, converge<T>(ln::Solver::newton, false, l2));
  // w = v / sd, b = c - mean . w
  Vector<T> w(4);
  LD b = static_cast<LD>(by_hand.bias());
  for (Index j = 0; j < 4; ++j) {
    w[j] = static_cast<T>(static_cast<LD>(by_hand.weights()[j]) / sd[j]);
    b -= mean[j] * static_cast<LD>(w[j]);
  }
  const ln::LogisticNeuron<T> expected(w, static_cast<T>(b));
  for (ln::Solver solver : {ln::Solver::newton, ln::Solver::lbfgs, ln::Solver::gradient_descent}) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::LogisticNeuron<T> neuron;
    const auto result = neuron.fit(X, p.y, converge<T>(solver, true, l2));
    CHECK(result.stop_reason != ln::StopReason::max_epochs);
    CHECK(relative(neuron, expected) <= LD(1e-7));
    // The reported cost is the standardized objective: loss + (l2/2) ||sd o w||^2.
    const LD loss = test_support::reference(X, p.y, neuron.weights(), static_cast<LD>(neuron.bias())).cost;
    const LD penalty = static_cast<LD>(l2) / 2 * sd.cwiseProduct(neuron.weights().template cast<LD>()).squaredNorm();
    CHECK(static_cast<double>(result.cost) == doctest::Approx(static_cast<double>(loss + penalty)).epsilon(1e-12));
  }
  // ... which is not the unstandardized optimum (the penalty falls elsewhere).
  ln::LogisticNeuron<T> unstandardized;
  unstandardized.fit(X, p.y, converge<T>(ln::Solver::newton, false, l2));
  CHECK(relative(unstandardized, expected) > LD(1e-3));
}

TEST_CASE_TEMPLATE("a constant column: no division by zero, its weight stays 0 (or its warm start), "
                   "the other coefficients are those of the fit without it",
                   T, float, double) {
  const auto p = test_support::make_problem<T>(600, 3, 41, 0.2);
  Matrix<T> X(p.X.rows(), 4);
  X.leftCols(1) = p.X.leftCols(1);
  X.col(1).setConstant(T(7.5));  // constant, non-zero
  X.rightCols(2) = p.X.rightCols(2);
  for (ln::Solver solver : {ln::Solver::newton, ln::Solver::lbfgs, ln::Solver::gradient_descent}) {
    for (T l2 : {T(0), T(0.01)}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(l2);
      ln::LogisticNeuron<T> with, without;
      const auto result = with.fit(X, p.y, converge<T>(solver, true, l2));
      without.fit(p.X, p.y, converge<T>(solver, true, l2));
      CHECK(result.stop_reason != ln::StopReason::non_finite);
      CHECK(with.weights().allFinite());
      CHECK(with.weights()[1] == T(0));
      // Element by element: GCC 12 at -O3 warns (-Warray-bounds, a false positive) on a comma
      // initialiser of a 3-vector here.
      Vector<T> others(3);
      others[0] = with.weights()[0];
      others[1] = with.weights()[2];
      others[2] = with.weights()[3];
      const T tolerance = std::is_same_v<T, float> ? T(2e-3) : T(1e-7);
      // isApprox, written out: ||a - b|| <= tolerance * min(||a||, ||b||) (same GCC warning).
      T difference = 0, norm_with = 0, norm_without = 0;
      for (Eigen::Index k = 0; k < 3; ++k) {
        difference += (others[k] - without.weights()[k]) * (others[k] - without.weights()[k]);
        norm_with += others[k] * others[k];
        norm_without += without.weights()[k] * without.weights()[k];
      }
      CHECK(std::sqrt(difference) <= tolerance * std::sqrt(std::min(norm_with, norm_without)));
      CHECK(static_cast<double>(with.bias()) == doctest::Approx(static_cast<double>(without.bias())).epsilon(tolerance));
    }
  }
  // Warm-started with a non-zero weight on the constant column and l2 = 0, that weight is kept
  // (its feature is 0 once centred; the bias absorbs the constant), and the model is the same.
  Vector<T> start = Vector<T>::Zero(4);
  start[1] = T(0.5);
  ln::LogisticNeuron<T> warm(start, T(0));
  auto options = converge<T>(ln::Solver::newton, true);
  options.warm_start = true;
  warm.fit(X, p.y, options);
  ln::LogisticNeuron<T> cold;
  cold.fit(X, p.y, converge<T>(ln::Solver::newton, true));
  CHECK(warm.weights()[1] == doctest::Approx(0.5).epsilon(1e-6));
  const Vector<T> p_warm = warm.predict_proba(X), p_cold = cold.predict_proba(X);
  CHECK(p_warm.isApprox(p_cold, std::is_same_v<T, float> ? T(1e-3) : T(1e-8)));
}

TEST_CASE_TEMPLATE("standardize speeds gradient descent up on raw, badly scaled features", T, double) {
  // The measurement behind the documented default: same data, same optimum (l2 = 0).
  const solver_support::Data data = solver_support::load("ill_conditioned");
  const Matrix<T> X = data.X.template cast<T>();
  const Vector<T> y = data.y.template cast<T>();
  ln::FitOptions<T> options;  // the defaults: tolerance 1e-5 on |J_k - J_{k-1}|
  options.standardize = true;
  ln::LogisticNeuron<T> standardized, raw;
  const auto fast = standardized.fit(X, y, options);
  options.standardize = false;
  options.max_epochs = 3000;
  const auto slow = raw.fit(X, y, options);
  MESSAGE("gradient descent, ill-conditioned data: standardized ", fast.epochs, " epochs to J = ",
          fast.cost, "; raw ", slow.epochs, " epochs to J = ", slow.cost);
  CHECK(fast.stop_reason == ln::StopReason::converged);
  CHECK(fast.cost < slow.cost);
}

}  // namespace test_standardize
