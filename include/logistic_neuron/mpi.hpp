/// \file mpi.hpp
/// \brief One model over data spread across MPI processes: `logistic_neuron::mpi::fit`, `cost`,
/// `gradient`, `summarize` and the metrics that are sums, each rank passing its own rows.
/// Include `<logistic_neuron/mpi.hpp>` (it includes `<mpi.h>`) and link `logistic_neuron::mpi`.
///
/// \code
/// #include <logistic_neuron/mpi.hpp>
///
/// MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
/// // Each rank: its own rows X_local (n_r x d) and their labels y_local (n_r).
/// logistic_neuron::LogisticNeuron<double> neuron;
/// logistic_neuron::FitOptions<double> options;
/// options.solver = logistic_neuron::Solver::newton;
/// options.threads = 1;                       // one rank per core
/// const auto result = logistic_neuron::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, options);
/// // Every rank now holds the same neuron, bit for bit, and predicts its own rows:
/// Eigen::VectorXi labels = neuron.predict(X_local);
/// double accuracy = logistic_neuron::mpi::metrics::accuracy(MPI_COMM_WORLD, y_local, labels);
/// \endcode
///
/// The data. X is n_samples x n_features, one sample per row, and y holds n_samples labels in
/// {0, 1}, as everywhere in the library; here the rows are spread over the ranks of a
/// communicator: rank r passes X_local, its n_r consecutive rows, and y_local, their labels.
/// X_local is any dense Eigen matrix of the neuron's Scalar, row- or column-major, or any
/// compressed sparse matrix of it (Eigen::SparseMatrix by rows or columns, int or 64-bit
/// indices, or an Eigen::Map of one over the caller's arrays), read in place without copying.
/// The whole data is the ranks' rows concatenated in rank order. Any n_r is accepted, 0
/// included (pass a 0 x d matrix); every rank passes the same d, Scalar and storage order, and
/// the same kind of X (all dense, or all sparse with one index type: a mix is refused). With
/// sparse X the results are LogisticNeuron::fit's on the concatenated sparse rows (see
/// docs/mpi.md for what the sparse chunk cut costs in memory and in ranks that work).
///
/// What you get. Every call is collective: every rank of the communicator must make it, with
/// the same options. By default (Summation::reproducible) every rank ends with the same
/// parameters, bit for bit, and they are the parameters LogisticNeuron::fit finds on the
/// concatenated rows in one process, for any number of ranks and any split of the rows: the
/// passes cut the rows into chunks at global row indices and add the chunks' sums along one
/// fixed tree, across ranks as across threads (see docs/mpi.md). The same holds for cost,
/// gradient and summarize. Summation::fast trades that for one MPI_Allreduce per pass.
///
/// Faults. Each rank checks its own input as LogisticNeuron::fit does; then the ranks agree:
/// if any rank's input is bad, every rank throws the same exception type with the same message,
/// which names the lowest such rank ("logistic_neuron::mpi::fit: rank 2: X(3, 1) is nan;
/// expected finite values", the entry in that rank's X_local), before anything changes and
/// without leaving any rank waiting in a collective. Options, column counts, scalar types,
/// storage orders, the choice of overload and (for a warm start, cost, gradient and summarize)
/// the neuron's parameters are compared with rank 0's and a mismatch is rejected the same way
/// ("rank 1: FitOptions::l2 is 0.5 here but 0 on rank 0; expected the same FitOptions on every
/// rank ..."). Every FitOptions field is compared except on_epoch and threads: threads may
/// differ between ranks (results do not depend on it), and on_epoch may be set on some ranks
/// only (see fit).
///
/// Threads and MPI. The library calls MPI only from the thread that made the call, never from
/// the threads of a pass, so MPI_THREAD_FUNNELED suffices. With several ranks on one machine,
/// set FitOptions::threads (or set_num_threads) so that ranks times threads does not exceed its
/// cores.
#pragma once

#include <type_traits>
#include <utility>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "base/config.hpp"
#include "base/metric_types.hpp"
#include "base/options.hpp"
#include "base/result.hpp"
#include "detail/dense.hpp"
#include "detail/kinds.hpp"
#include "detail/mpi_setup.hpp"
#include "inference.hpp"
#include "metrics.hpp"
#include "neuron.hpp"

namespace logistic_neuron {
/// Distributed fitting and evaluation over an MPI communicator (see mpi.hpp).
namespace mpi {

/// How the sums of a pass (the cost, gradient, Hessian, column statistics) are added across
/// ranks.
enum class Summation {
  reproducible,  ///< The chunk tree's per-rank frontiers are merged in rank order (a binomial
                 ///< tree of ceil(log2 p) messages, then a broadcast): every rank gets the bits
                 ///< one process gets on the concatenated rows, for any number of ranks. The
                 ///< default.
  fast           ///< Each rank adds its own chunks, then one MPI_Allreduce(MPI_SUM) adds the
                 ///< ranks' totals: every rank still gets the same bits, but they depend on the
                 ///< number of ranks and the MPI library (results agree with one process to
                 ///< rounding, about 1e-15 relative in double per pass). For very many ranks
                 ///< with long sums, such as Newton's (d+1)^2 Hessian.
};

/// The name of a Summation ("reproducible" or "fast").
/// \param summation the value.
/// \return its name.
inline const char* to_string(Summation summation) noexcept {
  return summation == Summation::fast ? "fast" : "reproducible";
}

/// Options of the distributed calls, the same on every rank. An aggregate: set fields by name.
struct MpiOptions {
  /// How the sums of a pass are added across ranks: reproducible (the default) or fast.
  Summation summation = Summation::reproducible;
};

/// Fits the neuron on the rows of every rank: LogisticNeuron::fit over the ranks' rows
/// concatenated in rank order (the same solvers, options, stopping rules, separation check and
/// FitResult), run in step on every rank with the passes' sums added across ranks. Collective:
/// every rank of comm calls it with the same options.
///
/// With Summation::reproducible every rank ends with the same weights and bias, bit for bit,
/// and they are LogisticNeuron::fit's on the concatenated rows in one process (so are
/// FitResult's epochs, cost, cost_history and stop reason). FitResult::separation's subsample
/// evidence (rule 1) comes from each rank's own rows, so its fields may differ from one
/// process's.
///
/// on_epoch: every rank runs its own callback (a rank without one counts as returning true)
/// after every accepted iterate, and the ranks agree on the outcome with one small
/// MPI_Allreduce: if any rank's callback returns false, the fit stops on every rank with
/// StopReason::callback; if any rank's callback throws, the fit stops on every rank by an
/// exception: a rank whose own callback threw rethrows that exception, the others throw the
/// lowest such rank's, of the same type (a std exception type, else std::runtime_error), with
/// the message "logistic_neuron::mpi::fit: rank r: on_epoch threw: <its what()>". The neuron
/// is then unchanged on every rank. When no rank has a callback there is no such agreement.
///
/// \param neuron the neuron to fit (its parameters are the start when options.warm_start is set
///   and it has them; they must then be the same on every rank).
/// \param comm the communicator over which the rows are spread.
/// \param X_local this rank's rows: n_r x d, finite; n_r may be 0; d >= 1, the same on every
///   rank. Dense, or compressed sparse (SparseMatrix or a Map of one; its stored values finite,
///   its indices valid), the same kind on every rank.
/// \param y_local their n_r labels, each 0 or 1 (any arithmetic scalar type), as a vector.
/// \param options as for LogisticNeuron::fit, the same on every rank (but on_epoch and threads).
/// \param mpi_options the summation mode, the same on every rank.
/// \return what the fit did (the same on every rank).
/// \throws std::invalid_argument (on every rank, naming the lowest failing rank) for what
///   LogisticNeuron::fit rejects on any rank's input (a non-finite entry, a bad sparse index, a bad
///   label, ...), for options, column counts, kinds of X (dense or sparse, index types), scalar
///   types, storage orders or warm-start parameters that differ from rank 0's, and when no rank has
///   a row; std::logic_error if MPI is not initialised or comm is MPI_COMM_NULL. Nothing changes
///   when it throws.
template <class Scalar, class DerivedX, class DerivedY>
FitResult<Scalar> fit(LogisticNeuron<Scalar>& neuron, MPI_Comm comm,
                      const Eigen::EigenBase<DerivedX>& X_local,
                      const Eigen::MatrixBase<DerivedY>& y_local,
                      const FitOptions<Scalar>& options = {}, const MpiOptions& mpi_options = {}) {
  static_assert(std::is_same_v<typename DerivedX::Scalar, Scalar>,
                "logistic_neuron::mpi::fit: X must hold the neuron's Scalar type; convert it with "
                "X.template cast<Scalar>()");
  detail::Vector<Scalar> w;
  Scalar b = 0;
  FitResult<Scalar> result = detail::with_unchecked_kind<Scalar>(X_local, [&](const auto& X) {
    return detail::mpi_fit(comm, X, y_local, static_cast<const detail::Vector<Scalar>*>(nullptr),
                           options, mpi_options.summation == Summation::reproducible,
                           neuron.model(), w, b);
  });
  // As LogisticNeuron::fit keeps them (the same bits on every rank, so every rank agrees).
  if (detail::keepable(result, w, b)) neuron.set_parameters(std::move(w), b);
  return result;
}

/// Fits with per-sample weights s_i >= 0 on every rank's rows: LogisticNeuron::fit(X, y,
/// sample_weight, options) over the concatenated rows; see the unweighted fit above. A rank's
/// weights may all be 0 (or it may have no rows) as long as some rank has a positive weight.
/// Class weights (FitOptions::class_weight) multiply them as in one process; balanced uses the
/// class counts over every rank.
/// \param neuron the neuron to fit.
/// \param comm the communicator over which the rows are spread.
/// \param X_local this rank's rows: n_r x d, finite; dense or compressed sparse (as above).
/// \param y_local their n_r labels in {0, 1}.
/// \param sample_weight_local their n_r finite weights >= 0.
/// \param options as for LogisticNeuron::fit, the same on every rank (but on_epoch and threads).
/// \param mpi_options the summation mode, the same on every rank.
/// \return what the fit did (the same on every rank).
/// \throws std::invalid_argument as the unweighted fit, for bad weights on any rank, when the
///   weights of every rank sum to 0, and when every rank calls this overload but one does not.
///   Nothing changes when it throws.
template <class Scalar, class DerivedX, class DerivedY, class DerivedS>
FitResult<Scalar> fit(LogisticNeuron<Scalar>& neuron, MPI_Comm comm,
                      const Eigen::EigenBase<DerivedX>& X_local,
                      const Eigen::MatrixBase<DerivedY>& y_local,
                      const Eigen::MatrixBase<DerivedS>& sample_weight_local,
                      const FitOptions<Scalar>& options = {}, const MpiOptions& mpi_options = {}) {
  static_assert(std::is_same_v<typename DerivedX::Scalar, Scalar>,
                "logistic_neuron::mpi::fit: X must hold the neuron's Scalar type; convert it with "
                "X.template cast<Scalar>()");
  detail::Vector<Scalar> w;
  Scalar b = 0;
  FitResult<Scalar> result = detail::with_unchecked_kind<Scalar>(X_local, [&](const auto& X) {
    return detail::mpi_fit(comm, X, y_local, &sample_weight_local, options,
                           mpi_options.summation == Summation::reproducible, neuron.model(), w, b);
  });
  if (detail::keepable(result, w, b)) neuron.set_parameters(std::move(w), b);
  return result;
}

/// J at the neuron's parameters over every rank's rows: LogisticNeuron::cost(X, y, l2) on the
/// concatenated rows (the mean cost plus (l2/2)||w||^2), the same bits on every rank (and, with
/// Summation::reproducible, as in one process). Collective.
/// \param neuron a neuron with parameters, the same on every rank.
/// \param comm the communicator over which the rows are spread.
/// \param X_local this rank's rows: n_r x d, finite (n_r may be 0); dense or compressed sparse,
///   the same kind on every rank (see fit).
/// \param y_local their n_r labels in {0, 1}.
/// \param l2 the L2 strength to include, the same on every rank; default 0.
/// \param mpi_options the summation mode.
/// \return J.
/// \throws std::logic_error (on every rank) if some rank's neuron has no parameters;
///   std::invalid_argument for bad input on any rank (naming it), parameters, l2, column counts or
///   kinds of X that differ from rank 0's, or no rows on any rank; std::overflow_error if J
///   overflows at these parameters.
template <class Scalar, class DerivedX, class DerivedY>
Scalar cost(const LogisticNeuron<Scalar>& neuron, MPI_Comm comm,
            const Eigen::EigenBase<DerivedX>& X_local, const Eigen::MatrixBase<DerivedY>& y_local,
            typename LogisticNeuron<Scalar>::scalar_type l2 = 0,
            const MpiOptions& mpi_options = {}) {
  static_assert(std::is_same_v<typename DerivedX::Scalar, Scalar>,
                "logistic_neuron::mpi::cost: X must hold the neuron's Scalar type");
  detail::Vector<Scalar> gw;
  Scalar gb = 0;
  return detail::with_unchecked_kind<Scalar>(X_local, [&](const auto& X) {
    return detail::mpi_evaluate("logistic_neuron::mpi::cost", comm, neuron.model(), X, y_local, l2,
                                mpi_options.summation == Summation::reproducible, gw, gb);
  });
}

/// The gradient of J at the neuron's parameters over every rank's rows: LogisticNeuron::gradient
/// on the concatenated rows, the same bits on every rank. Collective.
/// \param neuron a neuron with parameters, the same on every rank.
/// \param comm the communicator over which the rows are spread.
/// \param X_local this rank's rows: n_r x d, finite (n_r may be 0); dense or compressed sparse,
///   the same kind on every rank (see fit).
/// \param y_local their n_r labels in {0, 1}.
/// \param l2 the L2 strength to include, the same on every rank; default 0.
/// \param mpi_options the summation mode.
/// \return dJ/dw and dJ/db.
/// \throws as cost.
template <class Scalar, class DerivedX, class DerivedY>
Gradient<Scalar> gradient(const LogisticNeuron<Scalar>& neuron, MPI_Comm comm,
                          const Eigen::EigenBase<DerivedX>& X_local,
                          const Eigen::MatrixBase<DerivedY>& y_local,
                          typename LogisticNeuron<Scalar>::scalar_type l2 = 0,
                          const MpiOptions& mpi_options = {}) {
  static_assert(std::is_same_v<typename DerivedX::Scalar, Scalar>,
                "logistic_neuron::mpi::gradient: X must hold the neuron's Scalar type");
  Gradient<Scalar> g;
  detail::with_unchecked_kind<Scalar>(X_local, [&](const auto& X) {
    return detail::mpi_evaluate("logistic_neuron::mpi::gradient", comm, neuron.model(), X, y_local,
                                l2, mpi_options.summation == Summation::reproducible, g.weights,
                                g.bias);
  });
  return g;
}

/// The inference summary (summarize, inference.hpp) of a neuron fitted by maximum likelihood
/// on every rank's rows: its sums and its Hessian go through the ranks' reduction, so every rank
/// gets the same table, and with Summation::reproducible the one summarize gives on the
/// concatenated rows. Parameter names come from this rank's neuron. Collective.
/// \param neuron a neuron with parameters (fitted with l2 = 0, to convergence), the same on
///   every rank.
/// \param comm the communicator over which the rows are spread.
/// \param X_local this rank's rows: n_r x d, finite (n_r may be 0); dense or compressed sparse,
///   the same kind on every rank (see fit).
/// \param y_local their n_r labels in {0, 1}.
/// \param mpi_options the summation mode.
/// \return the table.
/// \throws std::logic_error if some rank's neuron has no parameters; std::invalid_argument for bad
///   input on any rank, parameters, column counts or kinds of X that differ from rank 0's, n <= d +
///   1 or a single class over every rank, or an information matrix that is not positive definite.
template <class Scalar, class DerivedX, class DerivedY>
Summary<Scalar> summarize(const LogisticNeuron<Scalar>& neuron, MPI_Comm comm,
                          const Eigen::EigenBase<DerivedX>& X_local,
                          const Eigen::MatrixBase<DerivedY>& y_local,
                          const MpiOptions& mpi_options = {}) {
  static_assert(std::is_same_v<typename DerivedX::Scalar, Scalar>,
                "logistic_neuron::mpi::summarize: X must hold the neuron's Scalar type");
  Summary<Scalar> summary;
  detail::with_unchecked_kind<Scalar>(X_local, [&](const auto& X) {
    detail::mpi_summarize(summary, comm, neuron.model(), X, y_local,
                          mpi_options.summation == Summation::reproducible);
  });
  return summary;
}

/// The metrics of logistic_neuron::metrics that are sums over samples, over every rank's
/// samples: each rank passes its own labels and predictions (any number, 0 included), and every
/// rank gets the metric of all of them. Counts are added exactly (the unweighted confusion
/// matrix and accuracy equal one process's); sums of floating-point terms (weights, losses) are
/// added in rank order along a fixed tree, so every rank gets the same bits, which agree with
/// one process's to rounding. Precision, recall and F1 follow from confusion_matrix through
/// logistic_neuron::metrics::precision(cm) and its siblings. Collective; inputs are checked on
/// every rank as in one process, and a bad input on one rank makes every rank throw, naming it.
namespace metrics {

/// The confusion matrix of every rank's predicted labels.
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param y_pred this rank's predicted labels in {0, 1}, as many.
/// \return the counts of tn, fp, fn and tp over every rank.
/// \throws std::invalid_argument (on every rank) for mismatched sizes or a label not 0 or 1 on
///   any rank, or no sample on any rank.
template <class DerivedY, class DerivedP>
::logistic_neuron::metrics::ConfusionMatrix<Eigen::Index> confusion_matrix(
    MPI_Comm comm, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedP>& y_pred) {
  return detail::mpi_confusion("logistic_neuron::mpi::metrics::confusion_matrix", comm, y_true,
                               y_pred);
}

/// The weighted confusion matrix of every rank's predicted labels.
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param y_pred this rank's predicted labels in {0, 1}.
/// \param sample_weight this rank's finite weights >= 0 (some rank's positive).
/// \return the sums of the weights of tn, fp, fn and tp over every rank.
/// \throws std::invalid_argument as confusion_matrix(comm, y_true, y_pred), and for bad weights
///   on any rank or weights that sum to 0 over every rank.
template <class DerivedY, class DerivedP, class DerivedW>
::logistic_neuron::metrics::ConfusionMatrix<double> confusion_matrix(
    MPI_Comm comm, const Eigen::MatrixBase<DerivedY>& y_true,
    const Eigen::MatrixBase<DerivedP>& y_pred, const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return detail::mpi_weighted_confusion("logistic_neuron::mpi::metrics::confusion_matrix", comm,
                                        y_true, y_pred, sample_weight);
}

/// The fraction of every rank's predicted labels equal to the true ones.
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param y_pred this rank's predicted labels in {0, 1}.
/// \return the accuracy in [0, 1], as metrics::accuracy on the concatenated samples.
/// \throws as confusion_matrix(comm, y_true, y_pred).
template <class DerivedY, class DerivedP>
double accuracy(MPI_Comm comm, const Eigen::MatrixBase<DerivedY>& y_true,
                const Eigen::MatrixBase<DerivedP>& y_pred) {
  return ::logistic_neuron::metrics::accuracy(
      detail::mpi_confusion("logistic_neuron::mpi::metrics::accuracy", comm, y_true, y_pred));
}

/// The weighted accuracy of every rank's predicted labels.
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param y_pred this rank's predicted labels in {0, 1}.
/// \param sample_weight this rank's finite weights >= 0.
/// \return the weight of the correct predictions over the total weight.
/// \throws as confusion_matrix(comm, y_true, y_pred, sample_weight).
template <class DerivedY, class DerivedP, class DerivedW>
double accuracy(MPI_Comm comm, const Eigen::MatrixBase<DerivedY>& y_true,
                const Eigen::MatrixBase<DerivedP>& y_pred,
                const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return ::logistic_neuron::metrics::accuracy(detail::mpi_weighted_confusion(
      "logistic_neuron::mpi::metrics::accuracy", comm, y_true, y_pred, sample_weight));
}

/// The log loss of every rank's logits, exactly and without clipping: (1/n) sum_i
/// [softplus(z_i) - y_i z_i] over all ranks' samples (metrics::log_loss_from_logits).
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param logits this rank's finite logits (LogisticNeuron::decision_function), as many.
/// \return the mean loss, >= 0.
/// \throws std::invalid_argument (on every rank) for mismatched sizes, a bad label or a
///   non-finite logit on any rank, or no sample on any rank.
template <class DerivedY, class DerivedZ>
typename DerivedZ::Scalar log_loss_from_logits(MPI_Comm comm,
                                               const Eigen::MatrixBase<DerivedY>& y_true,
                                               const Eigen::MatrixBase<DerivedZ>& logits) {
  return detail::mpi_mean_loss(
      "logistic_neuron::mpi::metrics::log_loss_from_logits", comm, y_true, logits, "logits", false,
      static_cast<const detail::Vector<double>*>(nullptr), detail::LogitLoss{});
}

/// The weighted log loss of every rank's logits: sum_i s_i loss_i / sum_i s_i over all ranks.
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param logits this rank's finite logits.
/// \param sample_weight this rank's finite weights >= 0.
/// \return the mean loss.
/// \throws as log_loss_from_logits(comm, y_true, logits), and for bad weights on any rank or
///   weights that sum to 0 over every rank.
template <class DerivedY, class DerivedZ, class DerivedW>
typename DerivedZ::Scalar log_loss_from_logits(MPI_Comm comm,
                                               const Eigen::MatrixBase<DerivedY>& y_true,
                                               const Eigen::MatrixBase<DerivedZ>& logits,
                                               const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return detail::mpi_mean_loss("logistic_neuron::mpi::metrics::log_loss_from_logits", comm, y_true,
                               logits, "logits", false, &sample_weight, detail::LogitLoss{});
}

/// The Brier score (1/n) sum_i (p_i - y_i)^2 of every rank's probabilities
/// (metrics::brier_score).
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param probabilities this rank's probabilities of class 1, each in [0, 1].
/// \return the score in [0, 1].
/// \throws std::invalid_argument (on every rank) for mismatched sizes, a bad label or a
///   probability outside [0, 1] on any rank, or no sample on any rank.
template <class DerivedY, class DerivedP>
typename DerivedP::Scalar brier_score(MPI_Comm comm, const Eigen::MatrixBase<DerivedY>& y_true,
                                      const Eigen::MatrixBase<DerivedP>& probabilities) {
  return detail::mpi_mean_loss(
      "logistic_neuron::mpi::metrics::brier_score", comm, y_true, probabilities, "probabilities",
      true, static_cast<const detail::Vector<double>*>(nullptr), detail::BrierLoss{});
}

/// The weighted Brier score of every rank's probabilities: sum_i s_i (p_i - y_i)^2 / sum_i s_i.
/// \param comm the communicator.
/// \param y_true this rank's labels in {0, 1}.
/// \param probabilities this rank's probabilities of class 1.
/// \param sample_weight this rank's finite weights >= 0.
/// \return the score.
/// \throws as brier_score(comm, y_true, probabilities), and for bad weights on any rank or
///   weights that sum to 0 over every rank.
template <class DerivedY, class DerivedP, class DerivedW>
typename DerivedP::Scalar brier_score(MPI_Comm comm, const Eigen::MatrixBase<DerivedY>& y_true,
                                      const Eigen::MatrixBase<DerivedP>& probabilities,
                                      const Eigen::MatrixBase<DerivedW>& sample_weight) {
  return detail::mpi_mean_loss("logistic_neuron::mpi::metrics::brier_score", comm, y_true,
                               probabilities, "probabilities", true, &sample_weight,
                               detail::BrierLoss{});
}

}  // namespace metrics
}  // namespace mpi
}  // namespace logistic_neuron
