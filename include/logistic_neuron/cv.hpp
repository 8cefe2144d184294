/// \file cv.hpp
/// \brief Cross-validation of the elastic-net path: cross_validate and CvResult (cv.glmnet's
/// rules; see docs/path.md).
///
/// \code
/// logistic_neuron::CvOptions<double> options;        // 10 stratified folds, deviance, lambda.1se
/// const auto cv = logistic_neuron::cross_validate(X, y, options);
/// const double chosen = cv.lambda_1se;               // or cv.lambda_min
/// Eigen::VectorXd p = cv.neuron.predict_proba(X_new);
/// \endcode
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/path_options.hpp"
#include "base/threads.hpp"
#include "detail/path.hpp"
#include "detail/targets.hpp"
#include "neuron.hpp"
#include "path.hpp"

namespace logistic_neuron {

/// One held-out measure over the folds and the grid.
template <class Scalar>
struct CvCurve {
  /// The type of a dense vector of Scalar.
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  bool computed = false;  ///< False when the measure was not asked for (its fields are empty).
  /// folds x lambdas: the fold's weighted mean score at each lambda (NaN for an AUC of a fold
  /// with one class).
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> per_fold;
  Vector mean;                 ///< cvm: sum_k W_k cv_k / sum_k W_k, W_k the fold's total weight.
  Vector standard_error;       ///< cvsd: sqrt(sum_k W_k (cv_k - cvm)^2 / sum_k W_k / (K - 1)).
  Eigen::Index index_min = 0;  ///< The best mean (the largest lambda on ties); 0-based.
  Eigen::Index index_1se = 0;  ///< The largest lambda within one standard error of the best.
};

/// What cross_validate found.
template <class Scalar>
struct CvResult {
  PathResult<Scalar> path;    ///< The path on all the data (its grid is every fold's).
  std::vector<int> fold_ids;  ///< Each row's fold, 1-based (glmnet's foldid).
  int n_folds = 0;            ///< K.
  CvMeasure measure = CvMeasure::deviance;  ///< The measure the choices below follow.
  CvCurve<Scalar> deviance;                 ///< Always computed.
  CvCurve<Scalar> misclassification;        ///< With CvOptions::all_measures or as the measure.
  CvCurve<Scalar> auc;                      ///< With CvOptions::all_measures or as the measure.
  CvCurve<Scalar> log_loss;                 ///< With CvOptions::all_measures or as the measure.
  Eigen::Index index_min = 0;     ///< The measure's index_min (0-based, into path.lambdas).
  Eigen::Index index_1se = 0;     ///< The measure's index_1se.
  Scalar lambda_min = 0;          ///< path.lambdas[index_min].
  Scalar lambda_1se = 0;          ///< path.lambdas[index_1se].
  Eigen::Index chosen = 0;        ///< index_1se or index_min, as CvOptions::choice asks.
  LogisticNeuron<Scalar> neuron;  ///< The full-data fit at path.lambdas[chosen].

  /// \brief The curve of a measure.
  /// \param which the measure.
  /// \return its curve (computed may be false).
  const CvCurve<Scalar>& curve(CvMeasure which) const noexcept {
    switch (which) {
      case CvMeasure::misclassification: return misclassification;
      case CvMeasure::auc: return auc;
      case CvMeasure::log_loss: return log_loss;
      case CvMeasure::deviance: break;
    }
    return deviance;
  }
};

/// \brief K-fold cross-validation of the path on checked targets (the overloads' common part).
/// \param caller the name exception messages start with.
/// \param X n x d, dense or compressed sparse.
/// \param targets the checked labels and weights.
/// \param options validated options.
/// \return what cross_validate returns.
/// \throws std::invalid_argument naming `caller` for options that do not fit X.
template <class Scalar, class DerivedX>
CvResult<Scalar> cross_validate_checked(const char* caller, const Eigen::EigenBase<DerivedX>& X,
                                        const detail::Targets<Scalar>& targets,
                                        const CvOptions<Scalar>& options) {
  const Eigen::Index n = X.rows();
  const detail::PathSettings<Scalar> settings =
      detail::path_settings(caller, options.path, n, X.cols());
  int K = options.n_folds;
  std::vector<int> folds;
  if (!options.fold_ids.empty()) {
    folds = detail::user_folds(caller, options.fold_ids, n, K);
  } else {
    if (Eigen::Index(K) > n) {
      throw std::invalid_argument(std::string(caller) + ": n_folds must be at most the " +
                                  std::to_string(n) + " rows of X, got " + std::to_string(K));
    }
    std::vector<unsigned char> positive(static_cast<std::size_t>(n));
    for (Eigen::Index i = 0; i < n; ++i) positive[std::size_t(i)] = targets.sign[i] < 0 ? 1 : 0;
    folds = detail::stratified_folds(positive, K, options.seed);
  }
  detail::Vector<Scalar> y01, s;
  detail::labels_and_weights(targets, y01, s);
  const int threads = options.threads > 0 ? options.threads : num_threads();
  const bool auc_needed = options.measure == CvMeasure::auc;
  CvResult<Scalar> out;
  const detail::CvData<Scalar> data =
      detail::with_path_columns<Scalar>(caller, X, [&](const auto& columns) {
        return detail::run_cv(caller, columns, y01, s, settings, folds, K, options.all_measures,
                              auc_needed, threads);
      });
  out.path = path_result_of(data.full, X.cols());
  const PathResult<Scalar>& path = out.path;
  out.fold_ids.resize(data.folds.size());
  for (std::size_t i = 0; i < data.folds.size(); ++i) out.fold_ids[i] = data.folds[i] + 1;
  out.n_folds = K;
  out.measure = options.measure;
  const auto copy = [](const detail::CvCurveData<Scalar>& from, CvCurve<Scalar>& to) {
    to.computed = true;
    to.per_fold = from.per_fold;
    to.mean = from.mean;
    to.standard_error = from.standard_error;
    to.index_min = from.index_min;
    to.index_1se = from.index_1se;
  };
  copy(data.deviance, out.deviance);
  const CvMeasure m = options.measure;
  if (options.all_measures || m == CvMeasure::misclassification)
    copy(data.misclassification, out.misclassification);
  if (options.all_measures || m == CvMeasure::auc) copy(data.auc, out.auc);
  if (options.all_measures || m == CvMeasure::log_loss) copy(data.log_loss, out.log_loss);
  const CvCurve<Scalar>& chosen = out.curve(m);
  out.index_min = chosen.index_min;
  out.index_1se = chosen.index_1se;
  out.lambda_min = path.lambdas[out.index_min];
  out.lambda_1se = path.lambdas[out.index_1se];
  out.chosen = options.choice == CvChoice::lambda_min ? out.index_min : out.index_1se;
  out.neuron = path.neuron(out.chosen);
  return out;
}

/// \brief K-fold cross-validation of the elastic-net path, cv.glmnet's: the path on all the
/// data fixes the grid; each fold's path on the other folds' rows runs on that grid (folds in
/// parallel, each on one thread; results do not depend on the thread count); held-out scores at
/// every lambda; their weighted mean and standard error; lambda_min and lambda_1se; the neuron
/// of the full-data path at the chosen lambda. Without fold_ids the folds are stratified and
/// seeded: within each class the rows are shuffled (Fisher-Yates, splitmix64(seed)) and dealt to
/// folds 1, 2, ..., K in turn, the second class continuing the count.
/// \param X n x d, dense or compressed sparse (see fit_path).
/// \param y n labels in {0, 1}.
/// \param options folds, measure, choice, threads and the path's options.
/// \return the curves, the choices and the neuron.
/// \throws std::invalid_argument naming cross_validate for bad options, shapes, labels or X.
template <class Scalar, class DerivedX, class DerivedY>
CvResult<Scalar> cross_validate(const Eigen::EigenBase<DerivedX>& X,
                                const Eigen::MatrixBase<DerivedY>& y,
                                const CvOptions<Scalar>& options) {
  static constexpr const char* caller = "cross_validate";
  options.validate(caller);
  detail::check_kind<Scalar, DerivedX>();
  const detail::Targets<Scalar> targets = detail::unweighted_targets<Scalar>(caller, X.rows(), y);
  return cross_validate_checked(caller, X, targets, options);
}

/// \brief Cross-validation with sample weights (see the other overload): a fold's score is
/// the weighted mean over its rows, and folds weigh their total weight.
/// \param X n x d, dense or compressed sparse.
/// \param y n labels in {0, 1}.
/// \param sample_weight n weights s_i, finite and >= 0, with a positive sum.
/// \param options folds, measure, choice, threads and the path's options.
/// \return the curves, the choices and the neuron.
/// \throws std::invalid_argument naming cross_validate for bad options, shapes, labels, weights
/// or X.
template <class Scalar, class DerivedX, class DerivedY, class DerivedS>
CvResult<Scalar> cross_validate(const Eigen::EigenBase<DerivedX>& X,
                                const Eigen::MatrixBase<DerivedY>& y,
                                const Eigen::MatrixBase<DerivedS>& sample_weight,
                                const CvOptions<Scalar>& options) {
  static constexpr const char* caller = "cross_validate";
  options.validate(caller);
  detail::check_kind<Scalar, DerivedX>();
  const detail::Targets<Scalar> targets =
      detail::weighted_targets<Scalar>(caller, X.rows(), y, sample_weight);
  return cross_validate_checked(caller, X, targets, options);
}

}  // namespace logistic_neuron
