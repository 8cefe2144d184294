/// \file online.hpp
/// \brief Online updates: one mini-batch step of averaged, proximal AdaGrad on the full fit's
/// cost over a batch, and the state that persists between steps; the machinery behind
/// LogisticNeuron::partial_fit (internal).
///
/// The schedule, per coordinate k of theta = (v; c), the parameters in units where X has unit
/// scale (problem.hpp's scaled coordinates: v = w / f with f = 2^-E, c = b):
///   g_t      = dJ_t/dtheta at theta_{t-1}, J_t the full fit's cost over batch t alone (one
///              fused pass of the library's Problem over the batch: the penalty, the sample and
///              class weights and the cost reduction of a full fit; g_t is the gradient of its
///              smooth part, the loss and the squared penalties)
///   G_t      = G_{t-1} + g_t o g_t                     (accumulated squared gradients)
///   eta_k    = eta / (sqrt(G_t,k) + epsilon)           (AdaGrad: Duchi, Hazan and Singer, 2011)
///   theta_t  = S(theta_{t-1} - eta_k g_t, eta_k t_k)   (S the soft threshold, t_k the L1 weight
///              of coordinate k: the proximal step of the elastic net's L1 part; t = 0 without)
///   bar_t    = bar_{t-1} + (gamma + 1) / (t + gamma) (theta_t - bar_{t-1}),  gamma = 3
///              (polynomial-decay averaging: Shamir and Zhang, 2013; bar_1 = theta_1)
/// The neuron gets bar_t. AdaGrad's first step moves every coordinate with a non-zero gradient
/// by eta (nearly exactly); later steps shrink as G grows, like eta / sqrt(t) for gradients of a
/// steady size, so the iterates theta_t keep wandering at a level set by the gradients' noise.
/// The average bar_t smooths that noise out while forgetting the first iterates about as fast as
/// 1 / t^4.
///
/// E is the scale exponent of the first batch, kept for every later step, so that G adds
/// gradients in one unit and the schedule does not depend on the scale of X (a power of two times
/// X gives the same iterates, scaled). Everything is elementwise after the pass, whose sums are
/// added in a fixed order (reduce.hpp): a given sequence of batches gives the same bits on any
/// thread count.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/model.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "../base/threads.hpp"
#include "dataset.hpp"
#include "fit.hpp"
#include "gradient_descent.hpp"
#include "kinds.hpp"
#include "problem.hpp"
#include "progress.hpp"
#include "targets.hpp"
#include "validate.hpp"

namespace logistic_neuron {
namespace detail {

/// gamma of the polynomial-decay average (see the file comment).
inline constexpr int online_average_gamma = 3;
/// AdaGrad's eta when FitOptions::learning_rate is unset.
inline constexpr double online_learning_rate = 0.5;
/// epsilon of AdaGrad's denominator: a coordinate whose gradients have all been 0 does not
/// divide by 0 (gradients are in units where X has unit scale, so this is small against any
/// gradient that matters).
inline constexpr double online_epsilon = 1e-8;

/// What persists between online steps (see the file comment), inside the neuron.
template <class Scalar>
struct OnlineState {
  /// G: the accumulated squared gradient of each coordinate, the weights then the bias (d + 1
  /// entries; empty before the first step), in units where X has unit scale.
  Vector<Scalar> squared_gradients;
  /// theta_t: AdaGrad's iterate, where the next gradient is taken (d + 1 entries, same units).
  Vector<Scalar> iterate;
  /// bar_t: the polynomial-decay average of the iterates (d + 1 entries, same units).
  Vector<Scalar> average;
  /// Steps taken so far.
  Eigen::Index steps = 0;
  /// E, the scale exponent of the first batch: every step works in units of 2^E.
  int scale_exponent = 0;

  /// Forgets everything: the next step starts the schedule afresh from the neuron's parameters.
  void reset() noexcept {
    squared_gradients.resize(0);
    iterate.resize(0);
    average.resize(0);
    steps = 0;
    scale_exponent = 0;
  }
};

/// The options partial_fit takes from FitOptions are valid, and none that it cannot honour is
/// set: balanced class weights (their n / (2 n_c) need the class counts of the whole stream) and
/// standardize (its column statistics need the whole stream).
/// \throws std::invalid_argument naming `caller`.
template <class Scalar>
void require_online_options(const char* caller, const FitOptions<Scalar>& options) {
  options.validate(caller);
  if (options.class_weight.mode == ClassWeight<Scalar>::Mode::balanced) {
    throw std::invalid_argument(prefix(caller) +
                                "class_weight balanced needs the class counts of "
                                "the whole stream, which a batch does not have; pass "
                                "ClassWeight::given(n / (2 n_0), n / (2 n_1)) from known counts");
  }
  if (options.standardize) {
    throw std::invalid_argument(prefix(caller) +
                                "standardize needs the column statistics of the "
                                "whole stream, which a batch does not have; standardize the "
                                "batches with statistics you know, or use fit");
  }
}

/// G += g o g, then the proximal AdaGrad step theta_k = S(theta_k - eta_k g_k, eta_k t_k) with
/// eta_k = eta / (sqrt(G_k) + epsilon) (t empty: no L1 part), then the average bar_t.
template <class Scalar>
void adagrad_step(OnlineState<Scalar>& state, const Vector<Scalar>& g, const Vector<Scalar>& lasso,
                  Scalar eta) {
  state.squared_gradients.array() += g.array().square();
  const Vector<Scalar> rate =
      (eta / (state.squared_gradients.array().sqrt() + Scalar(online_epsilon))).matrix();
  state.iterate.array() -= rate.array() * g.array();
  for (Eigen::Index k = 0; k < lasso.size(); ++k) {
    state.iterate[k] = soft_threshold(state.iterate[k], rate[k] * lasso[k]);
  }
  ++state.steps;
  if (state.steps == 1) {
    state.average = state.iterate;
    return;
  }
  // bar_t = bar_{t-1} + (gamma + 1) / (t + gamma) (theta_t - bar_{t-1})
  const Scalar weight = Scalar(online_average_gamma + 1) /
                        (static_cast<Scalar>(state.steps) + Scalar(online_average_gamma));
  state.average += weight * (state.iterate - state.average);
}

/// One online step over a batch already checked but for its values (a kind of X and its
/// targets): see online_update.
template <class Kind, class Scalar>
FitResult<Scalar> online_step(const char* caller, const FitOptions<Scalar>& options,
                              Model<Scalar>& model, OnlineState<Scalar>& state, const Kind& kind,
                              const Targets<Scalar>& targets) {
  const Eigen::Index d = kind.cols();
  const int batch_exponent = require_finite(caller, kind);
  // A fresh schedule: no step yet (or a state left empty by a move of its neuron).
  const bool fresh = state.steps == 0 || state.iterate.size() != d + 1;
  const int exponent = fresh ? batch_exponent : state.scale_exponent;
  const InMemory<Kind> data(kind, targets, exponent);
  const int threads = options.threads > 0 ? options.threads : num_threads();
  const Problem<InMemory<Kind>> problem(data, penalty_of(options, d), options.reduction, threads,
                                        Coordinates::scaled, nullptr);
  const Scalar eta = options.learning_rate ? *options.learning_rate : Scalar(online_learning_rate);
  OnlineState<Scalar> next;
  if (!fresh) next = state;
  if (fresh) {
    const bool has = model.weights.size() > 0;
    next.iterate =
        problem.from_original(has ? model.weights : Vector<Scalar>(Vector<Scalar>::Zero(d)),
                              has ? model.bias : Scalar(0));
    next.squared_gradients = Vector<Scalar>::Zero(d + 1);
    next.scale_exponent = exponent;
  }
  if (!options.fit_intercept) next.iterate[d] = 0;
  const Vector<Scalar> lasso = problem.lasso_in_theta();
  Vector<Scalar> g;
  FitResult<Scalar> result;
  result.epochs = 1;
  result.learning_rate = eta;
  result.cost = problem.evaluate(next.iterate, g);
  result.gradient_norm = gradient_norm(
      problem.reported_gradient(lasso.size() ? minimum_subgradient(next.iterate, g, lasso) : g));
  result.stop_reason = StopReason::non_finite;
  if (!is_finite_bits(result.cost) || !all_finite_bits(g)) return result;
  result.cost_history.push_back(result.cost);

  adagrad_step(next, g, lasso, eta);
  Vector<Scalar> w;
  Scalar b;
  problem.to_original(next.average, w, b);
  if (!all_finite_bits(w) || !is_finite_bits(b) || !all_finite_bits(next.squared_gradients) ||
      !all_finite_bits(next.iterate)) {
    return result;
  }
  // Commit: swaps and moves that do not throw.
  model.weights.swap(w);
  model.bias = b;
  state = std::move(next);
  result.stop_reason = StopReason::max_epochs;
  return result;
}

/// One online step over the batch (X, targets) for a neuron's model and its online state (see
/// the file comment; the targets hold the batch's checked labels and weights, class weights
/// applied). The first step of a fresh state starts from the model's parameters, or from zeros
/// (d from X) when it has none; later ones continue from the state's iterate. The model's
/// feature names and standardization are kept.
/// \return epochs 1; cost and gradient_norm: J_b and the norm of its (minimum-norm sub)gradient
///   with respect to (w, b) at AdaGrad's iterate before the step; learning_rate eta;
///   cost_history {cost}; stop_reason max_epochs (the one step was taken) or non_finite (J_b,
///   its gradient or the step was not finite: nothing changed).
/// \throws std::invalid_argument naming `caller` if X's feature count is not the model's, the
///   penalty factors do not match it, X has a non-finite entry, or (sparse X) its indices are
///   invalid. Nothing changes when it throws.
template <class Scalar, class DerivedX>
FitResult<Scalar> online_update(const char* caller, const FitOptions<Scalar>& options,
                                Model<Scalar>& model, OnlineState<Scalar>& state,
                                const Eigen::EigenBase<DerivedX>& X,
                                const Targets<Scalar>& targets) {
  if (model.weights.size() > 0) require_features(caller, model.weights.size(), X.cols());
  if (options.penalty_factors.size() != 0 && options.penalty_factors.size() != X.cols()) {
    FitOptions<Scalar> shape;  // the penalty factors' check and message, without a solver's
    shape.penalty_factors = options.penalty_factors;
    require_fit_shape(caller, shape, X.cols());
  }
  return with_kind<Scalar>(caller, X, [&](const auto& kind) {
    return online_step(caller, options, model, state, kind, targets);
  });
}

}  // namespace detail
}  // namespace logistic_neuron
