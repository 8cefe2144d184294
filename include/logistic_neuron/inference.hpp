/// \file inference.hpp
/// \brief Statistical inference for a fitted neuron, like statsmodels' Logit summary: standard
/// errors, z values, p-values, confidence intervals, log-likelihoods, pseudo-R², AIC and BIC.
///
/// \code
/// #include <logistic_neuron/inference.hpp>
///
/// logistic_neuron::LogisticNeuron<double> neuron;
/// logistic_neuron::FitOptions<double> options;
/// options.solver = logistic_neuron::Solver::newton;   // reach the optimum
/// options.tolerance = 0;
/// options.gradient_tolerance = 1e-10;
/// neuron.fit(X, y, options);
/// const auto summary = logistic_neuron::summarize(neuron, X, y);
/// out << summary;                                   // a table into any std::ostream
/// double p = summary.p_value[0];                     // of the first weight
/// \endcode
///
/// The maths, for the maximum-likelihood fit (l2 = 0, unit sample weights) with theta = (w, b),
/// the bias last, and a_i = sigmoid(x_i . w + b):
///  - log-likelihood llf = -sum_i [softplus(z_i) - y_i z_i] (= -n J);
///  - observed information H = sum_i a_i (1 - a_i) [x_i; 1][x_i; 1]^T (the Hessian of -llf);
///    covariance = H^-1, standard errors = sqrt(diag(H^-1));
///  - z = theta / se; two-sided p-value = P(|N(0,1)| > |z|) = erfc(|z| / sqrt 2);
///  - 95% confidence interval theta -+ 1.959963984540054 se (normal quantile);
///  - null log-likelihood (bias only): llnull = n [ybar ln ybar + (1 - ybar) ln(1 - ybar)];
///  - McFadden's pseudo-R² = 1 - llf / llnull; likelihood-ratio statistic llr = 2 (llf - llnull)
///    with p-value P(chi2_d > llr);
///  - AIC = -2 llf + 2 k and BIC = -2 llf + k ln n, k = d + 1 parameters.
/// These hold at the optimum (where the score sum_i (y_i - a_i)[x_i; 1] vanishes): fit to
/// convergence first. Summary::max_abs_score reports how close the parameters are. With data that
/// are separable the optimum does not exist (see FitResult::separation) and the numbers mean
/// nothing; with an L2 penalty they are not those of the penalised estimator.
#pragma once

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <locale>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "base/config.hpp"
#include "detail/hessian.hpp"
#include "detail/kernel.hpp"
#include "detail/separation.hpp"
#include "detail/validate.hpp"
#include "logistic_neuron.hpp"
#include "base/threads.hpp"

namespace logistic_neuron {

/// The inference table of a fitted neuron: one entry per parameter, the weights first (in feature
/// order) and the bias last, plus whole-model statistics. Built by summarize().
template <class Scalar>
struct Summary {
  using Vector = detail::Vector<Scalar>;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  std::vector<std::string> names;  ///< Parameter names: the feature names (or x1, x2, ...), then "bias".
  Vector coefficient;              ///< The parameters: w_1 .. w_d, b.
  Vector std_error;                ///< sqrt(diag(H^-1)).
  Vector z;                        ///< coefficient / std_error.
  Vector p_value;                  ///< Two-sided, normal: erfc(|z| / sqrt 2).
  Vector ci_lower;                 ///< coefficient - 1.959963984540054 std_error (95%).
  Vector ci_upper;                 ///< coefficient + 1.959963984540054 std_error (95%).
  Matrix covariance;               ///< H^-1, (d+1) x (d+1), the bias last.
  Eigen::Index n_samples = 0;      ///< n.
  Eigen::Index n_parameters = 0;   ///< k = d + 1.
  Scalar log_likelihood = 0;       ///< llf = -sum_i [softplus(z_i) - y_i z_i].
  Scalar null_log_likelihood = 0;  ///< llnull, of the model with a bias only.
  Scalar pseudo_r2 = 0;            ///< McFadden: 1 - llf / llnull.
  Scalar llr = 0;                  ///< Likelihood-ratio statistic 2 (llf - llnull).
  Scalar llr_p_value = 0;          ///< P(chi2 with d degrees of freedom > llr).
  Scalar aic = 0;                  ///< -2 llf + 2 k.
  Scalar bic = 0;                  ///< -2 llf + k ln n.
  Scalar max_abs_score = 0;        ///< max |sum_i (y_i - a_i)[x_i; 1]|: ~0 at the optimum.

  /// The summary as a plain-text table (ends with a newline).
  std::string to_string() const;
};

namespace detail {

/// P(chi2_k > x) for an integer k >= 1, from the closed forms of the regularised upper incomplete
/// gamma function Q(k/2, x/2) at integer and half-integer arguments, summed in the log domain.
inline double chi2_sf(double x, Eigen::Index k) {
  if (!(x > 0)) return 1;
  const double h = x / 2;
  double sum = 0;
  if (k % 2 == 0) {
    // Q(m, h) = e^-h sum_{j < m} h^j / j!
    for (Eigen::Index j = 0; j < k / 2; ++j) {
      sum += std::exp(-h + static_cast<double>(j) * std::log(h) - std::lgamma(static_cast<double>(j) + 1));
    }
    return std::min(1.0, sum);
  }
  // Q(m + 1/2, h) = erfc(sqrt h) + e^-h sum_{j=1..m} h^(j - 1/2) / Gamma(j + 1/2)
  sum = std::erfc(std::sqrt(h));
  for (Eigen::Index j = 1; j <= (k - 1) / 2; ++j) {
    const double a = static_cast<double>(j) - 0.5;
    sum += std::exp(-h + a * std::log(h) - std::lgamma(a + 1));
  }
  return std::min(1.0, sum);
}

/// A number in a fixed width, "%.*g"-style with `digits` significant digits (formatting only:
/// the classic locale, so the table reads the same everywhere).
inline std::string cell(double value, int width, int digits = 4) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::setw(width);
  if (std::isnan(value)) {
    out << "nan";
  } else if (value != 0 && (std::abs(value) < 1e-3 || std::abs(value) >= 1e6)) {
    out << std::scientific << std::setprecision(digits - 1) << value;
  } else {
    out << std::fixed << std::setprecision(digits) << value;
  }
  return out.str();
}

}  // namespace detail

template <class Scalar>
std::string Summary<Scalar>::to_string() const {
  using detail::cell;
  std::size_t name_width = 4;
  for (const std::string& name : names) name_width = std::max(name_width, name.size());
  name_width = std::min<std::size_t>(name_width, 40);
  const std::size_t width = name_width + 6 * 12;
  const std::string rule(width, '=');
  const std::string thin(width, '-');
  auto pad = [](std::string text, std::size_t w) {
    if (text.size() > w) text = text.substr(0, w - 3) + "...";
    return text + std::string(w - text.size(), ' ');
  };
  auto line = [&](const std::string& left, const std::string& left_value, const std::string& right,
                  const std::string& right_value) {
    const std::size_t half = width / 2;
    std::string l = left + std::string(half > left.size() + left_value.size()
                                           ? half - left.size() - left_value.size() - 1 : 1, ' ') +
                    left_value + " ";
    std::string r = "  " + right;
    const std::size_t room = width > l.size() + r.size() + right_value.size()
                                 ? width - l.size() - r.size() - right_value.size() : 1;
    return l + r + std::string(room, ' ') + right_value + "\n";
  };
  auto number = [](double v) { return detail::cell(v, 0, 5); };
  std::string out;
  out += "Logistic regression (maximum likelihood)\n" + rule + "\n";
  out += line("Observations:", std::to_string(n_samples), "Log-likelihood:", number(log_likelihood));
  out += line("Parameters:", std::to_string(n_parameters), "LL-null:", number(null_log_likelihood));
  out += line("Df residuals:", std::to_string(n_samples - n_parameters), "Pseudo R-squared:",
              number(pseudo_r2));
  out += line("AIC:", number(aic), "LLR:", number(llr));
  out += line("BIC:", number(bic), "LLR p-value:", number(llr_p_value));
  out += line("Max |score|:", number(max_abs_score), "Covariance:", "inverse Hessian");
  out += rule + "\n";
  out += pad("", name_width) + "        coef     std err           z       P>|z|      [0.025      0.975]\n";
  out += thin + "\n";
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto j = static_cast<Eigen::Index>(k);
    out += pad(names[k], name_width) + cell(double(coefficient[j]), 12) +
           cell(double(std_error[j]), 12) + cell(double(z[j]), 12, 3) +
           cell(double(p_value[j]), 12, 3) + cell(double(ci_lower[j]), 12) +
           cell(double(ci_upper[j]), 12) + "\n";
  }
  out += rule + "\n";
  return out;
}

/// Writes Summary::to_string() to a stream.
template <class Scalar>
std::ostream& operator<<(std::ostream& out, const Summary<Scalar>& summary) {
  return out << summary.to_string();
}

/// The inference summary of a neuron fitted by maximum likelihood on (X, y): see this file's
/// comment for the formulas. Evaluate it on the data the neuron was fitted on, at the optimum.
/// \param neuron a neuron with parameters (fitted with l2 = 0, to convergence).
/// \param X n_samples x n_features, finite, n_samples > n_features + 1.
/// \param y n_samples labels in {0, 1}, not all equal.
/// \return the table; parameter names from neuron.feature_names() when set, else x1, x2, ...
/// \throws std::logic_error if the neuron has no parameters; std::invalid_argument for bad X or y,
///   for n <= d + 1 or a single class, or when the information matrix H is not positive definite
///   (collinear features, or separated data with huge weights).
template <class Scalar, class DerivedX, class DerivedY>
Summary<Scalar> summarize(const LogisticNeuron<Scalar>& neuron, const Eigen::MatrixBase<DerivedX>& X,
                          const Eigen::MatrixBase<DerivedY>& y) {
  static constexpr const char* caller = "logistic_neuron::summarize";
  static_assert(std::is_same_v<typename DerivedX::Scalar, Scalar>,
                "logistic_neuron::summarize: X must hold the neuron's Scalar type");
  using Acc = detail::Accum<Scalar>;
  using std::sqrt;
  if (!neuron.has_parameters()) {
    throw std::logic_error(detail::prefix(caller) + "the neuron has no parameters; fit it first");
  }
  detail::require_non_empty(caller, X);
  detail::require_features(caller, neuron.n_features(), X.cols());
  constexpr int order = detail::storage_order_v<DerivedX>;
  const detail::XRef<Scalar, order> Xr(X.derived());
  detail::require_finite_X(caller, Xr);
  detail::Targets<Scalar> targets;
  targets.sign = detail::label_signs<Scalar>(caller, X.rows(), y);
  targets.total_weight = static_cast<Acc>(X.rows());
  const Eigen::Index n = X.rows(), d = X.cols(), k = d + 1;
  if (n <= k) {
    throw std::invalid_argument(detail::prefix(caller) + "X has " + std::to_string(n) +
                                " rows for " + std::to_string(k) +
                                " parameters; expected more rows than parameters");
  }
  Eigen::Index ones = 0;
  for (Eigen::Index i = 0; i < n; ++i) ones += targets.sign[i] < 0 ? 1 : 0;
  if (ones == 0 || ones == n) {
    throw std::invalid_argument(detail::prefix(caller) + "y has a single class (" +
                                std::to_string(ones) + " ones in " + std::to_string(n) +
                                " labels); expected both classes");
  }
  const int threads = num_threads();

  const detail::Vector<Scalar>& w = neuron.weights();
  const Scalar b = neuron.bias();

  // llf = -sum_i softplus(t_i z_i), and the score sum_i (y_i - a_i)[x_i; 1] = -[X^T r; sum r]
  // with r_i = a_i - y_i.
  detail::Vector<Scalar> z, r(n);
  detail::forward_pass(Xr, w, b, z, threads);
  const Acc cost = detail::probe_cost(z, targets, &r);
  const Scalar max_score = std::max((Xr.transpose() * r).cwiseAbs().maxCoeff(), std::abs(r.sum()));

  // H = sum_i a_i (1 - a_i) [x_i; 1][x_i; 1]^T and its inverse.
  const detail::AccumMatrix<Scalar> H = detail::hessian_sums(Xr, targets, w, b, threads);
  const Eigen::LLT<detail::AccumMatrix<Scalar>> llt(H);
  if (llt.info() != Eigen::Success) {
    throw std::invalid_argument(detail::prefix(caller) +
                                "the information matrix is not positive definite (collinear "
                                "features, a constant feature, or separated data); no standard "
                                "errors exist");
  }
  const detail::AccumMatrix<Scalar> covariance =
      llt.solve(detail::AccumMatrix<Scalar>::Identity(k, k));

  Summary<Scalar> s;
  s.n_samples = n;
  s.n_parameters = k;
  s.names.reserve(static_cast<std::size_t>(k));
  for (Eigen::Index j = 0; j < d; ++j) {
    s.names.push_back(neuron.feature_names().empty()
                          ? "x" + std::to_string(j + 1)
                          : neuron.feature_names()[static_cast<std::size_t>(j)]);
  }
  s.names.push_back("bias");
  s.coefficient.resize(k);
  s.coefficient.head(d) = w;
  s.coefficient[d] = b;
  s.covariance = covariance.template cast<Scalar>();
  s.std_error.resize(k);
  s.z.resize(k);
  s.p_value.resize(k);
  s.ci_lower.resize(k);
  s.ci_upper.resize(k);
  constexpr Acc quantile = Acc(1.95996398454005423552L);  // Phi^-1(0.975)
  for (Eigen::Index j = 0; j < k; ++j) {
    const Acc se = sqrt(covariance(j, j));
    const Acc coef = static_cast<Acc>(s.coefficient[j]);
    const Acc zj = coef / se;
    s.std_error[j] = static_cast<Scalar>(se);
    s.z[j] = static_cast<Scalar>(zj);
    s.p_value[j] = static_cast<Scalar>(std::erfc(std::abs(zj) / sqrt(Acc(2))));
    s.ci_lower[j] = static_cast<Scalar>(coef - quantile * se);
    s.ci_upper[j] = static_cast<Scalar>(coef + quantile * se);
  }
  const Acc llf = -static_cast<Acc>(cost);
  const Acc nn = static_cast<Acc>(n);
  const Acc ybar = static_cast<Acc>(ones) / nn;
  const Acc llnull = nn * (ybar * std::log(ybar) + (1 - ybar) * std::log1p(-ybar));
  s.log_likelihood = static_cast<Scalar>(llf);
  s.null_log_likelihood = static_cast<Scalar>(llnull);
  s.pseudo_r2 = static_cast<Scalar>(1 - llf / llnull);
  s.llr = static_cast<Scalar>(2 * (llf - llnull));
  s.llr_p_value = static_cast<Scalar>(detail::chi2_sf(static_cast<double>(2 * (llf - llnull)), d));
  s.aic = static_cast<Scalar>(-2 * llf + 2 * static_cast<Acc>(k));
  s.bic = static_cast<Scalar>(-2 * llf + static_cast<Acc>(k) * std::log(nn));
  s.max_abs_score = max_score;
  return s;
}

}  // namespace logistic_neuron
