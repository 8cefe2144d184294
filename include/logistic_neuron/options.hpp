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

#include "detail/config.hpp"
#include "detail/text.hpp"

namespace logistic_neuron {

/// Why a fit stopped. Not converging is a result, not an error.
enum class StopReason {
  converged,   ///< |J_k - J_{k-1}| < FitOptions::tolerance.
  max_epochs,  ///< FitOptions::max_epochs epochs ran without converging.
  non_finite,  ///< The cost or the gradient turned NaN or infinite; the last finite parameters are kept.
  callback     ///< FitOptions::on_epoch returned false.
};

/// The name of a StopReason ("converged", "max_epochs", "non_finite" or "callback").
inline const char* to_string(StopReason reason) noexcept {
  switch (reason) {
    case StopReason::converged: return "converged";
    case StopReason::max_epochs: return "max_epochs";
    case StopReason::non_finite: return "non_finite";
    case StopReason::callback: return "callback";
  }
  return "unknown";
}

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
    if (threads < 0) {
      throw std::invalid_argument(where + "threads must be >= 0 (0 = automatic), got " +
                                  std::to_string(threads));
    }
  }
};

/// What a fit did.
template <class Scalar>
struct FitResult {
  Eigen::Index epochs = 0;                 ///< Epochs run (forward and backward passes over X).
  Scalar cost = 0;                         ///< J at the parameters the fit kept.
  Scalar gradient_norm = 0;                ///< Norm of the gradient at those parameters.
  Scalar learning_rate = 0;                ///< The step size used (the user's or 1/L).
  StopReason stop_reason = StopReason::max_epochs;  ///< Why the fit stopped.
  std::vector<Scalar> cost_history{};      ///< J of every finite epoch, in order.

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
