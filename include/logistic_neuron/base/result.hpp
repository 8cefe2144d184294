/// \file result.hpp
/// \brief What a fit reports: per-epoch progress (EpochInfo), the result (FitResult) with its
/// separation evidence (Separation), and the gradient type (Gradient).
#pragma once

#include <limits>
#include <vector>

#include <Eigen/Core>

#include "config.hpp"

namespace logistic_neuron {

/// Why a fit stopped. Not converging is a result, not an error.
enum class StopReason {
  converged,   ///< |J_k - J_{k-1}| < FitOptions::tolerance, or the max-norm of the gradient
               ///< <= FitOptions::gradient_tolerance, or (line-search solvers) no step lowered
               ///< J at a point where the gradient is 0 to rounding.
  max_epochs,  ///< FitOptions::max_epochs epochs (passes over X) ran without converging.
  non_finite,  ///< The cost or the gradient turned NaN or infinite; the last finite parameters are kept.
  callback,           ///< FitOptions::on_epoch returned false.
  line_search_failed  ///< Newton or L-BFGS only: no step along the search direction lowered J
                      ///< (where J is flat to rounding: halved the gradient), for L-BFGS not even
                      ///< along -g after dropping its memory. This is how those solvers end when J
                      ///< is at its minimum to rounding precision before tolerance or
                      ///< gradient_tolerance stop them (e.g. both set to 0). The last accepted
                      ///< parameters are kept.
};

/// \brief The name of a StopReason.
/// \param reason the stop reason to name.
/// \return "converged", "max_epochs", "non_finite", "callback" or "line_search_failed"
///         ("unknown" for a value outside the enumeration); a string literal, never null.
inline const char* to_string(StopReason reason) noexcept {
  switch (reason) {
    case StopReason::converged: return "converged";
    case StopReason::max_epochs: return "max_epochs";
    case StopReason::non_finite: return "non_finite";
    case StopReason::callback: return "callback";
    case StopReason::line_search_failed: return "line_search_failed";
  }
  return "unknown";
}

/// Progress of one epoch, handed to FitOptions::on_epoch.
template <class Scalar>
struct EpochInfo {
  Eigen::Index epoch = 0;    ///< 1-based number of the epoch (one forward and backward pass).
  Scalar cost = 0;           ///< J at the parameters this epoch evaluated.
  Scalar gradient_norm = 0;  ///< Euclidean norm of (dJ/dw, dJ/db) at those parameters.
  Scalar learning_rate = 0;  ///< The step size gradient descent uses.
};

/// Which kind of separation a fit without L2 recognised (see Separation).
enum class SeparationKind {
  none,            ///< Not recognised: J appears to have a minimiser (or l2 > 0).
  quasi_complete,  ///< The weights grow along a direction that separates the data weakly (some
                   ///< samples may lie on its boundary).
  complete         ///< The fitted hyperplane classifies every sample correctly.
};

/// \brief The name of a SeparationKind.
/// \param kind the kind of separation to name.
/// \return "none", "quasi_complete" or "complete" ("unknown" for a value outside the
///         enumeration); a string literal, never null.
inline const char* to_string(SeparationKind kind) noexcept {
  switch (kind) {
    case SeparationKind::none: return "none";
    case SeparationKind::quasi_complete: return "quasi_complete";
    case SeparationKind::complete: return "complete";
  }
  return "unknown";
}

/// Evidence, checked after every fit with l2 = 0, that the data are separable. Then J has no
/// minimiser: the weights would grow without bound and the probabilities tend to 0 and 1, so the
/// coefficients mean nothing (use l2 > 0, or drop the separating features). Margins are
/// m_i = (2 y_i - 1) z_i, positive when sample i is on its side; samples of weight 0 are ignored.
///
/// The rule, cheapest evidence first (the first that decides ends the check):
/// 1. `none`, with overlap_certified, when the classes provably overlap: Newton's method on a
///    strided subsample of subsample_rows = max(512, 16 (d + 1)) rows (taken when X has at least
///    twice as many rows and d + 1 <= 2000), started from the kept parameters, converges to a
///    finite optimum at which the subsample's Hessian has full rank. Then no direction has
///    non-negative margins on every row of the subsample (Stiemke's lemma), hence on every row of
///    X. On data whose classes overlap this is the usual end: it reads only the subsample, and
///    the margin fields below keep their defaults.
/// 2. `complete` when every sample has m_i > 0 at the kept parameters: the fitted hyperplane
///    separates the data (a certificate).
/// 3. `quasi_complete` when the fit's own iterates run away along a separating direction: with
///    delta = (w, b) - (w, b) at reference_epoch (a snapshot between a quarter and a half of the
///    run), ||(w, b)|| grew (weight_growth > 1) and delta separates the data weakly:
///    direction_overlap = max_i(-m_i(delta)) / max_i(m_i(delta)) <= 0.01. On data with a
///    minimiser the last moves of the iterates go both ways across the samples; under separation
///    they run away along a separating direction. Rules 2 and 3 share one pass over X.
/// 4. Otherwise, if the iterates were still growing (weight_growth > 1 + 1e-3, or fewer than two
///    iterates) and the Hessian is affordable (d + 1 <= 2000 and n (d + 1)^2 <= 4e9), a Newton
///    probe: up to 50 Newton steps on the summed cost from the kept parameters, in scratch
///    variables (the fitted parameters are not changed). Newton is affine invariant, so on
///    separable data it runs away along a separating direction in a few steps even when the
///    margin is tiny for the data's scale (breast cancer: about 13 steps), where gradient descent
///    would need millions of epochs; with a minimiser it converges and stops. `complete` if the
///    probe's hyperplane separates every sample (probe_misclassified == 0: a certificate);
///    `quasi_complete` if the probe's move grew the weights (probe_weight_growth > 1) along a
///    direction with probe_direction_overlap <= 0.01.
/// With l2 > 0 the minimiser always exists and nothing is checked (checked == false).
template <class Scalar>
struct Separation {
  bool checked = false;   ///< True when the check ran (see FitOptions::check_separation).
  bool detected = false;  ///< True when separation was recognised (kind != none).
  SeparationKind kind = SeparationKind::none;  ///< complete, quasi_complete or none.
  bool overlap_certified = false;              ///< Rule 1 proved that the classes overlap.
  Eigen::Index subsample_rows = 0;   ///< The rows of rule 1's subsample (0 if it was not taken).
  Eigen::Index misclassified = 0;    ///< Samples with m_i <= 0 at the kept parameters.
  Eigen::Index confident = 0;        ///< Samples with m_i >= 10.
  Scalar min_margin = 0;             ///< min_i m_i at the kept parameters (> 0: complete).
  Scalar max_abs_logit = 0;          ///< max_i |z_i| at the kept parameters.
  Scalar weight_norm = 0;            ///< ||(w, b)|| at the kept parameters.
  Eigen::Index reference_epoch = 0;  ///< The iterate (1-based, as reported to on_epoch) compared
                                     ///< with in rule 3; 0 if the fit reported fewer than two.
  Scalar weight_growth = 0;          ///< ||(w, b)|| / ||(w, b) at reference_epoch|| (0 if none).
  /// Rule 3's ratio: 0 when the growth direction separates, large when not.
  Scalar direction_overlap = std::numeric_limits<Scalar>::infinity();
  Eigen::Index probe_steps = 0;  ///< Newton steps the probe of rule 4 took (0 if it did not run).
  Eigen::Index probe_misclassified = 0;  ///< Samples with m_i <= 0 after the probe.
  Scalar probe_weight_growth = 0;        ///< ||(w, b) after the probe|| / weight_norm.
  /// Rule 4's ratio for the probe's move.
  Scalar probe_direction_overlap = std::numeric_limits<Scalar>::infinity();
};

/// What a fit did.
template <class Scalar>
struct FitResult {
  Eigen::Index epochs = 0;   ///< Epochs run (forward and backward passes over X).
  Scalar cost = 0;           ///< J at the parameters the fit kept.
  Scalar gradient_norm = 0;  ///< Norm of the gradient at those parameters.
  Scalar learning_rate = 0;  ///< The step size used (the user's or 1/L); for
                             ///< newton and lbfgs, the last accepted step length.
  StopReason stop_reason = StopReason::max_epochs;  ///< Why the fit stopped.
  std::vector<Scalar> cost_history{};  ///< J of every finite epoch, in order (for newton and
                                       ///< lbfgs: of every accepted iterate, the start first).

  /// With l2 = 0: whether the data looked separable, and the evidence (see Separation).
  Separation<Scalar> separation{};

  /// \brief Whether the fit stopped with StopReason::converged.
  /// \return true when |J_k - J_{k-1}| < FitOptions::tolerance or (gradient_tolerance > 0) the
  ///         max-norm of the gradient <= FitOptions::gradient_tolerance stopped the fit, or when
  ///         a line search (Newton, L-BFGS, Newton-CG) found no lower J at a point whose
  ///         gradient is 0 to rounding; false for every other stop reason.
  bool converged() const noexcept { return stop_reason == StopReason::converged; }
};

/// The gradient of J: dJ/dw and dJ/db, kept apart.
template <class Scalar>
struct Gradient {
  detail::Vector<Scalar> weights;  ///< dJ/dw, one entry per feature.
  Scalar bias = 0;                 ///< dJ/db.
};

}  // namespace logistic_neuron
