/// \file separation.hpp
/// \brief Recognising (quasi-)separable data after a fit without L2 (internal).
///
/// Without L2, J has a minimiser only if no hyperplane separates the classes: if some direction
/// delta = (dw, db) != 0 has signed margins m_i(delta) = (2 y_i - 1)(x_i . dw + db) >= 0 for
/// every sample, J keeps decreasing along it and the weights grow without bound. The rule is
/// documented on logistic_neuron::Separation; this file implements it, cheapest evidence first:
///
///  1. A certificate of overlap from a strided subsample of the rows: if Newton's method on the
///     subsample converges to a finite optimum at which its Hessian has full rank, then no
///     direction has non-negative margins on every subsample row (Stiemke's lemma), so none has
///     on every row of X either: the classes overlap, and nothing else is checked. On data whose
///     classes overlap this is the usual end, and it reads only the subsample.
///  2. The margins at the kept parameters and along the move of the fit's own iterates (one pass
///     over X): all margins > 0 certifies complete separation; a move that grew the weights along
///     a direction that separates the data weakly is quasi-complete separation.
///  3. When neither decided and the iterates were still growing, a Newton probe on all of X from
///     the kept parameters, in scratch variables. Newton is affine invariant, so on separable data
///     it runs away along a separating direction in a few steps even when the margin is tiny for
///     the data's scale (breast cancer: about 13 steps); with a minimiser it converges and stops.
/// Both Newton runs are the library's one Newton solver (newton.hpp) on the summed cost.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "chunks.hpp"
#include "dataset.hpp"
#include "dense.hpp"
#include "hessian.hpp"
#include "kernel.hpp"
#include "newton.hpp"
#include "problem.hpp"
#include "progress.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// The margin (2y - 1) z at or beyond which Separation::confident counts a sample: the model then
/// gives its true class a probability above 1 - 4.6e-5.
template <class Scalar>
inline constexpr Scalar separation_confident_margin = Scalar(10);
/// The largest ratio max(-m_i(delta)) / max(m_i(delta)) for which a direction delta in which
/// the weights grew is taken as separating (see Separation::direction_overlap).
template <class Scalar>
inline constexpr Scalar separation_overlap_limit = Scalar(0.01);
/// The full Newton probe runs only when the fit's iterates were still growing:
/// weight_growth > 1 + this (or the fit reported fewer than two iterates).
template <class Scalar>
inline constexpr Scalar separation_probe_min_growth = Scalar(1e-3);
/// A Newton probe runs only for d + 1 <= this many parameters ...
inline constexpr Eigen::Index separation_probe_max_features = 2000;
/// ... and (the full probe) when n (d + 1)^2, the work of one Hessian, is at most this.
inline constexpr double separation_probe_max_work = 4e9;
/// The most Newton steps a probe takes.
inline constexpr Eigen::Index separation_probe_max_steps = 50;
/// The rows of the subsample of rule 1: max(512, 16 (d + 1)), taken only when X has at least
/// twice as many rows.
inline Eigen::Index separation_subsample_rows(Eigen::Index d) {
  return std::max<Eigen::Index>(512, 16 * (d + 1));
}

/// Keeps snapshots of the iterates a solver accepts, on the original scale, at the 1st, 2nd,
/// 4th, 8th, ... (the two latest), for rule 2.
template <class ProblemT>
class SeparationRecorder final : public IterateObserver<typename ProblemT::Scalar> {
 public:
  using Scalar = typename ProblemT::Scalar;

  explicit SeparationRecorder(const ProblemT& problem) : m_problem(problem) {}

  bool accepted(Eigen::Index count, const Vector<Scalar>& theta) override {
    m_calls = count;
    if ((count & (count - 1)) != 0) return true;  // snapshots at 1, 2, 4, 8, ...
    std::swap(m_older, m_latest);
    m_latest.epoch = count;
    m_problem.to_original(theta, m_latest.w, m_latest.b);
    return true;
  }

  /// The reference of rule 2: the latest snapshot taken at most half-way through the accepted
  /// iterates, or null if there is none.
  struct Snapshot {
    Eigen::Index epoch = 0;
    Vector<Scalar> w;
    Scalar b = 0;
  };
  const Snapshot* reference() const noexcept {
    if (m_latest.epoch > 0 && 2 * m_latest.epoch <= m_calls) return &m_latest;
    if (m_older.epoch > 0 && 2 * m_older.epoch <= m_calls) return &m_older;
    return nullptr;
  }

 private:
  const ProblemT& m_problem;
  Eigen::Index m_calls = 0;
  Snapshot m_latest{}, m_older{};
};

/// What one pass gathers about the margins m_i = (2 y_i - 1) z_i at (w, b), and about the margins
/// of the move from (w_ref, b_ref): samples of weight 0 are ignored.
template <class Scalar>
struct MarginStats {
  Eigen::Index misclassified = 0;  ///< m_i <= 0
  Eigen::Index confident = 0;      ///< m_i >= separation_confident_margin
  Scalar min_margin = std::numeric_limits<Scalar>::infinity();
  Scalar max_abs_logit = 0;
  Scalar move_positive = 0;  ///< max_i m_i(delta), delta the move from the reference
  Scalar move_negative = 0;  ///< max_i -m_i(delta)

  void add(const MarginStats& other) {
    misclassified += other.misclassified;
    confident += other.confident;
    min_margin = std::min(min_margin, other.min_margin);
    max_abs_logit = std::max(max_abs_logit, other.max_abs_logit);
    move_positive = std::max(move_positive, other.move_positive);
    move_negative = std::max(move_negative, other.move_negative);
  }
  /// max(-m(delta)) / max(m(delta)): infinite when no margin of the move is positive.
  Scalar move_overlap() const {
    return move_positive > 0 ? move_negative / move_positive
                             : std::numeric_limits<Scalar>::infinity();
  }
};

/// The margin statistics at (w, b) and, when w_ref is not null, of the move from (w_ref, b_ref),
/// in one pass over the dataset (both logits of a block from one read of it), across processes.
template <class Data>
MarginStats<typename Data::scalar_type> margin_pass(const Data& data,
                                                    const Vector<typename Data::scalar_type>& w,
                                                    typename Data::scalar_type b,
                                                    const Vector<typename Data::scalar_type>* w_ref,
                                                    typename Data::scalar_type b_ref, int threads) {
  using Scalar = typename Data::scalar_type;
  const Layout layout = data.layout();
  const int workers = worker_count(data.chunk_count(), threads);
  std::vector<Vector<Scalar>> z(static_cast<std::size_t>(workers),
                                Vector<Scalar>(layout.block_rows));
  std::vector<Vector<Scalar>> z_ref(static_cast<std::size_t>(workers),
                                    Vector<Scalar>(w_ref ? layout.block_rows : 0));
  std::vector<MarginStats<Scalar>> chunk_stats(static_cast<std::size_t>(data.chunk_count()));
  for_each_chunk(
      data, workers,
      [&](const auto& piece, Eigen::Index c, int worker, Eigen::Index begin, Eigen::Index end) {
        MarginStats<Scalar>& stats = chunk_stats[static_cast<std::size_t>(c - data.first_chunk())];
        Scalar* zb = z[static_cast<std::size_t>(worker)].data();
        Scalar* zr = z_ref[static_cast<std::size_t>(worker)].data();
        for (Eigen::Index row0 = begin; row0 < end; row0 += layout.block_rows) {
          const Eigen::Index rows = std::min(layout.block_rows, end - row0);
          piece.X.logits(row0, rows, w, b, zb);
          if (w_ref) piece.X.logits(row0, rows, *w_ref, b_ref, zr);
          for (Eigen::Index k = 0; k < rows; ++k) {
            const Eigen::Index i = row0 + k;
            if (piece.weight && !(piece.weight[i] > 0)) continue;
            const Scalar m = -piece.sign[i] * zb[k];  // (2 y_i - 1) z_i
            stats.min_margin = std::min(stats.min_margin, m);
            stats.max_abs_logit = std::max(stats.max_abs_logit, std::abs(zb[k]));
            if (!(m > 0)) ++stats.misclassified;
            if (m >= separation_confident_margin<Scalar>) ++stats.confident;
            if (w_ref) {
              const Scalar move = -piece.sign[i] * (zb[k] - zr[k]);
              stats.move_positive = std::max(stats.move_positive, move);
              stats.move_negative = std::max(stats.move_negative, -move);
            }
          }
        }
      });
  MarginStats<Scalar> total;
  for (const MarginStats<Scalar>& stats : chunk_stats) total.add(stats);
  if (const Reduction* reduction = data.reduction()) {
    long long counts[2] = {total.misclassified, total.confident};
    reduction->sum(counts, 2);
    double extremes[4] = {-double(total.min_margin), double(total.max_abs_logit),
                          double(total.move_positive), double(total.move_negative)};
    reduction->max(extremes, 4);
    total.misclassified = static_cast<Eigen::Index>(counts[0]);
    total.confident = static_cast<Eigen::Index>(counts[1]);
    total.min_margin = static_cast<Scalar>(-extremes[0]);
    total.max_abs_logit = static_cast<Scalar>(extremes[1]);
    total.move_positive = static_cast<Scalar>(extremes[2]);
    total.move_negative = static_cast<Scalar>(extremes[3]);
  }
  return total;
}

/// True if the symmetric positive semi-definite H has full rank to working precision: its
/// equilibrated form E H E (unit diagonal) has a Cholesky factor whose smallest pivot squared is
/// at least 1e-10.
template <class Matrix>
bool full_rank(const Matrix& H) {
  using Acc = typename Matrix::Scalar;
  const Eigen::Index size = H.rows();
  Eigen::Matrix<Acc, Eigen::Dynamic, 1> E(size);
  for (Eigen::Index j = 0; j < size; ++j) {
    if (!(H(j, j) > 0)) return false;
    E[j] = Acc(1) / std::sqrt(H(j, j));
  }
  const Matrix equilibrated = E.asDiagonal() * H * E.asDiagonal();
  const Eigen::LLT<Matrix> llt(equilibrated);
  if (llt.info() != Eigen::Success) return false;
  const auto pivots = llt.matrixLLT().diagonal();
  return all_finite_bits(pivots) && pivots.cwiseAbs2().minCoeff() >= Acc(1e-10);
}

/// Stops a probe once every sample of positive weight is on its side (a certificate of complete
/// separation), and remembers the size of the probe's last step.
template <class ProblemT>
class ProbeWatch final : public IterateObserver<typename ProblemT::Scalar> {
 public:
  using Scalar = typename ProblemT::Scalar;

  explicit ProbeWatch(const ProblemT& problem) : m_problem(problem) {}

  bool accepted(Eigen::Index count, const Vector<Scalar>& theta) override {
    if (count > 1) {
      const Scalar size = std::max(theta.stableNorm(), std::numeric_limits<Scalar>::min());
      m_last_step = (theta - m_previous).stableNorm() / size;
    }
    m_previous = theta;
    Vector<Scalar> w;
    Scalar b;
    m_problem.to_original(theta, w, b);
    const MarginStats<Scalar> stats =
        margin_pass(m_problem.data(), w, b, nullptr, Scalar(0), m_problem.threads());
    m_misclassified = stats.misclassified;
    return m_misclassified > 0;
  }

  Eigen::Index misclassified() const noexcept { return m_misclassified; }
  /// ||theta_k - theta_{k-1}|| / ||theta_k|| of the last step (infinite before the first).
  Scalar last_step() const noexcept { return m_last_step; }

 private:
  const ProblemT& m_problem;
  Vector<Scalar> m_previous;
  Eigen::Index m_misclassified = 0;
  Scalar m_last_step = std::numeric_limits<Scalar>::infinity();
};

/// How a Newton probe on the summed cost ended.
template <class Scalar>
struct ProbeOutcome {
  Eigen::Index steps = 0;          ///< accepted Newton steps
  Eigen::Index misclassified = 0;  ///< at the probe's end
  bool converged = false;          ///< Newton stopped by its tolerance
  Scalar last_step = 0;            ///< relative size of its last step
  Vector<Scalar> w;                ///< the probe's parameters at its end
  Scalar b = 0;
};

/// Up to separation_probe_max_steps Newton steps on the summed cost over the dataset from
/// (w, b), by the library's Newton solver; stops when every sample is on its side (complete
/// separation), when J changes by less than 1e-12 (J + 1) (a minimiser, or a run-away gone far),
/// or when no step lowers J.
template <class Data>
ProbeOutcome<typename Data::scalar_type> newton_probe(const Data& data,
                                                      const Vector<typename Data::scalar_type>& w,
                                                      typename Data::scalar_type b, int threads) {
  using Scalar = typename Data::scalar_type;
  const Problem<Data> problem(data, Scalar(0), CostReduction::sum, threads);
  ProbeWatch<Problem<Data>> watch(problem);
  Vector<Scalar> theta = problem.from_original(w, b);
  Vector<Scalar> g;
  const Scalar J0 = problem.evaluate(theta, g);
  FitOptions<Scalar> options;
  options.tolerance = Scalar(1e-12) * (std::abs(J0) + 1);
  // A Hessian and a few line-search trials a step.
  options.max_epochs = 4 * separation_probe_max_steps;
  const FitResult<Scalar> result = newton(problem, options, theta, &watch);
  ProbeOutcome<Scalar> outcome;
  outcome.steps = static_cast<Eigen::Index>(result.cost_history.size()) - 1;
  outcome.misclassified = watch.misclassified();
  outcome.converged = result.stop_reason == StopReason::converged;
  outcome.last_step = watch.last_step();
  problem.to_original(theta, outcome.w, outcome.b);
  return outcome;
}

/// Rule 1 on this process's rows: true if Newton on a strided subsample of them (rows of
/// positive weight) converges to a finite optimum with a full-rank Hessian, which certifies
/// that the classes overlap. `rows` is set to the subsample's size (0 when there are too few
/// rows for a subsample to save work).
template <class Data>
bool local_overlap_certified(const Data& data, const Vector<typename Data::scalar_type>& w,
                             typename Data::scalar_type b, Eigen::Index& rows) {
  using Scalar = typename Data::scalar_type;
  const Eigen::Index n = data.local_rows(), d = data.cols();
  rows = 0;
  const Eigen::Index m = separation_subsample_rows(d);
  if (d + 1 > separation_probe_max_features || n < 2 * m) return false;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> Xs(m, d);
  Targets<Scalar> sub;
  sub.sign.resize(m);
  sub.weight.resize(m);
  Eigen::Index next = 0;  // the k-th pick is local row k n / m
  data.for_each_piece([&](const auto& piece) {
    const Eigen::Index end = piece.local_row + piece.X.rows();
    for (; next < m && next * n / m < end; ++next) {
      const Eigen::Index i = next * n / m - piece.local_row;
      const Scalar s = piece.weight ? piece.weight[i] : Scalar(1);
      if (!(s > 0)) continue;
      piece.X.copy_row(i, Xs.row(rows));
      sub.sign[rows] = piece.sign[i];
      sub.weight[rows] = s;
      ++rows;
    }
  });
  if (rows <= d + 1) return false;
  Xs.conservativeResize(rows, d);
  sub.sign.conservativeResize(rows);
  sub.weight.conservativeResize(rows);
  sub.total_weight = sub.weight.template cast<Accum<Scalar>>().sum();
  const XRef<Scalar, Eigen::ColMajor> Xr(Xs);
  const DenseX<Scalar, Eigen::ColMajor> kind(Xr);
  const InMemory<DenseX<Scalar, Eigen::ColMajor>> subsample(kind, sub, data.scale_exponent());
  const ProbeOutcome<Scalar> probe = newton_probe(subsample, w, b, 1);
  if (!probe.converged || probe.misclassified == 0 || !(probe.last_step <= Scalar(1e-4))) {
    return false;
  }
  return full_rank(
      hessian_sums(subsample, probe.w, probe.b, scale_factor<Scalar>(data.scale_exponent()), 1));
}

/// Rule 1 over every process: certified when some process's subsample certifies it.
template <class Data>
bool overlap_certified(const Data& data, const Vector<typename Data::scalar_type>& w,
                       typename Data::scalar_type b, Eigen::Index& rows) {
  const bool local = local_overlap_certified(data, w, b, rows);
  const Reduction* reduction = data.reduction();
  if (!reduction) return local;
  double flag = local ? 1 : 0;
  reduction->max(&flag, 1);
  long long count = rows;
  reduction->sum(&count, 1);
  rows = static_cast<Eigen::Index>(count);
  return flag > 0;
}

/// Rule 2 of logistic_neuron::Separation: the margins at the kept parameters (w, b), and of the
/// move from the recorder's reference snapshot; fills `out` and returns the reference (or null).
template <class Data, class Recorder>
const auto* margin_evidence(const Data& data, const Vector<typename Data::scalar_type>& w,
                            typename Data::scalar_type b, const Recorder& recorder, int threads,
                            Separation<typename Data::scalar_type>& out) {
  using Scalar = typename Data::scalar_type;
  const auto* reference = recorder.reference();
  const MarginStats<Scalar> stats = margin_pass(data, w, b, reference ? &reference->w : nullptr,
                                                reference ? reference->b : Scalar(0), threads);
  out.misclassified = stats.misclassified;
  out.confident = stats.confident;
  out.min_margin = stats.min_margin;
  out.max_abs_logit = stats.max_abs_logit;
  if (out.misclassified == 0) {
    out.detected = true;
    out.kind = SeparationKind::complete;
  }
  if (reference) {
    out.reference_epoch = reference->epoch;
    const Scalar ref_norm = std::hypot(reference->w.stableNorm(), reference->b);
    out.weight_growth =
        ref_norm > 0 ? out.weight_norm / ref_norm : std::numeric_limits<Scalar>::infinity();
    out.direction_overlap = stats.move_overlap();
    if (!out.detected && out.weight_growth > 1 &&
        out.direction_overlap <= separation_overlap_limit<Scalar>) {
      out.detected = true;
      out.kind = SeparationKind::quasi_complete;
    }
  }
  return reference;
}

/// Rule 3 of logistic_neuron::Separation: the Newton probe from (w, b) over all of X, where its
/// Hessian is affordable; fills `out`.
template <class Data>
void probe_evidence(const Data& data, const Vector<typename Data::scalar_type>& w,
                    typename Data::scalar_type b, int threads,
                    Separation<typename Data::scalar_type>& out) {
  using Scalar = typename Data::scalar_type;
  const Eigen::Index n = data.rows(), d = data.cols();
  const double hessian_work =
      static_cast<double>(n) * static_cast<double>(d + 1) * static_cast<double>(d + 1);
  if (d + 1 > separation_probe_max_features || hessian_work > separation_probe_max_work) return;
  const ProbeOutcome<Scalar> probe = newton_probe(data, w, b, threads);
  out.probe_steps = probe.steps;
  out.probe_misclassified = probe.misclassified;
  const Scalar probe_norm = std::hypot(probe.w.stableNorm(), probe.b);
  out.probe_weight_growth =
      out.weight_norm > 0 ? probe_norm / out.weight_norm : std::numeric_limits<Scalar>::infinity();
  out.probe_direction_overlap = margin_pass(data, probe.w, probe.b, &w, b, threads).move_overlap();
  if (out.probe_misclassified == 0) {
    out.detected = true;
    out.kind = SeparationKind::complete;
  } else if (out.probe_weight_growth > 1 &&
             out.probe_direction_overlap <= separation_overlap_limit<Scalar>) {
    out.detected = true;
    out.kind = SeparationKind::quasi_complete;
  }
}

/// Whether a fit with these options gets the separation check: only where some weight is
/// unpenalised (l2 = 0 and no elastic net, or an elastic net with a zero penalty factor), since
/// a penalty on every weight gives J a minimiser on any data.
template <class Scalar>
bool separation_check_applies(const FitOptions<Scalar>& options) {
  if (!options.check_separation || options.l2 != 0) return false;
  if (!(options.lambda > 0)) return true;
  return options.penalty_factors.size() > 0 && !(options.penalty_factors.minCoeff() > 0);
}

/// The rule documented on logistic_neuron::Separation, for the parameters (w, b) a fit kept over
/// the dataset, with the snapshots the recorder kept of its iterates: 1. overlap certified on a
/// subsample (no separation); 2. the margins (margin_evidence); 3. where the iterates have not
/// settled, the Newton probe (probe_evidence).
template <class Data, class Recorder>
Separation<typename Data::scalar_type> check_separation(const Data& data,
                                                        const Vector<typename Data::scalar_type>& w,
                                                        typename Data::scalar_type b,
                                                        const Recorder& recorder, int threads) {
  using Scalar = typename Data::scalar_type;
  Separation<Scalar> out;
  out.checked = true;
  out.weight_norm = std::hypot(w.stableNorm(), b);  // ||(w, b)||
  if (overlap_certified(data, w, b, out.subsample_rows)) {
    out.overlap_certified = true;
    return out;
  }
  const auto* reference = margin_evidence(data, w, b, recorder, threads, out);
  if (out.detected) return out;
  // Iterates that have settled: a minimiser, no probe needed.
  if (reference && !(out.weight_growth > Scalar(1) + separation_probe_min_growth<Scalar>)) {
    return out;
  }
  probe_evidence(data, w, b, threads, out);
  return out;
}

}  // namespace detail
}  // namespace logistic_neuron
