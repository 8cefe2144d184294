/// \file metrics.hpp
/// \brief The internals of the metrics (metrics.hpp): input checks, counts, sums, the ROC curve
/// (internal).
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

#include "../base/config.hpp"
#include "../base/metric_types.hpp"
#include "../base/text.hpp"
#include "logistic.hpp"
#include "validate.hpp"

namespace logistic_neuron {
namespace detail {

/// y_true and the second input must be non-empty vectors of the same size.
template <class DerivedY, class DerivedB>
void metrics_require_pair(const char* caller, const char* name,
                          const Eigen::MatrixBase<DerivedY>& y_true,
                          const Eigen::MatrixBase<DerivedB>& b) {
  require_vector(caller, "y_true", y_true);
  require_vector(caller, name, b);
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
  for (Eigen::Index i = 0; i < y.size(); ++i) require_label(caller, name, i, y.derived().coeff(i));
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
    if (!is_finite_bits(value)) {
      throw std::invalid_argument(prefix(caller) + name + "[" + std::to_string(i) + "] is " +
                                  to_text(value) + "; expected finite scores");
    }
  }
}

/// Sample weights of the metrics: one per label (see checked_weights), kept as Acc.
template <class Acc, class DerivedS>
Vector<Acc> metrics_weights(const char* caller, Eigen::Index n,
                            const Eigen::MatrixBase<DerivedS>& s) {
  Acc total = 0;
  return checked_weights<Acc>(caller, "y_true has " + std::to_string(n) + " entries", n, s, total);
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
  std::vector<Accum<Scalar>> fps;  ///< false positives with score >= threshold
  std::vector<Accum<Scalar>> tps;  ///< true positives with score >= threshold
  std::vector<Scalar> thresholds;  ///< the distinct scores, decreasing
};

/// Sorts the samples by decreasing score (skipping zero weights) and accumulates the counts at
/// the end of every group of tied scores. Throws if a class is absent (or has zero weight).
template <class DerivedY, class DerivedS, class Acc>
RocCounts<typename DerivedS::Scalar> roc_counts(const char* caller,
                                                const Eigen::MatrixBase<DerivedY>& y_true,
                                                const Eigen::MatrixBase<DerivedS>& scores,
                                                const Vector<Acc>* weight) {
  using Scalar = typename DerivedS::Scalar;
  static_assert(std::is_same_v<Acc, Accum<Scalar>>, "roc_counts: accumulator type mismatch");
  const Eigen::Index n = y_true.size();
  std::vector<Eigen::Index> order;
  order.reserve(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    // A sample of weight 0 changes no count; it must not add a threshold either.
    if (weight == nullptr || (*weight)[i] != 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&scores](Eigen::Index a, Eigen::Index b) {
    return scores.derived().coeff(a) > scores.derived().coeff(b);
  });

  RocCounts<Scalar> counts;
  Acc tp = 0;
  Acc fp = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const Eigen::Index i = order[k];
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[i];
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
                                                  const Vector<Count>* weight) {
  metrics_require_pair(caller, "y_pred", y_true, y_pred);
  metrics_require_labels(caller, "y_true", y_true);
  metrics_require_labels(caller, "y_pred", y_pred);
  metrics::ConfusionMatrix<Count> cm;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const bool truth = y_true.derived().coeff(i) == 1;
    const bool predicted = y_pred.derived().coeff(i) == 1;
    Count& cell = truth ? (predicted ? cm.tp : cm.fn) : (predicted ? cm.fp : cm.tn);
    cell += weight == nullptr ? Count(1) : (*weight)[i];
  }
  return cm;
}

/// The confusion matrix of counts.
template <class DerivedY, class DerivedP>
metrics::ConfusionMatrix<Eigen::Index> metrics_unweighted_confusion(
    const char* caller, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedP>& y_pred) {
  return metrics_confusion<Eigen::Index>(caller, y_true, y_pred,
                                         static_cast<const Vector<Eigen::Index>*>(nullptr));
}

/// The weighted confusion matrix, weights checked after the labels.
template <class DerivedY, class DerivedP, class DerivedW>
metrics::ConfusionMatrix<double> metrics_weighted_confusion(
    const char* caller, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedP>& y_pred, const Eigen::MatrixBase<DerivedW>& sample_weight) {
  metrics_require_pair(caller, "y_pred", y_true, y_pred);
  const Vector<double> w = metrics_weights<double>(caller, y_true.size(), sample_weight);
  return metrics_confusion<double>(caller, y_true, y_pred, &w);
}

template <class DerivedY, class DerivedP>
typename DerivedP::Scalar metrics_log_loss(const Eigen::MatrixBase<DerivedY>& y_true,
                                           const Eigen::MatrixBase<DerivedP>& probabilities,
                                           const Vector<Accum<typename DerivedP::Scalar>>* weight) {
  using Scalar = typename DerivedP::Scalar;
  using Acc = Accum<Scalar>;
  const Scalar eps = std::numeric_limits<Scalar>::epsilon();
  Acc sum = 0;
  Acc total = 0;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    // Clip p to [eps, 1 - eps] as scikit-learn's eps="auto": a wrong certainty costs -log(eps).
    const Scalar p = std::clamp(probabilities.derived().coeff(i), eps, Scalar(1) - eps);
    const Acc loss = y_true.derived().coeff(i) == 1 ? -std::log(static_cast<Acc>(p))
                                                    : -std::log1p(-static_cast<Acc>(p));
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[i];
    sum += w * loss;
    total += w;
  }
  return static_cast<Scalar>(sum / total);
}

template <class DerivedY, class DerivedZ>
typename DerivedZ::Scalar metrics_log_loss_from_logits(
    const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedZ>& logits,
    const Vector<Accum<typename DerivedZ::Scalar>>* weight) {
  using Scalar = typename DerivedZ::Scalar;
  using Acc = Accum<Scalar>;
  Acc sum = 0;
  Acc total = 0;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const Acc z = static_cast<Acc>(logits.derived().coeff(i));
    // softplus(z) - y z = softplus(t) with t = z for y = 0 and t = -z for y = 1, and
    // softplus(t) = max(t, 0) + log1p(exp(-|t|)): no overflow, no cancellation.
    const Acc t = y_true.derived().coeff(i) == 1 ? -z : z;
    const Acc loss = softplus(t);
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[i];
    sum += w * loss;
    total += w;
  }
  return static_cast<Scalar>(sum / total);
}

template <class DerivedY, class DerivedP>
typename DerivedP::Scalar metrics_brier_score(
    const Eigen::MatrixBase<DerivedY>& y_true, const Eigen::MatrixBase<DerivedP>& probabilities,
    const Vector<Accum<typename DerivedP::Scalar>>* weight) {
  using Scalar = typename DerivedP::Scalar;
  using Acc = Accum<Scalar>;
  Acc sum = 0;
  Acc total = 0;
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const Acc r = static_cast<Acc>(probabilities.derived().coeff(i)) -
                  (y_true.derived().coeff(i) == 1 ? Acc(1) : Acc(0));
    const Acc w = weight == nullptr ? Acc(1) : (*weight)[i];
    sum += w * r * r;
    total += w;
  }
  return static_cast<Scalar>(sum / total);
}

template <class Scalar>
metrics::RocCurve<Scalar> metrics_roc_curve(const RocCounts<Scalar>& counts,
                                            bool drop_intermediate) {
  using Acc = Accum<Scalar>;
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

/// Checks the input of a score metric: Scalar is float, double or long double; y_true and the
/// scores (called `name`) are non-empty vectors of one size; labels are 0 or 1; scores are
/// finite and, for probabilities, in [0, 1].
template <class DerivedY, class DerivedS>
void check_score_metric(const char* caller, const char* name,
                        const Eigen::MatrixBase<DerivedY>& y_true,
                        const Eigen::MatrixBase<DerivedS>& scores, bool probabilities) {
  metrics_check_scalar<typename DerivedS::Scalar>();
  metrics_require_pair(caller, name, y_true, scores);
  metrics_require_labels(caller, "y_true", y_true);
  metrics_require_scores(caller, name, scores, probabilities);
}

/// check_score_metric, then the sample weights (one per label), kept in the accumulation type.
template <class DerivedY, class DerivedS, class DerivedW>
Vector<Accum<typename DerivedS::Scalar>> checked_score_weights(
    const char* caller, const char* name, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedS>& scores, bool probabilities,
    const Eigen::MatrixBase<DerivedW>& sample_weight) {
  check_score_metric(caller, name, y_true, scores, probabilities);
  return metrics_weights<Accum<typename DerivedS::Scalar>>(caller, y_true.size(), sample_weight);
}

}  // namespace detail
}  // namespace logistic_neuron
