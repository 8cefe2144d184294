// Separation: with l2 = 0 a fit on separable data says so in FitResult::separation.
//
// Truth: data constructed to be completely separable (two clusters on either side of a known
// line), quasi-completely separable (a feature that separates all but the samples on its
// boundary, where both labels occur), not separable (overlapping classes: a finite optimum, where
// the gradient vanishes), and the bundled breast-cancer data, which is linearly separable.

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_separation {

namespace {

namespace ln = logistic_neuron;

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// Two Gaussian clouds of n/2 points each, centred at +-(gap/2) along (1, 1)/sqrt 2, unit spread,
// with a third feature of pure noise. gap = 10 (with points clipped to their side of the line
// x1 + x2 = 0 by at least 0.5) separates them; gap = 1 makes them overlap.
template <class T>
void clouds(Eigen::Index n, double gap, bool clip, std::uint32_t seed, Mat<T>& X, Vec<T>& y) {
  std::mt19937 engine(seed);
  std::normal_distribution<double> normal;
  X.resize(n, 3);
  y.resize(n);
  const double c = gap / 2 / std::sqrt(2.0);
  for (Eigen::Index i = 0; i < n; ++i) {
    const int label = static_cast<int>(i % 2);
    const double s = label ? 1.0 : -1.0;
    double a = 0, b = 0;
    do {
      a = s * c + normal(engine);
      b = s * c + normal(engine);
    } while (clip && s * (a + b) < 0.5);
    X(i, 0) = static_cast<T>(a);
    X(i, 1) = static_cast<T>(b);
    X(i, 2) = static_cast<T>(normal(engine));
    y[i] = static_cast<T>(label);
  }
}

// Quasi-complete separation: x0 > 0 -> y = 1 and x0 < 0 -> y = 0, except for the samples with
// x0 = 0 exactly, which have both labels; x1 is noise that does not separate them.
template <class T>
void quasi(Eigen::Index n, std::uint32_t seed, Mat<T>& X, Vec<T>& y) {
  std::mt19937 engine(seed);
  std::normal_distribution<double> normal;
  X.resize(n, 2);
  y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index group = i % 4;  // 0, 1: on the boundary; 2: x0 > 0; 3: x0 < 0
    const double x0 = group == 2 ? 0.5 + std::abs(normal(engine)) :
                      group == 3 ? -0.5 - std::abs(normal(engine)) : 0.0;
    X(i, 0) = static_cast<T>(x0);
    X(i, 1) = static_cast<T>(normal(engine));
    y[i] = static_cast<T>(group == 2 ? 1 : group == 3 ? 0 : (i / 4) % 2);
  }
}

template <class T>
void breast_cancer(Mat<T>& X, Vec<T>& y) {
  std::ifstream in(std::string(LOGISTIC_NEURON_SHARED_DATA_DIR) + "/breast_cancer.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::stringstream fields(line);
    std::string field;
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(row);
  }
  REQUIRE(rows.size() == 569);
  const auto d = static_cast<Eigen::Index>(rows[0].size()) - 1;
  X.resize(static_cast<Eigen::Index>(rows.size()), d);
  y.resize(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const auto& row = rows[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < d; ++j) X(i, j) = static_cast<T>(row[static_cast<std::size_t>(j)]);
    y[i] = static_cast<T>(row.back());
  }
}

// Columns shifted to mean 0 and divided by their standard deviation.
template <class T>
Mat<T> standardized(const Mat<T>& X) {
  Mat<T> Z = X;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const T mean = Z.col(j).mean();
    Z.col(j).array() -= mean;
    const T sd = std::sqrt(Z.col(j).squaredNorm() / T(X.rows()));
    Z.col(j) /= sd;
  }
  return Z;
}

}  // namespace

TEST_CASE_TEMPLATE("separation: completely separable clouds are reported", T, float, double,
                   long double) {
  Mat<T> X;
  Vec<T> y;
  clouds<T>(200, 10, true, 7, X, y);
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(X, y);
  const ln::Separation<T>& s = result.separation;
  CHECK(s.checked);
  CHECK(s.detected);
  CHECK(s.kind == ln::SeparationKind::complete);
  CHECK(s.misclassified == 0);
  CHECK(s.min_margin > 0);
  CHECK(s.max_abs_logit > 0);
  // The evidence matches the kept parameters.
  const Vec<T> z = neuron.decision_function(X);
  CHECK((((T(2) * y.array() - T(1)) * z.array()) > T(0)).all());
  CHECK(s.max_abs_logit == z.cwiseAbs().maxCoeff());
  CHECK(static_cast<double>(s.weight_norm) ==
        doctest::Approx(static_cast<double>(std::hypot(neuron.weights().norm(), neuron.bias())))
            .epsilon(1e-5));
  CHECK(std::string(ln::to_string(s.kind)) == "complete");

  // The weights keep growing with more epochs: the growth direction separates too.
  ln::FitOptions<T> options;
  options.tolerance = 0;
  options.max_epochs = 2000;
  const ln::FitResult<T> longer = ln::LogisticNeuron<T>().fit(X, y, options);
  CHECK(longer.separation.kind == ln::SeparationKind::complete);
  CHECK(longer.separation.reference_epoch == 512);  // the last power of two <= 2000 / 2
  CHECK(longer.separation.weight_growth > 1);
  CHECK(longer.separation.direction_overlap <= ln::detail::separation_overlap_limit<T>);
}

TEST_CASE_TEMPLATE("separation: quasi-complete separation is reported", T, float, double,
                   long double) {
  Mat<T> X;
  Vec<T> y;
  quasi<T>(400, 11, X, y);
  ln::FitOptions<T> options;
  options.tolerance = 0;
  options.max_epochs = 3000;
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(X, y, options);
  const ln::Separation<T>& s = result.separation;
  CHECK(s.checked);
  CHECK(s.detected);
  CHECK(s.kind == ln::SeparationKind::quasi_complete);
  // Half the boundary samples are on the wrong side whatever the weights.
  CHECK(s.misclassified >= 50);
  CHECK(s.confident > 100);
  CHECK(s.weight_growth > 1);
  CHECK(s.direction_overlap <= T(0.01));
  CHECK(s.reference_epoch == 1024);
  // The evidence is real: the weight of the separating feature x0 is large and still growing.
  CHECK(neuron.weights()[0] > 5);
}

TEST_CASE_TEMPLATE("separation: overlapping classes are not reported, converged or not", T, float,
                   double, long double) {
  Mat<T> X;
  Vec<T> y;
  clouds<T>(600, 1.5, false, 13, X, y);
  for (const Eigen::Index epochs : {Eigen::Index(5), Eigen::Index(40), Eigen::Index(400),
                                    Eigen::Index(20000)}) {
    ln::FitOptions<T> options;
    options.tolerance = 0;
    options.max_epochs = epochs;
    const ln::FitResult<T> result = ln::LogisticNeuron<T>().fit(X, y, options);
    CAPTURE(epochs);
    CHECK(result.separation.checked);
    CHECK_FALSE(result.separation.detected);
    CHECK(result.separation.kind == ln::SeparationKind::none);
    CHECK(result.separation.misclassified > 30);
    CHECK(result.separation.direction_overlap > T(0.01));
  }
  // At the default tolerance too, and the fit is at a finite optimum: the gradient vanishes.
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(X, y);
  CHECK_FALSE(result.separation.detected);
  CHECK(result.gradient_norm < T(2e-3));
}

TEST_CASE_TEMPLATE("separation: the bundled breast-cancer data is reported as separable", T, float,
                   double, long double) {
  Mat<T> X;
  Vec<T> y;
  breast_cancer<T>(X, y);
  const Mat<T> Z = standardized<T>(X);
  // The default fit: gradient descent with the 1/L step until |dJ| < 1e-5.
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(Z, y);
  CHECK(result.separation.checked);
  CHECK(result.separation.detected);
  CHECK(result.separation.kind == ln::SeparationKind::complete);
  // The separating margin is tiny for the data's scale (a linear program finds one with
  // ||(w, b)|| about 1400 for margin 1), so gradient descent's hyperplane still misclassifies a
  // few samples, and its iterates' direction does not separate yet...
  CHECK(result.separation.misclassified > 0);
  CHECK(result.separation.direction_overlap > ln::detail::separation_overlap_limit<T>);
  // ... but the Newton probe's hyperplane separates every sample: a certificate.
  CHECK(result.separation.probe_steps > 0);
  CHECK(result.separation.probe_misclassified == 0);
  CHECK(result.separation.probe_weight_growth > 1);

  // The same after 20000 epochs.
  ln::FitOptions<T> options;
  options.tolerance = 0;
  options.max_epochs = 20000;
  const ln::FitResult<T> longer = ln::LogisticNeuron<T>().fit(Z, y, options);
  CHECK(longer.separation.kind == ln::SeparationKind::complete);
  CHECK(longer.separation.probe_misclassified == 0);

  // With L2 the optimum exists and the check does not run.
  options.l2 = T(0.01);
  options.max_epochs = 200;
  const ln::FitResult<T> penalised = ln::LogisticNeuron<T>().fit(Z, y, options);
  CHECK_FALSE(penalised.separation.checked);
  CHECK_FALSE(penalised.separation.detected);

  // So does an elastic net that penalises every weight, with l2 = 0 ...
  options.l2 = 0;
  options.lambda = T(0.01);
  options.alpha = T(0.5);
  const ln::FitResult<T> elastic = ln::LogisticNeuron<T>().fit(Z, y, options);
  CHECK_FALSE(elastic.separation.checked);
  // ... but not one that leaves a weight unpenalised (a zero factor): the data along the free
  // weights may separate, so the check runs.
  options.penalty_factors = Vec<T>::Ones(Z.cols());
  options.penalty_factors[0] = 0;
  const ln::FitResult<T> partly = ln::LogisticNeuron<T>().fit(Z, y, options);
  CHECK(partly.separation.checked);
  options.lambda = 0;
  options.penalty_factors.resize(0);

  // Switched off: nothing is checked.
  options.l2 = 0;
  options.check_separation = false;
  const ln::FitResult<T> unchecked = ln::LogisticNeuron<T>().fit(Z, y, options);
  CHECK_FALSE(unchecked.separation.checked);
  CHECK_FALSE(unchecked.separation.detected);
  CHECK(unchecked.separation.probe_steps == 0);
}

TEST_CASE("separation: samples of weight 0 are ignored; the user's callback still runs") {
  Mat<double> X;
  Vec<double> y;
  clouds<double>(100, 10, true, 3, X, y);
  // One sample on the wrong side: not separable, unless it weighs nothing.
  X.row(0) = -X.row(0);
  Vec<double> weight = Vec<double>::Ones(100);
  ln::FitOptions<double> options;
  options.tolerance = 0;
  options.max_epochs = 2000;
  CHECK_FALSE(ln::LogisticNeuron<double>().fit(X, y, weight, options).separation.detected);
  weight[0] = 0;
  const auto result = ln::LogisticNeuron<double>().fit(X, y, weight, options);
  CHECK(result.separation.kind == ln::SeparationKind::complete);

  Eigen::Index calls = 0;
  options.on_epoch = [&calls](const ln::EpochInfo<double>& info) {
    ++calls;
    return info.epoch < 37;
  };
  const auto stopped = ln::LogisticNeuron<double>().fit(X, y, weight, options);
  CHECK(calls == 37);
  CHECK(stopped.stop_reason == ln::StopReason::callback);
  CHECK(stopped.epochs == 37);
  CHECK(stopped.separation.reference_epoch == 16);
}

}  // namespace test_separation
