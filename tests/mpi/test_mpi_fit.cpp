// mpi::fit against the fit of the concatenated rows in one process, bit for bit: every solver,
// sample weights, class weights, standardize, an L1 penalty, no intercept, a warm start, the
// summed cost; row- and column-major X; float and double; every partition of mpi_support (empty
// ranks, thin ranks, cut points inside chunks). This executable is built with 1 KiB chunks, so
// that the chunk boundaries fall inside the ranks' rows. Each rank also checks that every rank
// holds the same bits.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mpi_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_mpi_fit {

namespace {

using mpi_support::Index;
using mpi_support::Matrix;
using mpi_support::Vector;
namespace ln = logistic_neuron;

template <class T, int O>
struct Case {
  using Scalar = T;
  static constexpr int order = O;
};

enum class Weights { none, dyadic, random, balanced, given, dyadic_balanced };

template <class T>
using Config = mpi_support::FitConfig<T, Weights>;

template <class T>
std::vector<Config<T>> configs() {
  std::vector<Config<T>> out;
  const auto add = [&](std::string name, Weights weights, auto&& set) {
    mpi_support::add_config(out, std::move(name), weights, set);
  };
  const T gradient_tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-9);
  add("gradient descent, step 1/L, l2", Weights::none, [](auto& o) {
    o.l2 = T(0.01);
    o.max_epochs = 40;
  });
  add("gradient descent, fixed step, dyadic weights", Weights::dyadic, [](auto& o) {
    o.learning_rate = T(0.5);
    o.tolerance = T(1e-7);
    o.max_epochs = 40;
  });
  add("gradient descent, standardize, random weights", Weights::random, [](auto& o) {
    o.standardize = true;
    o.max_epochs = 40;
  });
  add("gradient descent, L1 (proximal)", Weights::none, [](auto& o) {
    o.lambda = T(0.02);
    o.alpha = T(0.5);
    o.max_epochs = 40;
  });
  add("gradient descent, seed-compatible summed cost", Weights::none, [](auto& o) {
    o = ln::FitOptions<T>::seed_compatible();
    o.learning_rate = T(0.001);
    o.max_epochs = 30;
    o.threads = 1;
  });
  add("newton, l2 = 0 (separation check)", Weights::none,
      [](auto& o) { o.solver = ln::Solver::newton; });
  add("newton, standardize, balanced", Weights::balanced, [](auto& o) {
    o.solver = ln::Solver::newton;
    o.standardize = true;
    o.class_weight = ln::ClassWeight<T>::balanced();
  });
  add("newton, given class weights, dyadic weights", Weights::given, [](auto& o) {
    o.solver = ln::Solver::newton;
    o.class_weight = ln::ClassWeight<T>::given(T(0.75), T(2));
    o.l2 = T(0.001);
  });
  add("newton, no intercept, penalty factors", Weights::none, [](auto& o) {
    o.solver = ln::Solver::newton;
    o.fit_intercept = false;
    o.l2 = T(0.01);
    o.penalty_factors = Vector<T>::LinSpaced(4, T(0.5), T(2));
  });
  add("lbfgs to the gradient tolerance", Weights::none, [&](auto& o) {
    o.solver = ln::Solver::lbfgs;
    o.tolerance = 0;
    o.gradient_tolerance = gradient_tolerance;
    o.l2 = T(0.001);
  });
  add("lbfgs, standardize, random weights", Weights::random, [](auto& o) {
    o.solver = ln::Solver::lbfgs;
    o.standardize = true;
  });
  add("newton_cg, balanced and dyadic weights", Weights::dyadic_balanced, [](auto& o) {
    o.solver = ln::Solver::newton_cg;
    o.class_weight = ln::ClassWeight<T>::balanced();
    o.l2 = T(0.01);
  });
  return out;
}

/// The weights of a configuration for n rows (empty for none).
template <class T>
Vector<T> weights_for(Weights kind, Index n) {
  if (kind == Weights::dyadic || kind == Weights::given || kind == Weights::dyadic_balanced) {
    return mpi_support::sample_weights<T>(true, n, 99);
  }
  return kind == Weights::random ? mpi_support::sample_weights<T>(false, n, 99) : Vector<T>();
}

/// True when the weights of this kind give sums that are exact in any order, so that
/// LogisticNeuron::fit itself (S added in row order) gives the same bits as the chunk tree.
bool exact_sums(Weights kind) {
  return kind == Weights::none || kind == Weights::dyadic || kind == Weights::given;
}

}  // namespace

TEST_CASE_TEMPLATE("mpi::fit equals the one-process fit of the concatenated rows, bit for bit", C,
                   Case<float, Eigen::ColMajor>, Case<float, Eigen::RowMajor>,
                   Case<double, Eigen::ColMajor>, Case<double, Eigen::RowMajor>) {
  using T = typename C::Scalar;
  constexpr int O = C::order;
  const Index n = 517, d = 4;
  const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 2024, 0.3);
  const Matrix<T, O> X = data.X.cast<T>();
  const Vector<double> y = data.y;
  const int p = mpi_support::world_size();
  int fits = 0;
  for (const Config<T>& config : configs<T>()) {
    const Vector<T> s = weights_for<T>(config.weights, n);
    Vector<T> w_ref;
    T b_ref = 0;
    const ln::FitResult<T> ref = mpi_support::reference_fit<T, O>(
        X, y, s.size() ? &s : nullptr, config.options, w_ref, b_ref);
    ln::LogisticNeuron<T> one;
    const ln::FitResult<T> one_result =
        s.size() ? one.fit(X, y, s, config.options) : one.fit(X, y, config.options);
    if (exact_sums(config.weights)) {
      CHECK_MESSAGE(mpi_support::same(one.weights(), w_ref), config.name);
      CHECK_MESSAGE(test_support::same_bits(one.bias(), b_ref), config.name);
    } else {
      // S differs from the chunk tree's in its last bits: the parameters move by rounding only,
      // within the 1e-12 relative in double (a few units in the last place in float).
      const double tolerance = std::is_same_v<T, float> ? 1e-6 : 1e-12;
      CHECK_MESSAGE((one.weights() - w_ref).norm() <= tolerance * w_ref.norm(), config.name);
      CHECK_MESSAGE(std::abs(one.bias() - b_ref) <= tolerance * (std::abs(b_ref) + w_ref.norm()),
                    config.name);
    }
    for (const mpi_support::Partition& part : mpi_support::partitions(n, p)) {
      INFO(config.name, " / ", part.name, " / ranks ", p);
      const Matrix<T, O> X_local = mpi_support::slice_rows<T, O>(X, part);
      const Vector<double> y_local = mpi_support::slice(y, part);
      mpi_support::check_sharded_fit(X_local, y_local, s, part, config.options, w_ref, b_ref, ref);
      ++fits;
    }
  }
  CHECK(fits == 12 * 5);
}

TEST_CASE_TEMPLATE("mpi::fit: a warm start, and options that may differ (threads, on_epoch)", T,
                   float, double) {
  const Index n = 300, d = 3;
  const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 5, -0.2);
  const Matrix<T, Eigen::ColMajor> X = data.X.cast<T>();
  const int p = mpi_support::world_size(), rank = mpi_support::world_rank();
  const mpi_support::Partition part = mpi_support::partitions(n, p)[3];
  const Matrix<T, Eigen::ColMajor> X_local = mpi_support::slice_rows<T, Eigen::ColMajor>(X, part);
  const Vector<double> y_local = mpi_support::slice(data.y, part);

  ln::FitOptions<T> first;
  first.max_epochs = 15;
  first.threads = 1;
  ln::FitOptions<T> second;
  second.solver = ln::Solver::lbfgs;
  second.warm_start = true;
  second.l2 = T(0.01);
  second.threads = 1 + rank % 2;  // threads may differ between ranks
  // A callback on the odd ranks only, which counts the epochs it saw.
  int seen = 0;
  if (rank % 2 == 1) {
    second.on_epoch = [&seen](const ln::EpochInfo<T>&) {
      ++seen;
      return true;
    };
  }
  Vector<T> w_ref;
  T b_ref = 0;
  mpi_support::reference_fit<T, Eigen::ColMajor>(X, data.y, nullptr, first, w_ref, b_ref);
  ln::FitOptions<T> second_ref = second;
  second_ref.on_epoch = nullptr;
  const ln::FitResult<T> ref =
      mpi_support::reference_fit<T, Eigen::ColMajor>(X, data.y, nullptr, second_ref, w_ref, b_ref);

  ln::LogisticNeuron<T> neuron;
  ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, first);
  neuron.set_feature_names({"a", "b", "c"});
  const ln::FitResult<T> result = ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, second);
  CHECK(mpi_support::same(neuron.weights(), w_ref));
  CHECK(test_support::same_bits(neuron.bias(), b_ref));
  CHECK(mpi_support::same_result(result, ref));
  CHECK(neuron.feature_names().size() == 3);  // kept: the same features
  CHECK(seen == (rank % 2 == 1 ? static_cast<int>(ref.cost_history.size()) : 0));
}

TEST_CASE_TEMPLATE("mpi::fit: fast summation agrees on every rank and with one process to rounding",
                   T, float, double) {
  const Index n = 400, d = 5;
  const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 11, 0.1);
  const Matrix<T, Eigen::RowMajor> X = data.X.cast<T>();
  const int p = mpi_support::world_size();
  ln::FitOptions<T> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-10);
  options.threads = 1;
  ln::LogisticNeuron<T> one;
  one.fit(X, data.y, options);
  ln::mpi::MpiOptions fast;
  fast.summation = ln::mpi::Summation::fast;
  CHECK(std::string(ln::mpi::to_string(fast.summation)) == "fast");
  for (const mpi_support::Partition& part : mpi_support::partitions(n, p)) {
    INFO(part.name);
    ln::LogisticNeuron<T> neuron;
    ln::mpi::fit(neuron, MPI_COMM_WORLD, mpi_support::slice_rows<T, Eigen::RowMajor>(X, part),
                 mpi_support::slice(data.y, part), options, fast);
    const double tolerance = std::is_same_v<T, float> ? 1e-3 : 1e-9;
    CHECK((neuron.weights() - one.weights()).norm() <= tolerance * one.weights().norm());
    CHECK(mpi_support::all_ranks_agree(mpi_support::digest(neuron.weights(), neuron.bias())));
  }
}

TEST_CASE("mpi::fit: separable data, and ranks large enough to subsample") {
  const int p = mpi_support::world_size();
  // Separable: y = (x_0 > 0.1). The probe runs on the sharded data and finds it.
  {
    const Index n = 240, d = 2;
    Matrix<double, Eigen::ColMajor> X = test_support::random_matrix<double>(n, d, 8);
    Vector<double> y(n);
    for (Index i = 0; i < n; ++i) y[i] = X(i, 0) > 0.1 ? 1 : 0;
    ln::FitOptions<double> options;
    options.max_epochs = 200;
    options.threads = 1;
    Vector<double> w_ref;
    double b_ref = 0;
    const ln::FitResult<double> ref =
        mpi_support::reference_fit<double, Eigen::ColMajor>(X, y, nullptr, options, w_ref, b_ref);
    CHECK(ref.separation.detected);
    for (const mpi_support::Partition& part : mpi_support::partitions(n, p)) {
      INFO(part.name);
      ln::LogisticNeuron<double> neuron;
      const ln::FitResult<double> result = ln::mpi::fit(
          neuron, MPI_COMM_WORLD, mpi_support::slice_rows<double, Eigen::ColMajor>(X, part),
          mpi_support::slice(y, part), options);
      CHECK(mpi_support::same(neuron.weights(), w_ref));
      CHECK(mpi_support::same_result(result, ref));
      CHECK(mpi_support::same_separation(result.separation, ref.separation));
    }
  }
  // 2 x 1100 rows on every rank: rule 1 subsamples each rank's rows (not the whole data's), so
  // only the parameters are compared, and the classes' overlap is certified on every rank.
  {
    const Index per_rank = 1100, d = 3, n = per_rank * p;
    const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 3);
    ln::FitOptions<double> options;
    options.solver = ln::Solver::newton;
    options.threads = 1;
    ln::LogisticNeuron<double> one;
    one.fit(data.X, data.y, options);
    mpi_support::Partition even{"even", std::vector<Index>(static_cast<std::size_t>(p), per_rank)};
    ln::LogisticNeuron<double> neuron;
    const ln::FitResult<double> result = ln::mpi::fit(
        neuron, MPI_COMM_WORLD, mpi_support::slice_rows<double, Eigen::ColMajor>(data.X, even),
        mpi_support::slice(data.y, even), options);
    CHECK(mpi_support::same(neuron.weights(), one.weights()));
    CHECK(test_support::same_bits(neuron.bias(), one.bias()));
    CHECK(result.separation.overlap_certified);
    CHECK(!result.separation.detected);
  }
}

}  // namespace test_mpi_fit
