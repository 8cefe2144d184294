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
#include "base/text.hpp"
#include "detail/validate.hpp"

namespace logistic_neuron {
namespace metrics {

/// The 2 x 2 confusion matrix of a binary classifier, class 1 positive.
/// \tparam Count Eigen::Index for counts of samples, double for sums of sample weights.
template <class Count = Eigen::Index>
struct ConfusionMatrix {
  Count tn = 0;  ///< true negatives: y_true = 0, y_pred = 0.
  Count fp = 0;  ///< false positives: y_true = 0, y_pred = 1.
  Count fn = 0;  ///< false negatives: y_true = 1, y_pred = 0.
  Count tp = 0;  ///< true positives: y_true = 1, y_pred = 1.

  /// The number (or total weight) of samples: tn + fp + fn + tp.
  Count total() const noexcept { return tn + fp + fn + tp; }
};

/// The ROC curve: one point per distinct score, from (0, 0) to (1, 1).
///
/// Point k is the classifier "positive iff score >= thresholds[k]": fpr[k] is its false-positive
/// rate FP / N, tpr[k] its true-positive rate TP / P. thresholds decrease strictly;
/// thresholds[0] is +infinity (nothing predicted positive), as in scikit-learn >= 1.3
/// (scikit-learn 1.2 put max(score) + 1 there); the remaining thresholds are the distinct scores.
template <class Scalar>
struct RocCurve {
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> fpr;         ///< false-positive rates, increasing.
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> tpr;         ///< true-positive rates, increasing.
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> thresholds;  ///< decreasing; thresholds[0] = +inf.
};

}  // namespace metrics

namespace detail {

/// v must be a vector: one row or one column.
template <class Derived>
void metrics_require_vector(const char* caller, const char* name,
                            const Eigen::MatrixBase<Derived>& v) {
  if (v.rows() != 1 && v.cols() != 1) {
    throw std::invalid_argument(prefix(caller) + name + " is a " + std::to_string(v.rows()) +
                                " x " + std::to_string(v.cols()) +
                                " matrix; expected a vector (one row or one column)");
  }
}

/// y_true and the second input must be non-empty vectors of the same size.
template <class DerivedY, class DerivedB>
void metrics_require_pair(const char* caller, const char* name,
                          const Eigen::MatrixBase<DerivedY>& y_true,
                          const Eigen::MatrixBase<DerivedB>& b) {
  metrics_require_vector(caller, "y_true", y_true);
  metrics_require_vector(caller, name, b);
  if (y_true.size() == 0) {
    throw std::invalid_argument(prefix(caller) + "y_true is empty; expected at least one sample");
  }
  if (b.size() != y_true.size()) {
    throw std::invalid_argument(prefix(caller) + "y_true has " + std::to_string(y_true.size()) +
                                " entries but " + name + " has " + std::to_string(b.size()) +
                                " entries");
  }
}

/// Every entry must be a label 0 or 1.
template <class Derived>
void metrics_require_labels(const char* caller, const char* name,
                            const Eigen::MatrixBase<Derived>& y) {
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const auto label = y.derived().coeff(i);
    if (!(label == 0 || label == 1)) {
      throw std::invalid_argument(prefix(caller) + name + "[" + std::to_string(i) + "] is " +
                                  to_text(label) + "; expected a label 0 or 1");
    }
  }
}

/// Every entry must be finite and, when probabilities is set, in [0, 1].
template <class Derived>
void metrics_require_scores(const char* caller, const char* name,
                            const Eigen::MatrixBase<Derived>& s, bool probabilities) {
  for (Eigen::Index i = 0; i < s.size(); ++i) {
    const auto value = s.derived().coeff(i);
    if (probabilities && !(value >= 0 && value <= 1)) {
      throw std::invalid_argument(prefix(caller) + name + "[" + std::to_string(i) + "] is " +
                                  to_text(value) + "; expected a probability in [0, 1]");
    }
    if (!std::isfinite(value)) {
      throw std::invalid_argument(prefix(caller) + name + "[" + std::to_string(i) + "] is " +
                                  to_text(value) + "; expected finite scores");
    }
  }
}

/// Sample weights: a vector with one entry per label, each finite and >= 0, not all zero.
template <class Acc, class DerivedS>
std::vector<Acc> metrics_weights(const char* caller, Eigen::Index n,
                                 const Eigen::MatrixBase<DerivedS>& s) {
  metrics_require_vector(caller, "sample_weight", s);
  if (s.size() != n) {
    throw std::invalid_argument(prefix(caller) + "y_true has " + std::to_string(n) +
                                " entries but sample_weight has " + std::to_string(s.size()) +
                                " entries");
  }
  std::vector<Acc> weight(static_cast<std::size_t>(n));
  Acc total = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto value = s.derived().coeff(i);
    if (!(std::isfinite(static_cast<long double>(value)) && value >= 0)) {
      throw std::invalid_argument(prefix(caller) + "sample_weight[" + std::to_string(i) +
                                  "] is " + to_text(value) + "; expected a finite weight >= 0");
    }
    weight[static_cast<std::size_t>(i)] = static_cast<Acc>(value);
    total += static_cast<Acc>(value);
  }
  if (!(total > 0)) {
    throw std::invalid_argument(prefix(caller) +
                                "sample_weight sums to 0; expected at least one positive weight");
  }
  if (!std::isfinite(total)) {
    throw std::invalid_argument(prefix(caller) + "sample_weight sums to " + to_text(total) +
                                "; expected a finite sum");
  }
  return weight;
}

/// The score metrics accept float, double and long double only.
template <class Scalar>
constexpr void metrics_check_scalar() {
  static_assert(is_supported_scalar_v<Scalar>,
                "logistic_neuron::metrics: probabilities, logits and scores must be float, double "
                "or long double vectors");
}

/// The ROC curve as cumulative (weighted) counts at every distinct score, highest score first.
template <class Scalar>
struct RocCounts {
  std::vector<Accum<Scalar>> fps;   ///< false positives with score >= threshold
  std::vector<Accum<Scalar>> tps;   ///< true positives with score >= threshold
  std::vector<Scalar> thresholds;   ///< the distinct scores, decreasing
};

/// Sorts the samples by decreasing score (skipping zero weights) and accumulates the counts at
/// the end of every group of tied scores. Throws if a class is absent (or has zero weight).
template <class DerivedY, class DerivedS, class Acc>
RocCounts<typename DerivedS::Scalar> roc_counts(const char* caller,
                                                const Eigen::MatrixBase<DerivedY>& y_true,
                                                const Eigen::MatrixBase<DerivedS>& scores,
                                                const std::vector<Acc>* weight) {
  using Scalar = typename DerivedS::Scalar;
  static_assert(std::is_same_v<Acc, Accum<Scalar>>, "roc_counts: accumulator type mismatch");
  const Eigen::Index n = y_true.size();
  std::vector<Eigen::Index> order;
  order.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    // A sample of weight 0 changes no count; it must not add a threshold either.
    if (weight == nullptr || (*weight)[static_cast<std::size_t>(i)] != 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&scores](Eigen::Index a, Eigen::Index b) {
    return scores.derived().coeff(a) > scores.derived().coeff(b);
  });

  RocCounts<Scalar> counts;
  Acc tp = 0;
  Acc fp = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const Eigen::Index i = order[k];
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[static_cast<std::size_t>(i)];
    if (y_true.derived().coeff(i) == 1) {
      tp += w;
    } else {
      fp += w;
    }
    const Scalar score = scores.derived().coeff(i);
    // The end of a group of tied scores: one point of the curve.
    if (k + 1 == order.size() || scores.derived().coeff(order[k + 1]) != score) {
      counts.fps.push_back(fp);
      counts.tps.push_back(tp);
      counts.thresholds.push_back(score);
    }
  }
  const char* missing = !(tp > 0) ? "1 (positive)" : !(fp > 0) ? "0 (negative)" : nullptr;
  if (missing != nullptr) {
    throw std::invalid_argument(
        prefix(caller) + "y_true has no sample of class " + missing +
        (weight == nullptr ? std::string() : std::string(" with a positive sample_weight")) +
        "; the ROC curve needs samples of both classes");
  }
  return counts;
}

/// Trapezoid area under the curve through (0, 0) and the counts, as a fraction of P * N.
/// Tied scores form one segment, so a tie between a positive and a negative counts one half.
template <class Scalar>
Scalar roc_area(const RocCounts<Scalar>& counts) {
  using Acc = Accum<Scalar>;
  Acc area = 0;
  Acc fp_prev = 0;
  Acc tp_prev = 0;
  for (std::size_t k = 0; k < counts.fps.size(); ++k) {
    area += (counts.fps[k] - fp_prev) * (counts.tps[k] + tp_prev);
    fp_prev = counts.fps[k];
    tp_prev = counts.tps[k];
  }
  return static_cast<Scalar>(area / (Acc(2) * fp_prev * tp_prev));
}


/// Counts (or sums the weights of) the four cells; checks the input first.
template <class Count, class DerivedY, class DerivedP>
metrics::ConfusionMatrix<Count> metrics_confusion(const char* caller,
                                                  const Eigen::MatrixBase<DerivedY>& y_true,
                                                  const Eigen::MatrixBase<DerivedP>& y_pred,
                                                  const std::vector<Count>* weight) {
  metrics_require_pair(caller, "y_pred", y_true, y_pred);
  metrics_require_labels(caller, "y_true", y_true);
  metrics_require_labels(caller, "y_pred", y_pred);
  metrics::ConfusionMatrix<Count> cm;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const bool truth = y_true.derived().coeff(i) == 1;
    const bool predicted = y_pred.derived().coeff(i) == 1;
    Count& cell = truth ? (predicted ? cm.tp : cm.fn) : (predicted ? cm.fp : cm.tn);
    cell += weight == nullptr ? Count(1) : (*weight)[static_cast<std::size_t>(i)];
  }
  return cm;
}

/// The confusion matrix of counts.
template <class DerivedY, class DerivedP>
metrics::ConfusionMatrix<Eigen::Index> metrics_unweighted_confusion(
    const char* caller, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedP>& y_pred) {
  return metrics_confusion<Eigen::Index>(caller, y_true, y_pred,
                                         static_cast<const std::vector<Eigen::Index>*>(nullptr));
}

/// The weighted confusion matrix, weights checked after the labels.
template <class DerivedY, class DerivedP, class DerivedW>
metrics::ConfusionMatrix<double> metrics_weighted_confusion(
    const char* caller, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedP>& y_pred, const Eigen::MatrixBase<DerivedW>& sample_weight) {
  metrics_require_pair(caller, "y_pred", y_true, y_pred);
  const std::vector<double> w = metrics_weights<double>(caller, y_true.size(), sample_weight);
  return metrics_confusion<double>(caller, y_true, y_pred, &w);
}


template <class DerivedY, class DerivedP>
typename DerivedP::Scalar metrics_log_loss(
    const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& probabilities,
    const std::vector<Accum<typename DerivedP::Scalar>>* weight) {
  using Scalar = typename DerivedP::Scalar;
  using Acc = detail::Accum<Scalar>;
  const Scalar eps = std::numeric_limits<Scalar>::epsilon();
  Acc sum = 0;
  Acc total = 0;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    // Clip p to [eps, 1 - eps] as scikit-learn's eps="auto": a wrong certainty costs -log(eps).
    const Scalar p = std::clamp(probabilities.derived().coeff(i), eps, Scalar(1) - eps);
    const Acc loss = y_true.derived().coeff(i) == 1 ? -std::log(static_cast<Acc>(p))
                                                    : -std::log1p(-static_cast<Acc>(p));
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[static_cast<std::size_t>(i)];
    sum += w * loss;
    total += w;
  }
  return static_cast<Scalar>(sum / total);
}

template <class DerivedY, class DerivedZ>
typename DerivedZ::Scalar metrics_log_loss_from_logits(
    const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedZ>& logits,
    const std::vector<detail::Accum<typename DerivedZ::Scalar>>* weight) {
  using Scalar = typename DerivedZ::Scalar;
  using Acc = detail::Accum<Scalar>;
  Acc sum = 0;
  Acc total = 0;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const Acc z = static_cast<Acc>(logits.derived().coeff(i));
    // softplus(z) - y z = softplus(t) with t = z for y = 0 and t = -z for y = 1, and
    // softplus(t) = max(t, 0) + log1p(exp(-|t|)): no overflow, no cancellation.
    const Acc t = y_true.derived().coeff(i) == 1 ? -z : z;
    const Acc loss = std::max(t, Acc(0)) + std::log1p(std::exp(-std::abs(t)));
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[static_cast<std::size_t>(i)];
    sum += w * loss;
    total += w;
  }
  return static_cast<Scalar>(sum / total);
}

template <class DerivedY, class DerivedP>
typename DerivedP::Scalar metrics_brier_score(
    const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& probabilities,
    const std::vector<detail::Accum<typename DerivedP::Scalar>>* weight) {
  using Scalar = typename DerivedP::Scalar;
  using Acc = detail::Accum<Scalar>;
  Acc sum = 0;
  Acc total = 0;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const Acc r = static_cast<Acc>(probabilities.derived().coeff(i)) -
                  (y_true.derived().coeff(i) == 1 ? Acc(1) : Acc(0));
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[static_cast<std::size_t>(i)];
    sum += w * r * r;
    total += w;
  }
  return static_cast<Scalar>(sum / total);
}

template <class Scalar>
metrics::RocCurve<Scalar> metrics_roc_curve(const RocCounts<Scalar>& counts,
                                            bool drop_intermediate) {
  using Acc = detail::Accum<Scalar>;
  const std::size_t m = counts.fps.size();
  std::vector<std::size_t> keep;
  keep.reserve(m);
  for (std::size_t k = 0; k < m; ++k) {
    bool kept = true;
    // scikit-learn's rule: drop a point whose second differences of fps and tps are both 0
    // (it lies on the straight segment between its neighbours); never the first or the last.
    if (drop_intermediate && m > 2 && k > 0 && k + 1 < m) {
      const Acc dfp = (counts.fps[k + 1] - counts.fps[k]) - (counts.fps[k] - counts.fps[k - 1]);
      const Acc dtp = (counts.tps[k + 1] - counts.tps[k]) - (counts.tps[k] - counts.tps[k - 1]);
      kept = dfp != 0 || dtp != 0;
    }
    if (kept) keep.push_back(k);
  }
  const Acc negatives = counts.fps.back();
  const Acc positives = counts.tps.back();
  const auto size = static_cast<Eigen::Index>(keep.size() + 1);
  metrics::RocCurve<Scalar> curve;
  curve.fpr.resize(size);
  curve.tpr.resize(size);
  curve.thresholds.resize(size);
  curve.fpr[0] = 0;
  curve.tpr[0] = 0;
  curve.thresholds[0] = std::numeric_limits<Scalar>::infinity();
  for (std::size_t j = 0; j < keep.size(); ++j) {
    const auto out = static_cast<Eigen::Index>(j + 1);
    curve.fpr[out] = static_cast<Scalar>(counts.fps[keep[j]] / negatives);
    curve.tpr[out] = static_cast<Scalar>(counts.tps[keep[j]] / positives);
    curve.thresholds[out] = counts.thresholds[keep[j]];
  }
  return curve;
}

}  // namespace detail

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
/// \param sample_weight n finite weights >= 0, not all zero.
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
template <class Count>
double precision(const ConfusionMatrix<Count>& cm) noexcept {
  const double denominator = static_cast<double>(cm.tp + cm.fp);
  return denominator > 0 ? static_cast<double>(cm.tp) / denominator : 0.0;
}

/// Recall (true-positive rate, sensitivity) tp / (tp + fn): of the samples that are 1, the
/// fraction predicted 1. Zero division: 0 when no sample is 1 (tp + fn = 0), as scikit-learn's
/// default.
template <class Count>
double recall(const ConfusionMatrix<Count>& cm) noexcept {
  const double denominator = static_cast<double>(cm.tp + cm.fn);
  return denominator > 0 ? static_cast<double>(cm.tp) / denominator : 0.0;
}

/// F1, the harmonic mean of precision and recall, computed as 2 tp / (2 tp + fp + fn) (the same
/// number when both are defined). Zero division: 0 when tp + fp + fn = 0 (no sample is 1 and
/// none is predicted 1), as scikit-learn's default; whenever tp = 0 the F1 is 0.
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
/// \throws std::invalid_argument as accuracy(y_true, y_pred), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
double accuracy(const Eigen::MatrixBase<DerivedY>& y_true,
                const Eigen::MatrixBase<DerivedP>& y_pred,
                const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return accuracy(
      detail::metrics_weighted_confusion("metrics::accuracy", y_true, y_pred, sample_weight));
}

/// Precision of predicted labels; see precision(const ConfusionMatrix&) for the zero division.
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP>
double precision(const Eigen::MatrixBase<DerivedY>& y_true,
                 const Eigen::MatrixBase<DerivedP>& y_pred) {
  return precision(detail::metrics_unweighted_confusion("metrics::precision", y_true, y_pred));
}

/// Weighted precision.
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP, class DerivedW>
double precision(const Eigen::MatrixBase<DerivedY>& y_true,
                 const Eigen::MatrixBase<DerivedP>& y_pred,
                 const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return precision(
      detail::metrics_weighted_confusion("metrics::precision", y_true, y_pred, sample_weight));
}

/// Recall of predicted labels; see recall(const ConfusionMatrix&) for the zero division.
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP>
double recall(const Eigen::MatrixBase<DerivedY>& y_true,
              const Eigen::MatrixBase<DerivedP>& y_pred) {
  return recall(detail::metrics_unweighted_confusion("metrics::recall", y_true, y_pred));
}

/// Weighted recall.
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP, class DerivedW>
double recall(const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& y_pred,
              const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return recall(
      detail::metrics_weighted_confusion("metrics::recall", y_true, y_pred, sample_weight));
}

/// F1 of predicted labels; see f1(const ConfusionMatrix&) for the zero division.
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP>
double f1(const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& y_pred) {
  return f1(detail::metrics_unweighted_confusion("metrics::f1", y_true, y_pred));
}

/// Weighted F1.
/// \throws std::invalid_argument as confusion_matrix.
template <class DerivedY, class DerivedP, class DerivedW>
double f1(const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& y_pred,
          const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return f1(
      detail::metrics_weighted_confusion("metrics::f1", y_true, y_pred, sample_weight));
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
  detail::metrics_check_scalar<typename DerivedP::Scalar>();
  detail::metrics_require_pair(caller, "probabilities", y_true, probabilities);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "probabilities", probabilities, true);
  return detail::metrics_log_loss(y_true, probabilities, nullptr);
}

/// Weighted log loss: sum_i s_i loss_i / sum_i s_i, with the clipping of log_loss(y_true, p).
/// \param sample_weight n finite weights >= 0, not all zero.
/// \throws std::invalid_argument as log_loss(y_true, p), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
typename DerivedP::Scalar log_loss(const Eigen::MatrixBase<DerivedY>& y_true,
                                   const Eigen::MatrixBase<DerivedP>& probabilities,
                                   const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::log_loss";
  using Scalar = typename DerivedP::Scalar;
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "probabilities", y_true, probabilities);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "probabilities", probabilities, true);
  const auto w = detail::metrics_weights<detail::Accum<Scalar>>(
      caller, y_true.size(), sample_weight);
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
  detail::metrics_check_scalar<typename DerivedZ::Scalar>();
  detail::metrics_require_pair(caller, "logits", y_true, logits);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "logits", logits, false);
  return detail::metrics_log_loss_from_logits(y_true, logits, nullptr);
}

/// Weighted log loss from logits: sum_i s_i loss_i / sum_i s_i.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \throws std::invalid_argument as log_loss_from_logits(y_true, z), and for bad weights.
template <class DerivedY, class DerivedZ, class DerivedW>
typename DerivedZ::Scalar log_loss_from_logits(const Eigen::MatrixBase<DerivedY>& y_true,
                                               const Eigen::MatrixBase<DerivedZ>& logits,
                                               const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::log_loss_from_logits";
  using Scalar = typename DerivedZ::Scalar;
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "logits", y_true, logits);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "logits", logits, false);
  const auto w = detail::metrics_weights<detail::Accum<Scalar>>(
      caller, y_true.size(), sample_weight);
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
  detail::metrics_check_scalar<typename DerivedP::Scalar>();
  detail::metrics_require_pair(caller, "probabilities", y_true, probabilities);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "probabilities", probabilities, true);
  return detail::metrics_brier_score(y_true, probabilities, nullptr);
}

/// Weighted Brier score: sum_i s_i (p_i - y_i)^2 / sum_i s_i.
/// \param sample_weight n finite weights >= 0, not all zero.
/// \throws std::invalid_argument as brier_score(y_true, p), and for bad weights.
template <class DerivedY, class DerivedP, class DerivedW>
typename DerivedP::Scalar brier_score(const Eigen::MatrixBase<DerivedY>& y_true,
                                      const Eigen::MatrixBase<DerivedP>& probabilities,
                                      const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::brier_score";
  using Scalar = typename DerivedP::Scalar;
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "probabilities", y_true, probabilities);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "probabilities", probabilities, true);
  const auto w = detail::metrics_weights<detail::Accum<Scalar>>(
      caller, y_true.size(), sample_weight);
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
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "scores", y_true, scores);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "scores", scores, false);
  const auto counts = detail::roc_counts(
      caller, y_true, scores,
      static_cast<const std::vector<detail::Accum<Scalar>>*>(nullptr));
  return detail::metrics_roc_curve(counts, drop_intermediate);
}

/// The weighted ROC curve: counts become sums of sample weights.
/// \param sample_weight n finite weights >= 0, not all zero; both classes need positive weight.
/// \throws std::invalid_argument as roc_curve(y_true, scores), and for bad weights.
template <class DerivedY, class DerivedS, class DerivedW>
RocCurve<typename DerivedS::Scalar> roc_curve(const Eigen::MatrixBase<DerivedY>& y_true,
                                              const Eigen::MatrixBase<DerivedS>& scores,
                                              const Eigen::MatrixBase<DerivedW>& sample_weight,
                                              bool drop_intermediate = false) {
  static constexpr const char* caller = "metrics::roc_curve";
  using Scalar = typename DerivedS::Scalar;
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "scores", y_true, scores);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "scores", scores, false);
  const auto w = detail::metrics_weights<detail::Accum<Scalar>>(
      caller, y_true.size(), sample_weight);
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
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "scores", y_true, scores);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "scores", scores, false);
  return detail::roc_area(detail::roc_counts(
      caller, y_true, scores,
      static_cast<const std::vector<detail::Accum<Scalar>>*>(nullptr)));
}

/// The weighted ROC-AUC: the area under the weighted ROC curve.
/// \param sample_weight n finite weights >= 0, not all zero; both classes need positive weight.
/// \throws std::invalid_argument as roc_auc(y_true, scores), and for bad weights.
template <class DerivedY, class DerivedS, class DerivedW>
typename DerivedS::Scalar roc_auc(const Eigen::MatrixBase<DerivedY>& y_true,
                                  const Eigen::MatrixBase<DerivedS>& scores,
                                  const Eigen::MatrixBase<DerivedW>& sample_weight) {
  static constexpr const char* caller = "metrics::roc_auc";
  using Scalar = typename DerivedS::Scalar;
  detail::metrics_check_scalar<Scalar>();
  detail::metrics_require_pair(caller, "scores", y_true, scores);
  detail::metrics_require_labels(caller, "y_true", y_true);
  detail::metrics_require_scores(caller, "scores", scores, false);
  const auto w = detail::metrics_weights<detail::Accum<Scalar>>(
      caller, y_true.size(), sample_weight);
  return detail::roc_area(
      detail::roc_counts(caller, y_true, scores, &w));
}

}  // namespace metrics
}  // namespace logistic_neuron
