/// \file metric_types.hpp
/// \brief The result types of the metrics (metrics.hpp): the confusion matrix and the ROC curve.
#pragma once

#include <Eigen/Core>

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

  /// \brief The number (or total weight) of samples.
  /// \return tn + fp + fn + tp.
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
}  // namespace logistic_neuron
