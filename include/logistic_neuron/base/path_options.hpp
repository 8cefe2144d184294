/// \file path_options.hpp
/// \brief The options of fit_path (PathOptions) and of cross_validate (CvOptions).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "config.hpp"
#include "options.hpp"
#include "text.hpp"

namespace logistic_neuron {

/// Options of fit_path: the elastic-net path of
///   J(w, b) = (1/S) sum_i s_i [softplus(z_i) - y_i z_i]
///             + lambda sum_j p_j ((1 - alpha)/2 w_j^2 + alpha |w_j|)
/// over a decreasing grid of lambda, in glmnet's form (see docs/path.md). An aggregate: set the
/// fields you need by name; validate() checks them before anything is computed.
template <class Scalar>
struct PathOptions {
  static_assert(
      detail::is_supported_scalar_v<Scalar>,
      "logistic_neuron::PathOptions<Scalar>: Scalar must be float, double or long double");

  /// The elastic-net mixing alpha in [0, 1]: 1 (the default) is the lasso, 0 ridge.
  Scalar alpha = 1;
  /// Per-feature penalty factors p_j >= 0, finite, not all 0 (0: never penalised), one per
  /// feature; empty (the default) means all 1. Rescaled to sum to the number of features, as
  /// glmnet does.
  detail::Vector<Scalar> penalty_factors{};
  /// Fit the bias b (the default); false keeps b = 0.
  bool fit_intercept = true;
  /// The number of lambdas of the computed grid (default 100, glmnet's): lambda_k = lambda_max
  /// r^(k / (n_lambdas - 1)), k = 0 .. n_lambdas - 1, r = lambda_min_ratio. Must be >= 1.
  Eigen::Index n_lambdas = 100;
  /// lambda_min / lambda_max of the computed grid, in (0, 1). Unset (the default): glmnet's,
  /// 1e-2 when X has fewer rows than columns, else 1e-4.
  std::optional<Scalar> lambda_min_ratio{};
  /// A user's grid: finite, > 0, strictly decreasing. When not empty it replaces the computed
  /// grid (n_lambdas and lambda_min_ratio are then ignored), and the path never stops early.
  detail::Vector<Scalar> lambdas{};
  /// Each lambda's solve ends when every KKT residual of J is <= tolerance: for w_j != 0,
  /// |dJ_smooth/dw_j + lambda alpha p_j sign(w_j)|; for w_j = 0, max(|dJ_smooth/dw_j| -
  /// lambda alpha p_j, 0); |dJ/db| for the bias (J the mean cost, so in units of the
  /// gradient). Must be finite and > 0. Default 1e-9 (1e-5 for float).
  Scalar tolerance = Scalar(sizeof(Scalar) > 4 ? 1e-9 : 1e-5);
  /// The most passes over X (sweeps of coordinate updates and gradient passes) one lambda may
  /// take. Must be >= 1. Default 100000.
  Eigen::Index max_passes = 100000;
  /// glmnet's early stop on a computed grid (the default, true): after the 5th lambda, stop
  /// when the deviance ratio rose by less than 1e-5 from the previous lambda or exceeds 0.999
  /// (the lambda that triggers it is kept). Ignored for a user's grid.
  bool early_stop = true;
  /// Threads for the parts of each solve that are independent across features (the gradient
  /// over all columns, the working set's curvatures): 0 (the default) uses num_threads().
  /// Results do not depend on it. In cross_validate the path on all rows uses it; the folds'
  /// paths run one thread each when CvOptions::threads runs folds side by side.
  int threads = 0;

  /// Checks every field that does not depend on the data.
  /// \param caller the name the exception message starts with.
  /// \throws std::invalid_argument naming the caller, the field, its valid range and its value.
  void validate(const char* caller = "PathOptions::validate") const {
    const std::string where = std::string(caller) + ": ";
    detail::validate_elastic_net(where, alpha, penalty_factors);
    if (n_lambdas < 1) {
      throw std::invalid_argument(where + "n_lambdas must be >= 1, got " +
                                  std::to_string(n_lambdas));
    }
    if (lambda_min_ratio && !(*lambda_min_ratio > 0 && *lambda_min_ratio < 1)) {
      throw std::invalid_argument(where + "lambda_min_ratio must be in (0, 1), got " +
                                  detail::to_text(*lambda_min_ratio));
    }
    for (Eigen::Index k = 0; k < lambdas.size(); ++k) {
      if (!detail::is_finite_bits(lambdas[k]) || !(lambdas[k] > 0)) {
        throw std::invalid_argument(where + "lambdas[" + std::to_string(k) +
                                    "] must be finite and > 0, got " + detail::to_text(lambdas[k]));
      }
      if (k > 0 && !(lambdas[k] < lambdas[k - 1])) {
        throw std::invalid_argument(where + "lambdas must be strictly decreasing, got lambdas[" +
                                    std::to_string(k) + "] = " + detail::to_text(lambdas[k]) +
                                    " after " + detail::to_text(lambdas[k - 1]));
      }
    }
    if (!detail::is_finite_bits(tolerance) || !(tolerance > 0)) {
      throw std::invalid_argument(where + "tolerance must be finite and > 0, got " +
                                  detail::to_text(tolerance));
    }
    if (max_passes < 1) {
      throw std::invalid_argument(where + "max_passes must be >= 1, got " +
                                  std::to_string(max_passes));
    }
    if (threads < 0) {
      throw std::invalid_argument(where + "threads must be >= 0 (0 = automatic), got " +
                                  std::to_string(threads));
    }
  }
};

/// What cross_validate scores the held-out rows with (glmnet's type.measure).
enum class CvMeasure {
  deviance,           ///< -2 [y log p + (1 - y) log(1 - p)], p clamped to [1e-5, 1 - 1e-5]
                      ///< as cv.glmnet does (the default).
  misclassification,  ///< 1 when p > 1/2 disagrees with y (p = 1/2 counts as class 0).
  auc,                ///< The area under the ROC curve of the fold (ties count 1/2); larger is
                      ///< better.
  log_loss            ///< -[y log p + (1 - y) log(1 - p)] without clamping.
};

/// The name of a CvMeasure.
/// \param measure the measure to name.
/// \return "deviance", "misclassification", "auc" or "log_loss" ("unknown" otherwise).
inline const char* to_string(CvMeasure measure) noexcept {
  switch (measure) {
    case CvMeasure::deviance: return "deviance";
    case CvMeasure::misclassification: return "misclassification";
    case CvMeasure::auc: return "auc";
    case CvMeasure::log_loss: return "log_loss";
  }
  return "unknown";
}

/// Which lambda cross_validate's neuron is refitted at.
enum class CvChoice {
  lambda_1se,  ///< The largest lambda whose mean score is within one standard error of the
               ///< best (glmnet's default for predictions, the default).
  lambda_min   ///< The lambda with the best mean score (the largest one, on ties).
};

/// Options of cross_validate. An aggregate; validate() checks it.
template <class Scalar>
struct CvOptions {
  /// The path: penalty, grid, tolerance. The grid is computed once on all the data (or is the
  /// user's) and every fold is fitted on it, as cv.glmnet does.
  PathOptions<Scalar> path{};
  /// The number of folds K (default 10): >= 2 and at most the number of rows. Ignored when
  /// fold_ids is given.
  int n_folds = 10;
  /// The seed of the stratified fold assignment (see cross_validate). Default 0.
  std::uint64_t seed = 0;
  /// The user's folds, glmnet's foldid: one id in 1 .. K per row, every id in 1 .. K used, K >= 2.
  /// Empty (the default): stratified, seeded folds.
  std::vector<int> fold_ids{};
  /// The measure lambda_min and lambda_1se are chosen by (default deviance).
  CvMeasure measure = CvMeasure::deviance;
  /// Also score misclassification, AUC and log loss (the measure is always scored; deviance
  /// always is). Default false: AUC sorts every fold at every lambda.
  bool all_measures = false;
  /// The lambda of the returned neuron (default lambda_1se).
  CvChoice choice = CvChoice::lambda_1se;
  /// Threads for the folds (each fold's path runs on one thread): 0 (the default) uses
  /// num_threads(). Results do not depend on it.
  int threads = 0;

  /// Checks every field that does not depend on the data, the path's included.
  /// \param caller the name the exception message starts with.
  /// \throws std::invalid_argument naming the caller, the field, its valid range and its value.
  void validate(const char* caller = "CvOptions::validate") const {
    path.validate(caller);
    const std::string where = std::string(caller) + ": ";
    if (fold_ids.empty() && n_folds < 2) {
      throw std::invalid_argument(where + "n_folds must be >= 2, got " + std::to_string(n_folds));
    }
    if (measure != CvMeasure::deviance && measure != CvMeasure::misclassification &&
        measure != CvMeasure::auc && measure != CvMeasure::log_loss) {
      throw std::invalid_argument(where +
                                  "measure must be deviance, misclassification, auc or "
                                  "log_loss, got " +
                                  std::to_string(static_cast<int>(measure)));
    }
    if (choice != CvChoice::lambda_1se && choice != CvChoice::lambda_min) {
      throw std::invalid_argument(where + "choice must be lambda_1se or lambda_min, got " +
                                  std::to_string(static_cast<int>(choice)));
    }
    if (threads < 0) {
      throw std::invalid_argument(where + "threads must be >= 0 (0 = automatic), got " +
                                  std::to_string(threads));
    }
  }
};

}  // namespace logistic_neuron
