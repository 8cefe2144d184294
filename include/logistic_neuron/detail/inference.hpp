/// \file inference.hpp
/// \brief The internals of summarize (inference.hpp): the statistics of a maximum-likelihood fit
/// and the table they print as (internal).
#pragma once

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "../base/config.hpp"
#include "dataset.hpp"
#include "hessian.hpp"
#include "problem.hpp"
#include "targets.hpp"
#include "validate.hpp"

namespace logistic_neuron {
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
      sum += std::exp(-h + static_cast<double>(j) * std::log(h) -
                      std::lgamma(static_cast<double>(j) + 1));
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
  if (is_nan_bits(value)) {
    out << "nan";
  } else if (value != 0 && (std::abs(value) < 1e-3 || std::abs(value) >= 1e6)) {
    out << std::scientific << std::setprecision(digits - 1) << value;
  } else {
    out << std::fixed << std::setprecision(digits) << value;
  }
  return out.str();
}

/// The table of a Summary (see Summary::to_string), column widths from the parameter names.
template <class SummaryT>
std::string summary_table(const SummaryT& s) {
  const auto& names = s.names;

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
    std::string l =
        left +
        std::string(
            half > left.size() + left_value.size() ? half - left.size() - left_value.size() - 1 : 1,
            ' ') +
        left_value + " ";
    std::string r = "  " + right;
    const std::size_t room = width > l.size() + r.size() + right_value.size()
                                 ? width - l.size() - r.size() - right_value.size()
                                 : 1;
    return l + r + std::string(room, ' ') + right_value + "\n";
  };
  auto number = [](double v) { return cell(v, 0, 5); };
  std::string out;
  out += "Logistic regression (maximum likelihood)\n" + rule + "\n";
  out += line("Observations:", std::to_string(s.n_samples),
              "Log-likelihood:", number(s.log_likelihood));
  out += line("Parameters:", std::to_string(s.n_parameters),
              "LL-null:", number(s.null_log_likelihood));
  out += line("Df residuals:", std::to_string(s.n_samples - s.n_parameters),
              "Pseudo R-squared:", number(s.pseudo_r2));
  out += line("AIC:", number(s.aic), "LLR:", number(s.llr));
  out += line("BIC:", number(s.bic), "LLR p-value:", number(s.llr_p_value));
  out += line("Max |score|:", number(s.max_abs_score), "Covariance:", "inverse Hessian");
  out += rule + "\n";
  out += pad("", name_width) +
         "        coef     std err           z       P>|z|      [0.025      0.975]\n";
  out += thin + "\n";
  for (std::size_t k = 0; k < names.size(); ++k) {
    const auto j = static_cast<Eigen::Index>(k);
    out += pad(names[k], name_width) + cell(double(s.coefficient[j]), 12) +
           cell(double(s.std_error[j]), 12) + cell(double(s.z[j]), 12, 3) +
           cell(double(s.p_value[j]), 12, 3) + cell(double(s.ci_lower[j]), 12) +
           cell(double(s.ci_upper[j]), 12) + "\n";
  }
  out += rule + "\n";
  return out;
}

/// The data must have more rows than parameters and both classes.
/// \throws std::invalid_argument naming `caller` otherwise.
inline void require_identifiable(const char* caller, Eigen::Index n, Eigen::Index k,
                                 Eigen::Index ones) {
  if (n <= k) {
    throw std::invalid_argument(prefix(caller) + "X has " + std::to_string(n) + " rows for " +
                                std::to_string(k) +
                                " parameters; expected more rows than parameters");
  }
  if (ones == 0 || ones == n) {
    throw std::invalid_argument(prefix(caller) + "y has a single class (" + std::to_string(ones) +
                                " ones in " + std::to_string(n) +
                                " labels); expected both classes");
  }
}

/// The per-parameter columns of a summary from theta = (w; b) and the covariance H^-1:
/// se = sqrt(diag), z = theta / se, p = erfc(|z| / sqrt 2), ci = theta -+ 1.959963984540054 se.
template <class SummaryT, class Matrix>
void fill_parameter_columns(SummaryT& s, const Matrix& covariance) {
  using Scalar = typename SummaryT::Vector::Scalar;
  using Acc = Accum<Scalar>;
  using std::sqrt;
  const Eigen::Index k = s.coefficient.size();
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
}

/// The whole-model statistics of a summary from llf, the count of ones and n:
/// llnull = n [ybar ln ybar + (1 - ybar) ln(1 - ybar)], pseudo-R2 = 1 - llf / llnull,
/// llr = 2 (llf - llnull) with P(chi2_d > llr), AIC = -2 llf + 2 k, BIC = -2 llf + k ln n.
template <class SummaryT, class Acc>
void fill_model_statistics(SummaryT& s, Acc llf, Eigen::Index ones) {
  using Scalar = typename SummaryT::Vector::Scalar;
  const Eigen::Index n = s.n_samples, k = s.n_parameters;
  const Acc nn = static_cast<Acc>(n);
  const Acc ybar = static_cast<Acc>(ones) / nn;
  const Acc llnull = nn * (ybar * std::log(ybar) + (1 - ybar) * std::log1p(-ybar));
  s.log_likelihood = static_cast<Scalar>(llf);
  s.null_log_likelihood = static_cast<Scalar>(llnull);
  s.pseudo_r2 = static_cast<Scalar>(1 - llf / llnull);
  s.llr = static_cast<Scalar>(2 * (llf - llnull));
  s.llr_p_value = static_cast<Scalar>(chi2_sf(static_cast<double>(2 * (llf - llnull)), k - 1));
  s.aic = static_cast<Scalar>(-2 * llf + 2 * static_cast<Acc>(k));
  s.bic = static_cast<Scalar>(-2 * llf + static_cast<Acc>(k) * std::log(nn));
}

/// Fills the summary s of the parameters (w, b) over the dataset, whose labels hold `ones` ones:
/// see inference.hpp.
/// \throws std::invalid_argument naming `caller` when the information matrix is not positive
///   definite.
template <class SummaryT, class Data>
void fill_summary(SummaryT& s, const char* caller, const Data& data,
                  const Vector<typename Data::scalar_type>& w, typename Data::scalar_type b,
                  const std::vector<std::string>& feature_names, Eigen::Index ones, int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index n = data.rows(), d = data.cols(), k = d + 1;
  // llf = -sum_i softplus(t_i z_i), and the score sum_i (y_i - a_i)[x_i; 1] = -[X^T r; sum r]
  // with r_i = a_i - y_i: one fused pass.
  const Problem<Data> problem(data, Scalar(0), CostReduction::sum, threads);
  const PassSums<Scalar> sums = problem.logistic_sums(w, b);
  const Acc max_score = std::max(sums.weights.cwiseAbs().maxCoeff(), std::abs(sums.bias));
  // H = sum_i a_i (1 - a_i) [x_i; 1][x_i; 1]^T, in units of X' = f X (hessian_sums), inverted
  // there and mapped back: cov(w_j, w_k) = f^2 cov', cov(w_j, b) = f cov', cov(b, b) = cov'.
  const Scalar factor = scale_factor<Scalar>(data.scale_exponent());
  const AccumMatrix<Scalar> H = hessian_sums(data, w, b, factor, threads);
  const Eigen::LLT<AccumMatrix<Scalar>> llt(H);
  if (llt.info() != Eigen::Success) {
    throw std::invalid_argument(prefix(caller) +
                                "the information matrix is not positive definite (collinear "
                                "features, a constant feature, or separated data); no standard "
                                "errors exist");
  }
  Vector<Acc> unit = Vector<Acc>::Constant(k, Acc(factor));
  unit[d] = 1;
  const AccumMatrix<Scalar> covariance =
      unit.asDiagonal() * AccumMatrix<Scalar>(llt.solve(AccumMatrix<Scalar>::Identity(k, k))) *
      unit.asDiagonal();
  s.n_samples = n;
  s.n_parameters = k;
  s.names.clear();
  for (Eigen::Index j = 0; j < d; ++j) {
    s.names.push_back(feature_names.empty() ? "x" + std::to_string(j + 1)
                                            : feature_names[static_cast<std::size_t>(j)]);
  }
  s.names.push_back("bias");
  s.coefficient.resize(k);
  s.coefficient.head(d) = w;
  s.coefficient[d] = b;
  fill_parameter_columns(s, covariance);
  fill_model_statistics(s, -sums.value, ones);
  s.max_abs_score = static_cast<Scalar>(max_score);
}

}  // namespace detail
}  // namespace logistic_neuron
