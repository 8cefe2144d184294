// Per-pass cost of Summation::reproducible against Summation::fast (docs/mpi.md). Each rank
// holds its even share of an n x d row-major problem; the library's own passes run over a
// ShardedDense in each mode, interleaved: the fused cost + gradient pass (detail::evaluate_at,
// d + 2 sums per chunk) and, with --hessian, Newton's Hessian pass ((d+1)^2 sums per chunk).
// Reported: the median pass of the slowest rank (a barrier before each), and the reduction alone
// (this rank's chunk sums to the total, after a barrier, so without waiting for slower ranks).
// Not a test (it asserts nothing, and times): built on demand, see docs/mpi.md.
//   cmake --build build --target logistic_neuron_mpi_pass_cost
//   mpirun -n 2 build/tests/mpi/logistic_neuron_mpi_pass_cost n d reps threads [hessian]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/mpi.hpp>

namespace ln = logistic_neuron;
namespace detail = ln::detail;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double slowest(double t) {
  MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return t;
}

template <class Data>
double reduction_alone(const Data& data, Eigen::Index size, int reps) {
  std::vector<double> t;
  double sink = 0;
  for (int k = 0; k < reps; ++k) {
    detail::ChunkSums<double> sums(data.first_chunk(), data.chunk_count(), size);
    for (Eigen::Index c = 0; c < data.chunk_count(); ++c) {
      sums[data.first_chunk() + c].setConstant(1e-3 * double(c + 1));
    }
    MPI_Barrier(MPI_COMM_WORLD);
    const double start = MPI_Wtime();
    sink += sums.total(data.reduction())[0];
    t.push_back(slowest(MPI_Wtime() - start));
  }
  if (sink == -1) std::printf("(never)\n");
  return median(t);
}

void run(int argc, char** argv) {
  int rank = 0, p = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &p);
  const Eigen::Index n = argc > 1 ? std::atol(argv[1]) : 1000000;
  const Eigen::Index d = argc > 2 ? std::atol(argv[2]) : 32;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 20;
  const int threads = argc > 4 ? std::atoi(argv[4]) : 1;
  const bool hessian = argc > 5 && std::string(argv[5]) == "hessian";
  std::vector<Eigen::Index> rows(static_cast<std::size_t>(p));
  for (int r = 0; r < p; ++r) rows[static_cast<std::size_t>(r)] = n * (r + 1) / p - n * r / p;
  const Eigen::Index m = rows[static_cast<std::size_t>(rank)];
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> X(m, d);
  std::srand(static_cast<unsigned>(rank + 1));
  X.setRandom();
  Eigen::VectorXd y(m);
  for (Eigen::Index i = 0; i < m; ++i) y[i] = X(i, 0) + 0.3 * X(i, 1) > 0 ? 1 : 0;
  detail::Targets<double> targets;
  targets.sign = detail::label_signs<double>("bench", m, y);
  const detail::XRef<double, Eigen::RowMajor> Xr(X);
  const detail::Layout layout = detail::make_layout(n, d, sizeof(double), false);
  const detail::PrivateComm comm(MPI_COMM_WORLD, "bench");
  const detail::ShardedDense<double, Eigen::RowMajor> repro(
      comm.get(), detail::make_shard_plan(rank, rows, layout), Xr, targets, false, true, 0);
  const detail::ShardedDense<double, Eigen::RowMajor> fast(
      comm.get(), detail::make_shard_plan(rank, rows, layout), Xr, targets, false, false, 0);
  Eigen::VectorXd w = Eigen::VectorXd::Constant(d, 0.01), gw;
  double gb = 0, sink = 0;
  std::vector<double> t[2];
  for (int k = -2; k < reps; ++k) {
    for (int mode = 0; mode < 2; ++mode) {
      const auto& data = mode == 0 ? repro : fast;
      MPI_Barrier(MPI_COMM_WORLD);
      const double start = MPI_Wtime();
      if (hessian) {
        sink += detail::hessian_sums(data, w, 0.1, 1.0, threads)(0, 0);
      } else {
        sink += detail::evaluate_at(data, w, 0.1, 0.0, threads, gw, gb);
      }
      const double elapsed = slowest(MPI_Wtime() - start);
      if (k >= 0) t[mode].push_back(elapsed);
    }
  }
  const Eigen::Index size = hessian ? (d + 1) * (d + 1) : d + 2;
  const double alone[2] = {reduction_alone(repro, size, hessian ? 50 : 1000),
                           reduction_alone(fast, size, hessian ? 50 : 1000)};
  if (rank == 0) {
    const double mr = median(t[0]), mf = median(t[1]);
    std::printf("%s pass, n %ld, d %ld, %d ranks x %d threads, %ld chunks, %d reps, %ld sums per chunk\n",
                hessian ? "Hessian" : "cost+gradient", static_cast<long>(n), static_cast<long>(d), p,
                threads, static_cast<long>(layout.chunks), reps, static_cast<long>(size));
    std::printf("  pass (median, slowest rank): reproducible %.3f ms, fast %.3f ms (%+.2f%%)\n",
                1e3 * mr, 1e3 * mf, 100 * (mr - mf) / mf);
    std::printf("  reduction alone (median): reproducible %.1f us, fast %.1f us; "
                "difference %.1f us = %.3f%% of the fast pass\n",
                1e6 * alone[0], 1e6 * alone[1], 1e6 * (alone[0] - alone[1]),
                100 * (alone[0] - alone[1]) / mf);
  }
  if (sink == -1) std::printf("(never)\n");
}

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  run(argc, argv);
  MPI_Finalize();
  return 0;
}
