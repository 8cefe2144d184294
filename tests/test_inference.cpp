// Inference: summarize() against statsmodels' Logit on real data.
//
// Truth: tests/reference/inference_reference.txt, written by make_inference_reference.py with
// statsmodels 0.13 (Logit, Newton, tol 1e-12) on five raw columns of the bundled breast-cancer
// data, a subset that is not linearly separable (the script checks it with a linear program).
// Here the neuron is fitted to the optimum with Newton, then every quantity is compared. Also:
// chi-square tail values from standard tables, the null log-likelihood by hand, the table text.

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <logistic_neuron/inference.hpp>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_inference {

namespace {

namespace ln = logistic_neuron;

template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Vec = Eigen::Matrix<T, Eigen::Dynamic, 1>;

std::map<std::string, std::vector<double>> reference_values(std::vector<std::string>& columns) {
  std::ifstream in(std::string(LOGISTIC_NEURON_TEST_DATA_DIR) + "/inference_reference.txt");
  REQUIRE(in);
  std::map<std::string, std::vector<double>> values;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "columns") {
      std::string column;
      while (fields >> column) columns.push_back(column);
      continue;
    }
    std::string token;
    while (fields >> token) values[key].push_back(std::stod(token));
  }
  return values;
}

template <class T>
void load_columns(const std::vector<std::string>& columns, Mat<T>& X, Vec<T>& y) {
  std::ifstream in(std::string(LOGISTIC_NEURON_SHARED_DATA_DIR) + "/breast_cancer.csv");
  REQUIRE(in);
  std::string line, field;
  std::getline(in, line);
  std::vector<std::string> header;
  std::istringstream names(line);
  while (std::getline(names, field, ',')) header.push_back(field);
  std::vector<std::size_t> index;
  for (const std::string& column : columns) {
    std::size_t j = 0;
    while (j < header.size() && header[j] != column) ++j;
    REQUIRE(j < header.size());
    index.push_back(j);
  }
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream fields(line);
    while (std::getline(fields, field, ',')) row.push_back(std::stod(field));
    rows.push_back(row);
  }
  X.resize(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(index.size()));
  y.resize(X.rows());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const auto& row = rows[static_cast<std::size_t>(i)];
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      X(i, j) = static_cast<T>(row[index[static_cast<std::size_t>(j)]]);
    }
    y[i] = static_cast<T>(row.back());
  }
}

template <class T>
double relative(T got, double expected) {
  return std::abs(static_cast<double>(got) - expected) / std::abs(expected);
}

// Per-type tolerance on relative errors: the optimum itself is known to about 1e-9 relative in
// double (statsmodels stops at tol 1e-12 on the parameters; its score is 2e-15); float keeps 7
// digits, and the features span 4 orders of magnitude.
template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 2e-3 : 1e-6;
}

}  // namespace

TEST_CASE_TEMPLATE("inference: summarize() agrees with statsmodels' Logit on breast-cancer data", T,
                   float, double, long double) {
  std::vector<std::string> columns;
  const auto ref = reference_values(columns);
  REQUIRE(columns.size() == 5);
  Mat<T> X;
  Vec<T> y;
  load_columns<T>(columns, X, y);
  REQUIRE(X.rows() == static_cast<Eigen::Index>(ref.at("nobs")[0]));

  ln::LogisticNeuron<T> neuron;
  ln::FitOptions<T> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-11);
  options.max_epochs = 500;
  const ln::FitResult<T> fit = neuron.fit(X, y, options);
  const std::string stop_reason = ln::to_string(fit.stop_reason);
  CAPTURE(stop_reason);
  neuron.set_feature_names(columns);
  const ln::Summary<T> s = ln::summarize(neuron, X, y);

  REQUIRE(s.names.size() == 6);
  CHECK(s.names[0] == "mean_radius");
  CHECK(s.names[5] == "bias");
  CHECK(s.n_samples == 569);
  CHECK(s.n_parameters == 6);

  const double tol = tolerance<T>();
  struct Quantity {
    const char* name;
    const Vec<T>* values;
  };
  for (const Quantity& q : {Quantity{"params", &s.coefficient}, Quantity{"bse", &s.std_error},
                            Quantity{"tvalues", &s.z}, Quantity{"pvalues", &s.p_value},
                            Quantity{"conf_low", &s.ci_lower}, Quantity{"conf_high", &s.ci_upper}}) {
    const std::vector<double>& expected = ref.at(q.name);
    REQUIRE(static_cast<Eigen::Index>(expected.size()) == q.values->size());
    double worst = 0;
    for (Eigen::Index j = 0; j < q.values->size(); ++j) {
      worst = std::max(worst, relative((*q.values)[j], expected[static_cast<std::size_t>(j)]));
    }
    // p-values: their relative error is about z^2 times z's (z up to 8.5 here).
    const double allowed = std::string(q.name) == "pvalues" ? 100 * tol : tol;
    const std::string label = std::string(ln::detail::scalar_name<T>()) + " " + q.name;
    MESSAGE(label, ": worst relative error ", worst);
    CHECK_MESSAGE(worst <= allowed, q.name, " worst relative error ", worst);
  }
  for (const auto& entry :
       std::vector<std::pair<std::string, T>>{{"llf", s.log_likelihood},
                                              {"llnull", s.null_log_likelihood},
                                              {"prsquared", s.pseudo_r2},
                                              {"aic", s.aic},
                                              {"bic", s.bic},
                                              {"llr", s.llr},
                                              {"llr_pvalue", s.llr_p_value}}) {
    const std::string name = entry.first;
    const T value = entry.second;
    if (ref.at(name)[0] < static_cast<double>(std::numeric_limits<T>::min())) {
      // Below the type's normal range (llr_pvalue 5e-122 in float): it rounds to (almost) 0.
      CHECK(static_cast<double>(value) < static_cast<double>(std::numeric_limits<T>::min()));
      continue;
    }
    const double error = relative(value, ref.at(name)[0]);
    const std::string label = std::string(ln::detail::scalar_name<T>()) + " " + name;
    MESSAGE(label, ": relative error ", error);
    CHECK_MESSAGE(error <= (name == "llr_pvalue" ? 100 * tol : tol), name, " relative error ",
                  error);
  }
  // The covariance is symmetric and its diagonal gives the standard errors.
  CHECK((s.covariance - s.covariance.transpose()).cwiseAbs().maxCoeff() <=
        T(1e-6) * s.covariance.cwiseAbs().maxCoeff());
  CHECK(static_cast<double>(std::sqrt(s.covariance(2, 2))) ==
        doctest::Approx(static_cast<double>(s.std_error[2])).epsilon(1e-6));
  // At the optimum the score vanishes (relative to sum_i |x_ij|, about 1e4 here).
  CHECK(static_cast<double>(s.max_abs_score) <= (std::is_same_v<T, float> ? 1.0 : 1e-6));
}

TEST_CASE("inference: chi-square tails and the null log-likelihood by hand") {
  // Standard-table 95% quantiles: P(chi2_k > q) = 0.05.
  CHECK(ln::detail::chi2_sf(3.841458820694124, 1) == doctest::Approx(0.05).epsilon(1e-12));
  CHECK(ln::detail::chi2_sf(5.991464547107979, 2) == doctest::Approx(0.05).epsilon(1e-12));
  CHECK(ln::detail::chi2_sf(11.070497693516351, 5) == doctest::Approx(0.05).epsilon(1e-12));
  CHECK(ln::detail::chi2_sf(18.307038053275146, 10) == doctest::Approx(0.05).epsilon(1e-12));
  // chi2_2 is exponential: P(> x) = exp(-x / 2).
  CHECK(ln::detail::chi2_sf(100.0, 2) == doctest::Approx(std::exp(-50.0)).epsilon(1e-12));
  CHECK(ln::detail::chi2_sf(0.0, 3) == 1.0);

  // Zero weights and bias: llf = -n ln 2; 3 ones in 8: llnull = 3 ln(3/8) + 5 ln(5/8).
  Mat<double> X(8, 1);
  X << 1, 2, 3, 4, 5, 6, 7, 8;
  Vec<double> y(8);
  y << 0, 1, 0, 0, 1, 0, 1, 0;
  const ln::LogisticNeuron<double> neuron(1);
  const ln::Summary<double> s = ln::summarize(neuron, X, y);
  CHECK(s.log_likelihood == doctest::Approx(-8 * std::log(2.0)).epsilon(1e-14));
  CHECK(s.null_log_likelihood ==
        doctest::Approx(3 * std::log(3.0 / 8) + 5 * std::log(5.0 / 8)).epsilon(1e-14));
  CHECK(s.aic == doctest::Approx(16 * std::log(2.0) + 4).epsilon(1e-14));
  CHECK(s.bic == doctest::Approx(16 * std::log(2.0) + 2 * std::log(8.0)).epsilon(1e-14));
  // At w = b = 0, a = 1/2: H = sum_i [x_i; 1][x_i; 1]^T / 4 = [[51, 9], [9, 2]], det 21, so
  // H^-1 = [[2, -9], [-9, 51]] / 21.
  CHECK(s.std_error[0] == doctest::Approx(std::sqrt(2.0 / 21)).epsilon(1e-12));
  CHECK(s.std_error[1] == doctest::Approx(std::sqrt(51.0 / 21)).epsilon(1e-12));
  CHECK(s.covariance(0, 1) == doctest::Approx(-9.0 / 21).epsilon(1e-12));
  CHECK(s.z[0] == 0.0);
  CHECK(s.p_value[0] == 1.0);
}

TEST_CASE("inference: the summary table and misuse") {
  Mat<double> X(8, 2);
  X << 1, 0.5, 2, -1, 3, 0.25, 4, 2, 5, -0.5, 6, 1, 7, -2, 8, 0;
  Vec<double> y(8);
  y << 0, 1, 0, 0, 1, 0, 1, 1;
  ln::LogisticNeuron<double> neuron;
  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = 1e-12;
  neuron.fit(X, y, options);
  const ln::Summary<double> s = ln::summarize(neuron, X, y);
  const std::string table = s.to_string();
  std::ostringstream streamed;
  streamed << s;
  CHECK(streamed.str() == table);
  CHECK(table.find("coef     std err           z       P>|z|      [0.025      0.975]") !=
        std::string::npos);
  CHECK(table.find("\nx1 ") != std::string::npos);
  CHECK(table.find("\nx2 ") != std::string::npos);
  CHECK(table.find("\nbias") != std::string::npos);
  CHECK(table.find("Observations:") != std::string::npos);
  CHECK(table.find("Pseudo R-squared:") != std::string::npos);

  CHECK_THROWS_AS(ln::summarize(ln::LogisticNeuron<double>(), X, y), std::logic_error);
  Vec<double> same = Vec<double>::Zero(8);
  CHECK_THROWS_WITH_AS(ln::summarize(neuron, X, same),
                       "logistic_neuron::summarize: y has a single class (0 ones in 8 labels); "
                       "expected both classes",
                       std::invalid_argument);
  Mat<double> zero_column = X;
  zero_column.col(1).setZero();
  CHECK_THROWS_AS(ln::summarize(neuron, zero_column, y), std::invalid_argument);
  CHECK_THROWS_AS(ln::summarize(neuron, Mat<double>(X.leftCols(1)), y), std::invalid_argument);
}

}  // namespace test_inference
