// Bad input (issue 9, point 4): every input a new user may get wrong gets an exception that names
// the call, what was expected and what came, thrown before anything changes; and the NaN and
// infinity checks (point 5) that this file also runs compiled with -ffast-math (the executable
// logistic_neuron_tests_fast_math), where the library must read bit patterns.
#include <cstdlib>
#include <fstream>
#include <ios>
#include <limits>
#include <sstream>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_bad_input {

namespace {

using test_support::check_throws;
using test_support::Index;
using test_support::LD;
using test_support::Matrix;
using test_support::same_state;
using test_support::state_of;
using test_support::Vector;
namespace ln = logistic_neuron;

/// A small overlapping problem: X 40 x 2, labels 0 and 1.
template <class T>
struct Small {
  Matrix<T> X = test_support::random_matrix<T>(40, 2, 11);
  Vector<T> y = test_support::logistic_labels<T>(X, 12);
};

/// A neuron with parameters (and names), to see that a throwing call changes nothing.
template <class T>
ln::LogisticNeuron<T> fitted_neuron() {
  ln::LogisticNeuron<T> neuron(Vector<T>::LinSpaced(2, T(0.5), T(-1)), T(0.25));
  neuron.set_feature_names({"first", "second"});
  return neuron;
}

/// The number printed in `message` between `before` and the next ';', read back as long double.
LD number_after(const std::string& message, const std::string& before) {
  const std::size_t at = message.find(before);
  REQUIRE(at != std::string::npos);
  const std::size_t start = at + before.size();
  const std::string text = message.substr(start, message.find(';', start) - start);
  return std::strtold(text.c_str(), nullptr);
}

/// A stream buffer whose every write fails (as a full device does).
class FailingBuffer : public std::streambuf {
 protected:
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

/// A scratch file of this executable (the -ffast-math build runs beside the main one: its own
/// names).
std::string work_path(const std::string& name) {
#ifdef __FAST_MATH__
  const std::string build = "fast_math_";
#else
  const std::string build;
#endif
  return std::string(LOGISTIC_NEURON_TEST_WORK_DIR) + "/bad_input_" + build + name;
}

}  // namespace

TEST_CASE_TEMPLATE("bad input: a label that is not 0 or 1 is printed so that the reader sees why",
                   T, float, double, long double) {
  const Small<T> data;
  ln::LogisticNeuron<T> neuron = fitted_neuron<T>();
  const auto before = state_of(neuron);
  // Labels that round to "1" at 10 significant digits: the message must show them as they are,
  // with enough digits that reading the text back gives the label itself, not 1.
  const T eps = std::numeric_limits<T>::epsilon();
  for (const T label : {T(1) + eps, T(1) - eps / 2, T(1) + 8 * eps, static_cast<T>(0.99999999999L),
                        static_cast<T>(1e-30L)}) {
    if (label == 1 || label == 0) continue;  // 0.99999999999 rounds to 1 in float
    CAPTURE(static_cast<LD>(label));
    Vector<T> y = data.y;
    y[7] = label;
    const std::string message = check_throws<std::invalid_argument>(
        [&] { neuron.fit(data.X, y); }, {"LogisticNeuron::fit: y[7] is ", "; expected a label 0 or 1"});
    CHECK(static_cast<T>(number_after(message, "y[7] is ")) == label);
    CHECK(message.find("y[7] is 1;") == std::string::npos);
    // The same for cost() and gradient(), which take y too.
    check_throws<std::invalid_argument>([&] { neuron.cost(data.X, y); },
                                        {"LogisticNeuron::cost: y[7] is "});
    check_throws<std::invalid_argument>([&] { neuron.gradient(data.X, y); },
                                        {"LogisticNeuron::gradient: y[7] is "});
    CHECK(same_state(before, state_of(neuron)));
  }
}

TEST_CASE("bad input: integer labels, char included, are printed as numbers") {
  const Small<double> data;
  ln::LogisticNeuron<double> neuron = fitted_neuron<double>();
  const auto before = state_of(neuron);
  {
    Eigen::Matrix<char, Eigen::Dynamic, 1> y = data.y.cast<char>();
    y[3] = 49;  // the character '1'
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, y); },
                                        {"LogisticNeuron::fit: y[3] is 49; expected a label 0 or 1"});
  }
  {
    Eigen::Matrix<signed char, Eigen::Dynamic, 1> y = data.y.cast<signed char>();
    y[4] = -1;
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, y); },
                                        {"LogisticNeuron::fit: y[4] is -1; expected a label"});
  }
  {
    Eigen::Matrix<unsigned char, Eigen::Dynamic, 1> y = data.y.cast<unsigned char>();
    y[5] = 200;
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, y); },
                                        {"LogisticNeuron::fit: y[5] is 200; expected a label"});
  }
  {
    Eigen::Matrix<long long, Eigen::Dynamic, 1> y = data.y.cast<long long>();
    y[6] = 2;
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, y); },
                                        {"LogisticNeuron::fit: y[6] is 2; expected a label"});
  }
  CHECK(same_state(before, state_of(neuron)));
  // Labels 0 and 1 of any integer type are fine, and give the fit of the double labels.
  ln::LogisticNeuron<double> from_double, from_char;
  const auto a = from_double.fit(data.X, data.y);
  const auto b = from_char.fit(data.X, data.y.cast<char>().eval());
  CHECK(a.cost == b.cost);
  CHECK(from_double.weights() == from_char.weights());
}

TEST_CASE_TEMPLATE("bad input: y must be a vector", T, float, double) {
  // y is checked at run time: Eigen's dynamic matrices are vectors or not by their run-time
  // shape (a MatrixXd of one column is a valid y), so a compile-time check would reject good
  // input or miss bad; the run-time check covers every form, and names the shape it got.
  const Small<T> data;
  ln::LogisticNeuron<T> neuron = fitted_neuron<T>();
  const auto before = state_of(neuron);
  const Matrix<T> Y = Matrix<T>::Zero(20, 2);  // 40 labels, but as a matrix
  const std::vector<const char*> expected = {"y is a 20 x 2 matrix; expected a vector"};
  check_throws<std::invalid_argument>([&] { neuron.fit(data.X, Y); },
                                      {"LogisticNeuron::fit: ", expected[0]});
  check_throws<std::invalid_argument>([&] { neuron.fit(data.X, Y, Vector<T>::Ones(40)); },
                                      {"LogisticNeuron::fit: ", expected[0]});
  check_throws<std::invalid_argument>([&] { neuron.cost(data.X, Y); },
                                      {"LogisticNeuron::cost: ", expected[0]});
  check_throws<std::invalid_argument>([&] { neuron.gradient(data.X, Y); },
                                      {"LogisticNeuron::gradient: ", expected[0]});
  // Sample weights as a matrix likewise.
  check_throws<std::invalid_argument>(
      [&] { neuron.fit(data.X, data.y, Matrix<T>::Ones(20, 2)); },
      {"LogisticNeuron::fit: sample_weight is a 20 x 2 matrix; expected a vector"});
  CHECK(same_state(before, state_of(neuron)));
  // A row vector is a vector: it fits as the column does.
  ln::LogisticNeuron<T> by_column, by_row;
  const auto a = by_column.fit(data.X, data.y);
  const auto b = by_row.fit(data.X, data.y.transpose());
  CHECK(a.cost == b.cost);
  CHECK(by_column.weights() == by_row.weights());
}

TEST_CASE_TEMPLATE("bad input: every enum of FitOptions out of range is rejected by validate()", T,
                   float, double) {
  const Small<T> data;
  ln::LogisticNeuron<T> neuron = fitted_neuron<T>();
  const auto before = state_of(neuron);
  {
    ln::FitOptions<T> options;
    options.reduction = static_cast<ln::CostReduction>(5);
    check_throws<std::invalid_argument>([&] { options.validate(); },
                                        {"FitOptions::validate: reduction must be mean or sum, got 5"});
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, data.y, options); },
                                        {"LogisticNeuron::fit: reduction must be mean or sum, got 5"});
  }
  for (const int value : {-1, 99}) {
    ln::FitOptions<T> options;
    options.solver = static_cast<ln::Solver>(value);
    const std::string got = "got " + std::to_string(value);
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, data.y, options); },
                                        {"LogisticNeuron::fit: solver must be gradient_descent",
                                         got.c_str()});
  }
  {
    ln::FitOptions<T> options;
    options.class_weight.mode = static_cast<typename ln::ClassWeight<T>::Mode>(7);
    check_throws<std::invalid_argument>(
        [&] { neuron.fit(data.X, data.y, options); },
        {"LogisticNeuron::fit: class_weight.mode must be none, balanced or given, got 7"});
  }
  CHECK(same_state(before, state_of(neuron)));
  // Every value inside the enumerations passes.
  for (const auto reduction : {ln::CostReduction::mean, ln::CostReduction::sum}) {
    ln::FitOptions<T> options;
    options.reduction = reduction;
    CHECK_NOTHROW(options.validate());
  }
  for (const auto solver : {ln::Solver::gradient_descent, ln::Solver::newton, ln::Solver::lbfgs,
                            ln::Solver::newton_cg}) {
    ln::FitOptions<T> options;
    options.solver = solver;
    CHECK_NOTHROW(options.validate());
  }
  using Mode = typename ln::ClassWeight<T>::Mode;
  for (const auto mode : {Mode::none, Mode::balanced, Mode::given}) {
    ln::FitOptions<T> options;
    options.class_weight.mode = mode;
    CHECK_NOTHROW(options.validate());
  }
}

TEST_CASE_TEMPLATE("bad input: NaN and infinity are found wherever they come in (also under "
                   "-ffast-math)",
                   T, float, double, long double) {
  const Small<T> data;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T inf = std::numeric_limits<T>::infinity();
  ln::LogisticNeuron<T> neuron = fitted_neuron<T>();
  const auto before = state_of(neuron);
  for (const T bad : {nan, inf, -inf}) {
    const std::string shown = ln::detail::to_text(bad);
    CAPTURE(shown);
    Matrix<T> X = data.X;
    X(5, 1) = bad;
    const std::string entry = "X(5, 1) is " + shown + "; expected finite values";
    check_throws<std::invalid_argument>([&] { neuron.fit(X, data.y); },
                                        {"LogisticNeuron::fit: ", entry.c_str()});
    check_throws<std::invalid_argument>([&] { neuron.decision_function(X); },
                                        {"LogisticNeuron::decision_function: ", entry.c_str()});
    check_throws<std::invalid_argument>([&] { neuron.predict_proba(X); },
                                        {"LogisticNeuron::predict_proba: ", entry.c_str()});
    check_throws<std::invalid_argument>([&] { neuron.predict(X); },
                                        {"LogisticNeuron::predict: ", entry.c_str()});
    check_throws<std::invalid_argument>([&] { neuron.cost(X, data.y); },
                                        {"LogisticNeuron::cost: ", entry.c_str()});
    // A row-major X is scanned in its own order: the same entry is named.
    const test_support::RowMatrix<T> Xr = X;
    check_throws<std::invalid_argument>([&] { neuron.fit(Xr, data.y); },
                                        {"LogisticNeuron::fit: ", entry.c_str()});
    Vector<T> y = data.y;
    y[2] = bad;
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, y); },
                                        {"LogisticNeuron::fit: y[2] is ", shown.c_str()});
    Vector<T> s = Vector<T>::Ones(40);
    s[9] = bad;
    check_throws<std::invalid_argument>([&] { neuron.fit(data.X, data.y, s); },
                                        {"LogisticNeuron::fit: sample_weight[9] is ",
                                         shown.c_str()});
    // Options.
    auto option = [&](const char* field, auto set) {
      ln::FitOptions<T> options;
      set(options);
      const std::string what = std::string("LogisticNeuron::fit: ") + field;
      check_throws<std::invalid_argument>([&] { neuron.fit(data.X, data.y, options); },
                                          {what.c_str(), shown.c_str()});
    };
    option("learning_rate", [&](ln::FitOptions<T>& o) { o.learning_rate = bad; });
    option("l2", [&](ln::FitOptions<T>& o) { o.l2 = bad; });
    option("lambda", [&](ln::FitOptions<T>& o) { o.lambda = bad; });
    if (ln::detail::is_nan_bits(bad)) {  // NaN only: an infinite tolerance is valid (it stops at
                                         // once); is_nan_bits, as x != x is false under -ffast-math
      option("tolerance", [&](ln::FitOptions<T>& o) { o.tolerance = bad; });
      option("gradient_tolerance", [&](ln::FitOptions<T>& o) { o.gradient_tolerance = bad; });
    }
    option("alpha", [&](ln::FitOptions<T>& o) { o.alpha = bad; });
    option("class_weight.weight_1", [&](ln::FitOptions<T>& o) {
      o.class_weight = ln::ClassWeight<T>::given(1, bad);
    });
    option("penalty_factors[1]", [&](ln::FitOptions<T>& o) {
      o.penalty_factors = Vector<T>::Ones(2);
      o.penalty_factors[1] = bad;
    });
    check_throws<std::invalid_argument>([&] { neuron.cost(data.X, data.y, bad); },
                                        {"LogisticNeuron::cost: l2 must be finite", shown.c_str()});
    check_throws<std::invalid_argument>([&] { neuron.predict(data.X, bad); },
                                        {"LogisticNeuron::predict: threshold must be in [0, 1]",
                                         shown.c_str()});
    // Parameters: constructor, standardization metadata.
    Vector<T> w = Vector<T>::Ones(2);
    w[1] = bad;
    check_throws<std::invalid_argument>([&] { ln::LogisticNeuron<T> made(w, T(0)); },
                                        {"LogisticNeuron::LogisticNeuron: weights[1] is "});
    check_throws<std::invalid_argument>([&] { ln::LogisticNeuron<T> made(Vector<T>::Ones(2), bad); },
                                        {"LogisticNeuron::LogisticNeuron: bias is "});
    check_throws<std::invalid_argument>(
        [&] { neuron.set_standardization(w, Vector<T>::Ones(2)); },
        {"LogisticNeuron::set_standardization: feature 1 has mean "});
    CHECK(same_state(before, state_of(neuron)));
  }
  // A model file with a non-finite number.
  for (const char* word : {"nan", "inf", "-inf"}) {
    std::istringstream in(std::string("logistic_neuron_model 1\nscalar double\nfeatures 2\n"
                                      "weights\n1\n") + word + "\nbias 0\nend\n");
    check_throws<ln::FormatError>([&] { neuron.load(in); },
                                  {"LogisticNeuron::load: line 6: weight 2 of 2 is \"", word,
                                   "\"; expected a finite number"});
    CHECK(same_state(before, state_of(neuron)));
  }
}

TEST_CASE_TEMPLATE("bad input: huge finite weights give logits of +-infinity, never NaN "
                   "probabilities, and cost, gradient and fit say so",
                   T, float, double, long double) {
  // w = (big, -big) with big a quarter of the largest T: x . w overflows T on rows 0, 1 and 3
  // but is exactly 0 on row 2 (x = (1, 1)).
  const T big = std::numeric_limits<T>::max() / 4;
  Matrix<T> X(4, 2);
  X << T(1e3), T(1), T(1), T(1e3), T(1), T(1), T(-1e3), T(1);
  Vector<T> y(4);
  y << 1, 0, 1, 0;
  ln::LogisticNeuron<T> neuron(Vector<T>((Vector<T>(2) << big, -big).finished()), T(0));
  const auto before = state_of(neuron);
  if constexpr (!std::is_same_v<T, long double>) {
    // The logits are recomputed in long double and rounded to T: +-infinity, never NaN.
    const Vector<T> z = neuron.decision_function(X);
    const T inf = std::numeric_limits<T>::infinity();
    CHECK(z[0] == inf);
    CHECK(z[1] == -inf);
    CHECK(z[2] == 0);
    CHECK(z[3] == -inf);
    const Vector<T> p = neuron.predict_proba(X);
    const Eigen::VectorXi labels = neuron.predict(X);
#ifndef __FAST_MATH__
    CHECK(p[0] == 1);
    CHECK(p[1] == 0);
    CHECK(p[2] == T(0.5));
    CHECK(p[3] == 0);
    CHECK(labels[2] == 0);  // 0.5 is not > 0.5
#else
    // -ffast-math lets the compiler approximate the sigmoid's exp and division (measured with
    // clang: 1 - 2^-24 for 1): numbers in [0, 1] on the right side of 0.5, not the exact values.
    for (Index i = 0; i < 4; ++i) {
      CHECK(ln::detail::is_finite_bits(p[i]));
      CHECK(p[i] >= 0);
      CHECK(p[i] <= 1);
    }
    CHECK(p[0] > T(0.999));
    CHECK(p[1] < T(0.001));
    CHECK(std::abs(p[2] - T(0.5)) < T(0.001));
    CHECK(p[3] < T(0.001));
#endif
    CHECK(labels[0] == 1);
    CHECK(labels[1] == 0);
    CHECK(labels[3] == 0);
  } else {
    // No wider type to recompute in: the call says so.
    check_throws<std::overflow_error>([&] { neuron.decision_function(X); },
                                      {"LogisticNeuron::decision_function: the logit of row 0 "
                                       "overflows"});
    check_throws<std::overflow_error>([&] { neuron.predict_proba(X); },
                                      {"LogisticNeuron::predict_proba: the logit of row 0"});
    check_throws<std::overflow_error>([&] { neuron.predict(X); },
                                      {"LogisticNeuron::predict: the logit of row 0"});
  }
  check_throws<std::overflow_error>([&] { neuron.cost(X, y); },
                                    {"LogisticNeuron::cost: the cost or its gradient overflows"});
  check_throws<std::overflow_error>([&] { neuron.gradient(X, y); },
                                    {"LogisticNeuron::gradient: the cost or its gradient "
                                     "overflows"});
  CHECK(same_state(before, state_of(neuron)));
  // A warm start from there: every solver reports non_finite and the neuron keeps its finite
  // parameters (measured before the fix: L-BFGS and Newton-CG left weights of +-inf).
  for (const ln::Solver solver : {ln::Solver::gradient_descent, ln::Solver::newton,
                                  ln::Solver::lbfgs, ln::Solver::newton_cg}) {
    for (const bool standardize : {false, true}) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      ln::FitOptions<T> options;
      options.solver = solver;
      options.standardize = standardize;
      options.warm_start = true;
      const auto result = neuron.fit(X, y, options);
      CHECK(result.stop_reason == ln::StopReason::non_finite);
      CHECK(same_state(before, state_of(neuron)));
    }
  }
}

TEST_CASE("bad input: save and load name the call and the path") {
  ln::LogisticNeuron<double> neuron = fitted_neuron<double>();
  const auto before = state_of(neuron);
  if (std::ofstream("/dev/full")) {
    // The file opens, and writing to it fails.
    check_throws<std::runtime_error>([&] { neuron.save(std::string("/dev/full")); },
                                     {"LogisticNeuron::save: writing \"/dev/full\" failed"});
    std::ofstream full("/dev/full");
    check_throws<std::runtime_error>([&] { neuron.save(full); },
                                     {"LogisticNeuron::save: writing the stream failed"});
  }
  const std::string missing = work_path("no/such/dir/model.txt");
  const std::string cannot_write = "LogisticNeuron::save: cannot open \"" + missing + "\"";
  check_throws<std::runtime_error>([&] { neuron.save(missing); }, {cannot_write.c_str()});
  const std::string cannot_read = "LogisticNeuron::load: cannot open \"" + missing + "\"";
  check_throws<std::runtime_error>([&] { neuron.load(missing); }, {cannot_read.c_str()});
  // A file that opens but is not a model: the FormatError names the path and the line.
  const std::string truncated = work_path("truncated.model");
  std::ofstream(truncated) << "logistic_neuron_model 1\nscalar double\nfeatures 2\nweights\n1\n";
  const std::string where = "LogisticNeuron::load: \"" + truncated + "\": line 6: ";
  check_throws<ln::FormatError>([&] { neuron.load(truncated); },
                                {where.c_str(), "the input ended (truncated)"});
  CHECK(same_state(before, state_of(neuron)));
  CHECK(neuron.feature_names() == std::vector<std::string>{"first", "second"});
  // The free functions name themselves.
  check_throws<std::runtime_error>([&] { ln::write_model(missing, neuron.model()); },
                                   {"logistic_neuron::write_model: cannot open \""});
  check_throws<ln::FormatError>([&] { ln::read_model<double>(truncated); },
                                {"logistic_neuron::read_model: \"", "\": line 6: "});
}

TEST_CASE("bad input: a stream with exceptions() set gives FormatError or a runtime_error naming "
          "the call, never std::ios_base::failure") {
  ln::LogisticNeuron<double> neuron = fitted_neuron<double>();
  const auto before = state_of(neuron);
  const auto all = std::ios::failbit | std::ios::badbit | std::ios::eofbit;
  {
    std::istringstream in("logistic_neuron_model 1\nscalar double\nfeatures 2\nweights\n1\n");
    in.exceptions(all);
    check_throws<ln::FormatError>([&] { neuron.load(in); },
                                  {"LogisticNeuron::load: line 6: the input ended (truncated)"});
    CHECK(same_state(before, state_of(neuron)));
  }
  {
    // A good model, twice in one stream, reads the same with exceptions set.
    std::ostringstream text;
    neuron.save(text);
    neuron.save(text);
    std::istringstream in(text.str());
    in.exceptions(all);
    ln::LogisticNeuron<double> first, second;
    first.load(in);
    second.load(in);
    CHECK(same_state(before, state_of(first)));
    CHECK(same_state(before, state_of(second)));
  }
  {
    FailingBuffer buffer;
    std::ostream out(&buffer);
    out.exceptions(std::ios::failbit | std::ios::badbit);
    check_throws<std::runtime_error>([&] { neuron.save(out); },
                                     {"LogisticNeuron::save: writing the stream failed"});
    std::ostream out2(&buffer);
    out2.exceptions(std::ios::failbit | std::ios::badbit);
    check_throws<std::runtime_error>([&] { neuron.export_cpp(out2, "model"); },
                                     {"LogisticNeuron::export_cpp: writing the stream failed"});
  }
}

TEST_CASE_TEMPLATE("bad input: a neuron moved from has no parameters", T, float, double) {
  const Small<T> data;
  ln::LogisticNeuron<T> source = fitted_neuron<T>();
  const auto fitted = state_of(source);
  auto check_empty = [&](const ln::LogisticNeuron<T>& moved) {
    CHECK_FALSE(moved.has_parameters());
    CHECK(moved.n_features() == 0);
    CHECK(moved.bias() == 0);
    CHECK(moved.feature_names().empty());
    CHECK(moved.feature_means().size() == 0);
    std::ostringstream out;
    check_throws<std::logic_error>([&] { moved.export_cpp(out, "model"); },
                                   {"LogisticNeuron::export_cpp: the neuron has no parameters"});
    CHECK(out.str().empty());
    check_throws<std::logic_error>([&] { moved.save(out); },
                                   {"LogisticNeuron::save: the neuron has no parameters"});
    check_throws<std::logic_error>([&] { moved.predict(data.X); },
                                   {"LogisticNeuron::predict: the neuron has no parameters"});
  };
  // Move construction.
  ln::LogisticNeuron<T> target(std::move(source));
  CHECK(same_state(fitted, state_of(target)));
  CHECK(target.feature_names().size() == 2);
  check_empty(source);
  // Move assignment into a neuron with other parameters: the source does not keep them (Eigen's
  // move assignment swaps storage; the neuron's does not).
  ln::LogisticNeuron<T> other(Vector<T>::Constant(3, T(2)), T(7));
  other = std::move(target);
  CHECK(same_state(fitted, state_of(other)));
  check_empty(target);
  // A moved-from neuron is usable: it fits.
  const auto result = target.fit(data.X, data.y);
  CHECK(result.epochs > 0);
  CHECK(target.n_features() == 2);
}

}  // namespace test_bad_input
