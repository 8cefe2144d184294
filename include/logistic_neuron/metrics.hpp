/// \file metrics.hpp
/// \brief Metrics of a binary classifier: accuracy, log loss, Brier score, the confusion matrix,
/// precision, recall, F1, the ROC curve and ROC-AUC. Free functions in
/// `logistic_neuron::metrics`, independent of LogisticNeuron (they judge any scores).
///
/// Conventions shared by every function here:
/// - `y_true` holds n labels, each exactly 0 or 1, in any dense Eigen vector of any arithmetic
///   type (`Eigen::VectorXi`, `Eigen::VectorXd`, a `Map`, a column block...). Class 1 is the
///   positive class.
/// - `y_pred` (for the label metrics) holds n predicted labels in {0, 1}, as
///   LogisticNeuron::predict returns them.
/// - `probabilities` hold n values in [0, 1] (LogisticNeuron::predict_proba); `logits` and
///   `scores` hold n finite values of any scale (LogisticNeuron::decision_function). Their
///   Scalar must be float, double or long double; the score metrics return that Scalar, and sum
///   in double for float input.
/// - `sample_weight`, where accepted, holds n finite weights >= 0, not all zero; a metric is then
///   the weighted one of scikit-learn (every sample counted s_i times). Without it every weight
///   is 1.
/// - Bad input throws std::invalid_argument before anything is computed, with a message naming
///   the function, what was expected and what came: a matrix that is not a vector, empty input,
///   mismatched sizes, a label that is not 0 or 1, a probability outside [0, 1], a non-finite
///   score, a bad sample weight, and (ROC only) a y_true with a single class.
///
/// The definitions follow scikit-learn's (`sklearn.metrics`) and are tested against its values
/// (tests/reference/make_metrics_reference.py). Where they differ, the function says so.
///
/// \code
/// #include <logistic_neuron/logistic_neuron.hpp>
/// #include <logistic_neuron/metrics.hpp>
/// namespace metrics = logistic_neuron::metrics;
///
/// Eigen::VectorXd z = neuron.decision_function(X_test);
/// Eigen::VectorXd p = neuron.predict_proba(X_test);
/// Eigen::VectorXi labels = neuron.predict(X_test);
/// double acc = metrics::accuracy(y_test, labels);
/// double loss = metrics::log_loss_from_logits(y_test, z);    // exact, no clipping
/// metrics::ConfusionMatrix<> cm = metrics::confusion_matrix(y_test, labels);
/// double f1 = metrics::f1(cm);
/// double auc = metrics::roc_auc(y_test, p);
/// metrics::RocCurve<double> roc = metrics::roc_curve(y_test, p);
/// \endcode
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/metric_types.hpp"
#include "detail/metrics.hpp"

namespace logistic_neuron {
namespace metrics {

/// The confusion matrix of predicted labels.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \return the counts of tn, fp, fn and tp.
/// \throws std::invalid_argument for empty input, mismatched sizes or a label not 0 or 1.
template <class DerivedY, class DerivedP>
ConfusionMatrix<Eigen::Index> confusion_matrix(const Eigen::MatrixBase<DerivedY>& y_true,
                                               const Eigen::MatrixBase<DerivedP>& y_pred) {
  return detail::metrics_unweighted_confusion("metrics::confusion_matrix", y_true, y_pred);
}

/// The weighted confusion matrix: each sample adds its weight to its cell.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return the summed weights of tn, fp, fn and tp.
/// \throws std::invalid_argument as confusion_matrix(y_true, y_pred), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
ConfusionMatrix<double> confusion_matrix(const Eigen::MatrixBase<DerivedY>& y_true,
                                         const Eigen::MatrixBase<DerivedP>& y_pred,
                                         const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return detail::metrics_weighted_confusion("metrics::confusion_matrix", y_true, y_pred,
                                            sample_weight);
}

/// Accuracy (tp + tn) / total.
/// \param cm a confusion matrix with total() > 0.
/// \return the fraction of samples (or of the weight) predicted correctly, in [0, 1].
/// \throws std::invalid_argument if cm is empty.
template <class Count>
double accuracy(const ConfusionMatrix<Count>& cm) {
  const double total = static_cast<double>(cm.total());
  if (!(total > 0)) {
    throw std::invalid_argument(
        "metrics::accuracy: the confusion matrix is empty; expected at least one sample");
  }
  return static_cast<double>(cm.tp + cm.tn) / total;
}

/// Precision tp / (tp + fp): of the samples predicted 1, the fraction that are 1.
/// Zero division: 0 when nothing is predicted 1 (tp + fp = 0), as scikit-learn's default
/// (zero_division="warn", which returns 0; this function does not warn).
/// \param cm a confusion matrix (counts or weights).
/// \return the precision in [0, 1].
template <class Count>
double precision(const ConfusionMatrix<Count>& cm) noexcept {
  const double denominator = static_cast<double>(cm.tp + cm.fp);
  return denominator > 0 ? static_cast<double>(cm.tp) / denominator : 0.0;
}

/// Recall (true-positive rate, sensitivity) tp / (tp + fn): of the samples that are 1, the
/// fraction predicted 1. Zero division: 0 when no sample is 1 (tp + fn = 0), as scikit-learn's
/// default.
/// \param cm a confusion matrix (counts or weights).
/// \return the recall in [0, 1].
template <class Count>
double recall(const ConfusionMatrix<Count>& cm) noexcept {
  const double denominator = static_cast<double>(cm.tp + cm.fn);
  return denominator > 0 ? static_cast<double>(cm.tp) / denominator : 0.0;
}

/// F1, the harmonic mean of precision and recall, computed as 2 tp / (2 tp + fp + fn) (the same
/// number when both are defined). Zero division: 0 when tp + fp + fn = 0 (no sample is 1 and
/// none is predicted 1), as scikit-learn's default; whenever tp = 0 the F1 is 0.
/// \param cm a confusion matrix (counts or weights).
/// \return the F1 score in [0, 1].
template <class Count>
double f1(const ConfusionMatrix<Count>& cm) noexcept {
  const double denominator = static_cast<double>(2 * cm.tp + cm.fp + cm.fn);
  return denominator > 0 ? 2.0 * static_cast<double>(cm.tp) / denominator : 0.0;
}

/// Accuracy: the fraction of predicted labels equal to the true ones.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \return the fraction in [0, 1].
/// \throws std::invalid_argument for empty input, mismatched sizes or a label not 0 or 1.
template <class DerivedY, class DerivedP>
double accuracy(const Eigen::MatrixBase<DerivedY>& y_true,
                const Eigen::MatrixBase<DerivedP>& y_pred) {
  return accuracy(detail::metrics_unweighted_confusion("metrics::accuracy", y_true, y_pred));
}

/// Weighted accuracy: sum of the weights of correct predictions / sum of all weights.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return the weighted fraction in [0, 1].
/// \throws std::invalid_argument as accuracy(y_true, y_pred), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
double accuracy(const Eigen::MatrixBase<DerivedY>& y_true,
                const Eigen::MatrixBase<DerivedP>& y_pred,
                const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return accuracy(
      detail::metrics_weighted_confusion("metrics::accuracy", y_true, y_pred, sample_weight));
}

/// Precision of predicted labels; see precision(const ConfusionMatrix&) for the zero division.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \return tp / (tp + fp), in [0, 1].
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP>
double precision(const Eigen::MatrixBase<DerivedY>& y_true,
                 const Eigen::MatrixBase<DerivedP>& y_pred) {
  return precision(detail::metrics_unweighted_confusion("metrics::precision", y_true, y_pred));
}

/// Weighted precision: tp and fp are sums of sample weights.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return tp / (tp + fp), in [0, 1].
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP, class DerivedW>
double precision(const Eigen::MatrixBase<DerivedY>& y_true,
                 const Eigen::MatrixBase<DerivedP>& y_pred,
                 const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return precision(
      detail::metrics_weighted_confusion("metrics::precision", y_true, y_pred, sample_weight));
}

/// Recall of predicted labels; see recall(const ConfusionMatrix&) for the zero division.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \return tp / (tp + fn), in [0, 1].
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP>
double recall(const Eigen::MatrixBase<DerivedY>& y_true,
              const Eigen::MatrixBase<DerivedP>& y_pred) {
  return recall(detail::metrics_unweighted_confusion("metrics::recall", y_true, y_pred));
}

/// Weighted recall: tp and fn are sums of sample weights.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return tp / (tp + fn), in [0, 1].
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP, class DerivedW>
double recall(const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& y_pred,
              const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return recall(
      detail::metrics_weighted_confusion("metrics::recall", y_true, y_pred, sample_weight));
}

/// F1 of predicted labels; see f1(const ConfusionMatrix&) for the zero division.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \return 2 tp / (2 tp + fp + fn), in [0, 1].
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP>
double f1(const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& y_pred) {
  return f1(detail::metrics_unweighted_confusion("metrics::f1", y_true, y_pred));
}

/// Weighted F1: tp, fp and fn are sums of sample weights.
/// \param y_true n labels in {0, 1}.
/// \param y_pred n predicted labels in {0, 1}.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return 2 tp / (2 tp + fp + fn), in [0, 1].
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP, class DerivedW>
double f1(const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& y_pred,
          const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return f1(detail::metrics_weighted_confusion("metrics::f1", y_true, y_pred, sample_weight));
}

/// Log loss (mean binary cross-entropy) of predicted probabilities:
/// (1/n) sum_i -[y_i log p_i + (1 - y_i) log(1 - p_i)].
///
/// Each p_i is first clipped to [eps, 1 - eps] with eps = std::numeric_limits<Scalar>::epsilon(),
/// as scikit-learn's log_loss with eps="auto" does, so that a certain wrong prediction costs
/// -log(eps) (36.04 for double) instead of infinity. Probabilities rounded to 0 or 1 lose
/// information: when you have the logits, prefer log_loss_from_logits, which is exact. Unlike
/// scikit-learn, a y_true of a single class is accepted.
/// \param y_true n labels in {0, 1}.
/// \param probabilities n probabilities of class 1, each in [0, 1].
/// \return the mean loss, >= 0.
/// \throws std::invalid_argument for empty input, mismatched sizes, a label not 0 or 1 or a
///   probability outside [0, 1] (or NaN).
template <class DerivedY, class DerivedP>
typename DerivedP::Scalar log_loss(const Eigen::MatrixBase<DerivedY>& y_true,
                                   const Eigen::MatrixBase<DerivedP>& probabilities) {
  static constexpr const char* caller = "metrics::log_loss";
  detail::check_score_metric(caller, "probabilities", y_true, probabilities, true);
  return detail::metrics_log_loss(y_true, probabilities, nullptr);
}

/// Weighted log loss: sum_i s_i loss_i / sum_i s_i, with the clipping of log_loss(y_true, p).
/// \param y_true n labels in {0, 1}.
/// \param probabilities n probabilities of class 1, each in [0, 1].
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return the weighted mean loss, >= 0.
/// \throws std::invalid_argument as log_loss(y_true, p), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
typename DerivedP::Scalar log_loss(const Eigen::MatrixBase<DerivedY>& y_true,
                                   const Eigen::MatrixBase<DerivedP>& probabilities,
                                   const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::log_loss";
  const auto w = detail::checked_score_weights(caller, "probabilities", y_true, probabilities, true,
                                               sample_weight);
  return detail::metrics_log_loss(y_true, probabilities, &w);
}

/// Log loss computed from the logits z (LogisticNeuron::decision_function), exactly and without
/// clipping: (1/n) sum_i [softplus(z_i) - y_i z_i], the cost J of the design with l2 = 0. It
/// equals log_loss(y_true, sigmoid(z)) wherever no probability needs clipping, and stays exact
/// for large |z| (a logit of -1000 for a sample of class 1 costs 1000, not -log(eps)).
/// \param y_true n labels in {0, 1}.
/// \param logits n finite logits.
/// \return the mean loss, >= 0.
/// \throws std::invalid_argument for empty input, mismatched sizes, a label not 0 or 1 or a
///   non-finite logit.
template <class DerivedY, class DerivedZ>
typename DerivedZ::Scalar log_loss_from_logits(const Eigen::MatrixBase<DerivedY>& y_true,
                                               const Eigen::MatrixBase<DerivedZ>& logits) {
  static constexpr const char* caller = "metrics::log_loss_from_logits";
  detail::check_score_metric(caller, "logits", y_true, logits, false);
  return detail::metrics_log_loss_from_logits(y_true, logits, nullptr);
}

/// Weighted log loss from logits: sum_i s_i loss_i / sum_i s_i.
/// \param y_true n labels in {0, 1}.
/// \param logits n finite logits.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return the weighted mean loss, >= 0.
/// \throws std::invalid_argument as log_loss_from_logits(y_true, z), and for bad weights.
template <class DerivedY, class DerivedZ, class DerivedW>
typename DerivedZ::Scalar log_loss_from_logits(const Eigen::MatrixBase<DerivedY>& y_true,
                                               const Eigen::MatrixBase<DerivedZ>& logits,
                                               const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::log_loss_from_logits";
  const auto w =
      detail::checked_score_weights(caller, "logits", y_true, logits, false, sample_weight);
  return detail::metrics_log_loss_from_logits(y_true, logits, &w);
}

/// Brier score (1/n) sum_i (p_i - y_i)^2: the mean squared error of the probabilities, as
/// scikit-learn's brier_score_loss. 0 is perfect; always predicting 0.5 scores 0.25.
/// \param y_true n labels in {0, 1}.
/// \param probabilities n probabilities of class 1, each in [0, 1].
/// \return the score in [0, 1].
/// \throws std::invalid_argument for empty input, mismatched sizes, a label not 0 or 1 or a
///   probability outside [0, 1] (or NaN).
template <class DerivedY, class DerivedP>
typename DerivedP::Scalar brier_score(const Eigen::MatrixBase<DerivedY>& y_true,
                                      const Eigen::MatrixBase<DerivedP>& probabilities) {
  static constexpr const char* caller = "metrics::brier_score";
  detail::check_score_metric(caller, "probabilities", y_true, probabilities, true);
  return detail::metrics_brier_score(y_true, probabilities, nullptr);
}

/// Weighted Brier score: sum_i s_i (p_i - y_i)^2 / sum_i s_i.
/// \param y_true n labels in {0, 1}.
/// \param probabilities n probabilities of class 1, each in [0, 1].
/// \param sample_weight n finite weights >= 0, not all zero.
/// \return the weighted score in [0, 1].
/// \throws std::invalid_argument as brier_score(y_true, p), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
typename DerivedP::Scalar brier_score(const Eigen::MatrixBase<DerivedY>& y_true,
                                      const Eigen::MatrixBase<DerivedP>& probabilities,
                                      const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::brier_score";
  const auto w = detail::checked_score_weights(caller, "probabilities", y_true, probabilities, true,
                                               sample_weight);
  return detail::metrics_brier_score(y_true, probabilities, &w);
}

/// The ROC curve of scores (probabilities, logits or any finite score where higher means
/// class 1), as scikit-learn's roc_curve.
///
/// Samples with tied scores enter together: each distinct score gives one point, so a tie
/// between classes is a diagonal segment. With drop_intermediate = false (the default here;
/// scikit-learn's default is true) every distinct score is a point. With true, points that lie
/// on the straight segment between their neighbours are dropped by scikit-learn's exact rule
/// (both second differences of the cumulative counts are 0); the curve's shape and area do not
/// change. The thresholds agree with scikit-learn's except thresholds[0] (see RocCurve).
/// Samples of weight 0 are ignored, as scikit-learn does.
/// \param y_true n labels in {0, 1}, both classes present.
/// \param scores n finite scores.
/// \param drop_intermediate drop the points on straight segments (default false).
/// \return the curve, from (0, 0) at threshold +inf to (1, 1) at the lowest score.
/// \throws std::invalid_argument for empty input, mismatched sizes, a label not 0 or 1, a
///   non-finite score, or a y_true without both classes.
template <class DerivedY, class DerivedS>
RocCurve<typename DerivedS::Scalar> roc_curve(const Eigen::MatrixBase<DerivedY>& y_true,
                                              const Eigen::MatrixBase<DerivedS>& scores,
                                              bool drop_intermediate = false) {
  static constexpr const char* caller = "metrics::roc_curve";
  using Scalar = typename DerivedS::Scalar;
  detail::check_score_metric(caller, "scores", y_true, scores, false);
  const auto counts = detail::roc_counts(
      caller, y_true, scores, static_cast<const detail::Vector<detail::Accum<Scalar>>*>(nullptr));
  return detail::metrics_roc_curve(counts, drop_intermediate);
}

/// The weighted ROC curve: counts become sums of sample weights.
/// \param y_true n labels in {0, 1}, both classes present with positive weight.
/// \param scores n finite scores.
/// \param sample_weight n finite weights >= 0, not all zero; both classes need positive weight.
/// \param drop_intermediate drop the points on straight segments (default false).
/// \return the curve, from (0, 0) at threshold +inf to (1, 1) at the lowest score of positive
///   weight.
/// \throws std::invalid_argument as roc_curve(y_true, scores), and for bad weights.
template <class DerivedY, class DerivedS, class DerivedW>
RocCurve<typename DerivedS::Scalar> roc_curve(const Eigen::MatrixBase<DerivedY>& y_true,
                                              const Eigen::MatrixBase<DerivedS>& scores,
                                              const Eigen::MatrixBase<DerivedW>& sample_weight,
                                              bool drop_intermediate = false) {
  static constexpr const char* caller = "metrics::roc_curve";
  const auto w =
      detail::checked_score_weights(caller, "scores", y_true, scores, false, sample_weight);
  const auto counts = detail::roc_counts(caller, y_true, scores, &w);
  return detail::metrics_roc_curve(counts, drop_intermediate);
}

/// The area under the ROC curve by the trapezoid rule, as scikit-learn's roc_auc_score.
///
/// Equals the probability that a random sample of class 1 scores higher than a random sample of
/// class 0, a tie counting one half (the Mann-Whitney U statistic / (P N)). Computed from the
/// cumulative counts and divided once at the end, so it is exact for integer counts up to
/// rounding of the final division. 1 is perfect ranking, 0.5 is chance (or all scores tied).
/// \param y_true n labels in {0, 1}, both classes present.
/// \param scores n finite scores.
/// \return the area in [0, 1].
/// \throws std::invalid_argument for empty input, mismatched sizes, a label not 0 or 1, a
///   non-finite score, or a y_true without both classes (ROC-AUC is then undefined).
template <class DerivedY, class DerivedS>
typename DerivedS::Scalar roc_auc(const Eigen::MatrixBase<DerivedY>& y_true,
                                  const Eigen::MatrixBase<DerivedS>& scores) {
  static constexpr const char* caller = "metrics::roc_auc";
  using Scalar = typename DerivedS::Scalar;
  detail::check_score_metric(caller, "scores", y_true, scores, false);
  return detail::roc_area(detail::roc_counts(
      caller, y_true, scores, static_cast<const detail::Vector<detail::Accum<Scalar>>*>(nullptr)));
}

/// The weighted ROC-AUC: the area under the weighted ROC curve.
/// \param y_true n labels in {0, 1}, both classes present with positive weight.
/// \param scores n finite scores.
/// \param sample_weight n finite weights >= 0, not all zero; both classes need positive weight.
/// \return the area in [0, 1].
/// \throws std::invalid_argument as roc_auc(y_true, scores), and for bad weights.
template <class DerivedY, class DerivedS, class DerivedW>
typename DerivedS::Scalar roc_auc(const Eigen::MatrixBase<DerivedY>& y_true,
                                  const Eigen::MatrixBase<DerivedS>& scores,
                                  const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::roc_auc";
  const auto w =
      detail::checked_score_weights(caller, "scores", y_true, scores, false, sample_weight);
  return detail::roc_area(detail::roc_counts(caller, y_true, scores, &w));
}

}  // namespace metrics
}  // namespace logistic_neuron
