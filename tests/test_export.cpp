// C++ export: LogisticNeuron::export_cpp writes a header that is compiled here, with the system
// compiler (LOGISTIC_NEURON_TEST_CXX, passed from CMake), into a small program that evaluates the
// exported functions on test rows and prints the results as hexadecimal floats (exact). The test
// compares them with the model's own decision_function, predict_proba and predict:
//   - column-major X: z and p equal to the last bit (same summation order), labels equal;
//   - row-major X (the library's vectorised dot product): labels equal, z within a bound of a few
//     ulps of sum_j |w_j x_j| + |b|.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_export {

namespace {

namespace ln = logistic_neuron;

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using RowMat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

template <class T>
const char* tag() {
  return std::is_same_v<T, float> ? "float" : std::is_same_v<T, double> ? "double" : "long_double";
}

template <class T>
std::string exact_literal(T value) {
  // Hexadecimal floating literals are exact; C++17 has them.
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%La", static_cast<long double>(value));
  return std::string(buffer) + (std::is_same_v<T, float> ? "f" : std::is_same_v<T, double> ? "" : "L");
}

struct Outputs {
  std::vector<long double> z, p;
  std::vector<int> label_default, label_03;
};

// Writes the header and a driver, compiles and runs it; returns what it printed.
template <class T>
Outputs run_exported(const ln::LogisticNeuron<T>& neuron, const Mat<T>& X, const std::string& name) {
  const std::string dir = LOGISTIC_NEURON_TEST_WORK_DIR;
  const std::string stem = dir + "/export_" + tag<T>();
  {
    std::ofstream header(stem + ".hpp");
    neuron.export_cpp(header, name);
  }
  {
    std::ofstream driver(stem + "_main.cpp");
    driver << "#include <cstdio>\n#include \"export_" << tag<T>() << ".hpp\"\n"
           << "static const " << ln::detail::scalar_name<T>() << " rows[" << X.rows() << "]["
           << X.cols() << "] = {\n";
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      driver << "  {";
      for (Eigen::Index j = 0; j < X.cols(); ++j) driver << (j ? ", " : "") << exact_literal(X(i, j));
      driver << "},\n";
    }
    driver << "};\nint main() {\n"
           << "  for (const auto& x : rows) {\n"
           << "    std::printf(\"%La %La %d %d\\n\", static_cast<long double>(" << name
           << "_decision_function(x)), static_cast<long double>(" << name << "_predict_proba(x)), "
           << name << "_predict(x), " << name << "_predict(x, 0.3" << (std::is_same_v<T, float> ? "f" : std::is_same_v<T, double> ? "" : "L") << "));\n"
           << "  }\n  return 0;\n}\n";
  }
  const std::string command = std::string("\"") + LOGISTIC_NEURON_TEST_CXX +
                              "\" -std=c++17 -O2 -Wall -Wextra -Wpedantic -Wshadow -Wconversion "
                              "-Werror -o \"" + stem + "_main\" \"" + stem + "_main.cpp\" && \"" +
                              stem + "_main\" > \"" + stem + ".out\"";
  const int status = std::system(command.c_str());
  REQUIRE_MESSAGE(status == 0, "failed: ", command);
  Outputs out;
  std::ifstream in(stem + ".out");
  std::string zs, ps;
  int a = 0, b = 0;
  while (in >> zs >> ps >> a >> b) {
    out.z.push_back(std::strtold(zs.c_str(), nullptr));
    out.p.push_back(std::strtold(ps.c_str(), nullptr));
    out.label_default.push_back(a);
    out.label_03.push_back(b);
  }
  return out;
}

// Seeded data: n x d normal features (column scales differ), labels from a noisy logistic model.
template <class T>
void make_data(Eigen::Index n, Eigen::Index d, Mat<T>& X, Vec<T>& y) {
  std::mt19937 engine(2024);
  std::normal_distribution<double> normal;
  X.resize(n, d);
  y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double z = 0.3;
    for (Eigen::Index j = 0; j < d; ++j) {
      const double v = normal(engine) * (1 + static_cast<double>(j));
      X(i, j) = static_cast<T>(v);
      z += v * (j % 2 ? 0.7 : -0.4) / (1 + static_cast<double>(j));
    }
    y[i] = normal(engine) < z ? T(1) : T(0);
  }
}

}  // namespace

TEST_CASE_TEMPLATE("export_cpp: the compiled header predicts exactly as the model", T, float,
                   double, long double) {
  Mat<T> X;
  Vec<T> y;
  make_data<T>(200, 7, X, y);
  ln::LogisticNeuron<T> neuron;
  ln::FitOptions<T> options;
  options.max_epochs = 300;
  neuron.fit(X, y, options);
  neuron.set_feature_names({"a", "caf\xc3\xa9", "q\"uote", "back\\slash", "tri?\?=graph", "x y", "z"});

  const Outputs out = run_exported(neuron, X, "model_1");
  REQUIRE(static_cast<Eigen::Index>(out.z.size()) == X.rows());

  const Vec<T> z = neuron.decision_function(X);  // column-major X: sequential sum
  const Vec<T> p = neuron.predict_proba(X);
  const Eigen::VectorXi labels = neuron.predict(X);
  const Eigen::VectorXi labels_03 = neuron.predict(X, T(0.3));
  int ones = 0;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const auto k = static_cast<std::size_t>(i);
    CHECK_MESSAGE(static_cast<long double>(z[i]) == out.z[k], "row ", i);
    CHECK_MESSAGE(static_cast<long double>(p[i]) == out.p[k], "row ", i);
    CHECK(labels[i] == out.label_default[k]);
    CHECK(labels_03[i] == out.label_03[k]);
    ones += labels[i];
  }
  // Both classes occur, so equal labels mean something.
  CHECK(ones > 20);
  CHECK(ones < 180);

  // Row-major X: the library's dot product may sum in another order; the labels still agree and z
  // differs by no more than the rounding bound of a d-term sum.
  const RowMat<T> Xr = X;
  const Vec<T> zr = neuron.decision_function(Xr);
  const Eigen::VectorXi labels_r = neuron.predict(Xr);
  const long double eps = std::numeric_limits<T>::epsilon();
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const long double magnitude =
        std::abs(static_cast<long double>(neuron.bias())) +
        (X.row(i).cwiseProduct(neuron.weights().transpose())).cwiseAbs().sum();
    CHECK(std::abs(static_cast<long double>(zr[i]) - out.z[static_cast<std::size_t>(i)]) <=
          2 * static_cast<long double>(X.cols() + 1) * eps * magnitude);
    CHECK(labels_r[i] == out.label_default[static_cast<std::size_t>(i)]);
  }
}

TEST_CASE("export_cpp: the header is self-contained and its constants are exact") {
  Vec<double> w(3);
  w << 0.1, -1.0 / 3.0, 5.0;
  ln::LogisticNeuron<double> neuron(w, -0.0);
  Vec<double> means(3), scales(3);
  means << 1, 2, 3;
  scales << 0.5, 0.25, 4;
  neuron.set_standardization(means, scales);
  std::ostringstream out;
  neuron.export_cpp(out, "tiny");
  const std::string h = out.str();
  CHECK(h.find("constexpr double tiny_weights[3] = {\n    0.10000000000000001,\n"
               "    -0.33333333333333331,\n    5.0\n};") != std::string::npos);
  CHECK(h.find("constexpr double tiny_bias = -0.0;") != std::string::npos);
  CHECK(h.find("constexpr int tiny_n_features = 3;") != std::string::npos);
  CHECK(h.find("tiny_feature_scales[3]") != std::string::npos);
  // Only <cmath>; no Eigen, no heap.
  std::size_t includes = 0;
  for (std::size_t at = h.find("#include"); at != std::string::npos; at = h.find("#include", at + 1)) {
    ++includes;
    CHECK(h.compare(at, 17, "#include <cmath>\n") == 0);
  }
  CHECK(includes == 1);
  CHECK(h.find("Eigen::") == std::string::npos);
  CHECK(h.find("new ") == std::string::npos);
  CHECK(h.find("malloc") == std::string::npos);

  std::ostringstream f;
  ln::LogisticNeuron<float>(Vec<float>::Constant(1, 0.1f), 2.0f).export_cpp(f, "m");
  CHECK(f.str().find("    0.100000001f\n") != std::string::npos);
  CHECK(f.str().find("constexpr float m_bias = 2.0f;") != std::string::npos);
}

TEST_CASE("export_cpp: the name must be a C identifier; misuse is reported") {
  ln::LogisticNeuron<double> neuron(2);
  const std::vector<std::string> bad = {"",   "1abc", "a-b", "a b",        "a__b",
                                       "_a", "a_",   "\xc3\xa9", std::string(129, 'x')};
  for (const std::string& name : bad) {
    std::ostringstream out;
    CHECK_THROWS_AS(neuron.export_cpp(out, name), std::invalid_argument);
    CHECK(out.str().empty());
  }
  std::ostringstream out;
  CHECK_THROWS_WITH_AS(neuron.export_cpp(out, "a-b"),
                       "LogisticNeuron::export_cpp: name \"a-b\" has a character other than "
                       "letters, digits and '_' at position 1; expected a C identifier such as "
                       "\"my_model\"",
                       std::invalid_argument);
  CHECK_NOTHROW(neuron.export_cpp(out, "Model_2"));
  ln::LogisticNeuron<double> empty;
  CHECK_THROWS_AS(empty.export_cpp(out, "m"), std::logic_error);
}

}  // namespace test_export
