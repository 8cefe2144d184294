// The shard plan (detail/mpi_dataset.hpp): for many splits of n rows over p ranks (empty ranks,
// thin ranks, chunks that straddle several ranks), the ranks' pieces cover every row exactly
// once, each piece starts at a chunk boundary, the owned chunk ranges are consecutive in rank
// order, and every row a rank sends is one that its owner expects. Pure computation, the same on
// every rank.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "mpi_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_mpi_plan {

namespace {

using mpi_support::Index;
using mpi_support::Vector;
namespace detail = logistic_neuron::detail;

/// Checks the plans of every rank for the row counts `rows` and chunks of C rows; returns the
/// number of failed invariants.
int check_plans(const std::vector<Index>& rows, Index C) {
  Index n = 0;
  for (Index r : rows) n += r;
  detail::Layout layout;
  layout.chunk_rows = C;
  layout.block_rows = C;
  layout.chunks = n == 0 ? 0 : (n + C - 1) / C;
  const int p = static_cast<int>(rows.size());
  std::vector<detail::ShardPlan> plans;
  for (int r = 0; r < p; ++r) plans.push_back(detail::make_shard_plan(r, rows, layout));
  int failures = 0;
  const auto expect = [&](bool ok) { failures += ok ? 0 : 1; };
  std::vector<int> covered(static_cast<std::size_t>(n), 0);
  Index next_chunk = 0;
  for (int r = 0; r < p; ++r) {
    const detail::ShardPlan& plan = plans[static_cast<std::size_t>(r)];
    const Index o = plan.offset[static_cast<std::size_t>(r)];
    expect(plan.total_rows == n);
    if (plan.chunk_count > 0) {
      expect(plan.first_chunk == next_chunk);
      next_chunk = plan.first_chunk + plan.chunk_count;
    }
    // The view: whole chunks from a boundary.
    if (plan.view_end > plan.view_begin) {
      expect((o + plan.view_begin) % C == 0);
      expect(o + plan.view_begin == plan.first_chunk * C);
      expect((o + plan.view_end) % C == 0 || o + plan.view_end == n);
    }
    for (Index i = o + plan.view_begin; i < o + plan.view_end; ++i) ++covered[static_cast<std::size_t>(i)];
    // The copy: one chunk, the rank's tail then its sources' leads.
    if (plan.copy_chunk >= 0) {
      expect(plan.copy_chunk == plan.first_chunk + plan.chunk_count - 1);
      expect(o + plan.copy_begin == plan.copy_chunk * C);
      Index from_sources = 0;
      for (const auto& [source, k] : plan.sources) {
        const detail::ShardPlan& sender = plans[static_cast<std::size_t>(source)];
        expect(sender.lead_owner == r && sender.lead_rows == k && source > r);
        from_sources += k;
      }
      expect(plan.copy_rows == rows[static_cast<std::size_t>(r)] - plan.copy_begin + from_sources);
      expect(plan.copy_rows == std::min(n, (plan.copy_chunk + 1) * C) - plan.copy_chunk * C);
      for (Index i = 0; i < plan.copy_rows; ++i) {
        ++covered[static_cast<std::size_t>(plan.copy_chunk * C + i)];
      }
    }
    // The leading rows: sent to the rank that owns their chunk, which lists them.
    if (plan.lead_rows > 0) {
      const detail::ShardPlan& owner = plans[static_cast<std::size_t>(plan.lead_owner)];
      const bool listed = std::any_of(owner.sources.begin(), owner.sources.end(),
                                      [&](const auto& s) { return s.first == r; });
      expect(listed && owner.copy_chunk == o / C);
      expect(plan.view_begin == plan.lead_rows || rows[static_cast<std::size_t>(r)] == plan.lead_rows);
    }
    expect(plan.piece_rows() == plan.view_end - plan.view_begin + plan.copy_rows);
  }
  expect(next_chunk == layout.chunks);
  for (int c : covered) expect(c == 1);
  return failures;
}

}  // namespace

TEST_CASE("shard plan: every row in exactly one piece, whole chunks, sends matched") {
  test_support::Random random(77);
  int failures = 0, cases = 0;
  for (int p = 1; p <= 7; ++p) {
    for (Index C : {1, 2, 3, 8, 32, 1000}) {
      for (int trial = 0; trial < 40; ++trial) {
        std::vector<Index> rows(static_cast<std::size_t>(p));
        for (Index& r : rows) {
          const double u = random.uniform();
          r = u < 0.25 ? 0 : u < 0.5 ? static_cast<Index>(random.uniform() * 4)
                                     : static_cast<Index>(random.uniform() * 3.0 * double(C));
        }
        failures += check_plans(rows, C);
        ++cases;
      }
    }
  }
  CHECK(cases == 7 * 6 * 40);
  CHECK(failures == 0);
  // No rows at all, and one rank with everything.
  CHECK(check_plans({0, 0, 0}, 4) == 0);
  CHECK(check_plans({0, 10, 0}, 4) == 0);
}

TEST_CASE("shard plan: a chunk over four ranks goes to its owner whole") {
  // Chunks of 8 rows; ranks of 3, 2, 0, 2, 9 rows: chunk 0 (rows 0-7) starts on rank 0 and runs
  // over ranks 1 and 3 (rank 2 has none) into rank 4, which owns chunk 1 (rows 8-15).
  const std::vector<Index> rows = {3, 2, 0, 2, 9};
  CHECK(check_plans(rows, 8) == 0);
  detail::Layout layout;
  layout.chunk_rows = layout.block_rows = 8;
  layout.chunks = 2;
  const detail::ShardPlan first = detail::make_shard_plan(0, rows, layout);
  CHECK(first.copy_chunk == 0);
  CHECK(first.copy_rows == 8);
  CHECK(first.sources.size() == 3);
  const detail::ShardPlan last = detail::make_shard_plan(4, rows, layout);
  CHECK(last.lead_rows == 1);
  CHECK(last.lead_owner == 0);
  CHECK(last.first_chunk == 1);
  CHECK(last.view_begin == 1);
  CHECK(last.view_end == 9);
  CHECK(last.copy_chunk == -1);
  const detail::ShardPlan empty = detail::make_shard_plan(2, rows, layout);
  CHECK(empty.chunk_count == 0);
  CHECK(empty.lead_rows == 0);
  CHECK(empty.piece_rows() == 0);
}

TEST_CASE("sharded dataset and reduction: pieces, halo copies and the chunk tree across ranks") {
  namespace ln = logistic_neuron;
  const int p = mpi_support::world_size();
  const Index n = 203, d = 3;
  const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 9);
  Vector<double> s(n);
  for (Index i = 0; i < n; ++i) s[i] = 0.1 + 0.01 * static_cast<double>(i % 17);
  for (const mpi_support::Partition& part : mpi_support::partitions(n, p)) {
    INFO(part.name);
    const mpi_support::Matrix<double, Eigen::RowMajor> X_local =
        mpi_support::slice_rows<double, Eigen::RowMajor>(data.X, part);
    detail::Targets<double> targets;
    targets.sign = detail::label_signs<double>("test", X_local.rows(), mpi_support::slice(data.y, part));
    targets.weight = mpi_support::slice(s, part);
    const detail::XRef<double, Eigen::RowMajor> Xr(X_local);
    const detail::Layout layout = detail::make_layout(n, d, sizeof(double), false);
    const detail::PrivateComm comm(MPI_COMM_WORLD, "test");
    const detail::ShardedDense<double, Eigen::RowMajor> sharded(
        comm.get(), detail::make_shard_plan(comm.rank(), part.rows, layout), Xr, targets, true, true, 0);
    // The pieces hold every row once; with thin slices some rank copies a chunk.
    long long counts[2] = {sharded.local_rows(), sharded.plan().copy_chunk >= 0 ? 1 : 0};
    MPI_Allreduce(MPI_IN_PLACE, counts, 2, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    CHECK(counts[0] == n);
    if (p > 1 && part.name == "thin slices") CHECK(counts[1] > 0);
    CHECK(layout.chunks > 4);  // 1 KiB chunks: the cut points fall inside chunks
    // S along the chunk tree, as one process computes it.
    const mpi_support::Matrix<double, Eigen::RowMajor> X_all = data.X;
    const detail::XRef<double, Eigen::RowMajor> Xa(X_all);
    const detail::DenseX<double, Eigen::RowMajor> kind(Xa);
    detail::Targets<double> all = detail::weighted_targets<double>("test", n, data.y, s);
    const detail::InMemory<detail::DenseX<double, Eigen::RowMajor>> one(kind, all, 0);
    CHECK(test_support::same_bits(sharded.total_weight(), detail::chunk_weight_total(one)));
    CHECK(test_support::same_bits(sharded.first_row<long double>()[1],
                                  static_cast<long double>(data.X(0, 1))));
  }
}

TEST_CASE("MpiReduction: rank-order merge of frontiers equals one process's chunk tree") {
  const int p = mpi_support::world_size(), rank = mpi_support::world_rank();
  test_support::Random random(3);
  for (int trial = 0; trial < 20; ++trial) {
    // Chunk ranges of every rank (some empty), and one random vector per chunk.
    std::vector<Index> counts(static_cast<std::size_t>(p));
    Index K = 0;
    for (Index& c : counts) {
      c = random.uniform() < 0.2 ? 0 : static_cast<Index>(random.uniform() * 9);
      K += c;
    }
    if (K == 0) continue;  // (the same on every rank)
    const Index size = 5;
    std::vector<Vector<double>> chunks;
    for (Index c = 0; c < K; ++c) {
      Vector<double> v(size);
      for (Index j = 0; j < size; ++j) v[j] = random.normal() * std::pow(10.0, 8 * random.uniform());
      chunks.push_back(v);
    }
    detail::ChunkSums<double> whole(0, K, size);
    for (Index c = 0; c < K; ++c) whole[c] = chunks[static_cast<std::size_t>(c)];
    const Vector<double> expected = whole.total(nullptr);
    Index first = 0;
    for (int r = 0; r < rank; ++r) first += counts[static_cast<std::size_t>(r)];
    detail::ChunkSums<double> mine(first, counts[static_cast<std::size_t>(rank)], size);
    for (Index c = first; c < first + counts[static_cast<std::size_t>(rank)]; ++c) {
      mine[c] = chunks[static_cast<std::size_t>(c)];
    }
    const detail::MpiReduction reduction(MPI_COMM_WORLD, true, K);
    const Vector<double> got = mine.total(&reduction);
    CHECK(mpi_support::same(got, expected));
  }
}

}  // namespace test_mpi_plan
