// Faults: a bad input on one rank makes every rank throw the same exception type with the same
// message, naming that rank, with the neuron unchanged and no rank left in a collective (a rank
// left waiting would hang the test, which ctest's timeout then fails). Mismatched options,
// columns, scalar types, storage orders, overloads and warm-start parameters likewise; a
// callback that stops or throws on one rank stops every rank.
#include <limits>
#include <stdexcept>
#include <string>

#include "mpi_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_mpi_errors {

namespace {

using mpi_support::Index;
using mpi_support::Matrix;
using mpi_support::Vector;
namespace ln = logistic_neuron;

/// The rank that gets the bad input: 2, or the last one when there are fewer.
int bad_rank() { return std::min(2, mpi_support::world_size() - 1); }

/// Every rank's even share of a 120 x 4 problem.
struct Fixture {
  static constexpr Index n = 120, d = 4;
  test_support::Problem<double> data = test_support::make_problem<double>(n, d, 31);
  mpi_support::Partition part = mpi_support::partitions(n, mpi_support::world_size())[0];
  Matrix<double, Eigen::ColMajor> X = mpi_support::slice_rows<double, Eigen::ColMajor>(data.X, part);
  Vector<double> y = mpi_support::slice(data.y, part);
  Vector<double> s = Vector<double>::Ones(y.size());
  ln::FitOptions<double> options = [] {
    ln::FitOptions<double> o;
    o.threads = 1;
    o.max_epochs = 20;
    return o;
  }();
  // A neuron with parameters, to show that a failed fit changes nothing.
  ln::LogisticNeuron<double> neuron{Vector<double>::Constant(d, 0.5), -1.0};
  test_support::State<double> before = test_support::state_of(neuron);

  bool unchanged() const { return test_support::same_state(test_support::state_of(neuron), before); }
};

std::string at_bad_rank(const char* call, const std::string& rest) {
  return std::string(call) + ": rank " + std::to_string(bad_rank()) + ": " + rest;
}

constexpr const char* fit_call = "logistic_neuron::mpi::fit";

}  // namespace

TEST_CASE("mpi::fit: a bad input on one rank throws on every rank, naming the rank") {
  const bool bad = mpi_support::world_rank() == bad_rank();
  {
    Fixture f;
    if (bad) f.X(3, 1) = std::numeric_limits<double>::quiet_NaN();
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        at_bad_rank(fit_call, "X(3, 1) is nan; expected finite values")));
    CHECK(f.unchanged());
  }
  {
    Fixture f;
    if (bad) f.y[2] = 2;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        at_bad_rank(fit_call, "y[2] is 2; expected a label 0 or 1")));
    CHECK(f.unchanged());
  }
  {
    Fixture f;
    const Index rows = f.X.rows();
    Vector<double> y = bad ? Vector<double>(f.y.head(rows - 1)) : f.y;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, y, f.options); },
        at_bad_rank(fit_call, "X has " + std::to_string(rows) + " rows (samples) but y has " +
                                  std::to_string(rows - 1) + " entries")));
  }
  {
    Fixture f;
    if (bad) f.s[1] = -1;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.s, f.options); },
        at_bad_rank(fit_call, "sample_weight[1] is -1; expected a finite weight >= 0")));
    CHECK(f.unchanged());
  }
  {
    Fixture f;
    if (bad) f.options.max_epochs = 0;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        bad_rank() == 0 ? at_bad_rank(fit_call, "max_epochs must be >= 1, got 0")
                        : at_bad_rank(fit_call, "FitOptions::max_epochs is 0 here but 20 on rank "
                                                "0; expected the same FitOptions on every rank "
                                                "(all fields but on_epoch and threads)")));
  }
}

TEST_CASE("mpi::fit: a solver that needs more than sums over rows is refused, naming the others") {
  // Every Solver value but the four that need only sums over rows (coordinate descent, which
  // sweeps X's columns in one process, or a value outside the enumeration).
  const auto message = [](ln::Solver solver) {
    return std::string("w: FitOptions::solver is ") + ln::to_string(solver) +
           ", which needs the columns of all of X in one process; expected one of the solvers "
           "that need only sums over rows: gradient_descent, newton, lbfgs or newton_cg";
  };
  for (const int value : {4, 5, -1}) {
    const auto solver = static_cast<ln::Solver>(value);
    std::string seen;
    try {
      ln::detail::require_row_sum_solver("w", solver);
    } catch (const std::invalid_argument& e) {
      seen = e.what();
    }
    CHECK(seen == message(solver));
  }
  for (const ln::Solver solver : {ln::Solver::gradient_descent, ln::Solver::newton,
                                  ln::Solver::lbfgs, ln::Solver::newton_cg}) {
    CHECK_NOTHROW(ln::detail::require_row_sum_solver("w", solver));
  }
  // Through mpi::fit, every rank throws (rank 0's message: the option is the same everywhere).
  if (std::string(ln::to_string(static_cast<ln::Solver>(4))) != "unknown") {
    Fixture f;
    f.options.solver = static_cast<ln::Solver>(4);
    f.options.standardize = false;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        std::string(fit_call) + ": rank 0: " + message(f.options.solver).substr(3)));
    CHECK(f.unchanged());
  }
}

TEST_CASE("mpi::fit: global faults: no rows anywhere, weights that sum to 0, zero-weight ranks") {
  Fixture f;
  const int p = mpi_support::world_size();
  const Matrix<double, Eigen::ColMajor> none(0, Fixture::d);
  const Vector<double> no_labels(0);
  CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
      [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, none, no_labels, f.options); },
      std::string(fit_call) + ": X has 0 rows on every rank (" + std::to_string(p) +
          " ranks); expected at least one sample over the ranks"));
  const Vector<double> zeros = Vector<double>::Zero(f.y.size());
  CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
      [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, zeros, f.options); },
      std::string(fit_call) +
          ": sample_weight sums to 0 over every rank; expected at least one positive weight"));
  CHECK(f.unchanged());
  // Zero weights on the bad rank only: a fit like any other (those rows count for nothing).
  const Vector<double> some = mpi_support::world_rank() == bad_rank() && p > 1 ? zeros : f.s;
  ln::LogisticNeuron<double> neuron;
  CHECK_NOTHROW(ln::mpi::fit(neuron, MPI_COMM_WORLD, f.X, f.y, some, f.options));
  CHECK(mpi_support::all_ranks_agree(mpi_support::digest(neuron.weights(), neuron.bias())));
}

TEST_CASE("mpi::fit: X too small to fit is refused on every rank, as LogisticNeuron::fit does") {
  Fixture f;
  // A root mean square near 2^-1040, below what the solvers' units can carry in double.
  const Matrix<double, Eigen::ColMajor> tiny = f.X * std::ldexp(1.0, -1040);
  const Eigen::MatrixXd all_tiny = f.data.X * std::ldexp(1.0, -1040);
  std::string expected;
  try {
    ln::LogisticNeuron<double>().fit(all_tiny, f.data.y, f.options);
  } catch (const std::invalid_argument& e) {
    expected = e.what();
  }
  const std::string one_process = "LogisticNeuron::fit";
  REQUIRE(expected.rfind(one_process, 0) == 0);
  expected.replace(0, one_process.size(), fit_call);
  CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
      [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, tiny, f.y, f.options); }, expected));
  CHECK(f.unchanged());
}

TEST_CASE("mpi::fit: what must agree with rank 0 (options, columns, types, order, overload)") {
  const int p = mpi_support::world_size();
  const bool bad = mpi_support::world_rank() == bad_rank();
  if (p < 2) return;  // one rank agrees with itself (the same on every rank: no collective skipped)
  {
    Fixture f;
    if (bad) f.options.l2 = 0.5;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        at_bad_rank(fit_call, "FitOptions::l2 is 0.5 here but 0 on rank 0; expected the same "
                              "FitOptions on every rank (all fields but on_epoch and threads)")));
    CHECK(f.unchanged());
  }
  {
    Fixture f;
    if (bad) f.options.penalty_factors = Vector<double>::Ones(Fixture::d);
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        at_bad_rank(fit_call, "FitOptions::penalty_factors differ from rank 0's; expected the "
                              "same FitOptions on every rank (all fields but on_epoch and "
                              "threads)")));
  }
  {
    Fixture f;
    const Matrix<double, Eigen::ColMajor> wide =
        bad ? Matrix<double, Eigen::ColMajor>::Ones(f.X.rows(), Fixture::d + 1) : f.X;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(f.neuron, MPI_COMM_WORLD, wide, f.y, f.options); },
        at_bad_rank(fit_call, "the number of columns (features) of X is 5 here but 4 on rank 0; "
                              "expected the same columns on every rank")));
  }
  {
    Fixture f;
    ln::LogisticNeuron<float> single;
    const Matrix<float, Eigen::ColMajor> Xf = f.X.cast<float>();
    ln::FitOptions<float> options_f;
    options_f.threads = 1;
    options_f.max_epochs = 20;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] {
          if (bad) {
            ln::mpi::fit(single, MPI_COMM_WORLD, Xf, f.y, options_f);
          } else {
            ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options);
          }
        },
        at_bad_rank(fit_call, "the scalar type of X is float here but double on rank 0; "
                              "expected one scalar type on every rank")));
    CHECK(!single.has_parameters());
    CHECK(f.unchanged());
  }
  {
    Fixture f;
    const Matrix<double, Eigen::RowMajor> Xr = f.X;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] {
          if (bad) {
            ln::mpi::fit(f.neuron, MPI_COMM_WORLD, Xr, f.y, f.options);
          } else {
            ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options);
          }
        },
        at_bad_rank(fit_call, "the storage order of X is row-major here but column-major on rank "
                              "0; expected one storage order on every rank")));
  }
  {
    Fixture f;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] {
          if (bad) {
            ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.s, f.options);
          } else {
            ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options);
          }
        },
        at_bad_rank(fit_call, "the overload of fit is with sample weights here but without "
                              "sample weights on rank 0; expected the same overload on every "
                              "rank")));
  }
  {
    Fixture f;
    f.options.warm_start = true;
    ln::LogisticNeuron<double> other(Vector<double>::Constant(Fixture::d, 0.25), -1.0);
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(bad ? other : f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options); },
        at_bad_rank(fit_call, "the parameters warm_start starts from differ from rank 0's; "
                              "expected the same neuron on every rank")));
    CHECK(f.unchanged());
  }
  {
    // A different call on one rank: cost where the others fit (the set-up's collectives are
    // the same, so the ranks meet and refuse; every rank throws the bad rank's message).
    Fixture f;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] {
          if (bad) {
            ln::mpi::cost(f.neuron, MPI_COMM_WORLD, f.X, f.y);
          } else {
            ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options);
          }
        },
        at_bad_rank("logistic_neuron::mpi::cost",
                    "the call is logistic_neuron::mpi::cost here but logistic_neuron::mpi::fit "
                    "on rank 0; expected every rank in the same call")));
  }
}

TEST_CASE("mpi::fit: on_epoch stopping or throwing on one rank") {
  const bool bad = mpi_support::world_rank() == bad_rank();
  struct Stop : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  {
    Fixture f;
    if (bad) {
      f.options.on_epoch = [](const ln::EpochInfo<double>& info) {
        if (info.epoch == 3) throw Stop("stop at 3");
        return true;
      };
    }
    std::string message;
    bool own = false, other = false;
    try {
      ln::mpi::fit(f.neuron, MPI_COMM_WORLD, f.X, f.y, f.options);
    } catch (const Stop& e) {
      own = true;
      message = e.what();
    } catch (const std::runtime_error& e) {
      other = typeid(e) == typeid(std::runtime_error);
      message = e.what();
    }
    if (bad) {
      CHECK(own);
      CHECK(message == "stop at 3");
    } else {
      CHECK(other);
      CHECK(message == at_bad_rank(fit_call, "on_epoch threw: stop at 3"));
    }
    CHECK(f.unchanged());
  }
  {
    Fixture f;
    if (bad) {
      f.options.on_epoch = [](const ln::EpochInfo<double>& info) { return info.epoch < 3; };
    }
    ln::FitOptions<double> reference = f.options;
    reference.on_epoch = [](const ln::EpochInfo<double>& info) { return info.epoch < 3; };
    ln::LogisticNeuron<double> one;
    const ln::FitResult<double> ref = one.fit(f.data.X, f.data.y, reference);
    ln::LogisticNeuron<double> neuron;
    const ln::FitResult<double> result = ln::mpi::fit(neuron, MPI_COMM_WORLD, f.X, f.y, f.options);
    CHECK(result.stop_reason == ln::StopReason::callback);
    CHECK(mpi_support::same_result(result, ref));
    CHECK(mpi_support::same(neuron.weights(), one.weights()));
  }
}

TEST_CASE("mpi::cost, summarize and metrics: a bad input on one rank") {
  const bool bad = mpi_support::world_rank() == bad_rank();
  Fixture f;
  {
    Vector<double> y = f.y;
    if (bad) y[0] = 3;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::cost(f.neuron, MPI_COMM_WORLD, f.X, y); },
        at_bad_rank("logistic_neuron::mpi::cost", "y[0] is 3; expected a label 0 or 1")));
    Vector<int> labels = f.y.cast<int>();
    Vector<int> predicted = labels;
    if (bad) labels[0] = 3;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::metrics::accuracy(MPI_COMM_WORLD, labels, predicted); },
        at_bad_rank("logistic_neuron::mpi::metrics::accuracy",
                    "y_true[0] is 3; expected a label 0 or 1")));
  }
  {
    const ln::LogisticNeuron<double> unfitted;
    CHECK(mpi_support::every_rank_throws<std::logic_error>(
        [&] { ln::mpi::gradient(unfitted, MPI_COMM_WORLD, f.X, f.y); },
        "logistic_neuron::mpi::gradient: rank 0: the neuron has no parameters yet; call fit() "
        "first, or construct it with a feature count or weights"));
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::cost(f.neuron, MPI_COMM_WORLD, f.X, f.y, -1.0); },
        "logistic_neuron::mpi::cost: rank 0: l2 must be finite and >= 0, got -1"));
    const Vector<double> one_class = Vector<double>::Zero(f.y.size());
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::summarize(f.neuron, MPI_COMM_WORLD, f.X, one_class); },
        "logistic_neuron::mpi::summarize: y has a single class (0 ones in 120 labels); expected "
        "both classes"));
    const Vector<int> empty(0);
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::metrics::confusion_matrix(MPI_COMM_WORLD, empty, empty); },
        "logistic_neuron::mpi::metrics::confusion_matrix: y_true is empty on every rank; "
        "expected at least one sample over the ranks"));
  }
}

}  // namespace test_mpi_errors
