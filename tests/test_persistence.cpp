// Persistence: LogisticNeuron::save / load and the model file format of io.hpp.
//
// Truth here is the format as io.hpp specifies it (hand-written files and hand-written expected
// text), bit-exact equality after a round trip, and the exact line numbers of malformed input.

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <locale>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_persistence {

namespace {

namespace ln = logistic_neuron;

template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// The same value and the same sign (so -0 differs from +0); for long double only the value bits
// matter, not the padding.
template <class T>
bool same_bits(T a, T b) {
  return (a == b && std::signbit(a) == std::signbit(b));
}

// Weights that stress a decimal round trip: values needing all max_digits10 digits, extremes of
// the range, subnormals, negative zero, and seeded random values over many magnitudes.
template <class T>
Vec<T> hard_weights() {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {T(0.1), T(1) / T(3), -T(2) / T(3), L::max(), -L::max(), L::min(),
                      L::denorm_min(), -L::denorm_min(), L::epsilon(), T(-0.0), T(0),
                      std::nextafter(T(1), T(2)), std::nextafter(T(1), T(0)), T(123456789)};
  std::mt19937 engine(42);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int k = 0; k < 200; ++k) {
    v.push_back(static_cast<T>(std::ldexp(mantissa(engine), exponent(engine))) *
                (T(1) + T(mantissa(engine)) * L::epsilon()));
  }
  return Eigen::Map<Vec<T>>(v.data(), static_cast<Eigen::Index>(v.size()));
}

// Loads `text` into a double neuron that holds {1, 2}, 3 and expects a FormatError on `line`
// whose message contains `part`; checks that the neuron did not change.
void expect_format_error(const std::string& text, std::size_t line, const std::string& part) {
  ln::LogisticNeuron<double> neuron(Vec<double>::LinSpaced(2, 1, 2), 3.0);
  neuron.set_feature_names({"a", "b"});
  std::istringstream in(text);
  bool thrown = false;
  try {
    neuron.load(in);
  } catch (const ln::FormatError& e) {
    thrown = true;
    const std::string what = e.what();
    CHECK(e.line() == line);
    CHECK_MESSAGE(what.find("LogisticNeuron::load: line " + std::to_string(line) + ": ") == 0,
                  what);
    CHECK_MESSAGE(what.find(part) != std::string::npos, what, " should contain: ", part);
  }
  CHECK_MESSAGE(thrown, "no FormatError for:\n", text);
  // Strong guarantee: nothing changed.
  CHECK(neuron.n_features() == 2);
  CHECK(neuron.weights()[0] == 1.0);
  CHECK(neuron.weights()[1] == 2.0);
  CHECK(neuron.bias() == 3.0);
  CHECK(neuron.feature_names() == std::vector<std::string>{"a", "b"});
}

const std::string good_header = "logistic_neuron_model 1\nscalar double\nfeatures 2\nweights\n";

}  // namespace

TEST_CASE_TEMPLATE("persistence: a round trip gives back the same bits", T, float, double,
                   long double) {
  const Vec<T> w = hard_weights<T>();
  const T bias = -T(1) / T(7);
  ln::LogisticNeuron<T> saved(w, bias);
  std::ostringstream out;
  saved.save(out);

  ln::LogisticNeuron<T> loaded;
  std::istringstream in(out.str());
  loaded.load(in);
  REQUIRE(loaded.n_features() == w.size());
  CHECK(loaded.has_parameters());
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    CHECK_MESSAGE(same_bits(loaded.weights()[j], w[j]), "weight ", j);
  }
  CHECK(same_bits(loaded.bias(), bias));
  CHECK(loaded.feature_names().empty());
  CHECK(loaded.feature_means().size() == 0);

  // Saving what was loaded writes the same text.
  std::ostringstream again;
  loaded.save(again);
  CHECK(again.str() == out.str());
}

TEST_CASE_TEMPLATE("persistence: feature names and standardization round trip, through a file", T,
                   float, double, long double) {
  ln::LogisticNeuron<T> saved(Vec<T>::LinSpaced(3, T(-0.3), T(0.7)), T(0.01));
  saved.set_feature_names({"mean radius", "caf\xc3\xa9 #2", "x[3]=\"y\""});
  Vec<T> means(3), scales(3);
  means << T(14.127), T(-1) / T(3), T(0);
  scales << T(3.524), T(1e-20), T(1e20);
  saved.set_standardization(means, scales);

  const std::string path =
      std::string(LOGISTIC_NEURON_TEST_WORK_DIR) + "/persistence_" + ln::detail::scalar_name<T>()[0] + ".model";
  saved.save(path);
  ln::LogisticNeuron<T> loaded(5);
  loaded.load(path);
  std::remove(path.c_str());
  CHECK(loaded.feature_names() == saved.feature_names());
  REQUIRE(loaded.feature_means().size() == 3);
  for (Eigen::Index j = 0; j < 3; ++j) {
    CHECK(same_bits(loaded.weights()[j], saved.weights()[j]));
    CHECK(same_bits(loaded.feature_means()[j], means[j]));
    CHECK(same_bits(loaded.feature_scales()[j], scales[j]));
  }
}

TEST_CASE("persistence: the text is the documented format, whatever the stream's locale") {
  ln::LogisticNeuron<double> neuron(Vec<double>::LinSpaced(2, 0.5, -1.25), 0.125);
  neuron.set_feature_names({"first", "second"});
  Vec<double> means(2), scales(2);
  means << 1.5, -2;
  scales << 0.25, 4;
  neuron.set_standardization(means, scales);

  // A numpunct with a decimal comma and digit grouping: operator<< would write "0,5".
  struct Comma : std::numpunct<char> {
    char do_decimal_point() const override { return ','; }
    char do_thousands_sep() const override { return '.'; }
    std::string do_grouping() const override { return "\3"; }
  };
  std::ostringstream out;
  out.imbue(std::locale(std::locale::classic(), new Comma));
  out.precision(2);
  out << std::fixed;
  neuron.save(out);
  CHECK(out.str() ==
        "logistic_neuron_model 1\n"
        "scalar double\n"
        "features 2\n"
        "weights\n"
        "0.5\n"
        "-1.25\n"
        "bias 0.125\n"
        "feature_names\n"
        "first\n"
        "second\n"
        "standardization\n"
        "1.5 0.25\n"
        "-2 4\n"
        "end\n");

  // 0.1 needs all 17 digits to come back as the same double.
  std::ostringstream tenth;
  ln::LogisticNeuron<double>(Vec<double>::Constant(1, 0.1), 0).save(tenth);
  CHECK(tenth.str().find("\n0.10000000000000001\n") != std::string::npos);
  std::ostringstream tenth_f;
  ln::LogisticNeuron<float>(Vec<float>::Constant(1, 0.1f), 0).save(tenth_f);
  CHECK(tenth_f.str().find("\n0.100000001\n") != std::string::npos);
  CHECK(tenth_f.str().find("scalar float\n") != std::string::npos);
}

TEST_CASE("persistence: a hand-written file loads; spaces, tabs and CRLF line ends are fine") {
  const std::string text =
      "  logistic_neuron_model   1\r\n"
      "scalar\tlong   double\r\n"
      "features 3 \n"
      "weights\n"
      "1\n"
      " -2.5e-3\t\n"
      "+0.25\n"  // from_chars rejects a leading '+'
      "bias 7\n"
      "end\n";
  ln::LogisticNeuron<double> neuron;
  std::istringstream bad(text);
  CHECK_THROWS_AS(neuron.load(bad), ln::FormatError);
  std::string fixed = text;
  fixed.replace(fixed.find("+0.25"), 5, "0.25");
  std::istringstream in(fixed);
  neuron.load(in);
  REQUIRE(neuron.n_features() == 3);
  CHECK(neuron.weights()[0] == 1.0);
  CHECK(neuron.weights()[1] == -2.5e-3);
  CHECK(neuron.weights()[2] == 0.25);
  CHECK(neuron.bias() == 7.0);
  // The loaded neuron predicts: z = 1*1 + (-2.5e-3)*2 + 0.25*3 + 7.
  Eigen::MatrixXd X(1, 3);
  X << 1, 2, 3;
  CHECK(neuron.decision_function(X)[0] == doctest::Approx(8.745).epsilon(1e-15));
}

TEST_CASE("persistence: models concatenated in one stream load one after the other") {
  std::stringstream stream;
  ln::LogisticNeuron<double>(Vec<double>::Constant(1, 1.0), 2.0).save(stream);
  ln::LogisticNeuron<double>(Vec<double>::Constant(2, 3.0), 4.0).save(stream);
  ln::LogisticNeuron<double> first, second;
  first.load(stream);
  second.load(stream);
  CHECK(first.n_features() == 1);
  CHECK(first.bias() == 2.0);
  CHECK(second.n_features() == 2);
  CHECK(second.bias() == 4.0);
}

TEST_CASE("persistence: scalar types convert as documented") {
  // float -> double and double -> long double: exact.
  const Vec<float> wf = hard_weights<float>();
  std::stringstream f;
  ln::LogisticNeuron<float>(wf, 0.3f).save(f);
  ln::LogisticNeuron<double> d;
  d.load(f);
  for (Eigen::Index j = 0; j < wf.size(); ++j) CHECK(same_bits(d.weights()[j], double(wf[j])));
  CHECK(d.bias() == double(0.3f));

  // double -> float: rounded to nearest, as static_cast does.
  Vec<double> wd(3);
  wd << 0.1, 1.0 / 3.0, 1e-40;
  std::stringstream g;
  ln::LogisticNeuron<double>(wd, 0.7).save(g);
  ln::LogisticNeuron<float> narrow;
  narrow.load(g);
  for (Eigen::Index j = 0; j < 3; ++j) CHECK(same_bits(narrow.weights()[j], static_cast<float>(wd[j])));

  // A double that overflows float is an error naming the line.
  std::stringstream h;
  ln::LogisticNeuron<double>(Vec<double>::Constant(2, 1e300), 0).save(h);
  ln::LogisticNeuron<float> target;
  try {
    target.load(h);
    FAIL("no exception");
  } catch (const ln::FormatError& e) {
    CHECK(e.line() == 5);
    CHECK(std::string(e.what()).find("overflows float") != std::string::npos);
  }
  CHECK_FALSE(target.has_parameters());
}

TEST_CASE("persistence: malformed input throws FormatError naming the line") {
  const std::string tail = "0.5\n-1\nbias 2\nend\n";
  expect_format_error("", 1, "the input ended (truncated)");
  expect_format_error("logistic_neuron_model 1\n", 2, "the input ended (truncated); expected \"scalar <type>\"");
  expect_format_error("hello world\n", 1, "is this a logistic_neuron model?");
  expect_format_error("logistic_neuron_model 2\nscalar double\n", 1, "unsupported format version \"2\"");
  expect_format_error("logistic_neuron_model\n", 1, "unsupported format version \"\"");
  expect_format_error("logistic_neuron_model 1\nscalar int\n", 2, "unknown scalar type \"int\"");
  expect_format_error("logistic_neuron_model 1\nscalar long int\n", 2, "unknown scalar type");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures 0\n", 3, "feature count");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures -3\n", 3, "feature count");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures two\n", 3, "got \"two\"");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures 2.0\n", 3, "feature count");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures 10000001\n", 3,
                      "[1, 10000000]");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures 99999999999999999999999\n",
                      3, "feature count");
  expect_format_error("logistic_neuron_model 1\nscalar double\nweights 2\n", 3,
                      "expected \"features <count>\"");
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures 2\n0.5\n", 4,
                      "expected \"weights\"");
  // Not numbers, NaN, infinity, out of range.
  expect_format_error(good_header + "abc\n-1\nbias 2\nend\n", 5, "expected weight 1 of 2 (a number), got \"abc\"");
  expect_format_error(good_header + "0.5\n1.5x\nbias 2\nend\n", 6, "expected weight 2 of 2 (a number), got \"1.5x\"");
  expect_format_error(good_header + "0.5\n0x10\nbias 2\nend\n", 6, "weight 2 of 2");
  expect_format_error(good_header + "nan\n-1\nbias 2\nend\n", 5, "weight 1 of 2 is \"nan\"; expected a finite number");
  expect_format_error(good_header + "0.5\n-inf\nbias 2\nend\n", 6, "expected a finite number");
  expect_format_error(good_header + "0.5\n1e999\nbias 2\nend\n", 6, "out of the range of double");
  expect_format_error(good_header + "0.5\n1 2\nbias 2\nend\n", 6, "got \"1 2\"");
  expect_format_error(good_header + "0.5\n-1\nbias\nend\n", 7, "expected the bias (a number), got \"\"");
  expect_format_error(good_header + "0.5\n-1\nbias NaN\nend\n", 7, "the bias is \"NaN\"");
  // Wrong counts: too few weights, too many weights, truncated inside the weights.
  expect_format_error(good_header + "0.5\nbias 2\nend\n", 6, "expected weight 2 of 2 (a number), got \"bias 2\"");
  expect_format_error(good_header + "0.5\n-1\n3\nbias 2\nend\n", 7, "expected \"bias <number>\" after 2 weights, got \"3\"");
  expect_format_error(good_header + "0.5\n", 6, "the input ended (truncated); expected weight 2 of 2");
  // A huge claimed size with little data: truncation is found at the first missing line, and
  // nothing is reserved for the claimed count.
  expect_format_error("logistic_neuron_model 1\nscalar double\nfeatures 10000000\nweights\n1\n2\n",
                      7, "expected weight 3 of 10000000");
  // Missing end, unknown section, optional sections malformed.
  expect_format_error(good_header + "0.5\n-1\nbias 2\n", 8, "the input ended (truncated)");
  expect_format_error(good_header + tail.substr(0, tail.size() - 4) + "colour blue\nend\n", 8,
                      "expected \"end\" (or an optional \"feature_names\" or \"standardization\" section), got \"colour blue\"");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nfeature_names\na\n", 10, "expected feature name 2 of 2");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nfeature_names\na\nb\nc\n", 11,
                      "expected \"end\" (or an optional \"standardization\" section), got \"c\"");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nfeature_names\na\nb\x01" "c\nend\n", 10,
                      "feature name 2 of 2 has the control character 1");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nfeature_names\na\n\nend\n", 10, "feature name 2 of 2 is empty");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nstandardization\n1 2\n3\nend\n", 10,
                      "expected standardization line 2 of 2 as \"mean scale\", got \"3\"");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nstandardization\n1 2\n3 0\nend\n", 10,
                      "scale 2 of 2 is \"0\"; expected a scale > 0");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nstandardization\n1 2\n3 -1\nend\n", 10, "expected a scale > 0");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nstandardization\n1 2\nnan 1\nend\n", 10, "mean 2 of 2 is \"nan\"");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nstandardization\n1 2\n3 4 5\nend\n", 10, "as \"mean scale\"");
  expect_format_error(good_header + "0.5\n-1\nbias 2\nstandardization\n1 2\n3 4\nfeature_names\n", 11,
                      "expected \"end\", got \"feature_names\"");
  // A line longer than the limit is refused before it is stored.
  expect_format_error(good_header + std::string(5000, '1') + "\n", 5, "longer than 4096 bytes");
}

TEST_CASE("persistence: misuse is reported") {
  ln::LogisticNeuron<double> empty;
  std::ostringstream out;
  CHECK_THROWS_AS(empty.save(out), std::logic_error);
  CHECK(out.str().empty());
  CHECK_THROWS_AS(empty.set_feature_names({"a"}), std::logic_error);

  try {
    empty.load(std::string(LOGISTIC_NEURON_TEST_WORK_DIR) + "/no/such/file.model");
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("LogisticNeuron::load: cannot open") == 0);
  }
  CHECK_FALSE(empty.has_parameters());

  ln::LogisticNeuron<double> neuron(2);
  CHECK_THROWS_WITH_AS(neuron.set_feature_names({"a"}),
                       "LogisticNeuron::set_feature_names: got 1 feature names for 2 features",
                       std::invalid_argument);
  CHECK_THROWS_AS((neuron.set_feature_names({"a", " b"})), std::invalid_argument);
  CHECK_THROWS_AS((neuron.set_feature_names({"a", "b\n"})), std::invalid_argument);
  CHECK_THROWS_AS((neuron.set_standardization(Vec<double>::Ones(2), Vec<double>::Zero(2))),
                  std::invalid_argument);
  CHECK_THROWS_AS((neuron.set_standardization(Vec<double>::Ones(2), Vec<double>::Ones(1))),
                  std::invalid_argument);
  CHECK(neuron.feature_names().empty());
  CHECK(neuron.feature_means().size() == 0);

  // A fit on another feature count drops the names and standardization; the same count keeps them.
  neuron.set_feature_names({"a", "b"});
  neuron.set_standardization(Vec<double>::Zero(2), Vec<double>::Ones(2));
  Eigen::MatrixXd X2(4, 2), X3(4, 3);
  X2 << 0, 1, 1, 0, 2, 1, 3, 3;
  X3 << 0, 1, 0, 1, 0, 1, 2, 1, 0, 3, 3, 1;
  Eigen::VectorXd y(4);
  y << 0, 1, 0, 1;
  ln::FitOptions<double> options;
  options.max_epochs = 5;
  neuron.fit(X2, y, options);
  CHECK(neuron.feature_names().size() == 2);
  CHECK(neuron.feature_means().size() == 2);
  neuron.fit(X3, y, options);
  CHECK(neuron.feature_names().empty());
  CHECK(neuron.feature_means().size() == 0);
  CHECK(neuron.feature_scales().size() == 0);
}

}  // namespace test_persistence
