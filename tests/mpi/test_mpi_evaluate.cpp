// mpi::cost, mpi::gradient and mpi::summarize against LogisticNeuron::cost, gradient and
// logistic_neuron::summarize on the concatenated rows, bit for bit, on every partition.
#include <string>

#include <logistic_neuron/inference.hpp>

#include "mpi_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_mpi_evaluate {

namespace {

using mpi_support::Index;
using mpi_support::Matrix;
using mpi_support::Vector;
namespace ln = logistic_neuron;

}  // namespace

TEST_CASE_TEMPLATE("mpi::cost and mpi::gradient equal the one-process values, bit for bit", T,
                   float, double) {
  const Index n = 333, d = 6;
  const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 41, 0.2);
  const Matrix<T, Eigen::RowMajor> X = data.X.cast<T>();
  const ln::LogisticNeuron<T> neuron(data.w.cast<T>(), static_cast<T>(data.b));
  const T l2 = T(0.125);
  const T J = neuron.cost(X, data.y, l2);
  const ln::Gradient<T> g = neuron.gradient(X, data.y, l2);
  for (const mpi_support::Partition& part : mpi_support::partitions(n, mpi_support::world_size())) {
    INFO(part.name);
    const Matrix<T, Eigen::RowMajor> X_local = mpi_support::slice_rows<T, Eigen::RowMajor>(X, part);
    const Vector<double> y_local = mpi_support::slice(data.y, part);
    CHECK(test_support::same_bits(ln::mpi::cost(neuron, MPI_COMM_WORLD, X_local, y_local, l2), J));
    const ln::Gradient<T> mg = ln::mpi::gradient(neuron, MPI_COMM_WORLD, X_local, y_local, l2);
    CHECK(mpi_support::same(mg.weights, g.weights));
    CHECK(test_support::same_bits(mg.bias, g.bias));
    // l2 converts from a double literal although T is float (it is not deduced).
    CHECK(ln::mpi::cost(neuron, MPI_COMM_WORLD, X_local, y_local, 0.0) > 0);
  }
}

TEST_CASE_TEMPLATE("mpi::summarize equals summarize on the concatenated rows, bit for bit", T,
                   float, double) {
  const Index n = 450, d = 3;
  const test_support::Problem<double> data = test_support::make_problem<double>(n, d, 17, -0.4);
  const Matrix<T, Eigen::ColMajor> X = data.X.cast<T>();
  ln::LogisticNeuron<T> neuron;
  ln::FitOptions<T> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-4) : T(1e-10);
  options.threads = 1;
  neuron.fit(X, data.y, options);
  neuron.set_feature_names({"first", "second", "third"});
  const ln::Summary<T> one = ln::summarize(neuron, X, data.y);
  for (const mpi_support::Partition& part : mpi_support::partitions(n, mpi_support::world_size())) {
    INFO(part.name);
    const ln::Summary<T> s = ln::mpi::summarize(
        neuron, MPI_COMM_WORLD, mpi_support::slice_rows<T, Eigen::ColMajor>(X, part),
        mpi_support::slice(data.y, part));
    CHECK(mpi_support::same(s.coefficient, one.coefficient));
    CHECK(mpi_support::same(s.std_error, one.std_error));
    CHECK(mpi_support::same(s.p_value, one.p_value));
    CHECK(test_support::same_bits(s.log_likelihood, one.log_likelihood));
    CHECK(test_support::same_bits(s.max_abs_score, one.max_abs_score));
    CHECK(s.n_samples == n);
    CHECK(s.to_string() == one.to_string());
  }
}

}  // namespace test_mpi_evaluate
