// scale_bench: the time of one pass over X sharded across MPI ranks, and the part of it spent in
// the reduction across ranks (issue 12). Run under mpirun; see bench/scale/README.md.
//
//   scale_bench --rows N --cols D [--type double|float] [--order col|row] [--passes K]
//               [--threads T]
//     Each rank makes its share of an N x D matrix (row i is the same whatever the number of
//     ranks), builds the sharded dataset that mpi::fit builds, and times K passes of the
//     objective (cost and gradient: what one epoch of gradient descent or L-BFGS costs), with
//     the reproducible and the fast summation. Prints one table row per summation: the pass
//     time (median over passes of the slowest rank), the time in the reduction (median of the
//     slowest rank's; waiting for other ranks included), and their ratio; then the communication
//     alone: the pass's merges (as many a pass as it made, of the same frontier) each timed after
//     a barrier, and its ratio to the pass.
//   scale_bench --reduction [--reps K]
//     Times the library's reduction alone (MpiReduction::merge of frontiers like a pass's) for
//     vectors of 34 to 251001 long doubles (d + 2 for d = 32 and 500; (d+1)^2 for Newton's
//     Hessian at d = 63, 180 and 500), ranks synchronised by a barrier first: the latency and
//     bandwidth that docs/mpi.md's scaling model uses.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <logistic_neuron/mpi.hpp>

namespace ln = logistic_neuron;
namespace detail = logistic_neuron::detail;

namespace {

struct Args {
  Eigen::Index rows = 1000000, cols = 32;
  std::string type = "double", order = "col";
  int passes = 15, threads = 1, reps = 200;
  bool reduction = false;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    const auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (k == "--rows")
      a.rows = std::atol(next().c_str());
    else if (k == "--cols")
      a.cols = std::atol(next().c_str());
    else if (k == "--type")
      a.type = next();
    else if (k == "--order")
      a.order = next();
    else if (k == "--passes")
      a.passes = std::atoi(next().c_str());
    else if (k == "--threads")
      a.threads = std::atoi(next().c_str());
    else if (k == "--reps")
      a.reps = std::atoi(next().c_str());
    else if (k == "--reduction")
      a.reduction = true;
  }
  return a;
}

// Entry (i, j) of the synthetic X, and label i: a counter-based generator (splitmix64).
double uniform(std::uint64_t i, std::uint64_t j) {
  std::uint64_t x = i * 0x100000001b3ull + j + 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1p-53;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double max_over_ranks(double x) {
  MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return x;
}

/// The median (over reps, of the slowest rank) of one merge by the dataset's reduction of a
/// frontier like a pass's: one node of `size` values per chunk this rank owns, pushed in order.
template <class Acc, class Data>
double merge_alone(const Data& data, Eigen::Index size, int reps) {
  std::vector<double> times;
  for (int k = 0; k < reps; ++k) {
    detail::ChunkSums<Acc> sums(data.first_chunk(), data.chunk_count(), size);
    detail::Frontier<Acc> frontier;
    for (Eigen::Index c = data.first_chunk(); c < data.first_chunk() + data.chunk_count(); ++c) {
      sums[c].setConstant(Acc(1));
      detail::push_node(frontier, detail::TreeNode<Acc>{0, c, sums[c]});
    }
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    data.reduction()->merge(frontier, size);
    times.push_back(max_over_ranks(MPI_Wtime() - start));
  }
  return median(times);
}

template <class T, int Order>
void run_passes(const Args& a, int rank, int size) {
  using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Order>;
  const Eigen::Index first = a.rows * rank / size, last = a.rows * (rank + 1) / size;
  const Eigen::Index m = last - first, d = a.cols;
  Matrix X(m, d);
  detail::Targets<T> targets;
  targets.sign.resize(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const auto g = static_cast<std::uint64_t>(first + i);
    for (Eigen::Index j = 0; j < d; ++j)
      X(i, j) = static_cast<T>(2 * uniform(g, static_cast<std::uint64_t>(j)) - 1);
    targets.sign[i] = uniform(g, 1u << 20) < 0.5 ? T(1) : T(-1);
  }
  const detail::XRef<T, Order> Xr(X);
  std::vector<Eigen::Index> rows(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r)
    rows[static_cast<std::size_t>(r)] = a.rows * (r + 1) / size - a.rows * r / size;
  const detail::Layout layout = detail::make_layout(a.rows, d, sizeof(T), Order == Eigen::ColMajor);
  detail::Vector<T> theta(d + 1);
  for (Eigen::Index j = 0; j <= d; ++j)
    theta[j] = static_cast<T>(0.1 * (uniform(7, static_cast<std::uint64_t>(j)) - 0.5));
  for (const bool reproducible : {true, false}) {
    const detail::PrivateComm comm(MPI_COMM_WORLD, "scale_bench");
    const double setup_start = MPI_Wtime();
    const detail::ShardedDense<T, Order> data(comm.get(),
                                              detail::make_shard_plan(rank, rows, layout), Xr,
                                              targets, false, reproducible, 0);
    const double setup = max_over_ranks(MPI_Wtime() - setup_start);
    const detail::Problem<detail::ShardedDense<T, Order>> problem(
        data, T(0), ln::CostReduction::mean, a.threads);
    detail::Vector<T> g;
    problem.evaluate(theta, g);  // warm-up
    std::vector<double> pass, comm_time;
    const long long merges_before = data.mpi_reduction().merges();
    for (int k = 0; k < a.passes; ++k) {
      MPI_Barrier(MPI_COMM_WORLD);
      const double before = data.mpi_reduction().seconds();
      const double start = MPI_Wtime();
      problem.evaluate(theta, g);
      const double elapsed = MPI_Wtime() - start;
      pass.push_back(max_over_ranks(elapsed));
      comm_time.push_back(max_over_ranks(data.mpi_reduction().seconds() - before));
    }
    const double merges = static_cast<double>(data.mpi_reduction().merges() - merges_before) /
                          static_cast<double>(a.passes);
    // The communication alone: the same merges (this rank's frontier of d + 2 sums over its own
    // chunks, the pass's), each timed after a barrier, so that no waiting for a slower rank is in it.
    const double alone = merges * merge_alone<detail::Accum<T>>(data, d + 2, a.reps);
    const double p = median(pass), c = median(comm_time);
    if (rank == 0) {
      std::printf(
          "| %ld x %ld | %s | %s | %d | %d | %.1f | %s | %.3f | %.4f | %.2f%% | %.4f | %.3f%% "
          "| %.1f |\n",
          static_cast<long>(a.rows), static_cast<long>(d), a.type.c_str(), a.order.c_str(), size,
          a.threads, static_cast<double>(a.rows) * static_cast<double>(d) * sizeof(T) / 1e6,
          reproducible ? "reproducible" : "fast", 1e3 * p, 1e3 * c, 100 * c / p, 1e3 * alone,
          100 * alone / p, 1e3 * setup);
    }
  }
}

void run_reduction(const Args& a, int rank, int size) {
  using Acc = long double;
  const Eigen::Index sizes[] = {34, 502, 4096, 32761, 251001};
  for (const bool reproducible : {true, false}) {
    for (const Eigen::Index m : sizes) {
      const Eigen::Index chunks = 8, first = 3 + chunks * rank;  // a frontier of a few nodes
      const detail::MpiReduction reduction(MPI_COMM_WORLD, reproducible, first + chunks);
      const int reps = m > 100000 ? std::max(5, a.reps / 20) : a.reps;
      std::vector<double> times;
      Eigen::Index nodes = 0;
      for (int k = 0; k < reps; ++k) {
        detail::ChunkSums<Acc> sums(first, chunks, m);
        for (Eigen::Index c = first; c < first + chunks; ++c) sums[c].setConstant(Acc(1));
        detail::Frontier<Acc> frontier;
        for (Eigen::Index c = first; c < first + chunks; ++c) {
          detail::push_node(frontier, detail::TreeNode<Acc>{0, c, sums[c]});
        }
        nodes = static_cast<Eigen::Index>(frontier.size());
        MPI_Barrier(MPI_COMM_WORLD);
        const double start = MPI_Wtime();
        reduction.merge(frontier, m);
        times.push_back(max_over_ranks(MPI_Wtime() - start));
      }
      const double t = median(times);
      const double bytes = static_cast<double>(nodes * m) * sizeof(Acc);
      if (rank == 0) {
        std::printf("| %d | %s | %ld | %ld | %.1f | %.1f | %.2f |\n", size,
                    reproducible ? "reproducible" : "fast", static_cast<long>(m),
                    static_cast<long>(nodes), bytes / 1e3, 1e6 * t, bytes / t / 1e9);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const Args a = parse(argc, argv);
  if (a.reduction) {
    run_reduction(a, rank, size);
  } else if (a.type == "float") {
    if (a.order == "row")
      run_passes<float, Eigen::RowMajor>(a, rank, size);
    else
      run_passes<float, Eigen::ColMajor>(a, rank, size);
  } else {
    if (a.order == "row")
      run_passes<double, Eigen::RowMajor>(a, rank, size);
    else
      run_passes<double, Eigen::ColMajor>(a, rank, size);
  }
  MPI_Finalize();
  return 0;
}
