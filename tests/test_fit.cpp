// Gradient descent as DESIGN.md states it: each stop reason, the cost history, warm start, the
// default 1/L step (the cost never increases), a user learning rate, the vanishing gradient at the
// optimum of an L2 problem, the seed-compatible setting against a hand loop, the strict threshold
// of predict, and bitwise identical results for any thread count.
#include "test_support.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Eigenvalues>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_fit {

using namespace test_support;

namespace {

/// What every fit must satisfy, whatever stopped it: the neuron keeps the parameters whose cost
/// FitResult::cost reports, the cost history holds one finite cost per finite epoch, and the
/// reported gradient norm is that of the kept parameters.
template <class T>
void check_result_consistent(const ln::LogisticNeuron<T>& neuron, const Matrix<T>& X,
                             const Vector<T>& y, T l2, const ln::FitResult<T>& result) {
  REQUIRE(neuron.has_parameters());
  REQUIRE(neuron.n_features() == X.cols());
  CHECK(neuron.weights().allFinite());
  CHECK(std::isfinite(neuron.bias()));
  REQUIRE(!result.cost_history.empty());
  CHECK(same_bits(result.cost, result.cost_history.back()));
  for (const T J : result.cost_history) CHECK(std::isfinite(J));
  CHECK(static_cast<Index>(result.cost_history.size()) ==
        result.epochs - (result.stop_reason == ln::StopReason::non_finite ? 1 : 0));
  // The same computation at the kept parameters gives the same bits.
  CHECK(same_bits(neuron.cost(X, y, l2), result.cost));
  const ln::Gradient<T> g = neuron.gradient(X, y, l2);
  LD norm2 = static_cast<LD>(g.bias) * static_cast<LD>(g.bias);
  for (Index j = 0; j < g.weights.size(); ++j) {
    norm2 += static_cast<LD>(g.weights[j]) * static_cast<LD>(g.weights[j]);
  }
  CHECK(close(static_cast<LD>(result.gradient_norm), std::sqrt(norm2),
              8 * static_cast<LD>(eps<T>())));
}

/// The stop reason's name, for messages.
std::string name(ln::StopReason reason) { return ln::to_string(reason); }

/// Restores the library-wide thread setting when a test ends, even when it fails.
struct ThreadSettingGuard {
  ~ThreadSettingGuard() { ln::set_num_threads(0); }
};

}  // namespace

TEST_CASE_TEMPLATE("a fit stops by the seed's rule |J_k - J_{k-1}| < tolerance", T, float, double,
                   long double) {
  const Problem<T> p = make_problem<T>(200, 3, 21);
  for (const T tolerance : {T(1e-5), T(1e-3)}) {
    CAPTURE(tolerance);
    ln::LogisticNeuron<T> neuron;
    ln::FitOptions<T> options;
    options.tolerance = tolerance;
    const ln::FitResult<T> result = neuron.fit(p.X, p.y, options);
    REQUIRE(result.stop_reason == ln::StopReason::converged);
    CHECK(result.converged());
    CHECK(name(result.stop_reason) == "converged");
    REQUIRE(result.cost_history.size() >= 2);
    CHECK(result.epochs == static_cast<Index>(result.cost_history.size()));
    CHECK(result.epochs < options.max_epochs);
    // A cold start begins at zero parameters, where J = ln 2.
    CHECK(close(static_cast<LD>(result.cost_history.front()), std::log(LD(2)),
                16 * static_cast<LD>(eps<T>())));
    // The last change is below the tolerance and no earlier one was.
    const std::vector<T>& h = result.cost_history;
    CHECK(std::abs(h[h.size() - 1] - h[h.size() - 2]) < tolerance);
    for (std::size_t k = 1; k + 1 < h.size(); ++k) CHECK(std::abs(h[k] - h[k - 1]) >= tolerance);
    CHECK(result.cost < h.front());
    check_result_consistent(neuron, p.X, p.y, T(0), result);
  }
}

TEST_CASE_TEMPLATE("a fit stopped by the cap reports epochs == max_epochs", T, float, double,
                   long double) {
  const Problem<T> p = make_problem<T>(100, 4, 31);
  for (const Index cap : {Index(1), Index(2), Index(7), Index(50)}) {
    CAPTURE(cap);
    ln::LogisticNeuron<T> neuron;
    ln::FitOptions<T> options;
    options.tolerance = T(0);  // never stops on the cost change
    options.max_epochs = cap;
    options.l2 = T(0.01);
    const ln::FitResult<T> result = neuron.fit(p.X, p.y, options);
    CHECK(result.stop_reason == ln::StopReason::max_epochs);
    CHECK_FALSE(result.converged());
    CHECK(result.epochs == cap);
    CHECK(static_cast<Index>(result.cost_history.size()) == cap);
    check_result_consistent(neuron, p.X, p.y, options.l2, result);
    if (cap == 1) {
      // One epoch evaluates the starting point and stops: the parameters are still zero.
      CHECK(neuron.weights().isZero(0));
      CHECK(neuron.bias() == T(0));
    }
  }
  // The default options have a finite cap.
  CHECK(ln::FitOptions<T>{}.max_epochs >= 1);
  CHECK(ln::FitOptions<T>{}.max_epochs < std::numeric_limits<Index>::max());
}

TEST_CASE_TEMPLATE("a non-finite cost stops the fit and keeps the last finite parameters", T, float,
                   double, long double) {
  const Problem<T> p = make_problem<T>(40, 3, 41);
  SUBCASE("parameters that overflow after several epochs") {
    // With l2 = 1 and eta = 1000, w <- (1 - eta l2) w - eta dJ_data/dw multiplies |w| by about
    // 999 an epoch, so (l2/2)|w|^2 overflows after a number of epochs that depends on the type.
    ln::FitOptions<T> options;
    options.learning_rate = T(1000);
    options.l2 = T(1);
    options.tolerance = T(0);
    options.max_epochs = 100000;
    ln::LogisticNeuron<T> neuron;
    const ln::FitResult<T> result = neuron.fit(p.X, p.y, options);
    REQUIRE(result.stop_reason == ln::StopReason::non_finite);
    CHECK(name(result.stop_reason) == "non_finite");
    CHECK(result.epochs > 3);
    CHECK(result.epochs < options.max_epochs);
    CHECK(static_cast<Index>(result.cost_history.size()) == result.epochs - 1);
    check_result_consistent(neuron, p.X, p.y, options.l2, result);
    // The kept parameters are those of the last finite epoch: exactly what a fit capped one
    // epoch earlier keeps.
    ln::FitOptions<T> capped = options;
    capped.max_epochs = result.epochs - 1;
    ln::LogisticNeuron<T> reference_neuron;
    const ln::FitResult<T> capped_result = reference_neuron.fit(p.X, p.y, capped);
    CHECK(capped_result.stop_reason == ln::StopReason::max_epochs);
    CHECK(same_bits(neuron.weights(), reference_neuron.weights()));
    CHECK(same_bits(neuron.bias(), reference_neuron.bias()));
    CHECK(capped_result.cost_history == result.cost_history);
    CHECK(neuron.weights().norm() > T(1));  // not the zero start
  }
  SUBCASE("huge data and a huge learning rate") {
    // Entries of size `big` and eta = big, with big^2 finite but big^3 not: the first step sends
    // w to ~big^2 and then X w overflows.
    const T big = std::is_same_v<T, float>    ? T(1e15)
                  : std::is_same_v<T, double> ? T(1e120)
                                              : static_cast<T>(1e2000L);
    REQUIRE(std::isfinite(big * big));
    REQUIRE_FALSE(std::isfinite(big * big * big));
    const Matrix<T> X = p.X * big;
    ln::FitOptions<T> options;
    options.learning_rate = big;
    options.tolerance = T(0);
    options.max_epochs = 10000;
    ln::LogisticNeuron<T> neuron;
    const ln::FitResult<T> result = neuron.fit(X, p.y, options);
    REQUIRE(result.stop_reason == ln::StopReason::non_finite);
    CHECK(result.epochs >= 2);
    check_result_consistent(neuron, X, p.y, T(0), result);
  }
  SUBCASE("a warm start whose very first cost overflows keeps the starting parameters") {
    Vector<T> w = Vector<T>::Constant(3, std::numeric_limits<T>::max() / 4);
    w[1] = -w[1];
    ln::LogisticNeuron<T> neuron(w, T(1));
    const Matrix<T> X = Matrix<T>::Constant(40, 3, T(100));  // X w overflows
    ln::FitOptions<T> options;
    options.warm_start = true;
    const ln::FitResult<T> result = neuron.fit(X, p.y, options);
    CHECK(result.stop_reason == ln::StopReason::non_finite);
    CHECK(result.epochs == 1);
    CHECK(result.cost_history.empty());
    CHECK(same_bits(neuron.weights(), w));
    CHECK(neuron.bias() == T(1));
  }
}

TEST_CASE_TEMPLATE("on_epoch sees every epoch and stops the fit when it returns false", T, float,
                   double, long double) {
  const Problem<T> p = make_problem<T>(100, 3, 51);
  std::vector<ln::EpochInfo<T>> seen;
  ln::FitOptions<T> options;
  options.tolerance = T(0);
  options.l2 = T(0.1);
  options.on_epoch = [&seen](const ln::EpochInfo<T>& info) {
    seen.push_back(info);
    return info.epoch < 4;
  };
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(p.X, p.y, options);
  CHECK(result.stop_reason == ln::StopReason::callback);
  CHECK(name(result.stop_reason) == "callback");
  CHECK(result.epochs == 4);
  REQUIRE(seen.size() == 4);
  REQUIRE(result.cost_history.size() == 4);
  for (std::size_t k = 0; k < seen.size(); ++k) {
    CHECK(seen[k].epoch == static_cast<Index>(k + 1));
    CHECK(same_bits(seen[k].cost, result.cost_history[k]));
    CHECK(same_bits(seen[k].learning_rate, result.learning_rate));
    CHECK(std::isfinite(seen[k].gradient_norm));
  }
  // The neuron keeps the parameters of the epoch at which the callback said stop.
  CHECK(same_bits(seen.back().gradient_norm, result.gradient_norm));
  check_result_consistent(neuron, p.X, p.y, options.l2, result);

  // A callback that always continues changes nothing.
  ln::FitOptions<T> plain = options;
  plain.on_epoch = nullptr;
  plain.max_epochs = 30;
  ln::FitOptions<T> watched = plain;
  Index calls = 0;
  watched.on_epoch = [&calls](const ln::EpochInfo<T>&) { return ++calls > 0; };
  ln::LogisticNeuron<T> a, b;
  const ln::FitResult<T> ra = a.fit(p.X, p.y, plain), rb = b.fit(p.X, p.y, watched);
  CHECK(calls == 30);
  CHECK(ra.cost_history == rb.cost_history);
  CHECK(same_bits(a.weights(), b.weights()));
  CHECK(same_bits(a.bias(), b.bias()));
}

TEST_CASE_TEMPLATE("warm start continues from the current parameters", T, float, double,
                   long double) {
  const Problem<T> p = make_problem<T>(120, 3, 61);
  ln::FitOptions<T> options;
  options.tolerance = T(0);
  options.max_epochs = 10;

  ln::LogisticNeuron<T> straight;
  const ln::FitResult<T> r10 = straight.fit(p.X, p.y, options);

  // 5 epochs take 4 steps; a warm fit of 6 epochs re-evaluates that point and takes 5 more:
  // 9 steps, as the 10-epoch fit.
  ln::LogisticNeuron<T> resumed;
  options.max_epochs = 5;
  const ln::FitResult<T> r5 = resumed.fit(p.X, p.y, options);
  options.warm_start = true;
  options.max_epochs = 6;
  const ln::FitResult<T> r6 = resumed.fit(p.X, p.y, options);
  CHECK(same_bits(r6.cost_history.front(), r5.cost_history.back()));
  CHECK(std::vector<T>(r10.cost_history.begin() + 4, r10.cost_history.end()) == r6.cost_history);
  CHECK(same_bits(resumed.weights(), straight.weights()));
  CHECK(same_bits(resumed.bias(), straight.bias()));
  check_result_consistent(resumed, p.X, p.y, T(0), r6);

  // Warm start from constructed parameters: the first cost is the cost there.
  ln::LogisticNeuron<T> given(p.w, p.b);
  options.max_epochs = 1;
  const ln::FitResult<T> r1 = given.fit(p.X, p.y, options);
  CHECK(same_bits(r1.cost_history.front(), ln::LogisticNeuron<T>(p.w, p.b).cost(p.X, p.y)));
  CHECK(same_bits(given.weights(), p.w));

  // Without warm_start, existing parameters are ignored: the fit starts from zeros.
  ln::LogisticNeuron<T> cold(p.w, p.b), fresh;
  options.warm_start = false;
  options.max_epochs = 10;
  const ln::FitResult<T> rc = cold.fit(p.X, p.y, options);
  CHECK(rc.cost_history == r10.cost_history);
  CHECK(same_bits(cold.weights(), straight.weights()));
  // warm_start on a neuron without parameters also starts from zeros.
  options.warm_start = true;
  const ln::FitResult<T> rf = fresh.fit(p.X, p.y, options);
  CHECK(rf.cost_history == r10.cost_history);
}

TEST_CASE_TEMPLATE("the default step 1/L never increases the cost and is below 2/L_true", T, float,
                   double, long double) {
  struct Case {
    const char* what;
    Matrix<T> X;
    Vector<T> y;
    Vector<T> s;  // empty: unit weights
    T l2;
  };
  std::vector<Case> cases;
  {
    const Problem<T> p = make_problem<T>(150, 4, 71);
    cases.push_back({"standard normal features", p.X, p.y, Vector<T>(), T(0)});
  }
  {
    Problem<T> p = make_problem<T>(150, 3, 72, 2.0);
    p.X.col(1) *= T(10);
    p.X.col(2) = p.X.col(2) * T(100) + Vector<T>::Constant(150, T(50));
    cases.push_back({"badly scaled, shifted features, imbalanced labels", p.X, p.y, Vector<T>(),
                     T(0)});
  }
  {
    const Problem<T> p = make_problem<T>(90, 2, 73);
    Vector<T> s(90);
    Random random(74);
    for (Index i = 0; i < 90; ++i) s[i] = static_cast<T>(3 * random.uniform());
    cases.push_back({"sample weights and L2", p.X, p.y, s, T(0.5)});
  }
  {
    // Separable data: the unregularised optimum is at infinity; J still falls every epoch.
    Matrix<T> X = random_matrix<T>(60, 2, 75);
    Vector<T> y(60);
    for (Index i = 0; i < 60; ++i) y[i] = X(i, 0) + X(i, 1) > 0 ? T(1) : T(0);
    cases.push_back({"separable data", X, y, Vector<T>(), T(0)});
  }
  for (const Case& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    ln::FitOptions<T> options;
    options.tolerance = T(0);
    options.max_epochs = 400;
    options.l2 = c.l2;
    ln::LogisticNeuron<T> neuron;
    const ln::FitResult<T> result =
        c.s.size() ? neuron.fit(c.X, c.y, c.s, options) : neuron.fit(c.X, c.y, options);
    // With tolerance 0 the fit runs every epoch, unless a step stops moving the parameters (a
    // fixed point to rounding: converged), where the cost has stopped changing.
    REQUIRE((result.stop_reason == ln::StopReason::max_epochs ||
             result.stop_reason == ln::StopReason::converged));
    if (result.stop_reason == ln::StopReason::converged) {
      CHECK(result.epochs < options.max_epochs);
      const T last = result.cost_history.back();
      const T before = result.cost_history[result.cost_history.size() - 2];
      CHECK(std::abs(last - before) <= 16 * eps<T>() * std::abs(before));
    }
    // Near the optimum J changes by less than the rounding of a sum over n samples; allow 16
    // ulps of J for that, no more (a step above 2/L raises J by far more).
    const std::vector<T>& h = result.cost_history;
    for (std::size_t k = 1; k < h.size(); ++k) {
      CAPTURE(k);
      CAPTURE((static_cast<LD>(h[k]) - static_cast<LD>(h[k - 1])) / static_cast<LD>(eps<T>()));
      CHECK(h[k] <= h[k - 1] + 16 * eps<T>() * std::abs(h[k - 1]));
    }
    CHECK(h.back() < h.front());

    // The true Lipschitz constant of the gradient in the solver's units v = 2^E w, E = round(log2
    // of the root mean square of X), from a dense eigensolver in long double:
    // L_true = lambda_max([f X 1]^T diag(s) [f X 1]) / (4 S) + l2 f^2 with f = 2^-E. Descent
    // needs eta < 2 / L_true; the estimate's eta = 1/L with L <= L_true (power iteration
    // approaches from below) within a factor of two.
    const Index n = c.X.rows(), d = c.X.cols();
    const LD rms = std::sqrt(c.X.template cast<LD>().squaredNorm() / LD(n * d));
    const LD f = std::ldexp(LD(1), -static_cast<int>(std::lround(std::log2(rms))));
    Matrix<LD> A(n, d + 1);
    A.leftCols(d) = f * c.X.template cast<LD>();
    A.col(d).setOnes();
    Vector<LD> s = c.s.size() ? Vector<LD>(c.s.template cast<LD>()) : Vector<LD>::Ones(n);
    const Matrix<LD> H = A.transpose() * s.asDiagonal() * A;
    const LD lambda_max = Eigen::SelfAdjointEigenSolver<Matrix<LD>>(H).eigenvalues().maxCoeff();
    const LD L_true = lambda_max / (4 * s.sum()) + static_cast<LD>(c.l2) * f * f;
    const LD eta = static_cast<LD>(result.learning_rate);
    CHECK(eta > 0);
    CHECK(eta < 2 / L_true);
    CHECK(eta >= 1 / L_true * (1 - LD(1e-3)));
  }
}

TEST_CASE_TEMPLATE("a user learning rate overrides 1/L", T, float, double, long double) {
  const Problem<T> p = make_problem<T>(80, 3, 81);
  const T eta = T(0.0625);
  ln::FitOptions<T> options;
  options.learning_rate = eta;
  options.tolerance = T(0);
  options.max_epochs = 2;
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(p.X, p.y, options);
  CHECK(result.learning_rate == eta);
  // One step from zero: w = -eta dJ/dw(0), b = -eta dJ/db(0).
  const ln::Gradient<T> g0 = ln::LogisticNeuron<T>(3).gradient(p.X, p.y);
  for (Index j = 0; j < 3; ++j) {
    CHECK(close(static_cast<LD>(neuron.weights()[j]), -static_cast<LD>(eta * g0.weights[j]),
                2 * static_cast<LD>(eps<T>())));
  }
  CHECK(close(static_cast<LD>(neuron.bias()), -static_cast<LD>(eta * g0.bias),
              2 * static_cast<LD>(eps<T>())));
  // The automatic step is a different one.
  ln::LogisticNeuron<T> automatic;
  options.learning_rate.reset();
  CHECK(automatic.fit(p.X, p.y, options).learning_rate != eta);
}

TEST_CASE_TEMPLATE("the gradient vanishes at the fitted optimum of an L2 problem (bias free)", T,
                   float, double, long double) {
  // Imbalanced labels (b_true = 1.5), so the optimal bias is far from 0: had the bias been
  // penalised, the fitted point would leave dJ/db = mean(a - y) = -l2 b, far above the bound.
  const Problem<T> p = make_problem<T>(80, 3, 91, 1.5);
  ln::FitOptions<T> options;
  options.l2 = T(0.05);
  options.tolerance = T(0);
  options.max_epochs = 4000;
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(p.X, p.y, options);
  // All 4000 epochs, or fewer if a step stops moving the parameters (converged at a fixed point).
  CHECK((result.stop_reason == ln::StopReason::max_epochs ||
         result.stop_reason == ln::StopReason::converged));
  check_result_consistent(neuron, p.X, p.y, options.l2, result);

  const Reference ref = reference(p.X, p.y, neuron.weights(), static_cast<LD>(neuron.bias()),
                                  static_cast<LD>(options.l2));
  CAPTURE(norm(ref.gw, ref.gb));
  CHECK(norm(ref.gw, ref.gb) <= optimum_gradient_bound<T>());
  CHECK(std::abs(static_cast<LD>(neuron.bias())) > LD(0.5));
  CHECK(static_cast<LD>(result.gradient_norm) <= optimum_gradient_bound<T>());

  // With sample weights, the weighted gradient vanishes at the weighted optimum.
  Vector<T> s(80);
  Random random(92);
  for (Index i = 0; i < 80; ++i) s[i] = static_cast<T>(0.1 + 2 * random.uniform());
  ln::LogisticNeuron<T> weighted;
  weighted.fit(p.X, p.y, s, options);
  const Reference wref = reference(p.X, p.y, weighted.weights(), static_cast<LD>(weighted.bias()),
                                   static_cast<LD>(options.l2), Vector<LD>(s.template cast<LD>()));
  CHECK(norm(wref.gw, wref.gb) <= optimum_gradient_bound<T>());
}

TEST_CASE_TEMPLATE("sample weights equal to k count a sample k times", T, float, double,
                   long double) {
  const Problem<T> p = make_problem<T>(30, 2, 95);
  Vector<T> s(30);
  Matrix<T> Xdup(0, 2);
  Vector<T> ydup(0);
  for (Index i = 0; i < 30; ++i) {
    const Index k = i % 3 + 1;
    s[i] = static_cast<T>(k);
    for (Index r = 0; r < k; ++r) {
      Xdup.conservativeResize(Xdup.rows() + 1, Eigen::NoChange);
      ydup.conservativeResize(ydup.size() + 1);
      Xdup.row(Xdup.rows() - 1) = p.X.row(i);
      ydup[ydup.size() - 1] = p.y[i];
    }
  }
  ln::FitOptions<T> options;
  options.tolerance = T(0);
  options.max_epochs = 200;
  options.learning_rate = T(0.5);
  ln::LogisticNeuron<T> weighted, duplicated;
  const ln::FitResult<T> rw = weighted.fit(p.X, p.y, s, options);
  const ln::FitResult<T> rd = duplicated.fit(Xdup, ydup, options);
  const LD tol = 64 * static_cast<LD>(eps<T>());
  CHECK(close(static_cast<LD>(rw.cost), static_cast<LD>(rd.cost), tol));
  for (Index j = 0; j < 2; ++j) {
    CHECK(close(static_cast<LD>(weighted.weights()[j]), static_cast<LD>(duplicated.weights()[j]),
                tol));
  }
  CHECK(close(static_cast<LD>(weighted.bias()), static_cast<LD>(duplicated.bias()), tol));
}

TEST_CASE_TEMPLATE("the seed-compatible setting: summed cost, eta 0.05, stop at |dJ| < 1e-5", T,
                   float, double, long double) {
  const ln::FitOptions<T> seed = ln::FitOptions<T>::seed_compatible();
  REQUIRE(seed.learning_rate.has_value());
  CHECK(*seed.learning_rate == T(0.05));
  CHECK(seed.tolerance == T(1e-5));
  CHECK(seed.reduction == ln::CostReduction::sum);
  CHECK_FALSE(seed.warm_start);
  CHECK(seed.l2 == T(0));
  CHECK(seed.max_epochs >= 1);  // the cap stays
  CHECK(seed.max_epochs < std::numeric_limits<Index>::max());

  const Problem<T> p = make_problem<T>(30, 2, 97);
  // The hand loop, in long double, of the seed's arithmetic without its defect: from zeros,
  // J_k = sum_i [softplus(z_i) - y_i z_i], then w -= 0.05 X^T (a - y), b -= 0.05 sum (a - y).
  const int steps = 6;
  std::vector<LD> hand_costs;
  Vector<LD> w = Vector<LD>::Zero(2);
  LD b = 0;
  Vector<LD> w_last;
  LD b_last = 0;
  for (int k = 0; k < steps; ++k) {
    const Reference r = reference(p.X, p.y, w, b, 0, Vector<LD>(), /*sum=*/true);
    hand_costs.push_back(r.cost);
    w_last = w;
    b_last = b;
    w -= LD(0.05) * r.gw;
    b -= LD(0.05) * r.gb;
  }
  ln::FitOptions<T> options = seed;
  options.max_epochs = steps;
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> first = neuron.fit(p.X, p.y, options);
  REQUIRE(first.cost_history.size() == static_cast<std::size_t>(steps));
  CHECK(first.learning_rate == T(0.05));
  // Rounding in T compounds over a few steps; the scale of the summed cost is n.
  const LD tol = 64 * static_cast<LD>(eps<T>());
  for (int k = 0; k < steps; ++k) {
    CAPTURE(k);
    CHECK(close(static_cast<LD>(first.cost_history[static_cast<std::size_t>(k)]),
                hand_costs[static_cast<std::size_t>(k)], tol, 30));
  }
  CHECK(close(static_cast<LD>(first.cost_history[0]), 30 * std::log(LD(2)), tol));
  // The neuron holds the parameters of the last epoch evaluated (5 steps taken).
  for (Index j = 0; j < 2; ++j) {
    CHECK(close(static_cast<LD>(neuron.weights()[j]), w_last[j], tol));
  }
  CHECK(close(static_cast<LD>(neuron.bias()), b_last, tol));
  // cost() reports the mean: the summed cost is n times it.
  CHECK(close(static_cast<LD>(first.cost), 30 * static_cast<LD>(neuron.cost(p.X, p.y)), tol));

  // Run to the end: it stops on the summed cost's change.
  ln::LogisticNeuron<T> full;
  const ln::FitResult<T> result = full.fit(p.X, p.y, seed);
  REQUIRE(result.stop_reason == ln::StopReason::converged);
  const std::vector<T>& h = result.cost_history;
  REQUIRE(h.size() >= 3);
  CHECK(std::abs(h[h.size() - 1] - h[h.size() - 2]) < T(1e-5));
  CHECK(std::abs(h[h.size() - 2] - h[h.size() - 3]) >= T(1e-5));
  CHECK(close(static_cast<LD>(result.cost), 30 * static_cast<LD>(full.cost(p.X, p.y)), tol));
}

TEST_CASE_TEMPLATE("predict labels 1 only where p > threshold, strictly", T, float, double,
                   long double) {
  Vector<T> w(2);
  w << T(1), T(-1);
  const ln::LogisticNeuron<T> neuron(w, T(0));
  Matrix<T> X(5, 2);
  X << T(2), T(2),          // z = 0: p = 0.5 exactly
      T(2), T(1),           // z = 1
      T(1), T(2),           // z = -1
      T(0), T(12000),       // z = -12000: p = 0 in every type
      T(12000), T(0);       // z = 12000: p = 1 in every type
  const Vector<T> proba = neuron.predict_proba(X);
  REQUIRE(proba[0] == T(0.5));
  REQUIRE(proba[3] == T(0));
  REQUIRE(proba[4] == T(1));

  Eigen::VectorXi expected(5);
  expected << 0, 1, 0, 0, 1;
  CHECK(neuron.predict(X) == expected);  // p = 0.5 is not > 0.5
  // At a threshold equal to a row's probability that row is 0; just below it, 1.
  const T p1 = proba[1];
  CHECK(neuron.predict(X, p1)[1] == 0);
  CHECK(neuron.predict(X, std::nextafter(p1, T(0)))[1] == 1);
  expected << 1, 1, 1, 0, 1;
  CHECK(neuron.predict(X, T(0)) == expected);  // p = 0 is not > 0
  CHECK(neuron.predict(X, T(1)).isZero());     // p = 1 is not > 1
}

TEST_CASE_TEMPLATE("one thread and two threads give bitwise identical results", T, float, double,
                   long double) {
  // 1.5 MiB of X whatever the type: two of the ~1 MiB chunks the rows are cut into, so two
  // threads really split them (more would only make the test slower).
  const Index d = 8;
  const Index n = static_cast<Index>((3u << 20) / 2 / (d * sizeof(T)));
  REQUIRE(ln::detail::make_layout(n, d, sizeof(T)).chunks >= 2);
  const Problem<T> p = make_problem<T>(n, d, 111);
  ThreadSettingGuard guard;

  ln::FitOptions<T> options;
  options.tolerance = T(0);
  options.max_epochs = 6;
  options.l2 = T(1e-3);
  options.learning_rate = T(0.5);
  options.threads = 1;
  ln::LogisticNeuron<T> one, two;
  const ln::FitResult<T> r1 = one.fit(p.X, p.y, options);
  options.threads = 2;
  const ln::FitResult<T> r2 = two.fit(p.X, p.y, options);
  CHECK(r1.cost_history == r2.cost_history);
  CHECK(same_bits(one.weights(), two.weights()));
  CHECK(same_bits(one.bias(), two.bias()));

  // The automatic step 1/L (power iteration over X) is the same too.
  options.learning_rate.reset();
  options.max_epochs = 1;
  options.threads = 1;
  const T eta1 = ln::LogisticNeuron<T>().fit(p.X, p.y, options).learning_rate;
  options.threads = 2;
  const T eta2 = ln::LogisticNeuron<T>().fit(p.X, p.y, options).learning_rate;
  CHECK(same_bits(eta1, eta2));

  // cost, gradient and predict_proba follow the library-wide setting.
  ln::set_num_threads(1);
  const T J1 = one.cost(p.X, p.y);
  const ln::Gradient<T> g1 = one.gradient(p.X, p.y);
  const Vector<T> a1 = one.predict_proba(p.X);
  ln::set_num_threads(2);
  CHECK(ln::num_threads() == 2);
  CHECK(same_bits(one.cost(p.X, p.y), J1));
  const ln::Gradient<T> g2 = one.gradient(p.X, p.y);
  CHECK(same_bits(g2.weights, g1.weights));
  CHECK(same_bits(g2.bias, g1.bias));
  CHECK(same_bits(Vector<T>(one.predict_proba(p.X)), a1));

  // And the chunked sums are right: the cost against the reference.
  const Reference ref = reference(p.X, p.y, one.weights(), static_cast<LD>(one.bias()));
  CHECK(close(static_cast<LD>(J1), ref.cost, evaluation_tolerance<T>(), ref.cost_scale));
  for (Index j = 0; j < d; ++j) {
    CHECK(close(static_cast<LD>(g1.weights[j]), ref.gw[j], evaluation_tolerance<T>(),
                ref.gw_scale[j]));
  }
}

TEST_CASE("set_parameters: as a fit leaves them, names and standardization kept for the same features") {
  namespace ln = logistic_neuron;
  ln::LogisticNeuron<double> neuron(Eigen::VectorXd::Constant(2, 0.5), 0.25);
  neuron.set_feature_names({"a", "b"});
  neuron.set_standardization(Eigen::VectorXd::Constant(2, 1.0), Eigen::VectorXd::Constant(2, 2.0));
  Eigen::MatrixXd X(4, 2);
  X << 0, 1, 1, 0, 2, 1, 1, 2;
  Eigen::VectorXd y(4);
  y << 0, 1, 1, 0;
  neuron.partial_fit(X, y, ln::FitOptions<double>{});
  REQUIRE(neuron.partial_fit_steps() == 1);

  Eigen::VectorXd w(2);
  w << -1.5, 3.0;
  neuron.set_parameters(w, -0.75);
  CHECK(neuron.weights() == w);
  CHECK(neuron.bias() == -0.75);
  CHECK(neuron.feature_names() == std::vector<std::string>{"a", "b"});
  CHECK(neuron.feature_scales() == Eigen::VectorXd::Constant(2, 2.0));
  CHECK(neuron.partial_fit_steps() == 0);  // the schedule restarts from the new parameters

  // Bad parameters: nothing changes.
  Eigen::VectorXd bad = w;
  bad[1] = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(neuron.set_parameters(bad, 0.0),
                       doctest::Contains("LogisticNeuron::set_parameters"), std::invalid_argument);
  CHECK_THROWS_AS(neuron.set_parameters(Eigen::VectorXd(0), 0.0), std::invalid_argument);
  CHECK_THROWS_AS(neuron.set_parameters(w, std::nan("")), std::invalid_argument);
  CHECK(neuron.weights() == w);
  CHECK(neuron.bias() == -0.75);
  CHECK(neuron.feature_names().size() == 2);

  // Another feature count: names and standardization describe the old features and go.
  neuron.set_parameters(Eigen::VectorXd::Constant(3, 0.125), 1.0);
  CHECK(neuron.n_features() == 3);
  CHECK(neuron.feature_names().empty());
  CHECK(neuron.feature_means().size() == 0);
  CHECK(neuron.feature_scales().size() == 0);
}

}  // namespace test_fit
