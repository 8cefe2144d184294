/// \file fit.hpp
/// \brief A fit over any kind of X: the solver FitOptions asks for, in the coordinates it needs,
/// then the separation check; and the one-pass evaluations the neuron's other calls make
/// (internal).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "coordinate_descent.hpp"
#include "dataset.hpp"
#include "gradient_descent.hpp"
#include "kernel.hpp"
#include "lbfgs.hpp"
#include "newton.hpp"
#include "newton_cg.hpp"
#include "problem.hpp"
#include "progress.hpp"
#include "separation.hpp"
#include "statistics.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// Runs options.solver on the problem from theta, which it updates.
template <class ProblemT>
FitResult<typename ProblemT::Scalar> run_solver(
    const ProblemT& problem, const FitOptions<typename ProblemT::Scalar>& options,
    Vector<typename ProblemT::Scalar>& theta,
    IterateObserver<typename ProblemT::Scalar>* observer) {
  switch (options.solver) {
    case Solver::newton: return newton(problem, options, theta, observer);
    case Solver::lbfgs: return lbfgs(problem, options, theta, observer);
    case Solver::newton_cg: return newton_cg(problem, options, theta, observer);
    case Solver::coordinate_descent:  // dispatched by fit_data, on X's columns
    case Solver::gradient_descent: break;
  }
  return gradient_descent(problem, options, theta, observer);
}

/// The coordinates options.solver works in (see problem.hpp): gradient descent on (w, b) itself
/// with the user's learning rate (the seed's loop), else in units of X', standardized with
/// standardize; Newton in units of X', or standardized; L-BFGS and Newton-CG preconditioned, or
/// standardized.
template <class Scalar>
Coordinates coordinates_for(const FitOptions<Scalar>& options) {
  if (options.standardize) return Coordinates::standardized;
  if (options.solver == Solver::lbfgs || options.solver == Solver::newton_cg) {
    return Coordinates::preconditioned;
  }
  if (options.solver == Solver::gradient_descent && options.learning_rate) {
    return Coordinates::unscaled;
  }
  return Coordinates::scaled;
}

/// The checks of the options against the data's feature count d: one penalty factor per feature,
/// and Newton's (d+1) x (d+1) Hessian within newton_max_parameters.
/// \throws std::invalid_argument naming `caller`.
template <class Scalar>
void require_fit_shape(const char* caller, const FitOptions<Scalar>& options, Eigen::Index d) {
  if (options.penalty_factors.size() != 0 && options.penalty_factors.size() != d) {
    throw std::invalid_argument(std::string(caller) + ": penalty_factors has " +
                                std::to_string(options.penalty_factors.size()) +
                                " entries but X has " + std::to_string(d) +
                                " columns (features); expected one factor per feature, or none");
  }
  if (options.solver == Solver::newton && d + 1 > newton_max_parameters) {
    throw std::invalid_argument(
        std::string(caller) + ": Solver::newton forms a (d+1) x (d+1) Hessian and takes at most " +
        std::to_string(newton_max_parameters) + " parameters, got d + 1 = " +
        std::to_string(d + 1) + "; use Solver::newton_cg (Hessian-vector products) or " +
        "Solver::lbfgs for many features");
  }
}

/// Minimises J over the dataset with options.solver from (w, b), which it updates to the
/// parameters the fit keeps (on the original scale), then, with l2 = 0, checks for separation.
/// The scaling pass that computes mu and sigma for standardized and preconditioned coordinates
/// is set-up and is not counted in epochs. When no step was taken, (w, b) keep their bits (no
/// round trip through the coordinates).
template <class Data>
FitResult<typename Data::scalar_type> fit_data(
    const Data& data, const FitOptions<typename Data::scalar_type>& options, int threads,
    Vector<typename Data::scalar_type>& w, typename Data::scalar_type& b) {
  using Scalar = typename Data::scalar_type;
  require_fit_shape("LogisticNeuron::fit", options, data.cols());
  if (options.solver == Solver::coordinate_descent) {
    return coordinate_descent_fit(data, options, threads, w, b);
  }
  const Coordinates coordinates = coordinates_for(options);
  std::optional<Scaling<Scalar>> scaling;
  if (coordinates == Coordinates::standardized || coordinates == Coordinates::preconditioned) {
    scaling = column_scaling(data, scale_factor<Scalar>(data.scale_exponent()), threads);
  }
  const Problem<Data> problem(data, penalty_of(options, data.cols()), options.reduction, threads,
                              coordinates, scaling ? &*scaling : nullptr);
  // Where the separation check applies, the recorder keeps snapshots of the iterates for it.
  const bool check = separation_check_applies(options);
  SeparationRecorder<Problem<Data>> recorder(problem);
  if (!options.fit_intercept) b = 0;  // the bias stays 0, whatever a warm start had
  Vector<Scalar> theta = problem.from_original(w, b);
  const Vector<Scalar> start = theta;
  FitResult<Scalar> result = run_solver(problem, options, theta, check ? &recorder : nullptr);
  if (theta != start) problem.to_original(theta, w, b);
  if (check) result.separation = check_separation(data, w, b, recorder, threads);
  return result;
}

/// Whether a fit's parameters (w, b) can be kept: true if they are finite; otherwise (the
/// solver's coordinates could not carry them, e.g. a warm start whose logits overflow) the
/// neuron keeps the finite ones it had, and the result's stop reason becomes non_finite.
template <class Scalar>
bool keepable(FitResult<Scalar>& result, const Vector<Scalar>& w, Scalar b) {
  if (all_finite_bits(w) && is_finite_bits(b)) return true;
  result.stop_reason = StopReason::non_finite;
  return false;
}

/// J at (w, b) over the dataset with the L2 strength l2 (mean cost), and its gradient
/// (gw, gb): one fused pass.
template <class Data>
typename Data::scalar_type evaluate_at(const Data& data,
                                       const Vector<typename Data::scalar_type>& w,
                                       typename Data::scalar_type b, typename Data::scalar_type l2,
                                       int threads, Vector<typename Data::scalar_type>& gw,
                                       typename Data::scalar_type& gb) {
  using Scalar = typename Data::scalar_type;
  const Problem<Data> problem(data, l2, CostReduction::mean, threads, Coordinates::unscaled);
  Vector<Scalar> g;
  const Scalar J = problem.evaluate(problem.from_original(w, b), g);
  gw = g.head(w.size());
  gb = g[w.size()];
  return J;
}

/// J at (w, b) over the dataset with the L2 strength l2 (mean cost), with evaluate_at's bits:
/// the pass without the gradient.
template <class Data>
typename Data::scalar_type value_at(const Data& data, const Vector<typename Data::scalar_type>& w,
                                    typename Data::scalar_type b, typename Data::scalar_type l2,
                                    int threads) {
  const Problem<Data> problem(data, l2, CostReduction::mean, threads, Coordinates::unscaled);
  return problem.value(problem.from_original(w, b));
}

}  // namespace detail
}  // namespace logistic_neuron
