/// \file options.hpp
/// \brief The options of LogisticNeuron::fit (FitOptions) and the choices they name: the solver,
/// the cost reduction, class weights.
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
#include "result.hpp"
#include "text.hpp"

namespace logistic_neuron {

/// The algorithm LogisticNeuron::fit minimises J with.
enum class Solver {
  gradient_descent,   ///< The seed's algorithm: w -= eta dJ/dw with a fixed step (the default).
  newton,             ///< Newton's method: the Hessian X^T diag(s a (1-a)) X / S + l2 I (bias
                      ///< unpenalised), solved by Cholesky, with a backtracking (Armijo) line
                      ///< search. Two passes over X an iteration; forms a (d+1) x (d+1) matrix, so
                      ///< for d up to a few thousand.
  lbfgs,              ///< Limited-memory BFGS (10 correction pairs) with a line search satisfying
                      ///< the strong Wolfe conditions. About one pass an iteration; O(d) memory.
  newton_cg,          ///< Truncated Newton: the Newton direction by conjugate gradients on
                      ///< Hessian-vector products (one pass each), never forming the Hessian, with
                      ///< a backtracking line search: what LIBLINEAR's primal solver does. O(n + d)
                      ///< memory, for d up to millions (sparse X).
  coordinate_descent  ///< Coordinate descent on the quadratic approximation of J (glmnet's and
                      ///< newGLMNET's scheme): exact coordinate minimisation with soft
                      ///< thresholding, so L1 weights are exactly 0; active sets; a line search on
                      ///< J. Reads X by columns (dense of either order, sparse CSC; CSR is copied
                      ///< into CSC), X in memory only; no standardize. An epoch is one sweep of
                      ///< coordinate updates or one gradient pass. The solver of fit_path.
};

/// The most parameters (d + 1) Solver::newton accepts: its (d+1) x (d+1) Hessian then takes at
/// most 200 MB in double. Above it, fit throws and names newton_cg and lbfgs.
inline constexpr Eigen::Index newton_max_parameters = 5000;

/// \brief The name of a Solver.
/// \param solver the solver to name.
/// \return "gradient_descent", "newton", "lbfgs", "newton_cg" or "coordinate_descent"
///         ("unknown" for a value
///         outside the enumeration); a string literal, never null.
inline const char* to_string(Solver solver) noexcept {
  switch (solver) {
    case Solver::gradient_descent: return "gradient_descent";
    case Solver::newton: return "newton";
    case Solver::lbfgs: return "lbfgs";
    case Solver::newton_cg: return "newton_cg";
    case Solver::coordinate_descent: return "coordinate_descent";
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

  /// \brief No class weights (both 1).
  /// \return a ClassWeight with mode none.
  static ClassWeight none() { return ClassWeight{}; }
  /// \brief n / (2 n_c) for class c, as scikit-learn's "balanced".
  /// \return a ClassWeight with mode balanced.
  static ClassWeight balanced() { return ClassWeight{Mode::balanced, 1, 1}; }
  /// \brief Explicit weights for class 0 and class 1.
  /// \param weight_of_0 the weight of class 0: finite and >= 0 (checked by FitOptions::validate).
  /// \param weight_of_1 the weight of class 1: finite and >= 0, not both 0.
  /// \return a ClassWeight with mode given and these weights.
  static ClassWeight given(Scalar weight_of_0, Scalar weight_of_1) {
    return ClassWeight{Mode::given, weight_of_0, weight_of_1};
  }
};

/// How the per-sample losses are combined into the cost J.
enum class CostReduction {
  mean,  ///< J = (1/S) sum_i s_i loss_i + (l2/2)||w||^2, S = sum_i s_i (the default).
  sum    ///< J = sum_i s_i loss_i + (l2/2)||w||^2: the seed's summed cost.
};

namespace detail {

/// The checks of the elastic net's mixing and factors that FitOptions::validate and
/// PathOptions::validate share: alpha in [0, 1]; each penalty factor finite and >= 0, not all 0.
template <class Scalar>
void validate_elastic_net(const std::string& where, Scalar alpha,
                          const Vector<Scalar>& penalty_factors) {
  if (detail::is_nan_bits(alpha) || !(alpha >= 0 && alpha <= 1)) {
    throw std::invalid_argument(where + "alpha must be in [0, 1], got " + detail::to_text(alpha));
  }
  bool any_factor = false;
  for (Eigen::Index j = 0; j < penalty_factors.size(); ++j) {
    const Scalar p = penalty_factors[j];
    if (!detail::is_finite_bits(p) || !(p >= 0)) {
      throw std::invalid_argument(where + "penalty_factors[" + std::to_string(j) +
                                  "] must be finite and >= 0, got " + detail::to_text(p));
    }
    any_factor = any_factor || p > 0;
  }
  if (penalty_factors.size() > 0 && !any_factor) {
    throw std::invalid_argument(where + "penalty_factors are all 0; expected at least one "
                                        "positive factor (or none at all, for all 1)");
  }
}

}  // namespace detail

/// Options of LogisticNeuron::fit. An aggregate: set the fields you need by name.
/// Every field is checked by validate() before a fit changes anything.
template <class Scalar>
struct FitOptions {
  static_assert(detail::is_supported_scalar_v<Scalar>,
                "logistic_neuron::FitOptions<Scalar>: Scalar must be float, double or long double");

  /// Gradient-descent step size eta. Unset (the default): eta = 1/L, L = lambda_max([X 1]^T
  /// diag(s) [X 1]) / (4 S) + l2 (S = 1 for the summed cost), the usual bound on the Lipschitz
  /// constant of the gradient, with lambda_max estimated by power iteration. That estimate
  /// approaches lambda_max from below, so L can fall slightly short of the bound; any step below
  /// 2/L_true decreases the cost, so 1/L does while the estimate is within a factor 2 of it.
  /// When set: must be finite and > 0.
  std::optional<Scalar> learning_rate{};
  /// Stop when |J_k - J_{k-1}| < tolerance (the seed's rule). Must be >= 0 and not NaN; 0 never
  /// stops on this rule. Default 1e-5, the seed's number.
  Scalar tolerance = Scalar(1e-5);
  /// The most epochs (forward and backward passes) a fit may run. Must be >= 1. Default 10000.
  Eigen::Index max_epochs = 10000;
  /// L2 penalty strength: J gains (l2/2)||w||^2; the bias is never penalised. Must be finite and
  /// >= 0. Default 0. The pure-L2 case of the elastic net below (l2 = lambda (1 - alpha), factors
  /// 1); both may be set, and then add.
  Scalar l2 = 0;
  /// Elastic-net strength lambda, in glmnet's form: J gains
  /// lambda sum_j p_j ((1 - alpha)/2 w_j^2 + alpha |w_j|); the bias is never penalised. Must be
  /// finite and >= 0. Default 0 (no elastic net).
  Scalar lambda = 0;
  /// The elastic-net mixing alpha in [0, 1]: 1 (the default, glmnet's) is the lasso, 0 ridge.
  /// With lambda alpha > 0 the cost is not differentiable: use coordinate descent or gradient
  /// descent (which takes proximal steps); newton, newton_cg and lbfgs refuse it.
  Scalar alpha = 1;
  /// Per-feature penalty factors p_j >= 0, finite, not all 0 (0: the feature is not penalised),
  /// one per feature; empty (the default) means all 1. As glmnet does, they are rescaled to sum to
  /// the number of features before use, so multiplying all of them by one number changes
  /// nothing.
  detail::Vector<Scalar> penalty_factors{};
  /// Fit the bias b (the default). false keeps b = 0 (a model without an intercept); standardize
  /// then scales the columns without centring them.
  bool fit_intercept = true;
  /// When true and the neuron already has parameters, start from them instead of from zeros. Their
  /// feature count must match X. Default false.
  bool warm_start = false;
  /// Mean (the default) or summed cost. The sum is the seed's cost; its gradient is n times larger.
  CostReduction reduction = CostReduction::mean;
  /// Threads for the passes over X: 0 (the default) uses num_threads(). Must be >= 0. Results are
  /// bitwise identical whatever the thread count.
  int threads = 0;
  /// The algorithm: gradient_descent (the default, the seed's), newton, lbfgs, newton_cg or
  /// coordinate_descent (see Solver). Every solver
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
  /// Where some weight is unpenalised (l2 = 0 and either lambda = 0 or a zero penalty factor),
  /// check after the fit whether the data are separable and fill FitResult::separation (see
  /// Separation). On data whose classes overlap the check usually ends with Newton on a subsample
  /// of max(512, 16 (d + 1)) rows; otherwise it costs one pass over X, plus, only when the
  /// iterates were still growing at the end, a Newton probe of at most 50 steps (skipped for
  /// d + 1 > 2000 or n (d + 1)^2 > 4e9). Set false to skip it; separation.checked is then false.
  /// Default true.
  bool check_separation = true;
  /// Called after every epoch with its progress; return false to stop the fit
  /// (StopReason::callback). Empty by default. If it throws, the fit changes nothing.
  std::function<bool(const EpochInfo<Scalar>&)> on_epoch{};

  /// The setting that reproduces the blog post's run without its defects: summed cost, learning
  /// rate 0.05, start from zeros, stop when the summed cost changes by less than 1e-5. The epoch
  /// cap and the non-finite stop stay; the gradient is the true gradient of the summed cost (the
  /// seed divided it by the number of features, a bug).
  /// \return default options but for learning_rate = 0.05, tolerance = 1e-5,
  ///         reduction = CostReduction::sum and warm_start = false.
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
    validate_steps(where);
    validate_penalty(where);
    validate_weights(where);
  }

 private:
  // validate()'s three groups, in its order: the step, the stopping rules, l2 and the solver;
  // the elastic net; the cost reduction, the class weights and threads.
  void validate_steps(const std::string& where) const {
    if (learning_rate && !(detail::is_finite_bits(*learning_rate) && *learning_rate > 0)) {
      throw std::invalid_argument(where + "learning_rate must be finite and > 0, got " +
                                  detail::to_text(*learning_rate));
    }
    if (detail::is_nan_bits(tolerance) || tolerance < 0) {
      throw std::invalid_argument(where + "tolerance must be >= 0 and not NaN, got " +
                                  detail::to_text(tolerance));
    }
    if (max_epochs < 1) {
      throw std::invalid_argument(where + "max_epochs must be >= 1, got " +
                                  std::to_string(max_epochs));
    }
    if (!(detail::is_finite_bits(l2) && l2 >= 0)) {
      throw std::invalid_argument(where + "l2 must be finite and >= 0, got " + detail::to_text(l2));
    }
    if (detail::is_nan_bits(gradient_tolerance) || gradient_tolerance < 0) {
      throw std::invalid_argument(where +
                                  "gradient_tolerance must be >= 0 and not NaN (0 = "
                                  "disabled), got " +
                                  detail::to_text(gradient_tolerance));
    }
    if (solver != Solver::gradient_descent && solver != Solver::newton && solver != Solver::lbfgs &&
        solver != Solver::newton_cg && solver != Solver::coordinate_descent) {
      throw std::invalid_argument(where +
                                  "solver must be gradient_descent, newton, lbfgs, newton_cg or "
                                  "coordinate_descent, got " +
                                  std::to_string(static_cast<int>(solver)));
    }
  }
  void validate_penalty(const std::string& where) const {
    if (!detail::is_finite_bits(lambda) || !(lambda >= 0)) {
      throw std::invalid_argument(where + "lambda must be finite and >= 0, got " +
                                  detail::to_text(lambda));
    }
    detail::validate_elastic_net(where, alpha, penalty_factors);
    if (lambda > 0 && alpha > 0 &&
        (solver == Solver::newton || solver == Solver::lbfgs || solver == Solver::newton_cg)) {
      throw std::invalid_argument(where +
                                  "lambda * alpha > 0 (an L1 penalty) needs a solver that "
                                  "handles it: coordinate_descent or gradient_descent (proximal "
                                  "steps); " +
                                  std::string(to_string(solver)) +
                                  " needs a differentiable cost (alpha = 0)");
    }
    if (standardize && solver == Solver::coordinate_descent) {
      throw std::invalid_argument(where +
                                  "Solver::coordinate_descent does not standardize; "
                                  "expected standardize = false (scale the columns of X first)");
    }
  }
  void validate_weights(const std::string& where) const {
    if (reduction != CostReduction::mean && reduction != CostReduction::sum) {
      throw std::invalid_argument(where + "reduction must be mean or sum, got " +
                                  std::to_string(static_cast<int>(reduction)));
    }
    using Mode = typename ClassWeight<Scalar>::Mode;
    const Mode mode = class_weight.mode;
    if (mode != Mode::none && mode != Mode::balanced && mode != Mode::given) {
      throw std::invalid_argument(where +
                                  "class_weight.mode must be none, balanced or given, got " +
                                  std::to_string(static_cast<int>(mode)));
    }
    if (mode == Mode::given) {
      if (!(detail::is_finite_bits(class_weight.weight_0) && class_weight.weight_0 >= 0)) {
        throw std::invalid_argument(where + "class_weight.weight_0 must be finite and >= 0, got " +
                                    detail::to_text(class_weight.weight_0));
      }
      if (!(detail::is_finite_bits(class_weight.weight_1) && class_weight.weight_1 >= 0)) {
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

}  // namespace logistic_neuron
