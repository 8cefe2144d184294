// Bad input (issue 2, point 3): every case throws the documented exception type, with a message
// that names the call, what was expected and what came, before anything changes: the neuron is
// compared bit for bit (weights, bias, has_parameters, n_features) before and after.
#include "test_support.hpp"

#include <complex>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_errors {

using namespace test_support;

namespace {

/// A neuron fitted on seeded data (3 features), and a dataset that fits it.
template <class T>
struct Fixture {
  Problem<T> p = make_problem<T>(12, 3, 501);
  ln::LogisticNeuron<T> fitted;
  ln::LogisticNeuron<T> unfitted;

  Fixture() {
    ln::FitOptions<T> options;
    options.max_epochs = 20;
    fitted.fit(p.X, p.y, options);
    REQUIRE(fitted.has_parameters());
    REQUIRE_FALSE(unfitted.has_parameters());
  }
};

/// f(neuron) must throw E with a message containing parts, for a fitted and for an unfitted
/// neuron, and leave each exactly as it was.
template <class E, class T, class F>
void check_fit_throws(Fixture<T>& fx, const F& f, std::initializer_list<const char*> parts) {
  for (ln::LogisticNeuron<T>* neuron : {&fx.fitted, &fx.unfitted}) {
    CAPTURE(neuron->has_parameters());
    const State<T> before = state_of(*neuron);
    check_throws<E>([&] { f(*neuron); }, parts);
    CHECK(same_state(state_of(*neuron), before));
  }
}

template <class T>
T nan() {
  return std::numeric_limits<T>::quiet_NaN();
}
template <class T>
T inf() {
  return std::numeric_limits<T>::infinity();
}

}  // namespace

TEST_CASE_TEMPLATE("fit: X and y of different lengths", T, float, double, long double) {
  Fixture<T> fx;
  const Vector<T> y = fx.p.y.head(11);
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, y); },
      {"LogisticNeuron::fit", "12 rows", "y has 11 entries"});
  // The same check with sample weights, and for sample weights of the wrong length.
  const Vector<T> s = Vector<T>::Ones(12);
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, y, s); },
      {"LogisticNeuron::fit", "12 rows", "y has 11 entries"});
  const Vector<T> s13 = Vector<T>::Ones(13);
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, fx.p.y, s13); },
      {"LogisticNeuron::fit", "12 rows", "sample_weight has 13 entries"});
}

TEST_CASE_TEMPLATE("fit: empty X", T, float, double, long double) {
  Fixture<T> fx;
  const Matrix<T> no_rows(0, 3);
  const Vector<T> no_labels(0);
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(no_rows, no_labels); },
      {"LogisticNeuron::fit", "X is empty", "0 rows", "expected at least one sample"});
  const Matrix<T> no_columns(12, 0);
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(no_columns, fx.p.y); },
      {"LogisticNeuron::fit", "X is empty", "0 columns", "one feature"});
}

TEST_CASE_TEMPLATE("fit: a label that is neither 0 nor 1", T, float, double, long double) {
  Fixture<T> fx;
  for (const T bad : {T(2), T(-1), T(0.5)}) {
    CAPTURE(bad);
    Vector<T> y = fx.p.y;
    y[7] = bad;
    const std::string value = ln::detail::to_text(bad);
    check_fit_throws<std::invalid_argument>(
        fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, y); },
        {"LogisticNeuron::fit", "y[7]", value.c_str(), "expected a label 0 or 1"});
  }
  // Integer labels too.
  Eigen::VectorXi yi = fx.p.y.template cast<int>();
  yi[2] = 3;
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, yi); },
      {"LogisticNeuron::fit", "y[2] is 3", "0 or 1"});
}

TEST_CASE_TEMPLATE("fit: NaN or Inf in X or y", T, float, double, long double) {
  Fixture<T> fx;
  for (const T bad : {nan<T>(), inf<T>(), -inf<T>()}) {
    const std::string value = ln::detail::to_text(bad);
    CAPTURE(value);
    Matrix<T> X = fx.p.X;
    X(5, 2) = bad;
    check_fit_throws<std::invalid_argument>(
        fx, [&](ln::LogisticNeuron<T>& n) { n.fit(X, fx.p.y); },
        {"LogisticNeuron::fit", "X(5, 2)", value.c_str(), "expected finite"});
    Vector<T> y = fx.p.y;
    y[4] = bad;
    check_fit_throws<std::invalid_argument>(
        fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, y); },
        {"LogisticNeuron::fit", "y[4]", value.c_str(), "0 or 1"});
  }
}

TEST_CASE_TEMPLATE("fit: invalid options", T, float, double, long double) {
  Fixture<T> fx;
  struct Bad {
    const char* field;
    const char* expected;
    ln::FitOptions<T> options;
    std::string value;
  };
  std::vector<Bad> cases;
  auto add = [&](const char* field, const char* expected, auto set, T value) {
    ln::FitOptions<T> options;
    set(options, value);
    cases.push_back({field, expected, options, ln::detail::to_text(value)});
  };
  for (const T v : {T(0), T(-0.1), nan<T>(), inf<T>(), -inf<T>()}) {
    add("learning_rate", "finite and > 0", [](ln::FitOptions<T>& o, T x) { o.learning_rate = x; },
        v);
  }
  for (const T v : {T(-1e-9), T(-1), nan<T>(), -inf<T>()}) {
    add("tolerance", ">= 0", [](ln::FitOptions<T>& o, T x) { o.tolerance = x; }, v);
  }
  for (const T v : {T(-0.5), nan<T>(), inf<T>(), -inf<T>()}) {
    add("l2", "finite and >= 0", [](ln::FitOptions<T>& o, T x) { o.l2 = x; }, v);
  }
  for (const Index v : {Index(0), Index(-3)}) {
    ln::FitOptions<T> options;
    options.max_epochs = v;
    cases.push_back({"max_epochs", ">= 1", options, std::to_string(v)});
  }
  {
    ln::FitOptions<T> options;
    options.threads = -2;
    cases.push_back({"threads", ">= 0", options, "-2"});
  }
  for (const Bad& bad : cases) {
    CAPTURE(bad.field);
    CAPTURE(bad.value);
    check_fit_throws<std::invalid_argument>(
        fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, fx.p.y, bad.options); },
        {"LogisticNeuron::fit", bad.field, bad.expected, ("got " + bad.value).c_str()});
    // With sample weights too, and validate() on its own names its caller.
    check_fit_throws<std::invalid_argument>(
        fx,
        [&](ln::LogisticNeuron<T>& n) {
          n.fit(fx.p.X, fx.p.y, Vector<T>(Vector<T>::Ones(12)), bad.options);
        },
        {"LogisticNeuron::fit", bad.field});
    check_throws<std::invalid_argument>([&] { bad.options.validate("caller::name"); },
                                        {"caller::name", bad.field, bad.expected});
  }
  // The boundary values are accepted.
  ln::FitOptions<T> edge;
  edge.tolerance = T(0);
  edge.max_epochs = 1;
  edge.l2 = T(0);
  edge.learning_rate = std::numeric_limits<T>::min();
  CHECK_NOTHROW(edge.validate());
}

TEST_CASE_TEMPLATE("fit: bad sample weights", T, float, double, long double) {
  Fixture<T> fx;
  for (const T bad : {T(-1), nan<T>(), inf<T>()}) {
    Vector<T> s = Vector<T>::Ones(12);
    s[9] = bad;
    const std::string value = ln::detail::to_text(bad);
    CAPTURE(value);
    check_fit_throws<std::invalid_argument>(
        fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, fx.p.y, s); },
        {"LogisticNeuron::fit", "sample_weight[9]", value.c_str(), "finite weight >= 0"});
  }
  const Vector<T> zeros = Vector<T>::Zero(12);
  check_fit_throws<std::invalid_argument>(
      fx, [&](ln::LogisticNeuron<T>& n) { n.fit(fx.p.X, fx.p.y, zeros); },
      {"LogisticNeuron::fit", "sample_weight sums to 0", "at least one positive"});
}

TEST_CASE_TEMPLATE("a neuron that has no parameters cannot predict or evaluate", T, float, double,
                   long double) {
  Fixture<T> fx;
  const ln::LogisticNeuron<T>& n = fx.unfitted;
  const State<T> before = state_of(n);
  const std::initializer_list<const char*> tail = {"no parameters", "fit"};
  CHECK(check_throws<std::logic_error>([&] { n.predict(fx.p.X); }, tail)
            .find("LogisticNeuron::predict") != std::string::npos);
  CHECK(check_throws<std::logic_error>([&] { n.predict_proba(fx.p.X); }, tail)
            .find("LogisticNeuron::predict_proba") != std::string::npos);
  CHECK(check_throws<std::logic_error>([&] { n.decision_function(fx.p.X); }, tail)
            .find("LogisticNeuron::decision_function") != std::string::npos);
  CHECK(check_throws<std::logic_error>([&] { n.cost(fx.p.X, fx.p.y); }, tail)
            .find("LogisticNeuron::cost") != std::string::npos);
  CHECK(check_throws<std::logic_error>([&] { n.gradient(fx.p.X, fx.p.y); }, tail)
            .find("LogisticNeuron::gradient") != std::string::npos);
  CHECK(same_state(state_of(n), before));
  CHECK(n.n_features() == 0);
  CHECK(n.weights().size() == 0);
}

TEST_CASE_TEMPLATE("the wrong feature count", T, float, double, long double) {
  Fixture<T> fx;
  const Matrix<T> X4 = random_matrix<T>(12, 4, 502);
  const ln::LogisticNeuron<T>& n = fx.fitted;
  const std::initializer_list<const char*> parts = {"4 columns", "the neuron has 3 features"};
  // invalid_argument, which is a std::logic_error as STYLE.md asks for this case.
  static_assert(std::is_base_of_v<std::logic_error, std::invalid_argument>);
  CHECK(check_throws<std::invalid_argument>([&] { n.predict(X4); }, parts)
            .find("LogisticNeuron::predict") != std::string::npos);
  CHECK(check_throws<std::invalid_argument>([&] { n.predict_proba(X4); }, parts)
            .find("LogisticNeuron::predict_proba") != std::string::npos);
  CHECK(check_throws<std::invalid_argument>([&] { n.decision_function(X4); }, parts)
            .find("LogisticNeuron::decision_function") != std::string::npos);
  CHECK(check_throws<std::invalid_argument>([&] { n.cost(X4, fx.p.y); }, parts)
            .find("LogisticNeuron::cost") != std::string::npos);
  CHECK(check_throws<std::invalid_argument>([&] { n.gradient(X4, fx.p.y); }, parts)
            .find("LogisticNeuron::gradient") != std::string::npos);

  // A warm start needs the neuron's feature count; a cold fit may change it.
  ln::FitOptions<T> warm;
  warm.warm_start = true;
  const State<T> before = state_of(fx.fitted);
  check_throws<std::invalid_argument>([&] { fx.fitted.fit(X4, fx.p.y, warm); },
                                      {"LogisticNeuron::fit", "4 columns", "3 features"});
  CHECK(same_state(state_of(fx.fitted), before));
  ln::FitOptions<T> cold;
  cold.max_epochs = 3;
  fx.fitted.fit(X4, fx.p.y, cold);
  CHECK(fx.fitted.n_features() == 4);
}

TEST_CASE_TEMPLATE("cost, gradient and predict check their other inputs", T, float, double,
                   long double) {
  Fixture<T> fx;
  const ln::LogisticNeuron<T>& n = fx.fitted;
  const State<T> before = state_of(n);
  for (const T bad : {T(-1), nan<T>(), inf<T>()}) {
    const std::string value = ln::detail::to_text(bad);
    check_throws<std::invalid_argument>([&] { n.cost(fx.p.X, fx.p.y, bad); },
                                        {"LogisticNeuron::cost", "l2", ">= 0", value.c_str()});
    check_throws<std::invalid_argument>(
        [&] { n.gradient(fx.p.X, fx.p.y, bad); },
        {"LogisticNeuron::gradient", "l2", ">= 0", value.c_str()});
  }
  const Vector<T> y11 = fx.p.y.head(11);
  check_throws<std::invalid_argument>([&] { n.cost(fx.p.X, y11); },
                                      {"LogisticNeuron::cost", "12 rows", "y has 11 entries"});
  check_throws<std::invalid_argument>([&] { n.gradient(fx.p.X, y11); },
                                      {"LogisticNeuron::gradient", "12 rows", "11 entries"});
  Vector<T> y2 = fx.p.y;
  y2[0] = T(2);
  check_throws<std::invalid_argument>([&] { n.cost(fx.p.X, y2); },
                                      {"LogisticNeuron::cost", "y[0]", "0 or 1"});
  const Matrix<T> empty(0, 3);
  check_throws<std::invalid_argument>([&] { n.cost(empty, Vector<T>(0)); },
                                      {"LogisticNeuron::cost", "X is empty"});
  for (const T bad : {nan<T>(), inf<T>()}) {
    Matrix<T> X = fx.p.X;
    X(3, 1) = bad;
    const std::string value = ln::detail::to_text(bad);
    check_throws<std::invalid_argument>([&] { n.cost(X, fx.p.y); },
                                        {"LogisticNeuron::cost", "X(3, 1)", value.c_str()});
    check_throws<std::invalid_argument>([&] { n.gradient(X, fx.p.y); },
                                        {"LogisticNeuron::gradient", "X(3, 1)", value.c_str()});
    check_throws<std::invalid_argument>([&] { n.predict(X); },
                                        {"LogisticNeuron::predict", "X(3, 1)", value.c_str()});
    check_throws<std::invalid_argument>(
        [&] { n.predict_proba(X); }, {"LogisticNeuron::predict_proba", "X(3, 1)", value.c_str()});
  }
  for (const T bad : {T(-0.01), T(1.5), nan<T>()}) {
    const std::string value = ln::detail::to_text(bad);
    check_throws<std::invalid_argument>(
        [&] { n.predict(fx.p.X, bad); },
        {"LogisticNeuron::predict", "threshold", "[0, 1]", value.c_str()});
  }
  CHECK(same_state(state_of(n), before));
}

TEST_CASE_TEMPLATE("constructors reject a bad feature count and non-finite parameters", T, float,
                   double, long double) {
  for (const Index bad : {Index(0), Index(-1), Index(-100)}) {
    const std::string got = "got " + std::to_string(bad);
    check_throws<std::invalid_argument>([&] { ln::LogisticNeuron<T> n(bad); },
                                        {"LogisticNeuron::LogisticNeuron", "n_features", ">= 1",
                                         got.c_str()});
  }
  for (const T bad : {nan<T>(), inf<T>(), -inf<T>()}) {
    const std::string value = ln::detail::to_text(bad);
    Vector<T> w = Vector<T>::Ones(3);
    w[1] = bad;
    check_throws<std::invalid_argument>(
        [&] { ln::LogisticNeuron<T> n(w, T(0)); },
        {"LogisticNeuron::LogisticNeuron", "weights[1]", value.c_str(), "finite"});
    check_throws<std::invalid_argument>(
        [&] { ln::LogisticNeuron<T> n(Vector<T>::Ones(3), bad); },
        {"LogisticNeuron::LogisticNeuron", "bias", value.c_str(), "finite"});
  }
  check_throws<std::invalid_argument>([] { ln::LogisticNeuron<T> n(Vector<T>(0), T(0)); },
                                      {"LogisticNeuron::LogisticNeuron", "weights is empty"});
  check_throws<std::invalid_argument>([] { ln::set_num_threads(-1); },
                                      {"set_num_threads", ">= 0", "got -1"});
  // Scalar types other than float, double and long double are rejected at compile time.
  static_assert(ln::detail::is_supported_scalar_v<float> &&
                ln::detail::is_supported_scalar_v<double> &&
                ln::detail::is_supported_scalar_v<long double>);
  static_assert(!ln::detail::is_supported_scalar_v<int> &&
                !ln::detail::is_supported_scalar_v<std::complex<double>>);
}

TEST_CASE_TEMPLATE("a callback that throws leaves the neuron untouched", T, float, double,
                   long double) {
  Fixture<T> fx;
  struct Stop {};
  for (const bool warm : {false, true}) {
    for (const Index at : {Index(1), Index(3)}) {
      CAPTURE(warm);
      CAPTURE(at);
      ln::FitOptions<T> options;
      options.warm_start = warm;
      options.tolerance = T(0);
      options.on_epoch = [at](const ln::EpochInfo<T>& info) {
        if (info.epoch == at) throw std::runtime_error("stop here");
        return true;
      };
      for (ln::LogisticNeuron<T>* neuron : {&fx.fitted, &fx.unfitted}) {
        const State<T> before = state_of(*neuron);
        check_throws<std::runtime_error>([&] { neuron->fit(fx.p.X, fx.p.y, options); },
                                         {"stop here"});
        CHECK(same_state(state_of(*neuron), before));
      }
      // An exception of a type not derived from std::exception passes through as well.
      options.on_epoch = [at](const ln::EpochInfo<T>& info) {
        if (info.epoch == at) throw Stop{};
        return true;
      };
      const State<T> before = state_of(fx.fitted);
      CHECK_THROWS_AS(fx.fitted.fit(fx.p.X, fx.p.y, options), Stop);
      CHECK(same_state(state_of(fx.fitted), before));
    }
  }
}

}  // namespace test_errors
