// Scale safety (issue 9, point 2) and stop reasons that mean what they say (point 3).
//
// J is equivariant under a change of the features' scale: J(w; c X) = J(c w; X) with the same
// bias, so the optimum for c X is w*(X) / c, b*(X), with the same cost (and, with an L2 penalty
// on w, the optimum for (c X, l2 c^2) is that for (X, l2) likewise; a penalty on the standardized
// weights does not change with c at all). The tests fit c X for c over most of the range of the
// type with every solver, standardize on and off, and compare with the optimum of X computed here
// by an independent Newton iteration in long double (plain loops and Eigen's LDLT, no library
// code). Where c takes X beyond what the solvers carry, the fit must say so.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_scale {

namespace {

using test_support::Index;
using test_support::LD;
using test_support::Matrix;
using test_support::Vector;
namespace ln = logistic_neuron;

using MatrixLD = Eigen::Matrix<LD, Eigen::Dynamic, Eigen::Dynamic>;

/// The optimum of J(w, b) = (1/n) sum softplus(z_i) - y_i z_i + (1/2) sum_j P_j w_j^2 over X
/// (long double), with what the tolerances need: the Hessian H at the optimum and the size m_k
/// of the terms behind each gradient entry.
struct Optimum {
  Vector<LD> w;
  LD b = 0;
  LD cost = 0;
  LD cost_terms = 0;  ///< (1/n) sum_i softplus(z_i) + |y_i z_i| + (1/2) sum_j P_j w_j^2
  MatrixLD H;        ///< (d+1) x (d+1), bias last
  Vector<LD> terms;  ///< m_k = (1/n) sum_i (|a_i - y_i| + a_i (1 - a_i) |z_i|) |x_ik| + P_k |w_k|
};

LD sigmoid_ld(LD z) { return test_support::sigmoid(z); }

/// Newton's method in long double from 0: each step solves H p = -g by LDLT; stops when the step
/// is below 1e-17 relative (long double has 64 bits: 5e-20), at most 60 steps.
Optimum newton_optimum(const MatrixLD& X, const Vector<LD>& y, const Vector<LD>& P) {
  const Index n = X.rows(), d = X.cols();
  MatrixLD X1(n, d + 1);
  X1 << X, MatrixLD::Ones(n, 1);
  Vector<LD> theta = Vector<LD>::Zero(d + 1), penalty = Vector<LD>::Zero(d + 1);
  penalty.head(d) = P;
  Optimum o;
  for (int step = 0; step < 60; ++step) {
    const Vector<LD> z = X1 * theta;
    Vector<LD> r(n), D(n);
    for (Index i = 0; i < n; ++i) {
      const LD a = sigmoid_ld(z[i]);
      r[i] = a - y[i];
      D[i] = a * (1 - a);
    }
    const Vector<LD> g = X1.transpose() * r / LD(n) + penalty.cwiseProduct(theta);
    MatrixLD H = X1.transpose() * D.asDiagonal() * X1 / LD(n);
    H.diagonal() += penalty;
    const Vector<LD> p = H.ldlt().solve(-g);
    theta += p;
    if (p.norm() <= LD(1e-17) * (1 + theta.norm())) break;
  }
  o.w = theta.head(d);
  o.b = theta[d];
  const Vector<LD> z = X1 * theta;
  Vector<LD> D(n), m_weight(n);
  o.cost = 0;
  for (Index i = 0; i < n; ++i) {
    const LD a = sigmoid_ld(z[i]);
    o.cost += (y[i] == 1 ? test_support::softplus(-z[i]) : test_support::softplus(z[i])) / LD(n);
    o.cost_terms += (test_support::softplus(z[i]) + std::abs(y[i] * z[i])) / LD(n);
    D[i] = a * (1 - a);
    m_weight[i] = std::abs(a - y[i]) + a * (1 - a) * std::abs(z[i]);
  }
  for (Index j = 0; j < d; ++j) {
    o.cost += P[j] * o.w[j] * o.w[j] / 2;
    o.cost_terms += P[j] * o.w[j] * o.w[j] / 2;
  }
  o.H = X1.transpose() * D.asDiagonal() * X1 / LD(n);
  o.H.diagonal() += penalty;
  o.terms = X1.cwiseAbs().transpose() * m_weight / LD(n) + penalty.cwiseProduct(theta.cwiseAbs());
  return o;
}

/// Column means and (population) standard deviations, as standardize computes them.
void column_moments(const MatrixLD& X, Vector<LD>& mean, Vector<LD>& sd) {
  mean = X.colwise().mean().transpose();
  sd.resize(X.cols());
  for (Index j = 0; j < X.cols(); ++j) {
    sd[j] = std::sqrt((X.col(j).array() - mean[j]).square().mean());
  }
}

/// The bound on |theta - theta*| (each entry of (c w, b) against (w*, b*)) for a fit that ended at
/// its rounding floor. Derivation: the line-search solvers stop converged only when every entry
/// of the gradient in their coordinates is within 256 eps m_k of 0 (problem.hpp's
/// at_rounding_optimum; m_k as in Optimum::terms, carried to their coordinates); in the
/// standardized and preconditioned coordinates an entry mixes dJ/dw_j with mu_j dJ/db, so on the
/// original scale |dJ/dw_j| <= 256 eps (m_j + 2 |mu_j| m_b) and |dJ/db| <= 256 eps m_b. Near the
/// optimum theta - theta* = H^-1 g, so |theta - theta*| <= ||H^-1||_2 ||g||_2. Gradient descent
/// runs 5000 epochs, more than ten times what its linear rate needs to reach the same floor on
/// this data (measured: at most 330 epochs at any scale), where the gradient it computes is
/// rounding alone, of the same 256 eps m_k bound. Rounding c X to T moves the optimum by
/// eps/2 relative in X: ||H^-1|| (eps/2) ||m||, added.
LD theta_bound(const Optimum& o, const Vector<LD>& mean, LD eps) {
  const Index d = o.w.size();
  Vector<LD> g(d + 1);
  for (Index j = 0; j < d; ++j) g[j] = o.terms[j] + 2 * std::abs(mean[j]) * o.terms[d];
  g[d] = o.terms[d];
  const Eigen::SelfAdjointEigenSolver<MatrixLD> eigen(o.H);
  const LD inverse_norm = 1 / eigen.eigenvalues().minCoeff();
  return inverse_norm * (256 * eps * g.norm() + eps / 2 * o.terms.norm());
}

/// The bound on |theta - theta*| for a fit stopped by gradient_tolerance G: the max-norm of the
/// reported gradient is <= G, the gradient in (w, b) without standardize, in the standardized
/// (v, c) with it, where dJ/dw_j = sd_j dJ/dv_j + mean_j dJ/dc, so |dJ/dw_j| <= G (sd_j +
/// |mean_j|). Then |theta - theta*| <= ||H^-1||_2 ||g||_2 as above.
LD gradient_tolerance_bound(const Optimum& o, LD G, bool standardize, const Vector<LD>& mean,
                            const Vector<LD>& sd) {
  const Index d = o.w.size();
  Vector<LD> g = Vector<LD>::Constant(d + 1, G);
  if (standardize) g.head(d) = G * (sd + mean.cwiseAbs());
  const Eigen::SelfAdjointEigenSolver<MatrixLD> eigen(o.H);
  return g.norm() / eigen.eigenvalues().minCoeff();
}

/// The bound on |J - J*| for such a fit: J - J* <= (1/2) lambda_max(H) |theta - theta*|^2 (to
/// second order), plus the rounding of J's own evaluation in T (test_support's 256 eps times the
/// size of its terms).
LD cost_bound(const Optimum& o, LD theta_error, LD eps, Index d) {
  const Eigen::SelfAdjointEigenSolver<MatrixLD> eigen(o.H);
  const LD distance2 = LD(d + 1) * theta_error * theta_error;
  return eigen.eigenvalues().maxCoeff() * distance2 / 2 + 256 * eps * o.cost_terms;
}

template <class T>
std::vector<LD> in_range_scales() {
  if constexpr (std::is_same_v<T, float>) {
    return {1e-30L, 1e-20L, 1e-10L, 1, 1e10L, 1e20L, 1e30L};
  } else {
    return {1e-300L, 1e-150L, 1e-100L, 1e-50L, 1e-20L, 1, 1e20L, 1e50L, 1e100L, 1e150L, 1e300L};
  }
}

/// The solvers of base/options.hpp (coordinate descent does not standardize).
std::vector<ln::Solver> all_solvers(bool standardize) {
  std::vector<ln::Solver> solvers = {ln::Solver::gradient_descent, ln::Solver::newton,
                                     ln::Solver::lbfgs, ln::Solver::newton_cg};
  (void)standardize;
  return solvers;
}

/// The seeded data of the scale tests: 200 x 5, labels from a logistic model (overlapping
/// classes, so the unpenalised optimum is finite).
template <class T>
struct ScaleData {
  test_support::Problem<LD> base = test_support::make_problem<LD>(200, 5, 7);
  Vector<T> y = base.y.template cast<T>();
  /// c X rounded to T.
  Matrix<T> scaled(LD c) const { return (base.X * c).template cast<T>(); }
};

/// Fits c X with `options` and checks the result against the optimum of X: (c w, b) within
/// `bound` of (w*, b*) and the cost within `cbound` of J*; the stop reason is converged (or, for
/// gradient descent with no stopping rule, max_epochs at its rounding floor).
template <class T>
void check_equivariant(const Matrix<T>& X, const Vector<T>& y, LD c,
                       const ln::FitOptions<T>& options, const Optimum& o, LD bound,
                       LD cbound) {
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(X, y, options);
  if (options.solver == ln::Solver::gradient_descent) {
    CHECK((result.stop_reason == ln::StopReason::converged ||
           result.stop_reason == ln::StopReason::max_epochs));
  } else {
    CHECK(result.stop_reason == ln::StopReason::converged);
  }
  for (Index j = 0; j < o.w.size(); ++j) {
    CAPTURE(j);
    CHECK(std::abs(static_cast<LD>(neuron.weights()[j]) * c - o.w[j]) <= bound);
  }
  CHECK(std::abs(static_cast<LD>(neuron.bias()) - o.b) <= bound);
  CHECK(std::abs(static_cast<LD>(result.cost) - o.cost) <= cbound);
}

}  // namespace

TEST_CASE_TEMPLATE("scale: c X gives w(X) / c and the same cost with every solver, standardize on "
                   "and off, from the smallest to the largest scale the type carries",
                   T, float, double) {
  const ScaleData<T> data;
  const LD eps = static_cast<LD>(std::numeric_limits<T>::epsilon());
  const Index d = data.base.X.cols();
  Vector<LD> mean, sd;
  column_moments(data.base.X, mean, sd);
  const Optimum o = newton_optimum(data.base.X, data.base.y, Vector<LD>::Zero(d));
  const LD bound = theta_bound(o, mean, eps);
  const LD cbound = cost_bound(o, bound, eps, d);
  for (const LD c : in_range_scales<T>()) {
    const Matrix<T> X = data.scaled(c);
    for (const bool standardize : {false, true}) {
      for (const ln::Solver solver : all_solvers(standardize)) {
        CAPTURE(static_cast<double>(c));
        CAPTURE(standardize);
        CAPTURE(std::string(ln::to_string(solver)));
        ln::FitOptions<T> options;
        options.solver = solver;
        options.standardize = standardize;
        // No rule but the rounding floor stops the fit: the rules on |J_k - J_{k-1}| and on the
        // gradient's max-norm are absolute, and the gradient in w scales with c.
        options.tolerance = 0;
        options.max_epochs = 5000;
        check_equivariant(X, data.y, c, options, o, bound, cbound);
      }
    }
  }
}

TEST_CASE_TEMPLATE("scale: with an L2 penalty the optimum follows the scale too", T, float,
                   double) {
  // Penalty on w (standardize off): the optimum for (c X, l2 c^2) is w*(X, l2) / c, for the c
  // at which l2 c^2 is a normal number of T. Penalty on the standardized weights (standardize
  // on): it does not change with c, so l2 stays as it is.
  const ScaleData<T> data;
  const LD eps = static_cast<LD>(std::numeric_limits<T>::epsilon());
  const Index d = data.base.X.cols();
  const LD l2 = 0.1L;
  Vector<LD> mean, sd;
  column_moments(data.base.X, mean, sd);
  const Optimum on_w = newton_optimum(data.base.X, data.base.y, Vector<LD>::Constant(d, l2));
  // (l2/2) ||sd o w||^2 on the original scale.
  const Optimum on_v = newton_optimum(data.base.X, data.base.y, l2 * sd.cwiseProduct(sd));
  const LD smallest = std::sqrt(static_cast<LD>(std::numeric_limits<T>::min()) / l2);
  const LD largest = std::sqrt(static_cast<LD>(std::numeric_limits<T>::max()) / l2);
  for (const LD c : in_range_scales<T>()) {
    const Matrix<T> X = data.scaled(c);
    for (const bool standardize : {false, true}) {
      if (!standardize && (c < 16 * smallest || c > largest / 16)) continue;
      const Optimum& o = standardize ? on_v : on_w;
      const LD bound = theta_bound(o, mean, eps);
      for (const ln::Solver solver : all_solvers(standardize)) {
        CAPTURE(static_cast<double>(c));
        CAPTURE(standardize);
        CAPTURE(std::string(ln::to_string(solver)));
        ln::FitOptions<T> options;
        options.solver = solver;
        options.standardize = standardize;
        options.l2 = static_cast<T>(standardize ? l2 : l2 * c * c);
        options.tolerance = 0;
        options.max_epochs = 5000;
        check_equivariant(X, data.y, c, options, o, bound, cost_bound(o, bound, eps, d));
      }
    }
  }
}

TEST_CASE_TEMPLATE("scale: beyond the scales the solvers carry, fit says so (never a silent "
                   "converged far from the optimum)",
                   T, float, double) {
  // The solvers' units are 2^E for X's scale exponent E, kept within 2^+-(max_exponent - 24)
  // (detail/validate.hpp). Below that, measured before the check: double X near 1e-305 made
  // gradient descent stop "converged" at w = 0 (cost 0.693 against an optimum of 0.435), float X
  // near 1e-36 likewise. Now fit throws there and changes nothing. Above it the features grow in
  // the clamped units, which the solvers carry until a sum overflows: each fit ends converged at
  // the optimum (to the bounds of the first test), or says that it did not (non_finite,
  // max_epochs).
  const ScaleData<T> data;
  const int bound = std::numeric_limits<T>::max_exponent - 24;
  const LD eps = static_cast<LD>(std::numeric_limits<T>::epsilon());
  const Index d = data.base.X.cols();
  Vector<LD> mean, sd;
  column_moments(data.base.X, mean, sd);
  const Optimum o = newton_optimum(data.base.X, data.base.y, Vector<LD>::Zero(d));
  const LD theta_error = theta_bound(o, mean, eps);
  // The root mean square of X is about 1; these c put it 2^4 beyond the bound each way.
  const LD below = std::ldexp(1.0L, -bound - 4), above = std::ldexp(1.0L, bound + 4);
  for (const bool standardize : {false, true}) {
    for (const ln::Solver solver : all_solvers(standardize)) {
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      ln::FitOptions<T> options;
      options.solver = solver;
      options.standardize = standardize;
      ln::LogisticNeuron<T> neuron(Vector<T>::Constant(5, T(0.25)), T(-0.5));
      const auto before = test_support::state_of(neuron);
      options.warm_start = true;
      const std::string expected = "expected at least 2^-" + std::to_string(bound);
      test_support::check_throws<std::invalid_argument>(
          [&] { neuron.fit(data.scaled(below), data.y, options); },
          {"LogisticNeuron::fit: X's root mean square is about 2^", expected.c_str(),
           "multiply X by a power of 2 or 10"});
      CHECK(test_support::same_state(before, test_support::state_of(neuron)));
      // Above: non_finite, or the optimum.
      options.warm_start = false;
      options.tolerance = 0;
      options.max_epochs = 5000;
      ln::LogisticNeuron<T> large;
      const auto result = large.fit(data.scaled(above), data.y, options);
      if (result.stop_reason == ln::StopReason::converged) {
        for (Index j = 0; j < d; ++j) {
          CHECK(std::abs(static_cast<LD>(large.weights()[j]) * above - o.w[j]) <= theta_error);
        }
        CHECK(std::abs(static_cast<LD>(large.bias()) - o.b) <= theta_error);
        CHECK(std::abs(static_cast<LD>(result.cost) - o.cost) <=
              cost_bound(o, theta_error, eps, d));
      } else {
        // Measured: gradient descent without standardize, whose clamped units leave the weights'
        // curvature 2^8 times the bias's, is still 1e-5 away after 5000 epochs, and says so.
        CHECK((result.stop_reason == ln::StopReason::non_finite ||
               result.stop_reason == ln::StopReason::max_epochs));
      }
    }
  }
  // Just inside the lower bound, a fit with the default rule |J_k - J_{k-1}| < 1e-5 works:
  // Newton converges at least linearly with rate 1/2 from there, so J_k - J* <= J_{k-1} - J_k.
  ln::FitOptions<T> options;
  options.solver = ln::Solver::newton;
  ln::LogisticNeuron<T> neuron;
  const auto result = neuron.fit(data.scaled(std::ldexp(1.0L, -bound + 4)), data.y, options);
  CHECK(result.stop_reason == ln::StopReason::converged);
  CHECK(std::abs(static_cast<LD>(result.cost) - o.cost) < 1e-5L);
}

TEST_CASE_TEMPLATE("stop reasons: Newton, L-BFGS and Newton-CG asked for a gradient below what "
                   "rounding allows stop converged at the optimum",
                   T, float, double) {
  // A gradient tolerance of 1e-14 is below the rounding floor of the gradient (256 eps m_k:
  // about 1e-14 in double, 1e-5 in float here), 1e-10 is too in float. Then the line search ends
  // the fit, because no step lowers J; at the optimum to rounding that is converged, not
  // line_search_failed. The parameters are within the bound of whichever rule stopped the fit.
  const ScaleData<T> data;
  const Matrix<T> X = data.scaled(1);
  const LD eps = static_cast<LD>(std::numeric_limits<T>::epsilon());
  const Index d = X.cols();
  Vector<LD> mean, sd;
  column_moments(data.base.X, mean, sd);
  const Optimum o = newton_optimum(data.base.X, data.base.y, Vector<LD>::Zero(d));
  const LD rounding = theta_bound(o, mean, eps);
  for (const ln::Solver solver : {ln::Solver::newton, ln::Solver::lbfgs, ln::Solver::newton_cg}) {
    for (const bool standardize : {false, true}) {
      for (const LD tolerance : {1e-10L, 1e-14L}) {
        CAPTURE(std::string(ln::to_string(solver)));
        CAPTURE(standardize);
        CAPTURE(static_cast<double>(tolerance));
        ln::FitOptions<T> options;
        options.solver = solver;
        options.standardize = standardize;
        options.tolerance = 0;
        options.gradient_tolerance = static_cast<T>(tolerance);
        options.max_epochs = 2000;
        const LD bound = std::max(rounding, gradient_tolerance_bound(o, tolerance, standardize,
                                                                     mean, sd));
        check_equivariant(X, data.y, 1, options, o, bound, cost_bound(o, bound, eps, d));
      }
    }
  }
}

TEST_CASE_TEMPLATE("stop reasons: the rounding-optimum test that turns a failed line search into "
                   "converged holds at the optimum only",
                   T, float, double) {
  // Problem::at_rounding_optimum decides between converged and line_search_failed when a line
  // search finds no lower J: true at the optimum, false away from it (at 0, and at the optimum
  // moved by 1e3 times the rounding bound), so a line search that fails away from the optimum
  // still says line_search_failed.
  const ScaleData<T> data;
  const Matrix<T> X = data.scaled(1);
  const LD eps = static_cast<LD>(std::numeric_limits<T>::epsilon());
  const Index d = X.cols();
  Vector<LD> mean, sd;
  column_moments(data.base.X, mean, sd);
  const Optimum o = newton_optimum(data.base.X, data.base.y, Vector<LD>::Zero(d));
  const LD bound = theta_bound(o, mean, eps);
  const ln::detail::Targets<T> targets =
      ln::detail::unweighted_targets<T>("test", X.rows(), data.y);
  ln::detail::with_kind<T>("test", X, [&](const auto& kind) {
    const int exponent = ln::detail::require_finite("test", kind);
    const ln::detail::InMemory data_in_memory(kind, targets, exponent);
    const ln::detail::Problem<std::decay_t<decltype(data_in_memory)>> problem(data_in_memory, T(0),
                                                                 ln::CostReduction::mean, 1);
    auto rounding_optimum = [&](const Vector<LD>& w, LD b) {
      const Vector<T> theta = problem.from_original(w.template cast<T>(), static_cast<T>(b));
      Vector<T> g;
      problem.evaluate(theta, g);
      return problem.at_rounding_optimum(theta, g);
    };
    CHECK(rounding_optimum(o.w, o.b));
    CHECK_FALSE(rounding_optimum(Vector<LD>::Zero(d), 0));
    CHECK_FALSE(rounding_optimum(o.w + Vector<LD>::Constant(d, 1000 * bound), o.b));
  });
}

}  // namespace test_scale
