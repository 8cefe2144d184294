/// \file path.hpp
/// \brief The elastic-net path (lambda_max, the grid, warm starts, strong rules checked by KKT)
/// and cross-validation over it (folds, held-out scores, lambda_min and lambda_1se), on the
/// columns of X (internal).
///
/// glmnet's conventions throughout (verified against glmnet 4.1 in tests/reference/glmnet):
///   p = penalty_factors * d / sum(penalty_factors); constant columns (on the rows of positive
///   weight) are left out and stay 0;
///   the null model: the bias (if fitted) and the unpenalised features fitted with every
///   penalised weight at 0; q_i its probabilities;
///   lambda_max = max over penalised j of |(1/S) sum_i s_i x_ij (y_i - q_i)| / (max(alpha, 1e-3) p_j),
///   the smallest lambda with every penalised weight 0 (for alpha >= 1e-3);
///   grid: lambda_k = lambda_max r^(k / (K - 1)); the first point of a computed grid is the null
///   model itself (as glmnet reports it, whatever alpha);
///   strong rule at lambda_k: feature j joins the working set when
///   |dJ/dw_j at the previous solution| >= alpha p_j (2 lambda_k - lambda_{k-1}); the KKT check
///   over every feature at the end of each outer iteration admits what the rule missed;
///   deviance: -2 sum_i s_i [y_i log p_i + (1 - y_i) log(1 - p_i)], p_i clamped to
///   [1e-9, 1 - 1e-9]; the null deviance with q_i = the weighted mean of y (0.5 without a bias);
///   deviance ratio = 1 - deviance / null deviance.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "../base/config.hpp"
#include "../base/path_options.hpp"
#include "../base/text.hpp"
#include "../base/threads.hpp"
#include "coordinate_descent.hpp"
#include "kinds.hpp"
#include "logistic.hpp"
#include "validate.hpp"

namespace logistic_neuron {
namespace detail {

/// What one path computes: per lambda (columns of weights) and for the path.
template <class Scalar>
struct PathData {
  Vector<Scalar> lambdas;                                     ///< the grid actually solved
  std::vector<Eigen::Triplet<Scalar, Eigen::Index>> entries;  ///< non-zero w_j at lambda k: (j, k)
  std::vector<Scalar> biases, deviance_ratios;
  std::vector<Eigen::Index> nonzeros, passes;
  std::vector<unsigned char> converged;
  Scalar lambda_max = 0;
  Scalar null_deviance = 0;
};

/// The path's settings after validation against the data.
template <class Scalar>
struct PathSettings {
  Scalar alpha = 1;
  Vector<Scalar> factors;  ///< p, rescaled to sum to d
  bool fit_intercept = true;
  Vector<Scalar> lambdas;  ///< the user's grid, or empty
  Eigen::Index n_lambdas = 100;
  Scalar min_ratio = Scalar(1e-4);
  Scalar tolerance = Scalar(1e-9);
  Eigen::Index max_passes = 100000;
  bool early_stop = true;
  int threads = 1;  ///< resolved: >= 1
};

/// PathOptions checked against X's shape (n rows, d columns) and made into PathSettings.
/// \throws std::invalid_argument naming `caller`.
template <class Scalar>
PathSettings<Scalar> path_settings(const char* caller, const PathOptions<Scalar>& options,
                                   Eigen::Index n, Eigen::Index d) {
  if (options.penalty_factors.size() != 0 && options.penalty_factors.size() != d) {
    throw std::invalid_argument(prefix(caller) + "penalty_factors has " +
                                std::to_string(options.penalty_factors.size()) +
                                " entries but X has " + std::to_string(d) +
                                " columns (features); expected one factor per feature, or none");
  }
  PathSettings<Scalar> s;
  s.alpha = options.alpha;
  s.factors = Vector<Scalar>::Ones(d);
  if (options.penalty_factors.size() == d) {
    const Accum<Scalar> total = options.penalty_factors.template cast<Accum<Scalar>>().sum();
    s.factors =
        (options.penalty_factors.template cast<Accum<Scalar>>() * (Accum<Scalar>(d) / total))
            .template cast<Scalar>();
  }
  s.fit_intercept = options.fit_intercept;
  s.lambdas = options.lambdas;
  s.n_lambdas = options.n_lambdas;
  s.min_ratio = options.lambda_min_ratio ? *options.lambda_min_ratio : Scalar(n < d ? 1e-2 : 1e-4);
  s.tolerance = options.tolerance;
  s.threads = options.threads > 0 ? options.threads : num_threads();
  s.max_passes = options.max_passes;
  s.early_stop = options.early_stop;
  return s;
}

/// The labels y_i in {0, 1} of targets' signs t_i = 1 - 2 y_i, and the raw weights s_i.
template <class Scalar>
void labels_and_weights(const Targets<Scalar>& targets, Vector<Scalar>& y, Vector<Scalar>& s) {
  const Eigen::Index n = targets.sign.size();
  y.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) y[i] = targets.sign[i] < 0 ? Scalar(1) : Scalar(0);
  s = targets.weight.size() ? targets.weight : Vector<Scalar>(Vector<Scalar>::Ones(n));
}

/// -2 [y log p + (1 - y) log(1 - p)] with p = sigmoid(z) clamped to [clamp, 1 - clamp].
template <class Scalar>
Accum<Scalar> clamped_deviance(Scalar z, Scalar y, Accum<Scalar> clamp) {
  using Acc = Accum<Scalar>;
  const Acc p = std::min(std::max(Acc(sigmoid(z)), clamp), Acc(1) - clamp);
  return -2 * (y > 0 ? std::log(p) : std::log(Acc(1) - p));
}

/// Appends the solver's point as lambda k of `out`.
template <class Solver, class Scalar>
void record_point(const Solver& solver, const Vector<Scalar>& y, const Vector<Scalar>& s,
                  Accum<Scalar> total_weight, Accum<Scalar> null_dev, Eigen::Index k,
                  CdStatus status, Eigen::Index passes_before, PathData<Scalar>& out) {
  using Acc = Accum<Scalar>;
  const Vector<Scalar>& w = solver.weights();
  Eigen::Index nonzero = 0;
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    if (w[j] == 0) continue;
    out.entries.emplace_back(j, k, w[j]);
    ++nonzero;
  }
  // The deviance 2 sum_i s_i [softplus(z_i) - y_i z_i] is 2 S times the solver's loss (its
  // weights are s_i / S) while every p_i of positive weight is inside the clamp [1e-9,
  // 1 - 1e-9], i.e. |z_i| <= logit(1 - 1e-9); only beyond it are the rows clamped one by one.
  const Vector<Scalar>& z = solver.logits();
  const Acc inside = std::log((1 - Acc(1e-9)) / Acc(1e-9));
  bool clamped = false;
  for (Eigen::Index i = 0; i < z.size() && !clamped; ++i) {
    clamped = s[i] != 0 && !(std::abs(Acc(z[i])) <= inside);
  }
  Acc dev = 2 * total_weight * solver.loss();
  if (clamped) {
    dev = 0;
    for (Eigen::Index i = 0; i < z.size(); ++i) {
      if (s[i] != 0) dev += Acc(s[i]) * clamped_deviance(z[i], y[i], Acc(1e-9));
    }
  }
  out.biases.push_back(solver.bias());
  out.nonzeros.push_back(nonzero);
  out.deviance_ratios.push_back(static_cast<Scalar>(1 - dev / null_dev));
  out.passes.push_back(solver.passes() - passes_before);
  out.converged.push_back(status == CdStatus::converged ? 1 : 0);
}

/// The columns left out of a path: constant on the rows of positive weight (empty sparse
/// columns included), as glmnet leaves them out.
template <class Columns, class Scalar>
std::vector<unsigned char> constant_columns(const Columns& X, const Vector<Scalar>& s) {
  std::vector<unsigned char> constant(static_cast<std::size_t>(X.cols()), 0);
  const Eigen::Index positive = (s.array() > Scalar(0)).count();
  for (Eigen::Index j = 0; j < X.cols(); ++j)
    constant[std::size_t(j)] = X.constant_on(j, s.data(), positive) ? 1 : 0;
  return constant;
}

/// Fits the null model into `solver` (the bias, if fitted, and the unpenalised features, every
/// penalised weight frozen at 0; the bias starts at log(ybar / (1 - ybar))) and returns
/// lambda_max = max over penalised, non-constant j of |dJ/dw_j| / (max(alpha, 1e-3) p_j).
template <class Solver, class Scalar>
Accum<Scalar> fit_null_model(Solver& solver, CdPenalty<Scalar>& penalty,
                             const std::vector<unsigned char>& constant,
                             const PathSettings<Scalar>& settings, Accum<Scalar> ybar) {
  using Acc = Accum<Scalar>;
  const Eigen::Index d = settings.factors.size();
  const Scalar b0 =
      settings.fit_intercept ? static_cast<Scalar>(std::log(ybar / (1 - ybar))) : Scalar(0);
  solver.start(Vector<Scalar>::Zero(d), b0);
  penalty.frozen.assign(static_cast<std::size_t>(d), 1);
  for (Eigen::Index j = 0; j < d; ++j) {
    if (settings.factors[j] != 0 || constant[std::size_t(j)]) continue;
    penalty.frozen[std::size_t(j)] = 0;
    solver.include(j);
  }
  solver.solve(penalty, Acc(settings.tolerance), settings.max_passes,
               [](const auto&) { return false; });
  penalty.frozen = constant;
  const Vector<Acc>& g = solver.data_gradient();
  const Acc alpha_floor = std::max(Acc(settings.alpha), Acc(1e-3));
  Acc lambda_max = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    if (constant[std::size_t(j)] || settings.factors[j] == 0) continue;
    lambda_max = std::max(lambda_max, std::abs(g[j]) / (alpha_floor * Acc(settings.factors[j])));
  }
  return lambda_max;
}

/// The grid: the user's, or lambda_k = lambda_max r^(k / (K - 1)), k = 0 .. K - 1.
template <class Scalar>
Vector<Scalar> lambda_grid(const PathSettings<Scalar>& settings, Accum<Scalar> lambda_max) {
  using Acc = Accum<Scalar>;
  if (settings.lambdas.size() != 0) return settings.lambdas;
  const Eigen::Index K = settings.n_lambdas;
  Vector<Scalar> grid(K);
  for (Eigen::Index k = 0; k < K; ++k) {
    const Acc exponent = K > 1 ? Acc(k) / Acc(K - 1) : Acc(0);
    grid[k] = static_cast<Scalar>(lambda_max * std::pow(Acc(settings.min_ratio), exponent));
  }
  return grid;
}

/// -2 sum_i s_i [y_i log q + (1 - y_i) log(1 - q)]: the null deviance, q = ybar (0.5 without a
/// bias), with the raw weights (as glmnet reports it).
template <class Scalar>
Accum<Scalar> null_deviance(const Vector<Scalar>& y, const Vector<Scalar>& s, Accum<Scalar> q) {
  Accum<Scalar> sum = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    sum += -2 * Accum<Scalar>(s[i]) * (y[i] > 0 ? std::log(q) : std::log(1 - q));
  }
  return sum;
}

/// Sets the penalty of lambda: lasso_j = lambda alpha p_j, ridge_j = lambda (1 - alpha) p_j.
template <class Scalar>
void set_lambda(CdPenalty<Scalar>& penalty, const PathSettings<Scalar>& settings,
                Accum<Scalar> lambda) {
  using Acc = Accum<Scalar>;
  for (Eigen::Index j = 0; j < settings.factors.size(); ++j) {
    penalty.lasso[j] = static_cast<Scalar>(lambda * Acc(settings.alpha) * Acc(settings.factors[j]));
    penalty.ridge[j] =
        static_cast<Scalar>(lambda * (1 - Acc(settings.alpha)) * Acc(settings.factors[j]));
  }
}

/// The strong rule: feature j joins the working set when |dJ/dw_j| at the previous solution is
/// >= alpha p_j (2 lambda - previous).
template <class Solver, class Scalar>
void apply_strong_rule(Solver& solver, const std::vector<unsigned char>& constant,
                       const PathSettings<Scalar>& settings, Accum<Scalar> lambda,
                       Accum<Scalar> previous) {
  using Acc = Accum<Scalar>;
  solver.include_reaching([&](Eigen::Index j) {
    return constant[std::size_t(j)]
               ? std::numeric_limits<Acc>::infinity()
               : Acc(settings.alpha) * Acc(settings.factors[j]) * (2 * lambda - previous);
  });
}

/// The elastic-net path over the columns of X (see the file comment): labels y in {0, 1}, raw
/// weights s. on_lambda(k, solver) is called after each lambda is solved (the solver's logits
/// cover every row, those of weight 0 included).
/// \throws std::invalid_argument naming `caller` when the rows of positive weight hold one class.
template <class Columns, class OnLambda>
PathData<typename Columns::scalar_type> run_path(
    const char* caller, const Columns& X, const Vector<typename Columns::scalar_type>& y,
    const Vector<typename Columns::scalar_type>& s,
    const PathSettings<typename Columns::scalar_type>& settings, const OnLambda& on_lambda) {
  using Scalar = typename Columns::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index d = X.cols();
  const Acc S = s.template cast<Acc>().sum();
  const Vector<Scalar> sw = (s.template cast<Acc>() / S).template cast<Scalar>();
  const Acc ybar = sw.template cast<Acc>().dot(y.template cast<Acc>());
  if (!(ybar > 0 && ybar < 1)) {
    throw std::invalid_argument(prefix(caller) + "y holds one class only (on the rows of positive "
                                                 "weight); expected both 0 and 1");
  }
  CdPenalty<Scalar> penalty;
  penalty.fit_intercept = settings.fit_intercept;
  penalty.ridge = Vector<Scalar>::Zero(d);
  penalty.lasso = Vector<Scalar>::Zero(d);
  const std::vector<unsigned char> constant = constant_columns(X, s);
  CoordinateDescent<Columns> solver(X, y, sw);
  solver.set_threads(settings.threads);
  PathData<Scalar> out;
  const Acc lambda_max = fit_null_model(solver, penalty, constant, settings, ybar);
  out.lambda_max = static_cast<Scalar>(lambda_max);
  out.lambdas = lambda_grid(settings, lambda_max);
  const bool computed = settings.lambdas.size() == 0;
  const Acc null_dev = null_deviance(y, s, settings.fit_intercept ? ybar : Acc(0.5));
  out.null_deviance = static_cast<Scalar>(null_dev);
  Acc previous = lambda_max;
  Eigen::Index solved = 0;
  for (Eigen::Index k = 0; k < out.lambdas.size(); ++k) {
    const Acc lambda = out.lambdas[k];
    set_lambda(penalty, settings, lambda);
    const Eigen::Index passes_before = solver.passes();
    CdStatus status = CdStatus::converged;
    if (!(computed && k == 0)) {  // a computed grid starts at the null model itself
      apply_strong_rule(solver, constant, settings, lambda, previous);
      status = solver.solve(
          penalty, Acc(settings.tolerance), solver.passes() + settings.max_passes,
          [](const auto&) { return false; }, false);
    }
    previous = lambda;
    record_point(solver, y, s, S, null_dev, k, status, passes_before, out);
    ++solved;
    on_lambda(k, solver);
    // glmnet's early stop, from the 5th lambda of a computed grid.
    if (computed && settings.early_stop && k >= 4) {
      const Scalar ratio = out.deviance_ratios[std::size_t(k)];
      if (ratio - out.deviance_ratios[std::size_t(k - 1)] < Scalar(1e-5) || ratio > Scalar(0.999))
        break;
    }
  }
  out.lambdas.conservativeResize(solved);
  return out;
}

/// Calls f(columns) with the columns of X, after the checks every public call makes (X not
/// empty, finite, sparse indices valid): dense X viewed in place; sparse CSC viewed in place;
/// sparse CSR copied once into CSC (O(nnz) memory).
template <class Scalar, class Derived, class F>
decltype(auto) with_path_columns(const char* caller, const Eigen::EigenBase<Derived>& X, F&& f) {
  check_kind<Scalar, Derived>();
  require_non_empty(caller, X);
  if constexpr (is_compressed_sparse_v<Derived>) {
    with_kind<Scalar>(caller, X, [&](const auto& kind) {
      require_finite(caller, kind);
      return 0;
    });
    using StorageIndex = typename Derived::StorageIndex;
    if constexpr (Derived::IsRowMajor) {
      const Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex> csc = X.derived();
      return f(SparseColumns<Scalar, StorageIndex>::of(csc));
    } else {
      return f(SparseColumns<Scalar, StorageIndex>::of(X.derived()));
    }
  } else {
    return with_kind<Scalar>(caller, X, [&](const auto& kind) {
      require_finite(caller, kind);
      return f(DenseColumns<Scalar>::of(kind.matrix()));
    });
  }
}

/// The held-out scores of one fold at one lambda: weighted means over the fold's rows.
template <class Scalar>
struct FoldScores {
  Scalar deviance = 0, misclassification = 0, auc = 0, log_loss = 0;
};

/// The weighted AUC of scores p for labels y with weights s (ties count 1/2); NaN when one
/// class has no weight.
template <class Scalar>
Scalar weighted_auc(const std::vector<Scalar>& p, const std::vector<Scalar>& y,
                    const std::vector<Scalar>& s) {
  using Acc = Accum<Scalar>;
  std::vector<std::size_t> order(p.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  Acc below = 0, positives = 0, negatives = 0, pairs = 0;
  for (std::size_t g = 0; g < order.size();) {
    std::size_t h = g;
    Acc tie_pos = 0, tie_neg = 0;
    while (h < order.size() && p[order[h]] == p[order[g]]) {
      (y[order[h]] > 0 ? tie_pos : tie_neg) += s[order[h]];
      ++h;
    }
    // Each positive of the group beats every lighter negative, and ties with the group's.
    pairs += tie_pos * (below + tie_neg / 2);
    below += tie_neg;
    positives += tie_pos;
    negatives += tie_neg;
    g = h;
  }
  if (!(positives > 0 && negatives > 0)) return std::numeric_limits<Scalar>::quiet_NaN();
  return static_cast<Scalar>(pairs / (positives * negatives));
}

/// The scores of held-out rows (labels y, weights s, logits z) as cv.glmnet computes them
/// (see CvMeasure).
template <class Scalar>
FoldScores<Scalar> score_fold(const Vector<Scalar>& y, const Vector<Scalar>& s,
                              const Vector<Scalar>& z, bool auc) {
  using Acc = Accum<Scalar>;
  Acc weight = 0, dev = 0, wrong = 0, loss = 0;
  std::vector<Scalar> p, labels, weights;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const Acc si = s[i];
    const Scalar pi = sigmoid(z[i]);
    weight += si;
    dev += si * clamped_deviance(z[i], y[i], Acc(1e-5));
    wrong += si * (((y[i] > 0 && !(pi > Scalar(0.5))) || (y[i] == 0 && pi > Scalar(0.5))) ? 1 : 0);
    loss += si * Acc(softplus(y[i] > 0 ? -z[i] : z[i]));
    if (auc) {
      p.push_back(pi);
      labels.push_back(y[i]);
      weights.push_back(s[i]);
    }
  }
  FoldScores<Scalar> out;
  out.deviance = static_cast<Scalar>(dev / weight);
  out.misclassification = static_cast<Scalar>(wrong / weight);
  out.log_loss = static_cast<Scalar>(loss / weight);
  out.auc = auc ? weighted_auc(p, labels, weights) : std::numeric_limits<Scalar>::quiet_NaN();
  return out;
}

/// One measure over the folds: per fold and lambda, their weighted mean and standard error,
/// and glmnet's two choices (0-based indices into the grid).
template <class Scalar>
struct CvCurveData {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> per_fold;  ///< folds x lambdas
  Vector<Scalar> mean, standard_error;
  Eigen::Index index_min = 0, index_1se = 0;
};

/// cvm = sum_k W_k cv_k / sum_k W_k, cvsd = sqrt(sum_k W_k (cv_k - cvm)^2 / sum_k W_k / (K - 1)),
/// index_min = the first (largest-lambda) best mean, index_1se = the first within one standard
/// error of it (larger_is_better for AUC).
template <class Scalar>
void summarise(CvCurveData<Scalar>& curve, const std::vector<Accum<Scalar>>& fold_weight,
               bool larger_is_better) {
  using Acc = Accum<Scalar>;
  const Eigen::Index K = curve.per_fold.rows(), L = curve.per_fold.cols();
  curve.mean.resize(L);
  curve.standard_error.resize(L);
  Acc total = 0;
  for (const Acc w : fold_weight) total += w;
  for (Eigen::Index l = 0; l < L; ++l) {
    Acc m = 0;
    for (Eigen::Index k = 0; k < K; ++k)
      m += fold_weight[std::size_t(k)] * Acc(curve.per_fold(k, l));
    m /= total;
    Acc v = 0;
    for (Eigen::Index k = 0; k < K; ++k) {
      const Acc e = Acc(curve.per_fold(k, l)) - m;
      v += fold_weight[std::size_t(k)] * e * e;
    }
    curve.mean[l] = static_cast<Scalar>(m);
    curve.standard_error[l] = static_cast<Scalar>(std::sqrt(v / total / Acc(K - 1)));
  }
  const Scalar sign = larger_is_better ? Scalar(-1) : Scalar(1);
  Eigen::Index best = 0;
  for (Eigen::Index l = 1; l < L; ++l) {
    if (sign * curve.mean[l] < sign * curve.mean[best]) best = l;
  }
  curve.index_min = best;
  const Scalar bound = sign * curve.mean[best] + curve.standard_error[best];
  curve.index_1se = best;
  for (Eigen::Index l = 0; l < L; ++l) {
    if (sign * curve.mean[l] <= bound) {
      curve.index_1se = l;
      break;
    }
  }
}

/// Stratified, seeded folds: within each class the rows (in row order) are shuffled by a
/// Fisher-Yates shuffle driven by splitmix64(seed), then dealt to folds 0, 1, ..., K - 1 in
/// turn, class 1 continuing the count where class 0 ended, so fold sizes differ by at most one
/// and each fold's class balance is the data's to within one row per class.
inline std::vector<int> stratified_folds(const std::vector<unsigned char>& positive, int K,
                                         std::uint64_t seed) {
  std::uint64_t state = seed;
  auto next = [&state]() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  std::vector<int> fold(positive.size(), 0);
  std::size_t dealt = 0;
  for (int c = 0; c < 2; ++c) {
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < positive.size(); ++i) {
      if ((positive[i] != 0) == (c == 1)) rows.push_back(i);
    }
    for (std::size_t i = rows.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(next() % i);  // bias < i / 2^64
      std::swap(rows[i - 1], rows[j]);
    }
    for (const std::size_t i : rows) fold[i] = static_cast<int>(dealt++ % std::size_t(K));
  }
  return fold;
}

/// Runs task(k) for k in [0, K) on up to `threads` threads (the calling one included), each task
/// on one thread; rethrows the first exception a task threw, after every thread has ended.
template <class Task>
void for_each_task(int K, int threads, const Task& task) {
  const int workers = std::max(1, std::min(threads, K));
  std::atomic<int> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&]() {
    for (int k = next++; k < K; k = next++) {
      try {
        task(k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < workers; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  if (failure) std::rethrow_exception(failure);
}

/// The rows of X where `to` (one entry a row of X) is >= 0, row i going to row to[i]: a
/// column-major copy of dense columns.
template <class Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> copy_rows(const DenseColumns<Scalar>& X,
                                                                const std::vector<Eigen::Index>& to,
                                                                Eigen::Index rows) {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> out(rows, X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    X.for_column(j, [&](Eigen::Index i, Scalar x) {
      if (to[std::size_t(i)] >= 0) out(to[std::size_t(i)], j) = x;
    });
  }
  return out;
}

/// The same for sparse columns: a compressed CSC copy of their entries on those rows.
template <class Scalar, class StorageIndex>
Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex> copy_rows(
    const SparseColumns<Scalar, StorageIndex>& X, const std::vector<Eigen::Index>& to,
    Eigen::Index rows) {
  Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex> out(rows, X.cols());
  Eigen::Index entries = 0;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    X.for_column(j, [&](Eigen::Index i, Scalar) { entries += to[std::size_t(i)] >= 0 ? 1 : 0; });
  }
  out.reserve(entries);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    out.startVec(j);
    X.for_column(j, [&](Eigen::Index i, Scalar x) {
      if (to[std::size_t(i)] >= 0) out.insertBack(to[std::size_t(i)], j) = x;
    });
  }
  out.finalize();
  return out;
}

/// One fold's split of X, y and s: the training rows (the other folds') and the held-out rows,
/// each copied (as glmnet subsets x), so that the fold's path reads only its own rows.
template <class Columns>
struct FoldSplit {
  using Scalar = typename Columns::scalar_type;
  decltype(copy_rows(std::declval<const Columns&>(), std::vector<Eigen::Index>(), 0)) train, held;
  Vector<Scalar> train_y, train_s, held_y, held_s;

  FoldSplit(const Columns& X, const Vector<Scalar>& y, const Vector<Scalar>& s,
            const std::vector<int>& folds, int k) {
    const Eigen::Index n = X.rows();
    std::vector<Eigen::Index> to_train(std::size_t(n), -1), to_held(std::size_t(n), -1);
    Eigen::Index trained = 0, kept = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      if (folds[std::size_t(i)] == k) {
        to_held[std::size_t(i)] = kept++;
      } else {
        to_train[std::size_t(i)] = trained++;
      }
    }
    train = copy_rows(X, to_train, trained);
    held = copy_rows(X, to_held, kept);
    train_y.resize(trained);
    train_s.resize(trained);
    held_y.resize(kept);
    held_s.resize(kept);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Eigen::Index t = to_train[std::size_t(i)], h = to_held[std::size_t(i)];
      if (t >= 0) {
        train_y[t] = y[i];
        train_s[t] = s[i];
      } else {
        held_y[h] = y[i];
        held_s[h] = s[i];
      }
    }
  }
};

/// What cross-validation computes (see CvResult).
template <class Scalar>
struct CvData {
  PathData<Scalar> full;
  std::vector<int> folds;  ///< 0-based
  CvCurveData<Scalar> deviance, misclassification, auc, log_loss;
  bool all_measures = false;
};

/// Cross-validation over the columns of X: the path on all rows, then on each fold's training
/// rows on the same grid, folds spread over `threads` threads, each fold on one; its held-out
/// logits z = X_held w + b scored at every lambda. A running fold holds a copy of X's rows
/// (its training and held-out parts): the memory of X per thread.
template <class Columns>
CvData<typename Columns::scalar_type> run_cv(
    const char* caller, const Columns& X, const Vector<typename Columns::scalar_type>& y,
    const Vector<typename Columns::scalar_type>& s,
    const PathSettings<typename Columns::scalar_type>& settings, std::vector<int> folds, int K,
    bool all_measures, bool auc_needed, int threads) {
  using Scalar = typename Columns::scalar_type;
  using Acc = Accum<Scalar>;
  CvData<Scalar> out;
  out.full = run_path(caller, X, y, s, settings, [](Eigen::Index, const auto&) {});
  out.folds = std::move(folds);
  out.all_measures = all_measures;
  const Eigen::Index L = out.full.lambdas.size();
  PathSettings<Scalar> fold_settings = settings;
  fold_settings.lambdas = out.full.lambdas;
  fold_settings.early_stop = false;
  if (threads > 1) fold_settings.threads = 1;  // the folds run side by side, one thread each
  std::vector<Acc> fold_weight(static_cast<std::size_t>(K), Acc(0));
  for (std::size_t i = 0; i < out.folds.size(); ++i)
    fold_weight[std::size_t(out.folds[i])] += s[Eigen::Index(i)];
  for (CvCurveData<Scalar>* c : {&out.deviance, &out.misclassification, &out.auc, &out.log_loss}) {
    c->per_fold = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>::Constant(
        K, L, std::numeric_limits<Scalar>::quiet_NaN());
  }
  const bool auc = all_measures || auc_needed;
  auto run_fold = [&](int k) {
    const FoldSplit<Columns> split(X, y, s, out.folds, k);
    const Columns train = Columns::of(split.train), held = Columns::of(split.held);
    Vector<Scalar> z;  // X_held w + b
    const auto score = [&](Eigen::Index l, const auto& solver) {
      set_affine(held, solver.weights(), solver.bias(), z);
      const FoldScores<Scalar> f = score_fold(split.held_y, split.held_s, z, auc);
      out.deviance.per_fold(k, l) = f.deviance;
      out.misclassification.per_fold(k, l) = f.misclassification;
      out.auc.per_fold(k, l) = f.auc;
      out.log_loss.per_fold(k, l) = f.log_loss;
    };
    run_path(caller, train, split.train_y, split.train_s, fold_settings, score);
  };
  for_each_task(K, threads, run_fold);
  summarise(out.deviance, fold_weight, false);
  summarise(out.misclassification, fold_weight, false);
  summarise(out.log_loss, fold_weight, false);
  if (auc) summarise(out.auc, fold_weight, true);
  return out;
}

/// The 0-based folds of the user's 1-based fold ids, and K.
/// \throws std::invalid_argument naming `caller` when there is not one id per row, an id is
/// outside 1 .. K, an id in 1 .. K is unused, or K < 2.
inline std::vector<int> user_folds(const char* caller, const std::vector<int>& ids, Eigen::Index n,
                                   int& K) {
  if (static_cast<Eigen::Index>(ids.size()) != n) {
    throw std::invalid_argument(prefix(caller) + "fold_ids has " + std::to_string(ids.size()) +
                                " entries but X has " + std::to_string(n) +
                                " rows (samples); expected one fold id per row");
  }
  K = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 1) {
      throw std::invalid_argument(prefix(caller) + "fold_ids[" + std::to_string(i) +
                                  "] must be >= 1 (glmnet's 1-based foldid), got " +
                                  std::to_string(ids[i]));
    }
    K = std::max(K, ids[i]);
  }
  std::vector<unsigned char> used(static_cast<std::size_t>(K), 0);
  std::vector<int> folds(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    used[std::size_t(ids[i] - 1)] = 1;
    folds[i] = ids[i] - 1;
  }
  for (int k = 0; k < K; ++k) {
    if (!used[std::size_t(k)]) {
      throw std::invalid_argument(prefix(caller) + "fold_ids use " + std::to_string(K) +
                                  " folds but no row is in fold " + std::to_string(k + 1) +
                                  "; expected every fold 1 .. K to hold rows");
    }
  }
  if (K < 2) {
    throw std::invalid_argument(prefix(caller) + "fold_ids name " + std::to_string(K) +
                                " fold; expected at least 2");
  }
  return folds;
}

}  // namespace detail
}  // namespace logistic_neuron
