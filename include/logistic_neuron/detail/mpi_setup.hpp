/// \file mpi_setup.hpp
/// \brief The distributed calls of mpi.hpp, below the public surface: the checks each rank makes
/// of its own input, the agreement on them and on the call's signature, the global values
/// (n, class counts, the scale exponent, S), the sharded dataset, then the library's one fit,
/// evaluation or summary over it (internal).
///
/// Every call runs the same sequence of collectives on every rank until it has agreed that the
/// input is good, whatever the input: duplicate the communicator; broadcast rank 0's signature;
/// check locally (the signature against rank 0's, then the rank's own data); agree (one
/// MPI_Allreduce, plus a broadcast of the failing rank's message when one failed); gather each
/// rank's facts. A bad input on any rank therefore makes every rank throw the same exception,
/// naming that rank, before anything has changed, and no rank is left waiting in a collective.
#pragma once

#include <array>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/metric_types.hpp"
#include "../base/model.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "../base/text.hpp"
#include "../base/threads.hpp"
#include "chunks.hpp"
#include "dense.hpp"
#include "fit.hpp"
#include "inference.hpp"
#include "logistic.hpp"
#include "metrics.hpp"
#include "mpi_agree.hpp"
#include "mpi_comm.hpp"
#include "mpi_dataset.hpp"
#include "mpi_reduction.hpp"
#include "targets.hpp"
#include "validate.hpp"

namespace logistic_neuron {
namespace detail {

// ---------------------------------------------------------------------------------------------
// Set-up: facts, signatures, local checks

/// What each rank contributes at set-up, once its own input has been checked.
struct RankFacts {
  Eigen::Index rows = 0;         ///< its rows
  Eigen::Index ones = 0;         ///< its labels equal to 1
  long double sum_squares = 0;   ///< sum x_ij^2 of its rows (the kind's scan)
  long double entries = 0;       ///< the entries of its rows of X (stored ones if sparse)
  bool positive_weight = false;  ///< some sample weight of its rows is > 0
  bool callback = false;         ///< it has an on_epoch callback
};

/// The facts of every rank, and their totals (added in rank order: the same bits everywhere).
struct SetupFacts {
  std::vector<Eigen::Index> rows;  ///< every rank's rows
  Eigen::Index total_rows = 0;     ///< n
  Eigen::Index ones = 0;           ///< labels equal to 1, over every rank
  long double sum_squares = 0;     ///< sum x_ij^2 over every rank
  long double entries = 0;         ///< the entries of X over every rank
  bool positive_weight = false;    ///< some rank has a positive sample weight
  bool callback = false;           ///< some rank has an on_epoch callback
};

/// Collective: every rank's facts (one MPI_Allgather), totalled in rank order.
/// \param comm the communicator.
/// \param mine this rank's facts.
/// \return every rank's, and the totals.
inline SetupFacts gather_facts(MPI_Comm comm, const RankFacts& mine) {
  int size = 1;
  mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  constexpr int fields = 6;
  const long double local[fields] = {
      static_cast<long double>(mine.rows), static_cast<long double>(mine.ones), mine.sum_squares,
      mine.positive_weight ? 1.0L : 0.0L,  mine.callback ? 1.0L : 0.0L,         mine.entries,
  };
  std::vector<long double> all(static_cast<std::size_t>(size) * fields);
  mpi_check(
      MPI_Allgather(local, fields, MPI_LONG_DOUBLE, all.data(), fields, MPI_LONG_DOUBLE, comm),
      "MPI_Allgather");
  SetupFacts facts;
  facts.rows.resize(static_cast<std::size_t>(size));
  for (std::size_t r = 0; r < facts.rows.size(); ++r) {
    const long double* f = all.data() + r * fields;
    facts.rows[r] = static_cast<Eigen::Index>(f[0]);
    facts.total_rows += facts.rows[r];
    facts.ones += static_cast<Eigen::Index>(f[1]);
    facts.sum_squares += f[2];
    facts.positive_weight = facts.positive_weight || f[3] > 0;
    facts.callback = facts.callback || f[4] > 0;
    facts.entries += f[5];
  }
  return facts;
}

/// Collective: rank 0's signature to every rank, then `checks()` on every rank (after this
/// rank's signature has been compared with rank 0's) under try/catch, then the agreement, then
/// the facts. Throws on every rank the lowest failing rank's exception.
/// \param comm the communicator.
/// \param signature this rank's signature.
/// \param caller "call: rank r", which the messages start with.
/// \param checks this rank's checks, returning its RankFacts.
/// \return every rank's facts.
template <class Checks>
SetupFacts agreed_setup(MPI_Comm comm, const Signature& signature, const std::string& caller,
                        Checks&& checks) {
  const std::string root_text = broadcast_text(comm, signature.text());
  RankFacts facts;
  agreed_checks(comm, [&] {
    const std::string mismatch = signature.mismatch(root_text);
    if (!mismatch.empty()) throw std::invalid_argument(caller + ": " + mismatch);
    facts = checks();
  });
  return gather_facts(comm, facts);
}

/// What this rank's messages start with.
/// \param call the call's name.
/// \param rank this rank.
/// \return "call: rank r".
inline std::string rank_caller(const char* call, int rank) {
  return std::string(call) + ": rank " + std::to_string(rank);
}

/// The fields every signature starts with: the call, the kind (dense, or sparse and its index
/// type), scalar type, storage order and columns of X.
/// \param call the call's name.
/// \param columns X's columns.
/// \return the signature.
template <class Kind>
Signature data_signature(const char* call, Eigen::Index columns) {
  using Scalar = typename Kind::scalar_type;
  constexpr int order = ShardKind<Kind>::order;
  Signature s;
  s.add("the call", call, true, "every rank in the same call");
  s.add("the kind of X", ShardKind<Kind>::name(), true,
        "one kind of X on every rank (all dense, or all sparse with one index type)");
  s.add("the scalar type of X", scalar_name<Scalar>(), true, "one scalar type on every rank");
  s.add("the storage order of X", order == Eigen::RowMajor ? "row-major" : "column-major", true,
        "one storage order on every rank");
  s.add("the number of columns (features) of X", std::to_string(columns), true,
        "the same columns on every rank");
  return s;
}

/// Adds the reduction's mode as a field.
/// \param s the signature.
/// \param reproducible the mode.
inline void add_summation(Signature& s, bool reproducible) {
  s.add("MpiOptions::summation", reproducible ? "reproducible" : "fast", true,
        "the same MpiOptions on every rank");
}

/// Adds parameters (w, b) as a digest field.
/// \param s the signature.
/// \param name the field's name.
/// \param w the weights (empty: none).
/// \param b the bias.
template <class Scalar>
void add_parameters(Signature& s, const char* name, const Vector<Scalar>& w, Scalar b) {
  Vector<Scalar> theta(w.size() + 1);
  theta << w, b;
  s.add(name, w.size() ? vector_digest(theta) : std::string("none"), false,
        "the same neuron on every rank");
}

/// Every FitOptions field but on_epoch (which may exist on some ranks only; see mpi.hpp) and
/// threads (results are bitwise identical for any thread count), in canonical text.
/// \param s the signature.
/// \param o the options.
template <class Scalar>
void add_fit_options(Signature& s, const FitOptions<Scalar>& o) {
  const std::string expected = "the same FitOptions on every rank (all fields but on_epoch and "
                               "threads)";
  const auto add = [&](const char* field, std::string value) {
    s.add(std::string("FitOptions::") + field, std::move(value), true, expected);
  };
  add("solver", std::to_string(static_cast<int>(o.solver)));
  add("learning_rate", o.learning_rate ? to_text(*o.learning_rate) : std::string("unset"));
  add("tolerance", to_text(o.tolerance));
  add("max_epochs", to_text(o.max_epochs));
  add("l2", to_text(o.l2));
  add("lambda", to_text(o.lambda));
  add("alpha", to_text(o.alpha));
  s.add("FitOptions::penalty_factors", vector_digest(o.penalty_factors), false, expected);
  add("fit_intercept", to_text(o.fit_intercept));
  add("warm_start", to_text(o.warm_start));
  add("reduction", std::to_string(static_cast<int>(o.reduction)));
  add("gradient_tolerance", to_text(o.gradient_tolerance));
  add("standardize", to_text(o.standardize));
  add("class_weight", std::to_string(static_cast<int>(o.class_weight.mode)) + " " +
                          to_text(o.class_weight.weight_0) + " " +
                          to_text(o.class_weight.weight_1));
  add("check_separation", to_text(o.check_separation));
}

/// One rank's sample weights: the checks of checked_weights (a vector of `rows` finite weights
/// >= 0; `what_n` says what rows counts), except that they may sum to 0 (all zero, or no rows):
/// whether some weight is positive is a question about every rank.
/// \param caller what the messages start with.
/// \param what_n what `rows` counts, for the size message ("X has 5 rows (samples)").
/// \param rows the number of weights expected.
/// \param s the weights.
/// \param positive set to whether one of them is > 0.
/// \return them, as Scalar.
/// \throws std::invalid_argument as checked_weights, but for a zero sum.
template <class Scalar, class DerivedS>
Vector<Scalar> local_weights(const char* caller, const std::string& what_n, Eigen::Index rows,
                             const Eigen::MatrixBase<DerivedS>& s, bool& positive) {
  require_vector(caller, "sample_weight", s);
  positive = false;
  if (s.size() == rows) {
    bool zero = true;
    for (Eigen::Index i = 0; i < rows && zero; ++i) zero = s.derived().coeff(i) == 0;
    if (zero) return Vector<Scalar>::Zero(rows);
  }
  Accum<Scalar> total = 0;
  Vector<Scalar> weight = checked_weights<Scalar>(caller, what_n, rows, s, total);
  positive = true;
  return weight;
}

/// sum x_ij^2 of one rank's X (0 for no rows), after checking the kind's own demands (the
/// indices of sparse X) and that every entry (every stored one) is finite.
/// \param caller what the message starts with.
/// \param X the kind of X.
/// \return the sum, in long double (as the kind's scan adds it).
/// \throws std::invalid_argument naming the first entry that is not (require_finite), or the
///   first bad index of sparse X.
template <class Kind>
long double local_sum_squares(const char* caller, const Kind& X) {
  long double sum_squares = 0;
  ShardKind<Kind>::check(caller, X);
  if (X.rows() == 0) return 0;  // a rank without rows (scan would bind X(0, j): no entry)
  if (!X.scan(sum_squares)) require_finite(caller, X);  // throws, naming the entry
  return sum_squares;
}

/// X with no columns is empty, as require_non_empty says it for any X (dense or sparse).
/// \param where what the message starts with.
/// \param rows X's rows.
/// \throws std::invalid_argument (always).
inline void require_no_columns(const char* where, Eigen::Index rows) {
  // A rows x 0 matrix allocates nothing.
  require_non_empty(where, Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>(rows, 0));
}

/// The solvers mpi::fit runs: those whose every step needs only sums over rows (gradient
/// descent, Newton, L-BFGS, Newton-CG). Any other Solver value (coordinate descent, which sweeps
/// the columns of X in one process) is refused, naming the ones it runs.
/// \param where what the message starts with.
/// \param solver FitOptions::solver.
/// \throws std::invalid_argument for a solver it does not run.
inline void require_row_sum_solver(const char* where, Solver solver) {
  if (solver == Solver::gradient_descent || solver == Solver::newton || solver == Solver::lbfgs ||
      solver == Solver::newton_cg) {
    return;
  }
  throw std::invalid_argument(prefix(where) + "FitOptions::solver is " + to_string(solver) +
                              ", which needs the columns of all of X in one process; expected "
                              "one of the solvers that need only sums over rows: "
                              "gradient_descent, newton, lbfgs or newton_cg");
}

/// The whole data must have rows.
/// \param call the call's name.
/// \param facts the agreed facts.
/// \throws std::invalid_argument naming `call` (on every rank) if no rank has any.
inline void require_rows(const char* call, const SetupFacts& facts) {
  if (facts.total_rows == 0) {
    throw std::invalid_argument(std::string(call) + ": X has 0 rows on every rank (" +
                                std::to_string(facts.rows.size()) +
                                " ranks); expected at least one sample over the ranks");
  }
}

/// S (the same bits on every rank) must be finite and > 0.
/// \param call the call's name.
/// \param class_weight the option.
/// \param weight_of the class weights it gave.
/// \param total S.
/// \throws std::invalid_argument naming `call`, in apply_class_weight's words with class weights.
template <class Scalar>
void require_total_weight(const char* call, const ClassWeight<Scalar>& class_weight,
                          const std::array<Scalar, 2>& weight_of, Accum<Scalar> total) {
  if (total > 0 && is_finite_bits(total)) return;
  if (class_weight.mode != ClassWeight<Scalar>::Mode::none) {
    throw std::invalid_argument(
        std::string(call) + ": sample weights times class_weight (" + to_text(weight_of[0]) +
        " for class 0, " + to_text(weight_of[1]) + " for class 1) sum to " + to_text(total) +
        " over every rank; expected a finite sum > 0 (does y contain a class with a positive "
        "weight?)");
  }
  throw std::invalid_argument(std::string(call) + ": sample_weight sums to " + to_text(total) +
                              " over every rank; expected a finite sum");
}

/// on_epoch as every rank runs it (see mpi.hpp): this rank's callback, if it has one, under
/// try/catch, then one MPI_Allreduce(MIN) of (lowest rank whose callback threw, continue): the
/// fit stops on every rank when some rank's callback returns false; when some rank's throws,
/// that exception is broadcast and thrown on every rank (a rank whose own callback threw
/// rethrows its own exception).
/// \param comm the communicator (alive while the callback may run).
/// \param user this rank's callback, or empty.
/// \param call the call's name, for the message of the other ranks.
/// \return the callback every rank runs.
template <class Scalar>
std::function<bool(const EpochInfo<Scalar>&)> agreed_on_epoch(
    MPI_Comm comm, std::function<bool(const EpochInfo<Scalar>&)> user, const char* call) {
  return [comm, user = std::move(user), call](const EpochInfo<Scalar>& info) -> bool {
    int rank = 0, size = 1;
    mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
    bool go = true;
    std::exception_ptr own;
    std::optional<RankError> error;
    if (user) {
      try {
        go = user(info);
      } catch (...) {
        own = std::current_exception();
        error = current_error();
      }
    }
    int state[2] = {own ? rank : size, go ? 1 : 0};
    mpi_check(MPI_Allreduce(MPI_IN_PLACE, state, 2, MPI_INT, MPI_MIN, comm), "MPI_Allreduce");
    if (state[0] < size) {
      RankError thrown = broadcast_error(comm, state[0], error ? &*error : nullptr);
      if (own) std::rethrow_exception(own);
      thrown.message = rank_caller(call, state[0]) + ": on_epoch threw: " + thrown.message;
      throw_error(thrown);
    }
    return state[1] != 0;
  };
}

// ---------------------------------------------------------------------------------------------
// The calls

/// What every rank of mpi::fit must agree on: the data's kind, Scalar, storage order and
/// columns, the overload (with or without sample weights), the summation, the options and, for
/// a warm start, the parameters it starts from.
template <class Kind, class Scalar>
Signature fit_signature(const char* call, Eigen::Index d, bool weighted, bool reproducible,
                        const FitOptions<Scalar>& options, bool warm, const Model<Scalar>& start) {
  Signature signature = data_signature<Kind>(call, d);
  signature.add("the overload of fit", weighted ? "with sample weights" : "without sample weights",
                true, "the same overload on every rank");
  add_summation(signature, reproducible);
  add_fit_options(signature, options);
  add_parameters(signature, "the parameters warm_start starts from",
                 warm ? start.weights : Vector<Scalar>(), start.bias);
  return signature;
}

/// Collective: the fit of mpi::fit over this rank's rows (X, y and, when not null, the sample
/// weights), from `start`'s parameters when options.warm_start and it has them; (w, b) receive
/// the fitted parameters (the same bits on every rank). Changes nothing else.
/// \param user_comm the user's communicator.
/// \param X this rank's rows (a DenseX or SparseX view of the caller's X).
/// \param y their labels.
/// \param sample_weight their weights, or null.
/// \param options the fit's options.
/// \param reproducible the reduction's mode.
/// \param start the neuron's model (its parameters for a warm start).
/// \param w the fitted weights.
/// \param b the fitted bias.
/// \return what the fit did.
/// \throws as mpi::fit documents.
template <class Kind, class Scalar, class DerivedY, class DerivedS>
FitResult<Scalar> mpi_fit(MPI_Comm user_comm, const Kind& X, const Eigen::MatrixBase<DerivedY>& y,
                          const Eigen::MatrixBase<DerivedS>* sample_weight,
                          const FitOptions<Scalar>& options, bool reproducible,
                          const Model<Scalar>& start, Vector<Scalar>& w, Scalar& b) {
  static constexpr const char* call = "logistic_neuron::mpi::fit";
  const PrivateComm comm(user_comm, call);
  const std::string caller = rank_caller(call, comm.rank());
  const char* where = caller.c_str();
  const Eigen::Index d = X.cols();
  const bool warm = options.warm_start && start.weights.size() > 0;
  const Signature signature =
      fit_signature<Kind>(call, d, sample_weight != nullptr, reproducible, options, warm, start);

  Targets<Scalar> targets;
  const SetupFacts facts = agreed_setup(comm.get(), signature, caller, [&] {
    // The checks of LogisticNeuron::fit, in its order, on this rank's rows.
    options.validate(where);
    require_row_sum_solver(where, options.solver);
    if (d == 0) require_no_columns(where, X.rows());
    RankFacts mine;
    mine.rows = X.rows();
    targets.sign = label_signs<Scalar>(where, X.rows(), y);
    if (sample_weight) {
      targets.weight = local_weights<Scalar>(where, rows_of_X(X.rows()), X.rows(), *sample_weight,
                                             mine.positive_weight);
    }
    if (warm) require_features(where, start.weights.size(), d);
    mine.sum_squares = local_sum_squares(where, X);
    mine.entries = ShardKind<Kind>::entries(X);
    require_fit_shape(where, options, d);
    mine.ones = count_ones(targets);
    mine.callback = static_cast<bool>(options.on_epoch);
    return mine;
  });

  // Global checks and values: the same bits on every rank.
  require_rows(call, facts);
  if (sample_weight && !facts.positive_weight) {
    throw std::invalid_argument(std::string(call) +
                                ": sample_weight sums to 0 over every rank; expected at least "
                                "one positive weight");
  }
  const std::array<Scalar, 2> weight_of =
      class_weights_of(options.class_weight, facts.total_rows, facts.ones);
  if (options.class_weight.mode != ClassWeight<Scalar>::Mode::none) {
    multiply_class_weights(weight_of, targets);
  }
  const int exponent = scale_exponent(facts.sum_squares, facts.total_rows, d);
  require_fit_scale<Scalar>(call, exponent);  // from agreed facts: every rank decides alike
  const Layout layout = ShardKind<Kind>::layout(facts.total_rows, d, facts.entries);
  const bool weighted =
      sample_weight || options.class_weight.mode != ClassWeight<Scalar>::Mode::none;
  const Sharded<Kind> data(comm.get(), make_shard_plan(comm.rank(), facts.rows, layout), X, targets,
                           weighted, reproducible, exponent);
  require_total_weight(call, options.class_weight, weight_of, data.total_weight());

  FitOptions<Scalar> run = options;
  run.on_epoch = facts.callback ? agreed_on_epoch<Scalar>(comm.get(), options.on_epoch, call)
                                : std::function<bool(const EpochInfo<Scalar>&)>();
  const int threads = options.threads > 0 ? options.threads : num_threads();
  w = warm ? start.weights : Vector<Scalar>::Zero(d);
  b = warm ? start.bias : Scalar(0);
  return fit_data(data, run, threads, w, b);
}

/// The checks that cost, gradient (with l2) and summarize (without) make of the neuron and of
/// this rank's X and y, in LogisticNeuron::cost's order.
/// \param where what the messages start with.
/// \param model the neuron's model.
/// \param X this rank's rows.
/// \param y their labels.
/// \param no_parameters the message for a model without parameters.
/// \param l2 the L2 strength to check, or null.
/// \param targets receives the signs of y.
/// \return the rank's facts.
template <class Kind, class Scalar, class DerivedY>
RankFacts check_evaluation(const char* where, const Model<Scalar>& model, const Kind& X,
                           const Eigen::MatrixBase<DerivedY>& y, const char* no_parameters,
                           const Scalar* l2, Targets<Scalar>& targets) {
  if (model.weights.size() == 0) throw std::logic_error(prefix(where) + no_parameters);
  if (X.cols() == 0) require_no_columns(where, X.rows());
  require_features(where, model.weights.size(), X.cols());
  if (l2) require_penalty(where, "l2", *l2);
  RankFacts mine;
  mine.rows = X.rows();
  targets.sign = label_signs<Scalar>(where, X.rows(), y);
  mine.sum_squares = local_sum_squares(where, X);
  mine.entries = ShardKind<Kind>::entries(X);
  mine.ones = count_ones(targets);
  return mine;
}

/// The message of a neuron without parameters, as LogisticNeuron's.
inline constexpr const char* no_parameters_message =
    "the neuron has no parameters yet; call fit() first, or construct it with a feature count or "
    "weights";

/// Collective: J at the model's parameters over every rank's rows, with the L2 strength l2, and
/// its gradient (gw, gb).
/// \param call mpi::cost's or mpi::gradient's name.
/// \param user_comm the user's communicator.
/// \param model the neuron's model.
/// \param X this rank's rows.
/// \param y their labels.
/// \param l2 the L2 strength.
/// \param reproducible the reduction's mode.
/// \param gw dJ/dw.
/// \param gb dJ/db.
/// \return J.
/// \throws as mpi::cost documents.
template <class Kind, class Scalar, class DerivedY>
Scalar mpi_evaluate(const char* call, MPI_Comm user_comm, const Model<Scalar>& model, const Kind& X,
                    const Eigen::MatrixBase<DerivedY>& y, Scalar l2, bool reproducible,
                    Vector<Scalar>& gw, Scalar& gb) {
  const PrivateComm comm(user_comm, call);
  const std::string caller = rank_caller(call, comm.rank());
  const char* where = caller.c_str();
  Signature signature = data_signature<Kind>(call, X.cols());
  add_summation(signature, reproducible);
  signature.add("l2", to_text(l2), true, "the same l2 on every rank");
  add_parameters(signature, "the neuron's parameters", model.weights, model.bias);
  Targets<Scalar> targets;
  const SetupFacts facts = agreed_setup(comm.get(), signature, caller, [&] {
    return check_evaluation(where, model, X, y, no_parameters_message, &l2, targets);
  });
  require_rows(call, facts);
  const Eigen::Index d = X.cols();
  const Layout layout = ShardKind<Kind>::layout(facts.total_rows, d, facts.entries);
  const Sharded<Kind> data(comm.get(), make_shard_plan(comm.rank(), facts.rows, layout), X, targets,
                           false, reproducible,
                           scale_exponent(facts.sum_squares, facts.total_rows, d));
  const Scalar J = evaluate_at(data, model.weights, model.bias, l2, num_threads(), gw, gb);
  if (!is_finite_bits(J) || !all_finite_bits(gw) || !is_finite_bits(gb)) {
    throw std::overflow_error(std::string(call) +
                              ": the cost or its gradient overflows at these parameters (X w + b "
                              "exceeds the range of the scalar type); expected parameters of a "
                              "scale that X can carry");
  }
  return J;
}

/// Collective: fills the summary (SummaryT, inference.hpp's Summary) of the model over every
/// rank's rows, as summarize does in one process.
/// \param summary the summary to fill.
/// \param user_comm the user's communicator.
/// \param model the neuron's model.
/// \param X this rank's rows.
/// \param y their labels.
/// \param reproducible the reduction's mode.
/// \throws as mpi::summarize documents.
template <class SummaryT, class Kind, class Scalar, class DerivedY>
void mpi_summarize(SummaryT& summary, MPI_Comm user_comm, const Model<Scalar>& model, const Kind& X,
                   const Eigen::MatrixBase<DerivedY>& y, bool reproducible) {
  static constexpr const char* call = "logistic_neuron::mpi::summarize";
  const PrivateComm comm(user_comm, call);
  const std::string caller = rank_caller(call, comm.rank());
  const char* where = caller.c_str();
  Signature signature = data_signature<Kind>(call, X.cols());
  add_summation(signature, reproducible);
  add_parameters(signature, "the neuron's parameters", model.weights, model.bias);
  Targets<Scalar> targets;
  const SetupFacts facts = agreed_setup(comm.get(), signature, caller, [&] {
    return check_evaluation(where, model, X, y, "the neuron has no parameters; fit it first",
                            static_cast<const Scalar*>(nullptr), targets);
  });
  require_rows(call, facts);
  const Eigen::Index d = X.cols();
  require_identifiable(call, facts.total_rows, d + 1, facts.ones);
  const Layout layout = ShardKind<Kind>::layout(facts.total_rows, d, facts.entries);
  const Sharded<Kind> data(comm.get(), make_shard_plan(comm.rank(), facts.rows, layout), X, targets,
                           false, reproducible,
                           scale_exponent(facts.sum_squares, facts.total_rows, d));
  fill_summary(summary, call, data, model.weights, model.bias, model.feature_names, facts.ones,
               num_threads());
}

// ---------------------------------------------------------------------------------------------
// Metrics

/// Collective: each rank's vector of sums added along a tree over the ranks (rank r is chunk r
/// of an MpiReduction in reproducible mode): the same bits on every rank, for a given number of
/// ranks.
/// \param comm the communicator.
/// \param local this rank's sums (the same size on every rank).
/// \return the sums over every rank.
template <class Acc>
Vector<Acc> rank_ordered_sum(MPI_Comm comm, Vector<Acc> local) {
  int rank = 0, size = 1;
  mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const Eigen::Index entries = local.size();
  const MpiReduction reduction(comm, true, size);
  Frontier<Acc> frontier;
  frontier.push_back(TreeNode<Acc>{0, rank, std::move(local)});
  reduction.merge(frontier, entries);
  return frontier_total(frontier, entries);
}

/// What the size of the metrics' sample weights must match.
/// \param n the entries of y_true.
/// \return "y_true has n entries".
inline std::string metric_entries(Eigen::Index n) {
  return "y_true has " + std::to_string(n) + " entries";
}

/// y_true and the second input (called `name`) of one rank: vectors of one size, both possibly
/// empty (metrics_require_pair for the rest).
/// \param caller what the messages start with.
/// \param name the second input's name.
/// \param y y_true.
/// \param b the second input.
/// \throws std::invalid_argument for a matrix that is not a vector or mismatched sizes.
template <class DerivedY, class DerivedB>
void local_metric_pair(const char* caller, const char* name, const Eigen::MatrixBase<DerivedY>& y,
                       const Eigen::MatrixBase<DerivedB>& b) {
  require_vector(caller, "y_true", y);
  require_vector(caller, name, b);
  if (y.size() == 0 && b.size() != 0) {
    throw std::invalid_argument(prefix(caller) + "y_true has 0 entries but " + name + " has " +
                                std::to_string(b.size()) + " entries");
  }
  if (y.size() > 0) metrics_require_pair(caller, name, y, b);
}

/// The set-up of a metric: the signature (the call, the scores' type, weights or not), then the
/// local checks under agreement: throws on every rank if some rank failed.
/// \param comm the communicator.
/// \param call the call's name.
/// \param scores_type the scalar type of the scores, or "labels".
/// \param weighted whether sample weights were passed.
/// \param checks this rank's checks, called with "call: rank r".
template <class Checks>
void agreed_metric_checks(MPI_Comm comm, const char* call, const char* scores_type, bool weighted,
                          Checks&& checks) {
  int rank = 0;
  mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  Signature signature;
  signature.add("the call", call, true, "every rank in the same call");
  signature.add("the scalar type of the scores", scores_type, true, "one type on every rank");
  signature.add("the overload", weighted ? "with sample weights" : "without sample weights", true,
                "the same overload on every rank");
  const std::string caller = rank_caller(call, rank);
  agreed_setup(comm, signature, caller, [&] {
    checks(caller.c_str());
    return RankFacts{};
  });
}

/// Some rank must have a sample.
/// \param call the call's name.
/// \param count the samples over every rank.
/// \throws std::invalid_argument naming `call` when no rank has a sample.
inline void require_samples(const char* call, double count) {
  if (!(count > 0)) {
    throw std::invalid_argument(std::string(call) +
                                ": y_true is empty on every rank; expected at least one sample "
                                "over the ranks");
  }
}

/// The sample weights of every rank must not all be 0.
/// \param call the call's name.
/// \param total their sum over every rank.
/// \throws std::invalid_argument naming `call` when they sum to 0.
inline void require_weight_total(const char* call, double total) {
  if (!(total > 0)) {
    throw std::invalid_argument(std::string(call) +
                                ": sample_weight sums to 0 over every rank; expected at least one "
                                "positive weight");
  }
}

/// Collective: the confusion matrix of every rank's labels (counts added exactly).
/// \param call the call's name.
/// \param user_comm the user's communicator.
/// \param y_true this rank's labels.
/// \param y_pred this rank's predicted labels.
/// \return the counts over every rank.
/// \throws as mpi::metrics::confusion_matrix documents.
template <class DerivedY, class DerivedP>
metrics::ConfusionMatrix<Eigen::Index> mpi_confusion(const char* call, MPI_Comm user_comm,
                                                     const Eigen::MatrixBase<DerivedY>& y_true,
                                                     const Eigen::MatrixBase<DerivedP>& y_pred) {
  const PrivateComm comm(user_comm, call);
  metrics::ConfusionMatrix<Eigen::Index> cm;
  agreed_metric_checks(comm.get(), call, "labels", false, [&](const char* where) {
    local_metric_pair(where, "y_pred", y_true, y_pred);
    if (y_true.size() > 0) cm = metrics_unweighted_confusion(where, y_true, y_pred);
  });
  long long cells[4] = {cm.tn, cm.fp, cm.fn, cm.tp};
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, cells, 4, MPI_LONG_LONG, MPI_SUM, comm.get()),
            "MPI_Allreduce");
  cm = {cells[0], cells[1], cells[2], cells[3]};
  require_samples(call, static_cast<double>(cm.total()));
  return cm;
}

/// Collective: the weighted confusion matrix of every rank's labels (sums in rank order).
/// \param call the call's name.
/// \param user_comm the user's communicator.
/// \param y_true this rank's labels.
/// \param y_pred this rank's predicted labels.
/// \param weight this rank's sample weights.
/// \return the sums of the weights over every rank.
/// \throws as mpi::metrics::confusion_matrix documents.
template <class DerivedY, class DerivedP, class DerivedW>
metrics::ConfusionMatrix<double> mpi_weighted_confusion(const char* call, MPI_Comm user_comm,
                                                        const Eigen::MatrixBase<DerivedY>& y_true,
                                                        const Eigen::MatrixBase<DerivedP>& y_pred,
                                                        const Eigen::MatrixBase<DerivedW>& weight) {
  const PrivateComm comm(user_comm, call);
  metrics::ConfusionMatrix<double> cm;
  agreed_metric_checks(comm.get(), call, "labels", true, [&](const char* where) {
    local_metric_pair(where, "y_pred", y_true, y_pred);
    metrics_require_labels(where, "y_true", y_true);
    metrics_require_labels(where, "y_pred", y_pred);
    bool positive = false;
    const Vector<double> w = local_weights<double>(where, metric_entries(y_true.size()),
                                                   y_true.size(), weight, positive);
    if (y_true.size() > 0) cm = metrics_confusion<double>(where, y_true, y_pred, &w);
  });
  Vector<double> cells(5);
  cells << cm.tn, cm.fp, cm.fn, cm.tp, static_cast<double>(y_true.size());
  cells = rank_ordered_sum(comm.get(), std::move(cells));
  require_samples(call, cells[4]);
  cm = {cells[0], cells[1], cells[2], cells[3]};
  require_weight_total(call, cm.total());
  return cm;
}

/// Collective: sum_i s_i loss_i / sum_i s_i over every rank, loss_i = loss(y_i, score_i) (Acc),
/// after the checks of a score metric (`probabilities`: scores in [0, 1]) and of the sample
/// weights (when `weight` is not null) on each rank.
/// \param call the call's name.
/// \param user_comm the user's communicator.
/// \param y_true this rank's labels.
/// \param scores this rank's scores.
/// \param name the scores' name in messages.
/// \param probabilities true if the scores must be in [0, 1].
/// \param weight this rank's sample weights, or null.
/// \param loss the per-sample loss, loss(label is 1, score).
/// \return the mean over every rank.
/// \throws as the mpi::metrics functions document.
template <class DerivedY, class DerivedS, class DerivedW, class Loss>
typename DerivedS::Scalar mpi_mean_loss(const char* call, MPI_Comm user_comm,
                                        const Eigen::MatrixBase<DerivedY>& y_true,
                                        const Eigen::MatrixBase<DerivedS>& scores, const char* name,
                                        bool probabilities,
                                        const Eigen::MatrixBase<DerivedW>* weight,
                                        const Loss& loss) {
  using Scalar = typename DerivedS::Scalar;
  using Acc = Accum<Scalar>;
  metrics_check_scalar<Scalar>();
  const PrivateComm comm(user_comm, call);
  Vector<Acc> w;
  agreed_metric_checks(comm.get(), call, scalar_name<Scalar>(), weight != nullptr,
                       [&](const char* where) {
                         local_metric_pair(where, name, y_true, scores);
                         metrics_require_labels(where, "y_true", y_true);
                         metrics_require_scores(where, name, scores, probabilities);
                         bool positive = false;
                         if (weight) {
                           w = local_weights<Acc>(where, metric_entries(y_true.size()),
                                                  y_true.size(), *weight, positive);
                         }
                       });
  Vector<Acc> sums = Vector<Acc>::Zero(3);  // sum s loss, sum s, count
  for (Eigen::Index i = 0; i < y_true.size(); ++i) {
    const Acc s = weight ? w[i] : Acc(1);
    sums[0] +=
        s * loss(y_true.derived().coeff(i) == 1, static_cast<Acc>(scores.derived().coeff(i)));
    sums[1] += s;
  }
  sums[2] = static_cast<Acc>(y_true.size());
  sums = rank_ordered_sum(comm.get(), std::move(sums));
  require_samples(call, static_cast<double>(sums[2]));
  require_weight_total(call, static_cast<double>(sums[1]));
  return static_cast<Scalar>(sums[0] / sums[1]);
}

/// The log loss of one logit z of a sample with label 1 (or 0): softplus(-z) (or softplus(z)),
/// as metrics_log_loss_from_logits computes it.
struct LogitLoss {
  /// \param one true for a sample of class 1.
  /// \param z its logit.
  /// \return the loss.
  template <class Acc>
  Acc operator()(bool one, Acc z) const {
    return softplus(one ? -z : z);
  }
};

/// The Brier term (p - y)^2 of one probability p of a sample with label 1 (or 0).
struct BrierLoss {
  /// \param one true for a sample of class 1.
  /// \param p its probability of class 1.
  /// \return the term.
  template <class Acc>
  Acc operator()(bool one, Acc p) const {
    const Acc r = p - (one ? Acc(1) : Acc(0));
    return r * r;
  }
};

}  // namespace detail
}  // namespace logistic_neuron
