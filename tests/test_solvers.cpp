// Newton, L-BFGS and gradient descent against optima from other tools (scikit-learn, statsmodels:
// tests/reference/make_solver_reference.py), the Hessian against finite differences, and every
// solver's stopping rules, epoch accounting, callback and strong guarantee.

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <logistic_neuron/detail/hessian.hpp>
#include <logistic_neuron/logistic_neuron.hpp>

#include "solver_support.hpp"
#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_solvers {

namespace {

namespace ln = logistic_neuron;
using solver_support::Case;
using solver_support::Data;
using test_support::Index;
using test_support::LD;
using test_support::Matrix;
using test_support::Vector;

// The tolerances issue 3 sets: relative cost and relative coefficients (2-norm over w and b).
template <class T>
LD cost_tolerance() {
  return std::is_same_v<T, float> ? LD(1e-4) : LD(1e-8);
}
constexpr LD coefficient_tolerance = 1e-5;

// What a fit is asked to reach: the gradient rule where T can resolve it, else the solver runs
// until it cannot improve J any more (line_search_failed) or its cap.
template <class T>
ln::FitOptions<T> tight_options(ln::Solver solver) {
  ln::FitOptions<T> options;
  options.solver = solver;
  options.tolerance = 0;
  options.gradient_tolerance = std::is_same_v<T, float> ? T(0) : T(1e-11);
  options.max_epochs = solver == ln::Solver::newton      ? 300
                       : solver == ln::Solver::newton_cg ? 20000
                       : solver == ln::Solver::lbfgs     ? 20000
                                                         : 60000;
  return options;
}

// The effective sample weights of a case (sample weights times class weights), in long double.
Vector<LD> effective_weights(const Case& c, const Data& data) {
  const Index n = data.X.rows();
  Vector<LD> s = Vector<LD>::Ones(n);
  if (c.sample_weight != "none") {
    s = solver_support::read_column(solver_support::reference_dir() + "/" + c.sample_weight);
  }
  if (c.class_weight == "balanced") {
    const LD positives = data.y.sum();
    for (Index i = 0; i < n; ++i) {
      s[i] *= data.y[i] == 1 ? LD(n) / (2 * positives) : LD(n) / (2 * (LD(n) - positives));
    }
  }
  return s;
}

// J of a case at (w, b), computed independently of the library (long double, DESIGN.md's
// formulas); with standardize the penalty falls on sd o w (the test's own moments).
LD case_cost(const Case& c, const Data& data, const Vector<LD>& s, const Vector<LD>& w, LD b) {
  if (!c.standardize) return test_support::reference(data.X, data.y, w, b, c.l2, s).cost;
  Vector<LD> mean, sd;
  solver_support::moments(data.X, s, mean, sd);
  const LD loss = test_support::reference(data.X, data.y, w, b, 0, s).cost;
  return loss + c.l2 / 2 * sd.cwiseProduct(w).squaredNorm();
}

template <class T>
void check_case(const Case& c, ln::Solver solver) {
  const Data data = solver_support::load(c.data);
  const Matrix<T> X = data.X.template cast<T>();
  const Vector<T> y = data.y.template cast<T>();
  const Vector<LD> s = effective_weights(c, data);
  ln::FitOptions<T> options = tight_options<T>(solver);
  options.l2 = static_cast<T>(c.l2);
  // Gradient descent reaches these optima only on standardized features: where l2 = 0 the
  // standardized fit has the same optimum.
  options.standardize = c.standardize || (solver == ln::Solver::gradient_descent && c.l2 == 0);
  if (c.class_weight == "balanced") options.class_weight = ln::ClassWeight<T>::balanced();
  ln::LogisticNeuron<T> neuron;
  ln::FitResult<T> result;
  if (c.sample_weight != "none") {
    const Vector<LD> sample = solver_support::read_column(solver_support::reference_dir() + "/" +
                                                          c.sample_weight);
    result = neuron.fit(X, y, Vector<T>(sample.template cast<T>()), options);
  } else {
    result = neuron.fit(X, y, options);
  }
  const Vector<LD> w = neuron.weights().template cast<LD>();
  const LD b = static_cast<LD>(neuron.bias());
  Vector<LD> w_ref(static_cast<Index>(c.weights.size()));
  for (Index j = 0; j < w_ref.size(); ++j) w_ref[j] = c.weights[static_cast<std::size_t>(j)];
  const LD cost = case_cost(c, data, s, w, b);
  const LD rel_cost = std::abs(cost - c.cost) / c.cost;
  const LD rel_coef = std::sqrt((w - w_ref).squaredNorm() + (b - c.bias) * (b - c.bias)) /
                      std::sqrt(w_ref.squaredNorm() + c.bias * c.bias);
  const std::string type = std::is_same_v<T, float> ? "float" : std::is_same_v<T, double> ? "double" : "long double";
  const std::string what = type + " " + c.name + " " + ln::to_string(solver);
  MESSAGE(what, ": relative cost ", static_cast<double>(rel_cost), ", relative coefficients ",
          static_cast<double>(rel_coef), ", epochs ", result.epochs, ", stop ",
          std::string(ln::to_string(result.stop_reason)));
  INFO(what, " stop ", std::string(ln::to_string(result.stop_reason)), " epochs ", result.epochs);
  // float cannot resolve a double-sized gradient: it runs to its cap or until no step helps.
  if (!std::is_same_v<T, float>) CHECK(result.stop_reason != ln::StopReason::max_epochs);
  CHECK(result.stop_reason != ln::StopReason::non_finite);
  CHECK(rel_cost <= cost_tolerance<T>());
  if (!std::is_same_v<T, float>) CHECK(rel_coef <= coefficient_tolerance);
  // The cost the fit reports is J at the parameters it kept.
  CHECK(std::abs(static_cast<LD>(result.cost) - cost) <= cost_tolerance<T>() * cost);
}

}  // namespace

TEST_CASE_TEMPLATE("Newton, Newton-CG and L-BFGS reach the scikit-learn / statsmodels optimum of every "
                   "reference case",
                   T, float, double, long double) {
  const std::vector<Case> cases = solver_support::read_cases();
  REQUIRE(cases.size() == 7);
  for (const Case& c : cases) {
    for (ln::Solver solver : {ln::Solver::newton, ln::Solver::newton_cg, ln::Solver::lbfgs}) {
      SUBCASE((c.name + " " + ln::to_string(solver)).c_str()) { check_case<T>(c, solver); }
    }
  }
}

TEST_CASE_TEMPLATE("gradient descent reaches the reference optima it can: standardized features",
                   T, float, double) {
  // The other five cases put the penalty on raw weights, and there the step 1/L contracts the
  // error by 1 - mu/L an epoch with L/mu = 3e8 to 2.5e10: 4e9 to 3e11 epochs to the tolerance
  // (1e5 to 1e8 even after a diagonal change of variables). tests/reference/
  // gradient_descent_reach.py computes these figures into gradient_descent_reach.txt. Here,
  // with standardize (where l2 = 0 the standardized fit has the same optimum), it needs tens to
  // thousands of epochs.
  for (const Case& c : solver_support::read_cases()) {
    if (!(c.standardize || c.l2 == 0)) continue;
    SUBCASE(c.name.c_str()) { check_case<T>(c, ln::Solver::gradient_descent); }
  }
}

// ---------------------------------------------------------------------------------------------
// The Hessian sums.

TEST_CASE_TEMPLATE("hessian_sums matches central differences of the gradient and is the same for "
                   "any thread count and storage order",
                   T, double, long double) {
  const auto p = test_support::make_problem<T>(3000, 6, 11);
  Vector<T> s(p.X.rows());
  test_support::Random random(5);
  for (Index i = 0; i < s.size(); ++i) s[i] = static_cast<T>(0.25 + 2 * random.uniform());
  ln::detail::Targets<T> targets;
  targets.sign = (Vector<T>::Ones(p.y.size()) - 2 * p.y);
  targets.weight = s;
  targets.total_weight = s.template cast<ln::detail::Accum<T>>().sum();
  const ln::detail::XRef<T, Eigen::ColMajor> Xc(p.X);
  const ln::detail::DenseX kind(Xc);
  const auto H = ln::detail::hessian_sums(ln::detail::InMemory(kind, targets), p.w, p.b, T(1), 1);
  const Index d = p.X.cols();
  REQUIRE(H.rows() == d + 1);
  REQUIRE(H.cols() == d + 1);
  CHECK(H == H.transpose());
  // Column k of H / S is d(gradient)/d(theta_k) (unpenalised gradient, weighted mean cost).
  const LD h = std::cbrt(static_cast<LD>(test_support::eps<T>()));
  Vector<LD> s_ld = s.template cast<LD>();
  for (Index k = 0; k <= d; ++k) {
    Vector<LD> w_plus = p.w.template cast<LD>(), w_minus = w_plus;
    LD b_plus = p.b, b_minus = p.b;
    if (k < d) {
      w_plus[k] += h;
      w_minus[k] -= h;
    } else {
      b_plus += h;
      b_minus -= h;
    }
    const auto plus = test_support::reference(p.X, p.y, w_plus, b_plus, 0, s_ld);
    const auto minus = test_support::reference(p.X, p.y, w_minus, b_minus, 0, s_ld);
    const LD S = s_ld.sum();
    for (Index j = 0; j <= d; ++j) {
      const LD fd = ((j < d ? plus.gw[j] : plus.gb) - (j < d ? minus.gw[j] : minus.gb)) / (2 * h);
      CHECK(static_cast<double>(static_cast<LD>(H(j, k)) / S) == doctest::Approx(static_cast<double>(fd)).epsilon(1e-7));
    }
  }
  // Bitwise the same on 1, 2 and 3 threads (small chunks so that every thread gets some), and
  // for the row-major copy.
  const Matrix<T> big = test_support::random_matrix<T>(40000, 5, 3);
  ln::detail::Targets<T> big_targets;
  big_targets.sign = Vector<T>::Ones(big.rows());
  big_targets.total_weight = static_cast<ln::detail::Accum<T>>(big.rows());
  const Vector<T> w = test_support::random_vector<T>(5, 4, 0.3);
  const ln::detail::XRef<T, Eigen::ColMajor> Bc(big);
  const ln::detail::DenseX big_kind(Bc);
  const ln::detail::InMemory big_data(big_kind, big_targets);
  const auto H1 = ln::detail::hessian_sums(big_data, w, T(0.1), T(1), 1);
  const auto H2 = ln::detail::hessian_sums(big_data, w, T(0.1), T(1), 2);
  const auto H3 = ln::detail::hessian_sums(big_data, w, T(0.1), T(1), 3);
  CHECK(H1 == H2);
  CHECK(H1 == H3);
  const test_support::RowMatrix<T> big_rows = big;
  const ln::detail::XRef<T, Eigen::RowMajor> Br(big_rows);
  const ln::detail::DenseX row_kind(Br);
  const auto Hr = ln::detail::hessian_sums(ln::detail::InMemory(row_kind, big_targets), w, T(0.1), T(1), 2);
  CHECK(Hr.isApprox(H1, static_cast<ln::detail::Accum<T>>(1e3 * test_support::eps<T>())));
}

// ---------------------------------------------------------------------------------------------
// Stopping rules, epochs, callback, cost history.

namespace {

template <class T>
struct Small {
  Matrix<T> X;
  Vector<T> y;
  Small() {
    const auto p = test_support::make_problem<T>(400, 5, 21, 0.3);
    X = p.X;
    y = p.y;
  }
};

const ln::Solver second_order[] = {ln::Solver::newton, ln::Solver::newton_cg, ln::Solver::lbfgs};

}  // namespace

TEST_CASE_TEMPLATE("Newton and L-BFGS: converged by the tolerance rule and by the gradient rule",
                   T, float, double, long double) {
  const Small<T> data;
  for (ln::Solver solver : second_order) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::FitOptions<T> options;
    options.solver = solver;
    ln::LogisticNeuron<T> neuron;
    // The default tolerance 1e-5 on |J_k - J_{k-1}|: the last two recorded costs differ by less.
    auto result = neuron.fit(data.X, data.y, options);
    CHECK(result.stop_reason == ln::StopReason::converged);
    REQUIRE(result.cost_history.size() >= 2);
    const std::size_t k = result.cost_history.size();
    CHECK(std::abs(result.cost_history[k - 1] - result.cost_history[k - 2]) < options.tolerance);
    CHECK(result.cost == result.cost_history.back());
    // The gradient rule alone: max |gradient| <= gradient_tolerance at the kept parameters.
    options.tolerance = 0;
    options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-9);
    result = neuron.fit(data.X, data.y, options);
    CHECK(result.stop_reason == ln::StopReason::converged);
    const auto g = neuron.gradient(data.X, data.y);
    const T gmax = std::max(g.weights.cwiseAbs().maxCoeff(), std::abs(g.bias));
    CHECK(gmax <= options.gradient_tolerance * T(1.01));
    // Costs of accepted iterates never rise (beyond rounding).
    for (std::size_t i = 1; i < result.cost_history.size(); ++i) {
      CHECK(result.cost_history[i] <=
            result.cost_history[i - 1] * (1 + 64 * test_support::eps<T>()));
    }
  }
}

TEST_CASE_TEMPLATE("every solver: the epoch cap counts passes over X, line-search trials included",
                   T, float, double) {
  const Small<T> data;
  for (ln::Solver solver : {ln::Solver::gradient_descent, ln::Solver::newton, ln::Solver::lbfgs}) {
    for (Index cap : {1, 2, 3, 5, 8}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(cap);
      ln::FitOptions<T> options;
      options.solver = solver;
      options.tolerance = 0;
      options.max_epochs = cap;
      Index passes = 0, calls = 0, last_epoch = 0;
      options.on_epoch = [&](const ln::EpochInfo<T>& info) {
        ++calls;
        CHECK(info.epoch > last_epoch);  // passes so far: strictly increasing
        last_epoch = info.epoch;
        passes = info.epoch;
        return true;
      };
      ln::LogisticNeuron<T> neuron;
      const auto result = neuron.fit(data.X, data.y, options);
      CHECK(result.stop_reason == ln::StopReason::max_epochs);
      CHECK(result.epochs == cap);
      CHECK(passes <= cap);
      CHECK(static_cast<Index>(result.cost_history.size()) == calls);
      // Newton spends two passes an iteration (Hessian and trial): its history is shorter.
      if (solver == ln::Solver::newton) CHECK(calls == 1 + (cap - 1) / 2);
      if (solver == ln::Solver::gradient_descent) CHECK(calls == cap);
      // The kept parameters are the last accepted iterate, whose cost is reported.
      CHECK(neuron.cost(data.X, data.y) == doctest::Approx(result.cost).epsilon(1e-5));
    }
  }
}

TEST_CASE_TEMPLATE("Newton and L-BFGS: the callback stops the fit and sees the iterate it reports",
                   T, float, double) {
  const Small<T> data;
  for (ln::Solver solver : second_order) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::FitOptions<T> options;
    options.solver = solver;
    std::vector<T> seen;
    options.on_epoch = [&](const ln::EpochInfo<T>& info) {
      seen.push_back(info.cost);
      return seen.size() < 3;
    };
    ln::LogisticNeuron<T> neuron;
    const auto result = neuron.fit(data.X, data.y, options);
    CHECK(result.stop_reason == ln::StopReason::callback);
    REQUIRE(seen.size() == 3);
    CHECK(result.cost_history == seen);
    CHECK(result.cost == seen.back());
    CHECK(seen[0] == doctest::Approx(std::log(2.0)).epsilon(1e-6));  // zeros: ln 2
    CHECK(neuron.cost(data.X, data.y) == doctest::Approx(result.cost).epsilon(1e-5));
  }
}

TEST_CASE_TEMPLATE("Newton and L-BFGS: converged at the minimum to rounding when no rule can stop "
                   "them",
                   T, float, double) {
  const Small<T> data;
  for (ln::Solver solver : second_order) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::FitOptions<T> options;
    options.solver = solver;
    options.tolerance = 0;
    options.gradient_tolerance = 0;
    options.max_epochs = 100000;
    ln::LogisticNeuron<T> neuron;
    const auto result = neuron.fit(data.X, data.y, options);
    // No step lowers J any more, and the gradient is at the level of its own rounding: that is
    // the optimum, so the stop reason says converged (not line_search_failed).
    CHECK(result.stop_reason == ln::StopReason::converged);
    CHECK(result.epochs < 2000);
    // ... and it is at the minimum: the gradient vanishes to rounding.
    const auto reference = test_support::reference(data.X, data.y, neuron.weights(),
                                                   static_cast<LD>(neuron.bias()));
    CHECK(test_support::norm(reference.gw, reference.gb) <=
          LD(1e4) * LD(test_support::eps<T>()) * (1 + reference.gw_scale.maxCoeff()));
  }
}

TEST_CASE_TEMPLATE("Newton and L-BFGS: a non-finite start stops with non_finite and keeps it",
                   T, float, double) {
  const T huge = std::numeric_limits<T>::max() / 4;
  Matrix<T> X(4, 2);
  X << huge, huge, -huge, huge, huge, -huge, -huge, -huge;
  Vector<T> y(4);
  y << 0, 0, 1, 1;  // z = +inf with y = 0 and z = -inf with y = 1: an infinite cost
  for (ln::Solver solver : second_order) {
    CAPTURE(std::string(ln::to_string(solver)));
    Vector<T> w(2);
    w << 4, 4;
    ln::LogisticNeuron<T> neuron(w, T(0));
    ln::FitOptions<T> options;
    options.solver = solver;
    options.warm_start = true;
    const auto result = neuron.fit(X, y, options);
    CHECK(result.stop_reason == ln::StopReason::non_finite);
    CHECK(result.epochs == 1);
    CHECK(result.cost_history.empty());
    CHECK(neuron.weights() == w);
    CHECK(neuron.bias() == T(0));
  }
}

TEST_CASE_TEMPLATE("Newton and L-BFGS: a gradient exactly 0 at the start is the minimum", T, float,
                   double) {
  // At w = 0, b = 0: dJ/db = mean(1/2 - y) = 0 and dJ/dw = mean(x (1/2 - y)) = 0 exactly.
  Matrix<T> X(4, 1);
  X << 1, -1, 1, -1;
  Vector<T> y(4);
  y << 1, 1, 0, 0;
  for (ln::Solver solver : second_order) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::FitOptions<T> options;
    options.solver = solver;
    ln::LogisticNeuron<T> neuron;
    const auto result = neuron.fit(X, y, options);
    CHECK(result.stop_reason == ln::StopReason::converged);
    CHECK(result.epochs == 1);
    CHECK(neuron.weights()[0] == T(0));
    CHECK(neuron.bias() == T(0));
  }
}

TEST_CASE_TEMPLATE("Newton and L-BFGS: warm start from the optimum converges at once", T, double) {
  const Small<T> data;
  for (ln::Solver solver : second_order) {
    CAPTURE(std::string(ln::to_string(solver)));
    ln::FitOptions<T> options;
    options.solver = solver;
    options.tolerance = 0;
    options.gradient_tolerance = T(1e-9);
    ln::LogisticNeuron<T> neuron;
    neuron.fit(data.X, data.y, options);
    options.warm_start = true;
    const auto again = neuron.fit(data.X, data.y, options);
    CHECK(again.stop_reason == ln::StopReason::converged);
    CHECK(again.epochs == 1);
  }
}

TEST_CASE_TEMPLATE("every solver: a throwing callback leaves the neuron untouched", T, float, double) {
  const Small<T> data;
  for (ln::Solver solver : {ln::Solver::gradient_descent, ln::Solver::newton, ln::Solver::lbfgs}) {
    for (bool standardize : {false, true}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      Vector<T> w = Vector<T>::Constant(5, T(0.25));
      ln::LogisticNeuron<T> neuron(w, T(-0.5));
      const auto before = test_support::state_of(neuron);
      ln::FitOptions<T> options;
      options.solver = solver;
      options.standardize = standardize;
      options.warm_start = true;
      int calls = 0;
      options.on_epoch = [&](const ln::EpochInfo<T>&) -> bool {
        if (++calls == 3) throw std::runtime_error("stop here");
        return true;
      };
      CHECK_THROWS_AS(neuron.fit(data.X, data.y, options), std::runtime_error);
      CHECK(test_support::same_state(test_support::state_of(neuron), before));
    }
  }
}

TEST_CASE_TEMPLATE("every solver reaches the same optimum from the same data, in any storage order",
                   T, double) {
  const Small<T> data;
  const test_support::RowMatrix<T> rows = data.X;
  ln::FitOptions<T> options;
  options.tolerance = 0;
  options.gradient_tolerance = T(1e-10);
  options.l2 = T(0.01);
  options.max_epochs = 100000;
  Vector<T> first_w;
  T first_b = 0;
  for (ln::Solver solver : {ln::Solver::newton, ln::Solver::lbfgs, ln::Solver::gradient_descent}) {
    options.solver = solver;
    ln::LogisticNeuron<T> a, b;
    a.fit(data.X, data.y, options);
    b.fit(rows, data.y, options);
    CHECK(a.weights().isApprox(b.weights(), T(1e-9)));
    if (first_w.size() == 0) {
      first_w = a.weights();
      first_b = a.bias();
    }
    CHECK(a.weights().isApprox(first_w, T(1e-8)));
    CHECK(a.bias() == doctest::Approx(first_b).epsilon(1e-8));
  }
}

TEST_CASE_TEMPLATE("new options are validated with clear messages and nothing changes", T, float, double) {
  const Small<T> data;
  Vector<T> w = Vector<T>::Constant(5, T(0.5));
  ln::LogisticNeuron<T> neuron(w, T(1));
  const auto before = test_support::state_of(neuron);
  auto fit_with = [&](const ln::FitOptions<T>& options) { neuron.fit(data.X, data.y, options); };
  ln::FitOptions<T> options;
  options.gradient_tolerance = T(-1);
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"LogisticNeuron::fit", "gradient_tolerance must be >= 0", "-1"});
  options.gradient_tolerance = std::numeric_limits<T>::quiet_NaN();
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"gradient_tolerance", "nan"});
  options = {};
  options.solver = static_cast<ln::Solver>(7);
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"LogisticNeuron::fit",
       "solver must be gradient_descent, newton, lbfgs, newton_cg or coordinate_descent", "7"});
  options = {};
  options.class_weight = ln::ClassWeight<T>::given(T(-1), T(1));
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"class_weight.weight_0 must be finite and >= 0", "-1"});
  options.class_weight = ln::ClassWeight<T>::given(T(1), std::numeric_limits<T>::infinity());
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"class_weight.weight_1 must be finite and >= 0", "inf"});
  options.class_weight = ln::ClassWeight<T>::given(T(0), T(0));
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"class_weight weights are both 0"});
  options.class_weight = {};
  options.class_weight.mode = static_cast<typename ln::ClassWeight<T>::Mode>(9);
  test_support::check_throws<std::invalid_argument>([&] { fit_with(options); },
      {"class_weight.mode must be none, balanced or given", "9"});
  CHECK(test_support::same_state(test_support::state_of(neuron), before));
  CHECK(std::string(ln::to_string(ln::Solver::lbfgs)) == "lbfgs");
  CHECK(std::string(ln::to_string(ln::StopReason::line_search_failed)) == "line_search_failed");
}

// ---------------------------------------------------------------------------------------------
// Newton's bound on d, and fits without a bias.

TEST_CASE("Newton refuses more parameters than its bound and names the alternatives") {
  const Matrix<double> X = test_support::random_matrix<double>(4, ln::newton_max_parameters, 3);
  Vector<double> y(4);
  y << 0, 1, 0, 1;
  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  ln::LogisticNeuron<double> neuron;
  test_support::check_throws<std::invalid_argument>(
      [&] { neuron.fit(X, y, options); },
      {"LogisticNeuron::fit", "Solver::newton", std::to_string(ln::newton_max_parameters).c_str(),
       "Solver::newton_cg", "Solver::lbfgs"});
  CHECK_FALSE(neuron.has_parameters());
}

TEST_CASE_TEMPLATE("fit_intercept = false keeps the bias at 0 and reaches the optimum of the "
                   "model without one",
                   T, double, long double) {
  const auto p = test_support::make_problem<T>(300, 4, 61, 1.0);
  for (ln::Solver solver : {ln::Solver::gradient_descent, ln::Solver::newton, ln::Solver::newton_cg,
                            ln::Solver::lbfgs}) {
    for (bool standardize : {false, true}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      ln::FitOptions<T> options;
      options.solver = solver;
      options.standardize = standardize;
      options.fit_intercept = false;
      options.l2 = standardize ? T(0) : T(0.01);
      options.tolerance = 0;
      options.gradient_tolerance = T(1e-10);
      options.max_epochs = 100000;
      Vector<T> w0 = Vector<T>::Constant(4, T(0.1));
      ln::LogisticNeuron<T> neuron(w0, T(3));  // a warm start's bias is dropped too
      options.warm_start = true;
      neuron.fit(p.X, p.y, options);
      CHECK(neuron.bias() == T(0));
      // The gradient with respect to w vanishes at (w, 0) (the model without a bias), while dJ/db
      // does not (the labels are imbalanced: b_true = 1).
      const auto ref = test_support::reference(p.X, p.y, neuron.weights(), LD(0), LD(options.l2));
      CHECK(ref.gw.cwiseAbs().maxCoeff() <= LD(1e-8));
      CHECK(std::abs(ref.gb) > LD(1e-3));
    }
  }
}

}  // namespace test_solvers
