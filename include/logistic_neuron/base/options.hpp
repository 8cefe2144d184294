/// \file options.hpp
/// \brief Options, per-epoch progress and results of LogisticNeuron::fit.
#pragma once

#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "config.hpp"
#include "text.hpp"

namespace logistic_neuron {

/// Why a fit stopped. Not converging is a result, not an error.
enum class StopReason {
  converged,   ///< |J_k - J_{k-1}| < FitOptions::tolerance, or the max-norm of the gradient
               ///< <= FitOptions::gradient_tolerance.
  max_epochs,  ///< FitOptions::max_epochs epochs (passes over X) ran without converging.
  non_finite,  ///< The cost or the gradient turned NaN or infinite; the last finite parameters are kept.
  callback,    ///< FitOptions::on_epoch returned false.
  line_search_failed  ///< Newton or L-BFGS only: no step along the search direction lowered J
                      ///< (where J is flat to rounding: halved the gradient), for L-BFGS not even
                      ///< along -g after dropping its memory. This is how those solvers end when J
                      ///< is at its minimum to rounding precision before tolerance or
                      ///< gradient_tolerance stop them (e.g. both set to 0). The last accepted
                      ///< parameters are kept.
};

/// The name of a StopReason ("converged", "max_epochs", "non_finite", "callback" or
/// "line_search_failed").
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

/// The algorithm LogisticNeuron::fit minimises J with.
enum class Solver {
  gradient_descent,  ///< The seed's algorithm: w -= eta dJ/dw with a fixed step (the default).
  newton,            ///< Newton's method: the Hessian X^T diag(s a (1-a)) X / S + l2 I (bias
                     ///< unpenalised), solved by Cholesky, with a backtracking (Armijo) line
                     ///< search. Two passes over X an iteration; forms a (d+1) x (d+1) matrix, so
                     ///< for d up to a few thousand.
  lbfgs              ///< Limited-memory BFGS (10 correction pairs) with a line search satisfying
                     ///< the strong Wolfe conditions. About one pass an iteration; O(d) memory.
};

/// The name of a Solver ("gradient_descent", "newton" or "lbfgs").
inline const char* to_string(Solver solver) noexcept {
  switch (solver) {
    case Solver::gradient_descent: return "gradient_descent";
    case Solver::newton: return "newton";
    case Solver::lbfgs: return "lbfgs";
  }
  return "unknown";
}

/// Per-class weights that multiply the sample weights: sample i weighs s_i * class_weight[y_i].
template <class Scalar>
struct ClassWeight {
  /// How the class weights are chosen.
  enum class Mode {
    none,      ///< Both classes weigh 1 (the default).
    balanced,  ///< Class c weighs n / (2 n_c), n_c the number of samples (rows) labelled c,
               ///< counted without sample weights, as in scikit-learn's class_weight="balanced".
    given      ///< Class 0 weighs weight_0 and class 1 weighs weight_1.
  };
  Mode mode = Mode::none;  ///< none, balanced or given.
  Scalar weight_0 = 1;     ///< The weight of class 0 when mode is given: finite and >= 0.
  Scalar weight_1 = 1;     ///< The weight of class 1 when mode is given: finite and >= 0.

  /// No class weights (both 1).
  static ClassWeight none() { return ClassWeight{}; }
  /// n / (2 n_c) for class c, as scikit-learn's "balanced".
  static ClassWeight balanced() { return ClassWeight{Mode::balanced, 1, 1}; }
  /// Explicit weights for class 0 and class 1 (finite, >= 0).
  static ClassWeight given(Scalar weight_of_0, Scalar weight_of_1) {
    return ClassWeight{Mode::given, weight_of_0, weight_of_1};
  }
};

/// How the per-sample losses are combined into the cost J.
enum class CostReduction {
  mean,  ///< J = (1/S) sum_i s_i loss_i + (l2/2)||w||^2, S = sum_i s_i (the default).
  sum    ///< J = sum_i s_i loss_i + (l2/2)||w||^2: the seed's summed cost.
};

/// Progress of one epoch, handed to FitOptions::on_epoch.
template <class Scalar>
struct EpochInfo {
  Eigen::Index epoch = 0;      ///< 1-based number of the epoch (one forward and backward pass).
  Scalar cost = 0;             ///< J at the parameters this epoch evaluated.
  Scalar gradient_norm = 0;    ///< Euclidean norm of (dJ/dw, dJ/db) at those parameters.
  Scalar learning_rate = 0;    ///< The step size gradient descent uses.
};

/// Options of LogisticNeuron::fit. An aggregate: set the fields you need by name.
/// Every field is checked by validate() before a fit changes anything.
template <class Scalar>
struct FitOptions {
  static_assert(detail::is_supported_scalar_v<Scalar>,
                "logistic_neuron::FitOptions<Scalar>: Scalar must be float, double or long double");

  /// Gradient-descent step size eta. Unset (the default): eta = 1/L, where L bounds the Lipschitz
  /// constant of the gradient (estimated by power iteration on [X 1]), so that the cost never
  /// increases. When set: must be finite and > 0.
  std::optional<Scalar> learning_rate{};
  /// Stop when |J_k - J_{k-1}| < tolerance (the seed's rule). Must be >= 0 and not NaN; 0 never
  /// stops on this rule. Default 1e-5, the seed's number.
  Scalar tolerance = Scalar(1e-5);
  /// The most epochs (forward and backward passes) a fit may run. Must be >= 1. Default 10000.
  Eigen::Index max_epochs = 10000;
  /// L2 penalty strength: J gains (l2/2)||w||^2; the bias is never penalised. Must be finite and
  /// >= 0. Default 0.
  Scalar l2 = 0;
  /// When true and the neuron already has parameters, start from them instead of from zeros. Their
  /// feature count must match X. Default false.
  bool warm_start = false;
  /// Mean (the default) or summed cost. The sum is the seed's cost; its gradient is n times larger.
  CostReduction reduction = CostReduction::mean;
  /// Threads for the passes over X: 0 (the default) uses num_threads(). Must be >= 0. Results are
  /// bitwise identical whatever the thread count.
  int threads = 0;
  /// The algorithm: gradient_descent (the default, the seed's), newton or lbfgs. Every solver
  /// starts from the same point, honours tolerance, gradient_tolerance, max_epochs (counted in
  /// passes over X: every cost, gradient or Hessian evaluation, line-search trials included, is
  /// one epoch), on_epoch and the non-finite stop, and fills FitResult the same way. For newton
  /// and lbfgs, "J_k" in the tolerance rule is the cost at the k-th accepted iterate, and on_epoch
  /// and cost_history see accepted iterates only (EpochInfo::epoch then counts the passes so far,
  /// and EpochInfo::learning_rate is the step length the line search accepted). The |J_k - J_{k-1}|
  /// rule is absolute: Newton's quadratic convergence puts its default stop close to the optimum,
  /// but L-BFGS (like gradient descent) may stop far from it; to reach the optimum use tolerance = 0
  /// with gradient_tolerance. Set-up passes (column statistics for standardize and lbfgs, the
  /// power iteration for 1/L) are not counted in epochs.
  Solver solver = Solver::gradient_descent;
  /// Also stop (StopReason::converged) when the largest absolute entry of the full gradient
  /// (dJ/dw and dJ/db; with standardize, with respect to the standardized parameters) is
  /// <= gradient_tolerance. Must be >= 0 and not NaN; 0 (the default) disables the rule. The
  /// default keeps the seed's gradient descent exactly as it was (the |J_k - J_{k-1}| rule alone
  /// decides). To stop Newton or L-BFGS at the optimum regardless of
  /// the cost's scale, set tolerance = 0 and gradient_tolerance to e.g. 1e-8 (double) or 1e-4
  /// (float).
  Scalar gradient_tolerance = 0;
  /// Fit on internally standardized features (each column shifted to mean 0 and divided by its
  /// standard deviation, both sample-weighted and computed once in one pass) without copying X:
  /// the solvers work on the standardized parameters v = sigma o w, c = b + mu . w, and the neuron
  /// reports w and b on the original scale. With l2 = 0 the optimum is the same as without
  /// standardization; with l2 > 0 the penalty (l2/2)||v||^2 falls on the standardized weights, so
  /// the optimum differs (as with a StandardScaler before scikit-learn), and FitResult::cost,
  /// cost_history and gradient_tolerance refer to that standardized objective. A column whose
  /// values are all equal is not divided (sigma is taken as 1): its standardized feature is 0,
  /// its weight keeps its starting value (0 from a cold start; with l2 > 0 it decays to 0) and
  /// the bias absorbs its constant. Default false: it keeps the seed's gradient descent and the
  /// L2 optimum identical to scikit-learn's on the same X; measured, it changes Newton's and
  /// L-BFGS's pass counts little, while it speeds gradient descent up by orders of magnitude on
  /// raw, badly scaled features (see README "Solvers").
  bool standardize = false;
  /// Per-class weights multiplying the sample weights: none (the default), balanced
  /// (n / (2 n_c)) or given {weight of class 0, weight of class 1}.
  ClassWeight<Scalar> class_weight{};
  /// With l2 = 0, check after the fit whether the data are separable and fill
  /// FitResult::separation (see Separation). The check costs one or two passes over X, plus, only
  /// when the iterates were still growing at the end, a Newton probe of at most 50 steps (skipped
  /// for d + 1 > 2000 or n (d + 1)^2 > 4e9). Set false to skip it (e.g. when timing a fit);
  /// separation.checked is then false. Default true.
  bool check_separation = true;
  /// Called after every epoch with its progress; return false to stop the fit
  /// (StopReason::callback). Empty by default. If it throws, the fit changes nothing.
  std::function<bool(const EpochInfo<Scalar>&)> on_epoch{};

  /// The setting that reproduces the blog post's run without its defects: summed cost, learning
  /// rate 0.05, start from zeros, stop when the summed cost changes by less than 1e-5. The epoch
  /// cap and the non-finite stop stay; the gradient is the true gradient of the summed cost (the
  /// seed divided it by the number of features, a bug).
  static FitOptions seed_compatible() {
    FitOptions options;
    options.learning_rate = Scalar(0.05);
    options.tolerance = Scalar(1e-5);
    options.reduction = CostReduction::sum;
    options.warm_start = false;
    return options;
  }

  /// Checks every field.
  /// \param caller the name the exception message starts with.
  /// \throws std::invalid_argument naming the caller, the field, its valid range and its value.
  void validate(const char* caller = "FitOptions::validate") const {
    const std::string where = std::string(caller) + ": ";
    if (learning_rate && !(std::isfinite(*learning_rate) && *learning_rate > 0)) {
      throw std::invalid_argument(where + "learning_rate must be finite and > 0, got " +
                                  detail::to_text(*learning_rate));
    }
    if (!(tolerance >= 0)) {  // also rejects NaN
      throw std::invalid_argument(where + "tolerance must be >= 0 and not NaN, got " +
                                  detail::to_text(tolerance));
    }
    if (max_epochs < 1) {
      throw std::invalid_argument(where + "max_epochs must be >= 1, got " +
                                  std::to_string(max_epochs));
    }
    if (!(std::isfinite(l2) && l2 >= 0)) {
      throw std::invalid_argument(where + "l2 must be finite and >= 0, got " +
                                  detail::to_text(l2));
    }
    if (!(gradient_tolerance >= 0)) {  // also rejects NaN
      throw std::invalid_argument(where + "gradient_tolerance must be >= 0 and not NaN (0 = "
                                  "disabled), got " + detail::to_text(gradient_tolerance));
    }
    if (solver != Solver::gradient_descent && solver != Solver::newton &&
        solver != Solver::lbfgs) {
      throw std::invalid_argument(where + "solver must be gradient_descent, newton or lbfgs, got " +
                                  std::to_string(static_cast<int>(solver)));
    }
    using Mode = typename ClassWeight<Scalar>::Mode;
    const Mode mode = class_weight.mode;
    if (mode != Mode::none && mode != Mode::balanced && mode != Mode::given) {
      throw std::invalid_argument(where + "class_weight.mode must be none, balanced or given, got " +
                                  std::to_string(static_cast<int>(mode)));
    }
    if (mode == Mode::given) {
      if (!(std::isfinite(class_weight.weight_0) && class_weight.weight_0 >= 0)) {
        throw std::invalid_argument(where + "class_weight.weight_0 must be finite and >= 0, got " +
                                    detail::to_text(class_weight.weight_0));
      }
      if (!(std::isfinite(class_weight.weight_1) && class_weight.weight_1 >= 0)) {
        throw std::invalid_argument(where + "class_weight.weight_1 must be finite and >= 0, got " +
                                    detail::to_text(class_weight.weight_1));
      }
      if (!(class_weight.weight_0 > 0 || class_weight.weight_1 > 0)) {
        throw std::invalid_argument(where + "class_weight weights are both 0; expected at least "
                                    "one positive class weight");
      }
    }
    if (threads < 0) {
      throw std::invalid_argument(where + "threads must be >= 0 (0 = automatic), got " +
                                  std::to_string(threads));
    }
  }
};

/// Which kind of separation a fit without L2 recognised (see Separation).
enum class SeparationKind {
  none,            ///< Not recognised: J appears to have a minimiser (or l2 > 0).
  quasi_complete,  ///< The weights grow along a direction that separates the data weakly (some
                   ///< samples may lie on its boundary).
  complete         ///< The fitted hyperplane classifies every sample correctly.
};

/// The name of a SeparationKind ("none", "quasi_complete" or "complete").
inline const char* to_string(SeparationKind kind) noexcept {
  switch (kind) {
    case SeparationKind::none: return "none";
    case SeparationKind::quasi_complete: return "quasi_complete";
    case SeparationKind::complete: return "complete";
  }
  return "unknown";
}

/// The margin (2y - 1) z at or beyond which Separation::confident counts a sample: the model then
/// gives its true class a probability above 1 - 4.6e-5.
template <class Scalar>
inline constexpr Scalar separation_confident_margin = Scalar(10);
/// The largest ratio max(-m_i(delta)) / max(m_i(delta)) for which a direction delta in which
/// the weights grew is taken as separating (see Separation::direction_overlap).
template <class Scalar>
inline constexpr Scalar separation_overlap_limit = Scalar(0.01);
/// The Newton probe of Separation runs only when the fit's iterates were still growing:
/// weight_growth > 1 + this (or the fit reported fewer than two iterates).
template <class Scalar>
inline constexpr Scalar separation_probe_min_growth = Scalar(1e-3);
/// The Newton probe runs only for d + 1 <= this many parameters ...
inline constexpr Eigen::Index separation_probe_max_features = 2000;
/// ... and when n (d + 1)^2, the work of one Hessian, is at most this.
inline constexpr double separation_probe_max_work = 4e9;
/// The most Newton steps the probe takes.
inline constexpr Eigen::Index separation_probe_max_steps = 50;

/// Evidence, checked after every fit with l2 = 0, that the data are separable. Then J has no
/// minimiser: the weights would grow without bound and the probabilities tend to 0 and 1, so the
/// coefficients mean nothing (use l2 > 0, or drop the separating features). Margins are
/// m_i = (2 y_i - 1) z_i, positive when sample i is on its side; samples of weight 0 are ignored.
///
/// The rule, in order (the first that fires decides):
/// 1. `complete` when every sample has m_i > 0 at the kept parameters: the fitted hyperplane
///    separates the data (a certificate).
/// 2. `quasi_complete` when the fit's own iterates run away along a separating direction: with
///    delta = (w, b) - (w, b) at reference_epoch (a snapshot between a quarter and a half of the
///    run), ||(w, b)|| grew (weight_growth > 1) and delta separates the data weakly:
///    direction_overlap = max_i(-m_i(delta)) / max_i(m_i(delta)) <= separation_overlap_limit
///    (0.01). On data with a minimiser the last moves of the iterates go both ways across the
///    samples; under separation they run away along a separating direction.
/// 3. Otherwise, if the iterates were still growing (weight_growth > 1 + 1e-3, or fewer than two
///    iterates) and the Hessian is affordable (d + 1 <= 2000 and n (d + 1)^2 <= 4e9), a Newton
///    probe: up to 50 damped Newton steps on J from the kept parameters, in scratch variables (the
///    fitted parameters are not changed). Newton is affine invariant, so on separable data it runs
///    away along a separating direction in a few steps even when the margin is tiny for the
///    data's scale (breast cancer: about 13 steps), where gradient descent would need millions of
///    epochs; with a minimiser it converges and stops. `complete` if the probe's hyperplane
///    separates every sample (probe_misclassified == 0: a certificate); `quasi_complete` if the
///    probe's move grew the weights (probe_weight_growth > 1) along a direction with
///    probe_direction_overlap <= 0.01.
/// With l2 > 0 the minimiser always exists and nothing is checked (checked == false).
template <class Scalar>
struct Separation {
  bool checked = false;   ///< True when the check ran (l2 == 0 and FitOptions::check_separation).
  bool detected = false;  ///< True when separation was recognised (kind != none).
  SeparationKind kind = SeparationKind::none;  ///< complete, quasi_complete or none.
  Eigen::Index misclassified = 0;  ///< Samples with m_i <= 0 at the kept parameters.
  Eigen::Index confident = 0;      ///< Samples with m_i >= separation_confident_margin (10).
  Scalar min_margin = 0;           ///< min_i m_i at the kept parameters (> 0: complete).
  Scalar max_abs_logit = 0;        ///< max_i |z_i| at the kept parameters.
  Scalar weight_norm = 0;          ///< ||(w, b)|| at the kept parameters.
  Eigen::Index reference_epoch = 0;  ///< The iterate (1-based, as reported to on_epoch) compared
                                     ///< with in rule 2; 0 if the fit reported fewer than two.
  Scalar weight_growth = 0;        ///< ||(w, b)|| / ||(w, b) at reference_epoch|| (0 if none).
  Scalar direction_overlap = std::numeric_limits<Scalar>::infinity();  ///< Rule 2's ratio: 0
                                   ///< when the growth direction separates, large when not.
  Eigen::Index probe_steps = 0;    ///< Newton steps the probe took (0 if it did not run).
  Eigen::Index probe_misclassified = 0;  ///< Samples with m_i <= 0 after the probe.
  Scalar probe_weight_growth = 0;  ///< ||(w, b) after the probe|| / weight_norm.
  Scalar probe_direction_overlap = std::numeric_limits<Scalar>::infinity();  ///< Rule 3's ratio
                                   ///< for the probe's move.
};

/// What a fit did.
template <class Scalar>
struct FitResult {
  Eigen::Index epochs = 0;                 ///< Epochs run (forward and backward passes over X).
  Scalar cost = 0;                         ///< J at the parameters the fit kept.
  Scalar gradient_norm = 0;                ///< Norm of the gradient at those parameters.
  Scalar learning_rate = 0;                ///< The step size used (the user's or 1/L); for
                                           ///< newton and lbfgs, the last accepted step length.
  StopReason stop_reason = StopReason::max_epochs;  ///< Why the fit stopped.
  std::vector<Scalar> cost_history{};      ///< J of every finite epoch, in order (for newton and
                                           ///< lbfgs: of every accepted iterate, the start first).

  /// With l2 = 0: whether the data looked separable, and the evidence (see Separation).
  Separation<Scalar> separation{};

  /// True when the fit stopped by the tolerance rule.
  bool converged() const noexcept { return stop_reason == StopReason::converged; }
};

/// The gradient of J: dJ/dw and dJ/db, kept apart.
template <class Scalar>
struct Gradient {
  detail::Vector<Scalar> weights;  ///< dJ/dw, one entry per feature.
  Scalar bias = 0;                 ///< dJ/db.
};

}  // namespace logistic_neuron
