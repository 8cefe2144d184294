/// \file fit.hpp
/// \brief A fit over any kind of X: the solver FitOptions asks for, in the coordinates it needs,
/// then the separation check; and the one-pass evaluations the neuron's other calls make
/// (internal).
#pragma once

#include <optional>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "gradient_descent.hpp"
#include "kernel.hpp"
#include "lbfgs.hpp"
#include "newton.hpp"
#include "problem.hpp"
#include "progress.hpp"
#include "separation.hpp"
#include "statistics.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// Runs options.solver on the problem from theta, which it updates.
template <class ProblemT>
FitResult<typename ProblemT::Scalar> run_solver(const ProblemT& problem,
                                                const FitOptions<typename ProblemT::Scalar>& options,
                                                Vector<typename ProblemT::Scalar>& theta,
                                                IterateObserver<typename ProblemT::Scalar>* observer) {
  switch (options.solver) {
    case Solver::newton: return newton(problem, options, theta, observer);
    case Solver::lbfgs: return lbfgs(problem, options, theta, observer);
    case Solver::gradient_descent: break;
  }
  return gradient_descent(problem, options, theta, observer);
}

/// Minimises J over (X, targets) with options.solver from (w, b), which it updates to the
/// parameters the fit keeps (on the original scale), then, with l2 = 0, checks for separation.
///
/// The coordinates: gradient descent and Newton work on (w, b) itself, or on the standardized
/// problem with standardize; L-BFGS always works on a scaled problem (standardized coordinates),
/// with the penalty on the standardized weights if standardize, else on the original ones (then
/// the scaling is a pure change of variables that conditions the problem: the optimum is the
/// unscaled one). The scaling pass that computes mu and sigma is set-up and is not counted in
/// epochs. When no step was taken, (w, b) keep their bits (no round trip through the
/// coordinates).
template <class Data>
FitResult<typename Data::scalar_type> fit_data(const Data& X,
                                               const Targets<typename Data::scalar_type>& targets,
                                               const FitOptions<typename Data::scalar_type>& options,
                                               int threads, Vector<typename Data::scalar_type>& w,
                                               typename Data::scalar_type& b) {
  using Scalar = typename Data::scalar_type;
  std::optional<Scaling<Scalar>> scaling;
  if (options.standardize || options.solver == Solver::lbfgs) {
    scaling = column_scaling(X, targets, threads);
  }
  const Problem<Data> problem(X, targets, options.l2, options.reduction, threads,
                              scaling ? &*scaling : nullptr,
                              options.standardize ? Penalty::standardized : Penalty::original);
  // With l2 = 0 the recorder keeps snapshots of the iterates for the separation check.
  const bool check = options.l2 == 0 && options.check_separation;
  SeparationRecorder<Problem<Data>> recorder(problem);
  Vector<Scalar> theta = problem.from_original(w, b);
  const Vector<Scalar> start = theta;
  FitResult<Scalar> result = run_solver(problem, options, theta, check ? &recorder : nullptr);
  if (theta != start) problem.to_original(theta, w, b);
  if (check) result.separation = check_separation(X, targets, w, b, recorder, threads);
  return result;
}

/// J at (w, b) over (X, targets) with the L2 strength l2 (mean cost), and its gradient
/// (gw, gb): one fused pass.
template <class Data>
typename Data::scalar_type evaluate_at(const Data& X,
                                       const Targets<typename Data::scalar_type>& targets,
                                       const Vector<typename Data::scalar_type>& w,
                                       typename Data::scalar_type b,
                                       typename Data::scalar_type l2, int threads,
                                       Vector<typename Data::scalar_type>& gw,
                                       typename Data::scalar_type& gb) {
  using Scalar = typename Data::scalar_type;
  const Problem<Data> problem(X, targets, l2, CostReduction::mean, threads);
  Vector<Scalar> g;
  const Scalar J = problem.evaluate(problem.from_original(w, b), g);
  gw = g.head(w.size());
  gb = g[w.size()];
  return J;
}

}  // namespace detail
}  // namespace logistic_neuron
