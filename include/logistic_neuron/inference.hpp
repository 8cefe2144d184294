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

#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/threads.hpp"
#include "detail/inference.hpp"
#include "detail/kinds.hpp"
#include "detail/targets.hpp"
#include "detail/validate.hpp"
#include "neuron.hpp"

namespace logistic_neuron {

/// The inference table of a fitted neuron: one entry per parameter, the weights first (in feature
/// order) and the bias last, plus whole-model statistics. Built by summarize().
template <class Scalar>
struct Summary {
  using Vector = detail::Vector<Scalar>;  ///< A column vector of Scalar (Eigen, dynamic size).
  using Matrix =
      Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;  ///< A dense matrix of Scalar.

  std::vector<std::string>
      names;           ///< Parameter names: the feature names (or x1, x2, ...), then "bias".
  Vector coefficient;  ///< The parameters: w_1 .. w_d, b.
  Vector std_error;    ///< sqrt(diag(H^-1)).
  Vector z;            ///< coefficient / std_error.
  Vector p_value;      ///< Two-sided, normal: erfc(|z| / sqrt 2).
  Vector ci_lower;     ///< coefficient - 1.959963984540054 std_error (95%).
  Vector ci_upper;     ///< coefficient + 1.959963984540054 std_error (95%).
  Matrix covariance;   ///< H^-1, (d+1) x (d+1), the bias last.
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

  /// \brief The summary as a plain-text table, as `operator<<` prints it.
  /// \return the table, ending with a newline.
  std::string to_string() const { return detail::summary_table(*this); }
};

/// Writes Summary::to_string() to a stream.
/// \param out the stream. \param summary the summary.
/// \return out.
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
Summary<Scalar> summarize(const LogisticNeuron<Scalar>& neuron, const Eigen::EigenBase<DerivedX>& X,
                          const Eigen::MatrixBase<DerivedY>& y) {
  static constexpr const char* caller = "logistic_neuron::summarize";
  detail::check_kind<Scalar, DerivedX>();
  if (!neuron.has_parameters()) {
    throw std::logic_error(detail::prefix(caller) + "the neuron has no parameters; fit it first");
  }
  detail::require_non_empty(caller, X);
  detail::require_features(caller, neuron.n_features(), X.cols());
  const detail::Targets<Scalar> targets = detail::unweighted_targets<Scalar>(caller, X.rows(), y);
  const Eigen::Index ones = detail::count_ones(targets);
  detail::require_identifiable(caller, X.rows(), X.cols() + 1, ones);
  Summary<Scalar> s;
  detail::with_kind<Scalar>(caller, X, [&](const auto& kind) {
    const int exponent = detail::require_finite(caller, kind);
    detail::fill_summary(s, caller, detail::InMemory(kind, targets, exponent), neuron.weights(),
                         neuron.bias(), neuron.feature_names(), ones, num_threads());
  });
  return s;
}

}  // namespace logistic_neuron
