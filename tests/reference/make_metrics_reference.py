#!/usr/bin/python3
"""Reference values of binary-classification metrics from scikit-learn, for tests/test_metrics.cpp.

Writes metrics_reference.txt next to this script. Run with Debian's Python, which has scikit-learn:

    /usr/bin/python3 tests/reference/make_metrics_reference.py

The file holds named cases: their inputs (labels, probabilities, optional sample weights, logits)
and what sklearn.metrics returns for them. The C++ tests read it; no Python runs at test time.

Format: '#' starts a comment line; 'case NAME' opens a case and 'end' closes it; every other line
is a key followed by its values, separated by spaces, each float written with repr() (it reads
back to the same double). Probabilities, logits and weights are chosen exactly representable in
float32, so that float, double and long double tests see the same inputs.

Keys of a case:
  y_true, score, [weight], y_pred             inputs; y_pred = (score > 0.5), the library's rule
  accuracy, precision, recall, f1             accuracy_score, precision_score, ... (zero_division
                                              default, "warn", silenced: 0 on zero division)
  confusion                                   confusion_matrix(...).ravel(): tn fp fn tp
  log_loss                                    log_loss(y, score as float64, labels=[0, 1])
  log_loss_f32                                the same with score as float32 (eps of float32)
  brier                                       brier_score_loss
  roc_auc                                     roc_auc_score (absent when y_true has one class)
  roc_fpr, roc_tpr, roc_thresholds            roc_curve(drop_intermediate=False)
  roc_drop_fpr, roc_drop_tpr, roc_drop_thresholds   roc_curve(drop_intermediate=True)
  logit, log_loss_logit                       logits z (float32-exact) and log_loss(y, expit(z))
                                              in float64 (|z| < 20 so no clipping happens)
  roc_auc_logit                               roc_auc_score(y, z)
"""

import os
import sys
import warnings

import numpy as np
import sklearn
from scipy.special import expit
from sklearn import metrics

warnings.simplefilter("ignore")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "metrics_reference.txt")


def f32(values):
    """Round to float32 and back: the value every test type can hold exactly."""
    return np.asarray(values, dtype=np.float64).astype(np.float32).astype(np.float64)


def fmt(values):
    return " ".join(repr(float(v)) for v in np.ravel(values))


def write_case(out, name, y, p, w=None, z=None):
    y = np.asarray(y, dtype=np.int64)
    p = f32(p)
    assert p.min() >= 0 and p.max() <= 1
    y_pred = (p > 0.5).astype(np.int64)
    out.write(f"case {name}\n")
    out.write("y_true " + " ".join(str(v) for v in y) + "\n")
    out.write("score " + fmt(p) + "\n")
    if w is not None:
        w = f32(w)
        out.write("weight " + fmt(w) + "\n")
    out.write("y_pred " + " ".join(str(v) for v in y_pred) + "\n")
    kw = {} if w is None else {"sample_weight": w}
    out.write("accuracy " + fmt([metrics.accuracy_score(y, y_pred, **kw)]) + "\n")
    out.write("precision " + fmt([metrics.precision_score(y, y_pred, **kw)]) + "\n")
    out.write("recall " + fmt([metrics.recall_score(y, y_pred, **kw)]) + "\n")
    out.write("f1 " + fmt([metrics.f1_score(y, y_pred, **kw)]) + "\n")
    out.write("confusion " + fmt(metrics.confusion_matrix(y, y_pred, labels=[0, 1], **kw).ravel())
              + "\n")
    out.write("log_loss " + fmt([metrics.log_loss(y, p, labels=[0, 1], **kw)]) + "\n")
    out.write("log_loss_f32 " +
              fmt([metrics.log_loss(y, p.astype(np.float32), labels=[0, 1], **kw)]) + "\n")
    out.write("brier " + fmt([metrics.brier_score_loss(y, p, pos_label=1, **kw)]) + "\n")
    if 0 < y.sum() < y.size:
        out.write("roc_auc " + fmt([metrics.roc_auc_score(y, p, **kw)]) + "\n")
        for drop, key in ((False, "roc"), (True, "roc_drop")):
            fpr, tpr, thr = metrics.roc_curve(y, p, drop_intermediate=drop, **kw)
            out.write(f"{key}_fpr " + fmt(fpr) + "\n")
            out.write(f"{key}_tpr " + fmt(tpr) + "\n")
            out.write(f"{key}_thresholds " + fmt(thr) + "\n")
    if z is not None:
        z = f32(z)
        assert np.abs(z).max() < 20
        out.write("logit " + fmt(z) + "\n")
        out.write("log_loss_logit " + fmt([metrics.log_loss(y, expit(z), labels=[0, 1], **kw)])
                  + "\n")
        if 0 < y.sum() < y.size:
            out.write("roc_auc_logit " + fmt([metrics.roc_auc_score(y, z, **kw)]) + "\n")
    out.write("end\n")


def main():
    rng = np.random.default_rng(20261128)
    with open(OUT, "w") as out:
        out.write(f"# Written by make_metrics_reference.py with scikit-learn {sklearn.__version__}, "
                  f"numpy {np.__version__}, Python {sys.version.split()[0]}.\n")

        # Continuous scores from an overlapping two-class problem: few or no ties.
        n = 300
        y = (rng.random(n) < 0.4).astype(int)
        z = f32(1.5 * (2 * y - 1) + 1.5 * rng.standard_normal(n))
        write_case(out, "random", y, expit(z), z=z)

        # Heavy ties: scores on a grid of 11 values, ties across both classes.
        n = 120
        y = (rng.random(n) < 0.5).astype(int)
        p = np.clip(np.round(0.5 + 0.3 * (2 * y - 1) + 0.3 * rng.standard_normal(n), 1), 0, 1)
        write_case(out, "ties", y, p)

        # Every score tied: the curve is the diagonal, AUC 1/2.
        write_case(out, "all_tied", [0, 1, 1, 0, 1, 0, 0, 1, 1, 1], [0.5] * 10)

        # Perfect separation and its reverse.
        write_case(out, "perfect", [0, 0, 0, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9])
        write_case(out, "inverted", [1, 1, 1, 0, 0, 0, 0], [0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9])

        # Two samples, one per class.
        write_case(out, "two_samples", [0, 1], [0.3, 0.7], z=[-0.75, 0.75])

        # Certain predictions, right and wrong: log loss clips at eps of the input's type.
        write_case(out, "extreme", [1, 0, 1, 0, 1, 0, 1, 0],
                   [1.0, 0.0, 0.0, 1.0, 1e-20, 1 - 2**-24, 0.75, 0.25])

        # Weighted, with ties and weights of zero (scikit-learn drops those from the ROC curve).
        n = 80
        y = (rng.random(n) < 0.45).astype(int)
        p = np.clip(np.round((0.5 + 0.25 * (2 * y - 1) + 0.25 * rng.standard_normal(n)) * 20) / 20,
                    0, 1)
        w = rng.choice([0.0, 0.5, 1.0, 2.0, 3.25], size=n)
        z = f32(np.round(4 * rng.standard_normal(n)) / 4 + (2 * y - 1))
        write_case(out, "weighted", y, p, w=w, z=z)

        # Many samples with moderate ties, where drop_intermediate removes many points.
        n = 2000
        y = (rng.random(n) < 0.3).astype(int)
        p = np.round(expit(1.2 * (2 * y - 1) + rng.standard_normal(n)), 2)
        write_case(out, "many_ties", y, p)
        write_case(out, "many_ties_weighted", y, p, w=rng.integers(0, 5, size=n) / 4)

        # One class only: no ROC, and precision/recall/F1 by the zero-division rule.
        write_case(out, "single_class_positive", [1, 1, 1, 1], [0.9, 0.4, 0.6, 0.2])
        write_case(out, "single_class_negative_none_predicted", [0, 0, 0], [0.1, 0.4, 0.5])

        # Nothing predicted positive: precision has a zero denominator.
        write_case(out, "none_predicted", [0, 1, 0, 1, 1], [0.1, 0.4, 0.2, 0.3, 0.5])


if __name__ == "__main__":
    main()
