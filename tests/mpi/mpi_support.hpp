/// \file mpi_support.hpp
/// \brief Helpers of the MPI tests: the world's rank and size, partitions of the rows over the
/// ranks (uneven, with empty ranks, splitting chunks), each rank's slice of data that every rank
/// generates whole from one seed, the one-process reference fit, and checks that all ranks hold
/// the same bits.
///
/// Every rank runs every test case in the same order and makes the same collective calls, so a
/// test must never leave a case early on one rank: only CHECK (never REQUIRE) here. The
/// library's own errors are agreed (every rank throws), so CHECK_THROWS keeps ranks in step.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/mpi.hpp>

#include "../test_support.hpp"

namespace mpi_support {

namespace ln = logistic_neuron;
using test_support::Index;
using test_support::Vector;
template <class T, int Order>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Order>;

inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}
inline int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

/// A split of n rows over p ranks: the row count of each rank.
struct Partition {
  std::string name;
  std::vector<Index> rows;
  /// The first row of rank r.
  Index offset(int r) const {
    Index o = 0;
    for (int k = 0; k < r; ++k) o += rows[static_cast<std::size_t>(k)];
    return o;
  }
};

/// The partitions every fit is tried on, for n rows over p ranks: even; uneven with rank 1 empty;
/// thin slices (5, 7, 11, ... rows) so that a chunk runs over several ranks; seeded random cut
/// points (which fall inside chunks); everything on the last rank. With one rank they are all
/// the whole data.
inline std::vector<Partition> partitions(Index n, int p) {
  std::vector<Partition> out;
  // The rows not given to any rank go to rank `rest`.
  const auto make = [&](std::string name, std::vector<Index> rows, int rest) {
    Index sum = 0;
    for (Index r : rows) sum += r;
    rows[static_cast<std::size_t>(rest)] += n - sum;
    out.push_back(Partition{std::move(name), std::move(rows)});
  };
  std::vector<Index> even(static_cast<std::size_t>(p));
  for (int r = 0; r < p; ++r) even[static_cast<std::size_t>(r)] = n * (r + 1) / p - n * r / p;
  make("even", even, p - 1);
  std::vector<Index> holes(static_cast<std::size_t>(p), 0);
  for (int r = 0; r < p; ++r) {
    if (r != 1) holes[static_cast<std::size_t>(r)] = n * (r + 2) / (3 * p + 3);
  }
  make("uneven, rank 1 empty", holes, 0);
  std::vector<Index> thin(static_cast<std::size_t>(p), 0);
  const Index sizes[] = {5, 7, 11, 3};
  for (int r = 0; r + 1 < p; ++r) thin[static_cast<std::size_t>(r)] = sizes[r % 4];
  make("thin slices", thin, p - 1);
  test_support::Random random(1234u + static_cast<std::uint32_t>(p));
  std::vector<Index> cuts(static_cast<std::size_t>(p), 0);
  for (int r = 0; r + 1 < p; ++r) {
    cuts[static_cast<std::size_t>(r)] = static_cast<Index>(random.uniform() * double(n) / p * 1.5);
  }
  make("random cuts", cuts, p - 1);
  make("all on the last rank", std::vector<Index>(static_cast<std::size_t>(p), 0), p - 1);
  return out;
}

/// This rank's rows of X (a copy in storage order Order) under the partition.
template <class T, int Order, class M>
Matrix<T, Order> slice_rows(const M& X, const Partition& part) {
  const int r = world_rank();
  return X.middleRows(part.offset(r), part.rows[static_cast<std::size_t>(r)]);
}

/// This rank's entries of a vector under the partition.
template <class V>
V slice(const V& v, const Partition& part) {
  const int r = world_rank();
  return v.segment(part.offset(r), part.rows[static_cast<std::size_t>(r)]);
}

/// A digest of the bits of a vector and a scalar (value and sign of zero; for long double only
/// the value bytes).
template <class T>
std::uint64_t digest(const Vector<T>& v, T b) {
  std::uint64_t h = 14695981039346656037ull;
  const auto add = [&](T x) {
    unsigned char bytes[sizeof(T)] = {};
    const std::size_t used = std::is_same_v<T, long double> ? 10 : sizeof(T);
    std::memcpy(bytes, &x, sizeof(T));
    for (std::size_t k = 0; k < used; ++k) {
      h ^= bytes[k];
      h *= 1099511628211ull;
    }
  };
  for (Index i = 0; i < v.size(); ++i) add(v[i]);
  add(b);
  return h;
}

/// True on every rank when every rank has the same digest.
inline bool all_ranks_agree(std::uint64_t mine) {
  unsigned long long low = mine, high = mine;
  MPI_Allreduce(MPI_IN_PLACE, &low, 1, MPI_UNSIGNED_LONG_LONG, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(MPI_IN_PLACE, &high, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
  return low == high;
}

/// True when a and b have the same bits.
template <class T>
bool same(const Vector<T>& a, const Vector<T>& b) {
  return test_support::same_bits(a, b);
}

/// The fit LogisticNeuron::fit makes in one process, with S added along the chunk tree
/// (detail::chunk_weight_total) as the sharded dataset adds it: the same call otherwise
/// (targets, class weights, scale exponent, detail::fit_data). With unit weights, or weights
/// whose sums are exact in any order, this is LogisticNeuron::fit bit for bit.
template <class T, int Order>
ln::FitResult<T> reference_fit(const Matrix<T, Order>& X, const Vector<double>& y,
                               const Vector<T>* weight, const ln::FitOptions<T>& options,
                               Vector<T>& w, T& b) {
  namespace detail = ln::detail;
  const char* caller = "reference";
  detail::Targets<T> targets = weight ? detail::weighted_targets<T>(caller, X.rows(), y, *weight)
                                      : detail::unweighted_targets<T>(caller, X.rows(), y);
  detail::apply_class_weight(caller, options.class_weight, targets);
  const detail::XRef<T, Order> Xr(X);
  const detail::DenseX<T, Order> kind(Xr);
  const int exponent = detail::require_finite(caller, kind);
  const detail::InMemory<detail::DenseX<T, Order>> data(kind, targets, exponent);
  targets.total_weight = detail::chunk_weight_total(data);  // data reads targets through a pointer
  if (!(options.warm_start && w.size() == X.cols())) {
    w = Vector<T>::Zero(X.cols());
    b = 0;
  }
  return detail::fit_data(data, options, 1, w, b);
}

/// The parts of two FitResults that must agree bit for bit.
template <class T>
bool same_result(const ln::FitResult<T>& a, const ln::FitResult<T>& b) {
  bool same_history = a.cost_history.size() == b.cost_history.size();
  for (std::size_t k = 0; same_history && k < a.cost_history.size(); ++k) {
    same_history = test_support::same_bits(a.cost_history[k], b.cost_history[k]);
  }
  return same_history && a.epochs == b.epochs && a.stop_reason == b.stop_reason &&
         test_support::same_bits(a.cost, b.cost) &&
         test_support::same_bits(a.gradient_norm, b.gradient_norm) &&
         test_support::same_bits(a.learning_rate, b.learning_rate);
}

/// The parts of two Separation reports that must agree when no rank subsamples (rule 1 is
/// taken per rank, on ranks with at least twice separation_subsample_rows rows).
template <class T>
bool same_separation(const ln::Separation<T>& a, const ln::Separation<T>& b) {
  return a.checked == b.checked && a.detected == b.detected && a.kind == b.kind &&
         a.overlap_certified == b.overlap_certified && a.misclassified == b.misclassified &&
         a.confident == b.confident && test_support::same_bits(a.min_margin, b.min_margin) &&
         test_support::same_bits(a.max_abs_logit, b.max_abs_logit) &&
         a.probe_steps == b.probe_steps && a.probe_misclassified == b.probe_misclassified;
}

/// mpi::fit of this rank's rows (X_local, y_local, and its slice of s unless s is empty) under
/// `part`, checked bit for bit against the one-process reference (w_ref, b_ref, ref) on every
/// rank; the caller's INFO names the case.
template <class T, class XLocal>
void check_sharded_fit(const XLocal& X_local, const Vector<double>& y_local, const Vector<T>& s,
                       const Partition& part, const ln::FitOptions<T>& options,
                       const Vector<T>& w_ref, T b_ref, const ln::FitResult<T>& ref) {
  ln::LogisticNeuron<T> neuron;
  ln::FitResult<T> result;
  if (s.size()) {
    const Vector<T> s_local = slice(s, part);
    result = ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, s_local, options);
  } else {
    result = ln::mpi::fit(neuron, MPI_COMM_WORLD, X_local, y_local, options);
  }
  CHECK(same(neuron.weights(), w_ref));
  CHECK(test_support::same_bits(neuron.bias(), b_ref));
  CHECK(same_result(result, ref));
  CHECK(same_separation(result.separation, ref.separation));
  CHECK(all_ranks_agree(digest(neuron.weights(), neuron.bias())));
}

/// One fit configuration of the partition tests: its name, the options, the kind of sample
/// weights (each test file's own enum) and whether S = sum s_i times the class weights is exact
/// in any order (then LogisticNeuron::fit, which adds S in row order, gives the chunk tree's
/// bits too).
template <class T, class Weights>
struct FitConfig {
  std::string name;
  ln::FitOptions<T> options;
  Weights weights{};
  bool exact = true;
};

/// Appends a configuration with options.threads = 1 and the options `set` writes.
template <class T, class Weights, class Set>
void add_config(std::vector<FitConfig<T, Weights>>& out, std::string name, Weights weights,
                Set&& set) {
  FitConfig<T, Weights> c;
  c.name = std::move(name);
  c.weights = weights;
  c.options.threads = 1;
  set(c.options);
  out.push_back(std::move(c));
}

/// n seeded sample weights: dyadic (multiples of 1/4 up to 2, whose sums are exact in any
/// order) or random in [0.1, 2.1).
template <class T>
Vector<T> sample_weights(bool dyadic, Index n, std::uint32_t seed) {
  Vector<T> s(n);
  test_support::Random random(seed);
  for (Index i = 0; i < n; ++i) {
    s[i] = dyadic ? T(0.25) * T(1 + static_cast<int>(random.uniform() * 8))
                  : static_cast<T>(0.1 + 2 * random.uniform());
  }
  return s;
}

/// The single type of the error each rank threw (or "none") and its message, agreed: true on
/// every rank when every rank threw E with a message equal to `expected`.
template <class E, class F>
bool every_rank_throws(const F& f, const std::string& expected, std::string* seen = nullptr) {
  bool ok = false;
  std::string message = "(nothing thrown)";
  try {
    f();
  } catch (const std::exception& e) {
    message = e.what();
    ok = typeid(e) == typeid(E) && message == expected;
  }
  if (seen) *seen = message;
  int all = ok ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (!ok) MESSAGE("rank ", world_rank(), " saw: ", message);
  return all == 1;
}

}  // namespace mpi_support
