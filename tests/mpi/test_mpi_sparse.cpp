// Sparse X over MPI: each rank passes its own rows as an Eigen sparse matrix (CSR or CSC, int or
// int64 indices, a SparseMatrix, an uncompressed one, or a Map over its own arrays). The truth is
// the one-process fit of the concatenated sparse rows (LogisticNeuron::fit on the whole
// SparseMatrix, and the same fit with S added along the chunk tree, as mpi_support's dense
// reference does): mpi::fit must give every rank its bits, for every solver MPI runs, sample and
// class weights, and every partition of mpi_support (empty ranks, thin ranks, cuts inside
// chunks). Against the dense fit of the same matrix: a vanishing dense gradient at the sparse
// optimum. cost, gradient and summarize likewise; then the faults: a stored NaN or infinity and
// a bad index on one rank, columns, kinds or index types that differ from rank 0's, and
// coordinate descent, refused on every rank with the same message.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/SparseCore>

#include <logistic_neuron/inference.hpp>

#include "mpi_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_mpi_sparse {

namespace {

using mpi_support::Index;
using mpi_support::Vector;
namespace ln = logistic_neuron;
template <class T, int Order>
using Dense = mpi_support::Matrix<T, Order>;
template <class T, int Order, class I>
using Sparse = Eigen::SparseMatrix<T, Order, I>;

template <class T, int O, class I>
struct Case {
  using Scalar = T;
  using StorageIndex = I;
  static constexpr int order = O;
};

/// The sparse rows of a problem and their labels: about `density` of the entries stored
/// (standard normal), some stored zeros, one empty row (n / 2) and, unless told otherwise, one
/// empty column (the last).
template <class T>
struct SparseData {
  Dense<T, Eigen::ColMajor> X;  // the same matrix, dense
  std::vector<Eigen::Triplet<T, std::int64_t>> entries;
  Vector<double> y;
  /// As a sparse matrix of order O and index type I.
  template <int O, class I>
  Sparse<T, O, I> matrix() const {
    std::vector<Eigen::Triplet<T, I>> t;
    for (const auto& e : entries) {
      t.emplace_back(static_cast<I>(e.row()), static_cast<I>(e.col()), e.value());
    }
    Sparse<T, O, I> S(X.rows(), X.cols());
    S.setFromTriplets(t.begin(), t.end());
    return S;
  }
};

template <class T>
SparseData<T> sparse_data(Index n, Index d, double density, std::uint32_t seed,
                          bool empty_column = true) {
  test_support::Random random(seed);
  SparseData<T> data;
  data.X = Dense<T, Eigen::ColMajor>::Zero(n, d);
  for (Index i = 0; i < n; ++i) {
    if (i == n / 2) continue;
    for (Index j = 0; j + (empty_column ? 1 : 0) < d; ++j) {
      const double u = random.uniform();
      if (u < density) {
        const T x = static_cast<T>(random.normal());
        data.X(i, j) = x;
        data.entries.emplace_back(i, j, x);
      } else if (u < density + 0.02) {
        data.entries.emplace_back(i, j, T(0));  // a stored zero
      }
    }
  }
  const test_support::Matrix<double> Xd = data.X.template cast<double>();
  data.y = test_support::logistic_labels<double>(Xd, seed + 1, 0.2);
  return data;
}

/// This rank's rows of a sparse matrix under the partition (an owning copy, compressed).
template <class S>
S slice_sparse(const S& X, const mpi_support::Partition& part) {
  const int r = mpi_support::world_rank();
  S local = X.middleRows(part.offset(r), part.rows[static_cast<std::size_t>(r)]);
  local.makeCompressed();
  return local;
}

/// LogisticNeuron::fit's fit of sparse X in one process, with S added along the chunk tree as
/// the sharded dataset adds it (mpi_support::reference_fit for sparse X).
template <class T, class S>
ln::FitResult<T> reference_fit(const S& X, const Vector<double>& y, const Vector<T>* weight,
                               const ln::FitOptions<T>& options, Vector<T>& w, T& b) {
  namespace detail = ln::detail;
  const char* caller = "reference";
  detail::Targets<T> targets = weight ? detail::weighted_targets<T>(caller, X.rows(), y, *weight)
                                      : detail::unweighted_targets<T>(caller, X.rows(), y);
  detail::apply_class_weight(caller, options.class_weight, targets);
  using Kind = detail::SparseX<T, detail::storage_order_v<S>, typename S::StorageIndex>;
  const Kind kind = Kind::of(X);
  const int exponent = detail::require_finite(caller, kind);
  const detail::InMemory<Kind> data(kind, targets, exponent);
  targets.total_weight = detail::chunk_weight_total(data);
  w = Vector<T>::Zero(X.cols());
  b = 0;
  return detail::fit_data(data, options, 1, w, b);
}

enum class Weights { none, dyadic, random };

template <class T>
using Config = mpi_support::FitConfig<T, Weights>;

/// Every solver mpi::fit runs, with and without sample and class weights and standardize.
template <class T>
std::vector<Config<T>> configs() {
  std::vector<Config<T>> out;
  const auto add = [&](std::string name, Weights weights, auto&& set) {
    mpi_support::add_config(out, std::move(name), weights, set);
  };
  add("gradient descent, step 1/L, l2", Weights::none, [](auto& o) {
    o.l2 = T(0.01);
    o.max_epochs = 30;
  });
  add("gradient descent, fixed step, dyadic weights", Weights::dyadic, [](auto& o) {
    o.learning_rate = T(0.5);
    o.max_epochs = 30;
  });
  add("gradient descent, standardize, random weights", Weights::random, [](auto& o) {
    o.standardize = true;
    o.max_epochs = 30;
  });
  add("gradient descent, L1 (proximal)", Weights::none, [](auto& o) {
    o.lambda = T(0.02);
    o.alpha = T(0.5);
    o.max_epochs = 30;
  });
  add("newton, l2 = 0", Weights::none, [](auto& o) { o.solver = ln::Solver::newton; });
  add("newton, standardize, balanced class weights", Weights::none, [](auto& o) {
    o.solver = ln::Solver::newton;
    o.standardize = true;
    o.class_weight = ln::ClassWeight<T>::balanced();
  });
  out.back().exact = false;  // n / (2 n_c) is not a short binary fraction
  add("lbfgs, l2, random weights", Weights::random, [](auto& o) {
    o.solver = ln::Solver::lbfgs;
    o.l2 = T(0.001);
  });
  add("newton_cg, given class weights, dyadic weights", Weights::dyadic, [](auto& o) {
    o.solver = ln::Solver::newton_cg;
    o.class_weight = ln::ClassWeight<T>::given(T(0.75), T(2));
    o.l2 = T(0.01);
  });
  return out;
}

template <class T>
Vector<T> weights_for(Weights kind, Index n) {
  if (kind == Weights::none) return {};
  return mpi_support::sample_weights<T>(kind == Weights::dyadic, n, 77);
}

/// The rank that gets the bad input: 2, or the last one when there are fewer.
int bad_rank() { return std::min(2, mpi_support::world_size() - 1); }

std::string at_bad_rank(const char* call, const std::string& rest) {
  return std::string(call) + ": rank " + std::to_string(bad_rank()) + ": " + rest;
}

constexpr const char* fit_call = "logistic_neuron::mpi::fit";

}  // namespace

TEST_CASE_TEMPLATE("mpi::fit of sparse X equals the one-process sparse fit, bit for bit", C,
                   Case<double, Eigen::RowMajor, int>, Case<double, Eigen::RowMajor, std::int64_t>,
                   Case<double, Eigen::ColMajor, int>, Case<double, Eigen::ColMajor, std::int64_t>,
                   Case<float, Eigen::RowMajor, int>, Case<float, Eigen::ColMajor, std::int64_t>) {
  using T = typename C::Scalar;
  using I = typename C::StorageIndex;
  constexpr int O = C::order;
  // 517 x 6 at density 0.4: 8 chunks of 128 rows by sparse_layout (5 of them with rows), so the
  // partitions' cuts fall inside chunks and the straddling chunks travel in the halo.
  const Index n = 517, d = 6;
  const SparseData<T> data = sparse_data<T>(n, d, 0.4, 2026);
  const Sparse<T, O, I> X = data.template matrix<O, I>();
  const ln::detail::Layout layout =
      ln::detail::sparse_layout(n, d, X.nonZeros(), O == Eigen::RowMajor);
  CHECK(layout.chunk_rows == 128);
  CHECK(layout.chunks == 5);
  const int p = mpi_support::world_size();
  int fits = 0;
  for (const Config<T>& config : configs<T>()) {
    const Vector<T> s = weights_for<T>(config.weights, n);
    Vector<T> w_ref;
    T b_ref = 0;
    const ln::FitResult<T> ref =
        reference_fit<T>(X, data.y, s.size() ? &s : nullptr, config.options, w_ref, b_ref);
    ln::LogisticNeuron<T> one;
    const ln::FitResult<T> one_result =
        s.size() ? one.fit(X, data.y, s, config.options) : one.fit(X, data.y, config.options);
    CHECK(one_result.epochs == ref.epochs);
    if (config.exact && config.weights != Weights::random) {  // LogisticNeuron::fit's bits
      CHECK_MESSAGE(mpi_support::same(one.weights(), w_ref), config.name);
      CHECK_MESSAGE(test_support::same_bits(one.bias(), b_ref), config.name);
    }
    for (const mpi_support::Partition& part : mpi_support::partitions(n, p)) {
      INFO(config.name, " / ", part.name, " / ranks ", p);
      const Sparse<T, O, I> X_local = slice_sparse(X, part);
      const Vector<double> y_local = mpi_support::slice(data.y, part);
      mpi_support::check_sharded_fit(X_local, y_local, s, part, config.options, w_ref, b_ref, ref);
      ++fits;
    }
  }
  CHECK(fits == 8 * 5);
}

TEST_CASE_TEMPLATE("mpi::fit of sparse X: Maps over each rank's arrays and uncompressed matrices",
                   C, Case<double, Eigen::RowMajor, int>,
                   Case<double, Eigen::ColMajor, std::int64_t>) {
  using T = typename C::Scalar;
  using I = typename C::StorageIndex;
  constexpr int O = C::order;
  const Index n = 400, d = 5;
  const SparseData<T> data = sparse_data<T>(n, d, 0.5, 99);
  const Sparse<T, O, I> X = data.template matrix<O, I>();
  ln::FitOptions<T> options;
  options.solver = ln::Solver::lbfgs;
  options.l2 = T(0.01);
  options.threads = 1;
  Vector<T> w_ref;
  T b_ref = 0;
  const ln::FitResult<T> ref = reference_fit<T>(X, data.y, nullptr, options, w_ref, b_ref);
  for (const mpi_support::Partition& part : mpi_support::partitions(n, mpi_support::world_size())) {
    INFO(part.name);
    const Sparse<T, O, I> owned = slice_sparse(X, part);
    const Vector<double> y_local = mpi_support::slice(data.y, part);
    // The caller's own arrays, read in place through a Map.
    std::vector<I> outer(owned.outerIndexPtr(), owned.outerIndexPtr() + owned.outerSize() + 1);
    std::vector<I> inner(owned.innerIndexPtr(), owned.innerIndexPtr() + owned.nonZeros());
    std::vector<T> values(owned.valuePtr(), owned.valuePtr() + owned.nonZeros());
    const Eigen::Map<const Sparse<T, O, I>> map(owned.rows(), owned.cols(), owned.nonZeros(),
                                                outer.data(), inner.data(), values.data());
    ln::LogisticNeuron<T> a;
    ln::mpi::fit(a, MPI_COMM_WORLD, map, y_local, options);
    CHECK(mpi_support::same(a.weights(), w_ref));
    CHECK(test_support::same_bits(a.bias(), b_ref));
    // Uncompressed: room for two more entries in every outer vector.
    Sparse<T, O, I> loose(owned.rows(), owned.cols());
    loose.reserve(Eigen::Matrix<I, Eigen::Dynamic, 1>::Constant(owned.outerSize(), I(d + 2)));
    for (Index k = 0; k < owned.outerSize(); ++k) {
      for (typename Sparse<T, O, I>::InnerIterator it(owned, k); it; ++it) {
        loose.insert(it.row(), it.col()) = it.value();
      }
    }
    CHECK(!loose.isCompressed());
    ln::LogisticNeuron<T> b;
    const ln::FitResult<T> result = ln::mpi::fit(b, MPI_COMM_WORLD, loose, y_local, options);
    CHECK(mpi_support::same(b.weights(), w_ref));
    CHECK(test_support::same_bits(b.bias(), b_ref));
    CHECK(mpi_support::same_result(result, ref));
  }
}

TEST_CASE("mpi::fit of sparse X: the dense gradient vanishes at the optimum; fast summation") {
  const Index n = 600, d = 8;
  const SparseData<double> data = sparse_data<double>(n, d, 0.3, 5);
  const Sparse<double, Eigen::RowMajor, int> X = data.matrix<Eigen::RowMajor, int>();
  const int p = mpi_support::world_size();
  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = 1e-12;
  options.threads = 1;
  ln::mpi::MpiOptions fast;
  fast.summation = ln::mpi::Summation::fast;
  ln::LogisticNeuron<double> one;
  one.fit(X, data.y, options);
  for (const mpi_support::Partition& part : mpi_support::partitions(n, p)) {
    INFO(part.name);
    const Sparse<double, Eigen::RowMajor, int> X_local = slice_sparse(X, part);
    const Vector<double> y_local = mpi_support::slice(data.y, part);
    ln::LogisticNeuron<double> neuron;
    ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, options);
    // The optimum of the dense problem (independent of the sparse passes): its gradient at the
    // parameters the sparse MPI fit found is zero to rounding.
    const ln::Gradient<double> g = neuron.gradient(data.X, data.y);
    const double norm = std::sqrt(g.weights.squaredNorm() + g.bias * g.bias);
    MESSAGE("dense gradient norm at the sparse MPI optimum: ", norm);
    CHECK(norm <= double(test_support::optimum_gradient_bound<double>()));
    // Fast summation: the same bits on every rank, the same optimum to rounding.
    ln::LogisticNeuron<double> quick;
    ln::mpi::fit(quick, MPI_COMM_WORLD, X_local, y_local, options, fast);
    CHECK(mpi_support::all_ranks_agree(mpi_support::digest(quick.weights(), quick.bias())));
    CHECK((quick.weights() - one.weights()).norm() <= 1e-12 * one.weights().norm());
    CHECK(std::abs(quick.bias() - one.bias()) <=
          1e-12 * (one.weights().norm() + std::abs(one.bias())));
  }
}

TEST_CASE_TEMPLATE("mpi::cost, gradient and summarize of sparse X equal the one-process values", C,
                   Case<double, Eigen::RowMajor, int>,
                   Case<double, Eigen::ColMajor, std::int64_t>) {
  using T = typename C::Scalar;
  using I = typename C::StorageIndex;
  constexpr int O = C::order;
  const Index n = 450, d = 4;
  const SparseData<T> data = sparse_data<T>(n, d, 0.6, 17, false);  // identifiable: no empty column
  const Sparse<T, O, I> X = data.template matrix<O, I>();
  ln::LogisticNeuron<T> neuron;
  ln::FitOptions<T> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = T(1e-10);
  options.threads = 1;
  neuron.fit(X, data.y, options);
  const T l2 = T(0.125);
  const T J = neuron.cost(X, data.y, l2);
  const ln::Gradient<T> g = neuron.gradient(X, data.y, l2);
  const ln::Summary<T> one = ln::summarize(neuron, X, data.y);
  for (const mpi_support::Partition& part : mpi_support::partitions(n, mpi_support::world_size())) {
    INFO(part.name);
    const Sparse<T, O, I> X_local = slice_sparse(X, part);
    const Vector<double> y_local = mpi_support::slice(data.y, part);
    CHECK(test_support::same_bits(ln::mpi::cost(neuron, MPI_COMM_WORLD, X_local, y_local, l2), J));
    const ln::Gradient<T> mg = ln::mpi::gradient(neuron, MPI_COMM_WORLD, X_local, y_local, l2);
    CHECK(mpi_support::same(mg.weights, g.weights));
    CHECK(test_support::same_bits(mg.bias, g.bias));
    const ln::Summary<T> s = ln::mpi::summarize(neuron, MPI_COMM_WORLD, X_local, y_local);
    CHECK(mpi_support::same(s.coefficient, one.coefficient));
    CHECK(mpi_support::same(s.std_error, one.std_error));
    CHECK(test_support::same_bits(s.log_likelihood, one.log_likelihood));
    CHECK(s.to_string() == one.to_string());
  }
}

TEST_CASE("mpi::fit of sparse X: faults on one rank are refused on every rank, naming it") {
  using S = Sparse<double, Eigen::RowMajor, int>;
  const Index n = 120, d = 4;
  const SparseData<double> data = sparse_data<double>(n, d, 0.5, 31);
  const S X = data.matrix<Eigen::RowMajor, int>();
  const int p = mpi_support::world_size();
  const mpi_support::Partition part = mpi_support::partitions(n, p)[0];
  const bool bad = mpi_support::world_rank() == bad_rank();
  const S X_local = slice_sparse(X, part);
  const Vector<double> y_local = mpi_support::slice(data.y, part);
  ln::FitOptions<double> options;
  options.threads = 1;
  options.max_epochs = 10;
  ln::LogisticNeuron<double> neuron{Vector<double>::Constant(d, 0.5), -1.0};
  const test_support::State<double> before = test_support::state_of(neuron);
  // A stored NaN, then an infinity, in the bad rank's values (CSR and CSC): the message names
  // the entry in that rank's own rows.
  for (const double value : {std::numeric_limits<double>::quiet_NaN(),
                             -std::numeric_limits<double>::infinity()}) {
    S csr = X_local;
    if (bad) csr.coeffRef(1, 0) = value;  // row 1, column 0: stored or inserted
    const Sparse<double, Eigen::ColMajor, std::int64_t> csc = csr;
    const std::string expected =
        at_bad_rank(fit_call, std::string("X(1, 0) is ") + (std::isnan(value) ? "nan" : "-inf") +
                                  "; expected finite values");
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(neuron, MPI_COMM_WORLD, csr, y_local, options); }, expected));
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(neuron, MPI_COMM_WORLD, csc, y_local, options); }, expected));
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::cost(neuron, MPI_COMM_WORLD, csr, y_local); },
        at_bad_rank("logistic_neuron::mpi::cost",
                    std::string("X(1, 0) is ") + (std::isnan(value) ? "nan" : "-inf") +
                        "; expected finite values")));
  }
  CHECK(test_support::same_state(test_support::state_of(neuron), before));
  // An inner index out of range on the bad rank (a Map over its arrays).
  {
    std::vector<int> outer(X_local.outerIndexPtr(),
                           X_local.outerIndexPtr() + X_local.outerSize() + 1);
    std::vector<int> inner(X_local.innerIndexPtr(), X_local.innerIndexPtr() + X_local.nonZeros());
    std::vector<double> values(X_local.valuePtr(), X_local.valuePtr() + X_local.nonZeros());
    // The bad rank's first row with entries gets its last entry's column index out of range;
    // every rank learns which (row, entry) that is, for the message it expects.
    int where[2] = {-1, -1};
    if (bad) {
      for (Index k = 0; k < X_local.rows() && where[0] < 0; ++k) {
        const std::size_t at = static_cast<std::size_t>(k);
        if (outer[at + 1] > outer[at]) {
          where[0] = static_cast<int>(k);
          where[1] = outer[at + 1] - 1;
          inner[static_cast<std::size_t>(where[1])] = int(d) + 3;
        }
      }
    }
    MPI_Bcast(where, 2, MPI_INT, bad_rank(), MPI_COMM_WORLD);
    CHECK(where[0] >= 0);
    const Eigen::Map<const S> map(X_local.rows(), X_local.cols(), X_local.nonZeros(), outer.data(),
                                  inner.data(), values.data());
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(neuron, MPI_COMM_WORLD, map, y_local, options); },
        at_bad_rank(fit_call, "sparse X's row " + std::to_string(where[0]) + " has inner index " +
                                  std::to_string(d + 3) + " at entry " + std::to_string(where[1]) +
                                  "; expected indices in [0, " + std::to_string(d) +
                                  ") that increase along each row")));
  }
  // Coordinate descent: refused as for dense X, with the same message.
  {
    ln::FitOptions<double> cd = options;
    cd.solver = ln::Solver::coordinate_descent;
    cd.lambda = 0.1;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, cd); },
        std::string(fit_call) +
            ": rank 0: FitOptions::solver is coordinate_descent, which needs the columns of all "
            "of X in one process; expected one of the solvers that need only sums over rows: "
            "gradient_descent, newton, lbfgs or newton_cg"));
  }
  CHECK(test_support::same_state(test_support::state_of(neuron), before));
  if (p < 2) return;  // one rank agrees with itself (the same on every rank)
  // Columns, kinds of X and index types that differ from rank 0's.
  {
    const S wide = bad ? S(X_local.rows(), d + 1) : X_local;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] { ln::mpi::fit(neuron, MPI_COMM_WORLD, wide, y_local, options); },
        at_bad_rank(fit_call, "the number of columns (features) of X is 5 here but 4 on rank 0; "
                              "expected the same columns on every rank")));
  }
  {
    const Dense<double, Eigen::RowMajor> dense = X_local;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] {
          if (bad) {
            ln::mpi::fit(neuron, MPI_COMM_WORLD, dense, y_local, options);
          } else {
            ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, options);
          }
        },
        at_bad_rank(fit_call, "the kind of X is dense here but sparse with 32-bit indices on "
                              "rank 0; expected one kind of X on every rank (all dense, or all "
                              "sparse with one index type)")));
  }
  {
    const Sparse<double, Eigen::RowMajor, std::int64_t> wide_index = X_local;
    CHECK(mpi_support::every_rank_throws<std::invalid_argument>(
        [&] {
          if (bad) {
            ln::mpi::cost(neuron, MPI_COMM_WORLD, wide_index, y_local);
          } else {
            ln::mpi::cost(neuron, MPI_COMM_WORLD, X_local, y_local);
          }
        },
        at_bad_rank("logistic_neuron::mpi::cost",
                    "the kind of X is sparse with 64-bit indices here but sparse with 32-bit "
                    "indices on rank 0; expected one kind of X on every rank (all dense, or all "
                    "sparse with one index type)")));
  }
  CHECK(test_support::same_state(test_support::state_of(neuron), before));
}

}  // namespace test_mpi_sparse
