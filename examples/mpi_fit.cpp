// mpi_fit: one logistic regression fitted over rows spread across MPI processes.
//
//   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j --target mpi_fit
//   mpirun -n 4 build/examples/mpi_fit            # optionally: the number of rows (100000)
//
// Each rank makes its own rows of a synthetic problem (row i is the same whatever the number of
// ranks, and the ranks get unequal shares), then every rank calls logistic_neuron::mpi::fit on
// its rows. The program prints what each rank fitted, checks that every rank holds the same
// parameters bit for bit, and (on rank 0, which then makes all the rows) that they are the
// parameters LogisticNeuron::fit finds on all the rows in one process.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/mpi.hpp>

namespace ln = logistic_neuron;

namespace {

constexpr Eigen::Index features = 5;

// A counter-based generator (splitmix64): entry k of row i is the same on every rank.
double uniform(std::uint64_t i, std::uint64_t k) {
  std::uint64_t x = i * 16 + k + 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return static_cast<double>(x >> 11) * 0x1p-53;
}

// Rows [first, first + count): features uniform in (-1, 1), labels from a logistic model with
// w = (1.5, -2, 0.5, 0, 1) and b = -0.25.
void make_rows(Eigen::Index first, Eigen::Index count, Eigen::MatrixXd& X, Eigen::VectorXd& y) {
  const double w[features] = {1.5, -2.0, 0.5, 0.0, 1.0};
  X.resize(count, features);
  y.resize(count);
  for (Eigen::Index r = 0; r < count; ++r) {
    const auto i = static_cast<std::uint64_t>(first + r);
    double z = -0.25;
    for (Eigen::Index j = 0; j < features; ++j) {
      X(r, j) = 2 * uniform(i, static_cast<std::uint64_t>(j)) - 1;
      z += w[j] * X(r, j);
    }
    y[r] = uniform(i, 15) < 1 / (1 + std::exp(-z)) ? 1 : 0;
  }
}

// The bits of the parameters, for comparing them exactly.
std::vector<std::uint64_t> bits(const ln::LogisticNeuron<double>& neuron) {
  std::vector<std::uint64_t> out(static_cast<std::size_t>(features) + 1);
  for (Eigen::Index j = 0; j <= features; ++j) {
    const double v = j < features ? neuron.weights()[j] : neuron.bias();
    std::memcpy(&out[static_cast<std::size_t>(j)], &v, sizeof v);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const Eigen::Index n = argc > 1 ? std::atol(argv[1]) : 100000;

  // Rank r gets a share of the rows proportional to r + 1.
  const Eigen::Index parts = Eigen::Index(size) * (size + 1) / 2;
  const Eigen::Index first = n * (Eigen::Index(rank) * (rank + 1) / 2) / parts;
  const Eigen::Index last = n * (Eigen::Index(rank + 1) * (rank + 2) / 2) / parts;
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
  make_rows(first, last - first, X, y);

  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = 1e-10;
  options.threads = 1;  // one rank per core
  ln::LogisticNeuron<double> neuron;
  ln::FitResult<double> result;
  double accuracy = 0;
  try {
    result = ln::mpi::fit(neuron, MPI_COMM_WORLD, X, y, options);
    accuracy = ln::mpi::metrics::accuracy(MPI_COMM_WORLD, y, neuron.predict(X));
  } catch (const std::exception& e) {
    // Every rank throws the same exception: each reports it and exits.
    std::fprintf(stderr, "mpi_fit: rank %d: error: %s\n", rank, e.what());
    MPI_Finalize();
    return 1;
  }

  // Every rank's line, printed by rank 0 in rank order.
  char line[256];
  std::snprintf(line, sizeof line, "rank %d: rows %ld-%ld, w = (%.6f, %.6f, %.6f, %.6f, %.6f), b = %.6f",
                rank, static_cast<long>(first), static_cast<long>(last - 1), neuron.weights()[0],
                neuron.weights()[1], neuron.weights()[2], neuron.weights()[3], neuron.weights()[4],
                neuron.bias());
  std::vector<char> lines(rank == 0 ? sizeof line * static_cast<std::size_t>(size) : 0);
  MPI_Gather(line, sizeof line, MPI_CHAR, lines.data(), sizeof line, MPI_CHAR, 0, MPI_COMM_WORLD);

  // Every rank's bits against rank 0's.
  std::vector<std::uint64_t> mine = bits(neuron), root = mine;
  MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_UINT64_T, 0, MPI_COMM_WORLD);
  int agree = mine == root ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &agree, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);

  int status = agree ? 0 : 1;
  if (rank == 0) {
    std::printf("%ld rows over %d ranks, %ld features\n", static_cast<long>(n), size,
                static_cast<long>(features));
    for (int r = 0; r < size; ++r) std::printf("%s\n", lines.data() + sizeof line * static_cast<std::size_t>(r));
    std::printf("%ld epochs (%s), cost %.10f, accuracy %.4f\n", static_cast<long>(result.epochs),
                ln::to_string(result.stop_reason), result.cost, accuracy);
    std::printf("all %d ranks agree bit for bit: %s\n", size, agree ? "yes" : "NO");
    // The same fit in one process, on all the rows.
    Eigen::MatrixXd X_all;
    Eigen::VectorXd y_all;
    make_rows(0, n, X_all, y_all);
    ln::LogisticNeuron<double> one;
    one.fit(X_all, y_all, options);
    const bool same = bits(one) == mine;
    std::printf("equal to the single-process fit of all %ld rows: %s\n", static_cast<long>(n),
                same ? "yes" : "NO");
    if (!same) status = 1;
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  MPI_Finalize();
  return status;
}
