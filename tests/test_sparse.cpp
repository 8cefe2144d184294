// Sparse X (issue 11): Eigen sparse matrices by rows and by columns, with int and int64 indices,
// in float and double, and Maps over a caller's arrays, wherever dense X goes. The truth is the
// dense fit of the same matrix (itself checked against references elsewhere): every solver, with
// and without weights and standardization, must agree with it to rounding; the passes must be
// bitwise the same for every thread count; bad sparse input must be refused like bad dense input.

#include <doctest/doctest.h>

#include <Eigen/SparseCore>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_sparse {

namespace {

using logistic_neuron::FitOptions;
using logistic_neuron::FitResult;
using logistic_neuron::LogisticNeuron;
using logistic_neuron::Solver;
using Eigen::Index;

template <class T>
using DenseMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using DenseVector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

/// A matrix with about `density` of its entries non-zero (standard normal times `scale`), one
/// column that is never non-zero, one row that is all zeros, and labels drawn from a logistic
/// model on it.
template <class T>
struct SparseProblem {
  DenseMatrix<T> X;
  DenseVector<T> y;
  DenseVector<T> s;  // positive sample weights, some zero
};

template <class T>
SparseProblem<T> sparse_problem(Index n, Index d, double density, std::uint32_t seed,
                                double scale = 1.0, bool empty_column = true) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  SparseProblem<T> p;
  p.X = DenseMatrix<T>::Zero(n, d);
  for (Index i = 0; i < n; ++i) {
    if (i == n / 2) continue;  // an empty row
    for (Index j = 0; j + (empty_column ? 1 : 0) < d; ++j) {  // the last column may stay empty
      if (uniform(gen) < density) p.X(i, j) = static_cast<T>(scale * normal(gen));
    }
  }
  DenseVector<double> beta(d);
  for (Index j = 0; j < d; ++j) beta[j] = normal(gen) / scale;
  p.y.resize(n);
  p.s.resize(n);
  for (Index i = 0; i < n; ++i) {
    const double z = p.X.row(i).template cast<double>().dot(beta) * 1.5 + 0.3;
    p.y[i] = uniform(gen) < 1 / (1 + std::exp(-z)) ? T(1) : T(0);
    p.s[i] = i % 7 == 3 ? T(0) : static_cast<T>(0.5 + uniform(gen));
  }
  return p;
}

/// How far apart two fits of the same objective may end: a solver that stops where J is flat to
/// rounding (L-BFGS's failed line search) is within sqrt(2 eps J / l2) of the optimum, 1.6e-7 in
/// double and 3.8e-3 in float at J ~ 0.6 and l2 = 0.01; the fits here come well within that,
/// and within these bounds (the largest distances measured are 6e-10 and 5e-6).
template <class T>
double weight_tolerance() {
  return std::is_same_v<T, float> ? 1e-4 : 1e-8;
}

/// The relative distance of two parameter vectors (weights and bias).
template <class T>
double distance(const LogisticNeuron<T>& a, const LogisticNeuron<T>& b) {
  const double scale = 1 + a.weights().template cast<double>().norm() + std::abs(double(a.bias()));
  const double dw = (a.weights() - b.weights()).template cast<double>().norm();
  const double db = std::abs(double(a.bias()) - double(b.bias()));
  return (dw + db) / scale;
}

template <class T, int Order, class I>
Eigen::SparseMatrix<T, Order, I> to_sparse(const DenseMatrix<T>& X) {
  Eigen::SparseMatrix<T, Order, I> S = X.sparseView();
  S.makeCompressed();
  return S;
}

const Solver all_solvers[] = {Solver::gradient_descent, Solver::newton, Solver::lbfgs,
                              Solver::newton_cg};

template <class T, int Order, class I>
void check_agreement(bool weighted, bool standardize) {
  const SparseProblem<T> p = sparse_problem<T>(900, 40, 0.15, 11);
  const auto S = to_sparse<T, Order, I>(p.X);
  for (const Solver solver : all_solvers) {
    const std::string name = logistic_neuron::to_string(solver);
    CAPTURE(name);
    FitOptions<T> options;
    options.solver = solver;
    options.l2 = T(1e-2);
    options.standardize = standardize;
    // Gradient descent stops as the seed's algorithm does and takes the same path on both; the
    // others stop on the gradient, near the optimum (|w - w*| <= |g| / l2 without standardize).
    if (solver != Solver::gradient_descent) {
      options.tolerance = 0;
      options.gradient_tolerance = std::is_same_v<T, float> ? T(1e-6) : T(1e-13);
      options.max_epochs = 1000;
    }
    LogisticNeuron<T> dense, sparse;
    FitResult<T> rd, rs;
    if (weighted) {
      rd = dense.fit(p.X, p.y, p.s, options);
      rs = sparse.fit(S, p.y, p.s, options);
    } else {
      rd = dense.fit(p.X, p.y, options);
      rs = sparse.fit(S, p.y, options);
    }
    CHECK(rs.stop_reason != logistic_neuron::StopReason::max_epochs);
    CHECK(rd.stop_reason != logistic_neuron::StopReason::max_epochs);
    // Gradient descent takes the same path; the others run to the rounding optimum, where the
    // last steps depend on rounding.
    if (solver == Solver::gradient_descent) CHECK(rs.epochs == rd.epochs);
    CHECK(distance(dense, sparse) <= weight_tolerance<T>());
    CHECK(std::abs(double(rs.cost) - double(rd.cost)) <=
          (std::is_same_v<T, float> ? 1e-6 : 1e-14) * (1 + std::abs(double(rd.cost))));
    // cost() (a pass without the gradient) gives the bits of the fit's own J at its parameters.
    if (!weighted && !standardize) {
      CHECK(test_support::same_bits(sparse.cost(S, p.y, options.l2), rs.cost));
      CHECK(test_support::same_bits(dense.cost(p.X, p.y, options.l2), rd.cost));
    }
    // The predictions of the sparse neuron on sparse X equal those of the dense neuron on dense X.
    const DenseVector<T> pd = dense.predict_proba(p.X), ps = sparse.predict_proba(S);
    CHECK((pd - ps).template cast<double>().cwiseAbs().maxCoeff() <= weight_tolerance<T>());
  }
}

}  // namespace

TEST_CASE("sparse X: every solver agrees with the dense fit (CSR, CSC; int, int64; float, double)") {
  for (const bool weighted : {false, true}) {
    for (const bool standardize : {false, true}) {
      CAPTURE(weighted);
      CAPTURE(standardize);
      check_agreement<double, Eigen::RowMajor, int>(weighted, standardize);
      check_agreement<double, Eigen::ColMajor, std::int64_t>(weighted, standardize);
      check_agreement<float, Eigen::RowMajor, std::int64_t>(weighted, standardize);
      check_agreement<float, Eigen::ColMajor, int>(weighted, standardize);
    }
  }
}

TEST_CASE("sparse X: decision_function, predict_proba, predict, cost and gradient equal dense") {
  const SparseProblem<double> p = sparse_problem<double>(500, 30, 0.2, 5);
  LogisticNeuron<double> neuron(test_support::random_vector<double>(30, 9), 0.25);
  const auto csr = to_sparse<double, Eigen::RowMajor, int>(p.X);
  const auto csc = to_sparse<double, Eigen::ColMajor, std::int64_t>(p.X);
  const Eigen::VectorXd z = neuron.decision_function(p.X);
  const double l2 = 0.01;
  const double J = neuron.cost(p.X, p.y, l2);
  const auto g = neuron.gradient(p.X, p.y, l2);
  const auto check = [&](const auto& S) {
    CHECK((neuron.decision_function(S) - z).cwiseAbs().maxCoeff() <= 1e-14);
    CHECK((neuron.predict_proba(S) - neuron.predict_proba(p.X)).cwiseAbs().maxCoeff() <= 1e-15);
    CHECK((neuron.predict(S).array() == neuron.predict(p.X).array()).all());
    CHECK(std::abs(neuron.cost(S, p.y, l2) - J) <= 1e-15);
    const auto gs = neuron.gradient(S, p.y, l2);
    CHECK((gs.weights - g.weights).cwiseAbs().maxCoeff() <= 1e-15);
    CHECK(std::abs(gs.bias - g.bias) <= 1e-15);
  };
  check(csr);
  check(csc);
}

TEST_CASE("sparse X: the gradient matches central finite differences of the cost") {
  const SparseProblem<double> p = sparse_problem<double>(300, 12, 0.3, 21);
  const auto S = to_sparse<double, Eigen::RowMajor, int>(p.X);
  const Eigen::VectorXd w = test_support::random_vector<double>(12, 4, 0.5);
  const double b = -0.2, l2 = 0.05, h = 1e-6;
  const auto g = LogisticNeuron<double>(w, b).gradient(S, p.y, l2);
  for (Index j = 0; j <= 12; ++j) {
    Eigen::VectorXd wp = w, wm = w;
    double bp = b, bm = b;
    if (j < 12) {
      wp[j] += h;
      wm[j] -= h;
    } else {
      bp += h;
      bm -= h;
    }
    const double fd = (LogisticNeuron<double>(wp, bp).cost(S, p.y, l2) -
                       LogisticNeuron<double>(wm, bm).cost(S, p.y, l2)) / (2 * h);
    CHECK(std::abs(fd - (j < 12 ? g.weights[j] : g.bias)) <= 1e-8);
  }
}

TEST_CASE("sparse X: Maps over a caller's CSR and CSC arrays, int and int64, are read in place") {
  const SparseProblem<double> p = sparse_problem<double>(400, 25, 0.2, 8);
  // The caller's arrays: CSR with int64 indices.
  const auto csr = to_sparse<double, Eigen::RowMajor, std::int64_t>(p.X);
  std::vector<std::int64_t> outer(csr.outerIndexPtr(), csr.outerIndexPtr() + csr.outerSize() + 1);
  std::vector<std::int64_t> inner(csr.innerIndexPtr(), csr.innerIndexPtr() + csr.nonZeros());
  std::vector<double> values(csr.valuePtr(), csr.valuePtr() + csr.nonZeros());
  const Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t>> map(
      p.X.rows(), p.X.cols(), csr.nonZeros(), outer.data(), inner.data(), values.data());
  // The kind of X views the caller's arrays: no copy.
  logistic_neuron::detail::with_kind<double>("test", map, [&](const auto& kind) {
    CHECK(kind.entries() == csr.nonZeros());
    CHECK(kind.rows() == 400);
  });
  // CSC with int indices.
  const auto csc = to_sparse<double, Eigen::ColMajor, int>(p.X);
  const Eigen::Map<const Eigen::SparseMatrix<double, Eigen::ColMajor, int>> map_c(
      p.X.rows(), p.X.cols(), csc.nonZeros(), csc.outerIndexPtr(), csc.innerIndexPtr(),
      csc.valuePtr());
  // L-BFGS runs until J is flat to rounding, where the dense and the sparse sums (in other
  // orders) stop apart by up to the bound of weight_tolerance() (1e-10 held with the default
  // chunks, 1.08e-10 was measured with 1 KiB chunks).
  FitOptions<double> options;
  options.solver = Solver::lbfgs;
  options.l2 = 1e-2;
  options.tolerance = 0;
  LogisticNeuron<double> dense, a, c, owned;
  dense.fit(p.X, p.y, options);
  a.fit(map, p.y, options);
  c.fit(map_c, p.y, options);
  owned.fit(csr, p.y, options);
  CHECK(distance(dense, a) <= weight_tolerance<double>());
  CHECK(distance(dense, c) <= weight_tolerance<double>());
  // The Map is the same kind of X as the matrix that owns the arrays: the same bits.
  CHECK(a.weights() == owned.weights());
  CHECK(a.bias() == owned.bias());
  // A Ref to a sparse matrix is a compressed sparse matrix too: the same logits as the Map and,
  // to rounding, as the dense X, at the same parameters.
  const Eigen::Ref<const Eigen::SparseMatrix<double, Eigen::RowMajor, std::int64_t>> ref(csr);
  CHECK(a.decision_function(ref) == a.decision_function(map));
  CHECK((a.decision_function(ref) - a.decision_function(p.X)).cwiseAbs().maxCoeff() <= 1e-12);
}

TEST_CASE("sparse X: an uncompressed matrix, explicit zeros, empty rows and columns") {
  const SparseProblem<double> p = sparse_problem<double>(300, 20, 0.25, 3);
  // Uncompressed: filled with insert() and never compressed, with room left over per column.
  Eigen::SparseMatrix<double> loose(p.X.rows(), p.X.cols());
  loose.reserve(Eigen::VectorXi::Constant(p.X.cols(), 200));
  for (Index j = 0; j < p.X.cols(); ++j) {
    for (Index i = 0; i < p.X.rows(); ++i) {
      if (p.X(i, j) != 0) loose.insert(i, j) = p.X(i, j);
    }
  }
  REQUIRE(!loose.isCompressed());
  // Explicit zeros: every entry of column 3 stored, zeros included.
  Eigen::SparseMatrix<double, Eigen::RowMajor> stored = p.X.sparseView();
  for (Index i = 0; i < p.X.rows(); ++i) stored.coeffRef(i, 3) = p.X(i, 3);
  stored.makeCompressed();
  REQUIRE(stored.nonZeros() > to_sparse<double, Eigen::RowMajor, int>(p.X).nonZeros());
  FitOptions<double> options;
  options.solver = Solver::newton;
  options.l2 = 1e-3;
  options.tolerance = 0;
  options.max_epochs = 50;
  LogisticNeuron<double> dense, a, b;
  dense.fit(p.X, p.y, options);
  a.fit(loose, p.y, options);
  b.fit(stored, p.y, options);
  CHECK(distance(dense, a) <= 1e-12);
  CHECK(distance(dense, b) <= 1e-12);
  // The empty row's logit is the bias; the empty column's weight is 0 (l2 > 0).
  CHECK(a.decision_function(loose)[150] == doctest::Approx(a.bias()).epsilon(1e-15));
  CHECK(a.weights()[19] == 0);
}

TEST_CASE("sparse X: the passes are bitwise the same for any thread count") {
  // 40,000 rows: eight chunks, so that threads take different chunks.
  const SparseProblem<double> p = sparse_problem<double>(40000, 60, 0.05, 17);
  const auto csr = to_sparse<double, Eigen::RowMajor, int>(p.X);
  const auto csc = to_sparse<double, Eigen::ColMajor, int>(p.X);
  for (const Solver solver : all_solvers) {
    const std::string name = logistic_neuron::to_string(solver);
    CAPTURE(name);
    FitOptions<double> options;
    options.solver = solver;
    options.l2 = 1e-4;
    options.max_epochs = solver == Solver::gradient_descent ? 200 : 20;
    options.tolerance = 0;
    options.threads = 1;
    LogisticNeuron<double> one_r, one_c;
    one_r.fit(csr, p.y, p.s, options);
    one_c.fit(csc, p.y, p.s, options);
    for (const int threads : {2, 3, 8}) {
      options.threads = threads;
      LogisticNeuron<double> many_r, many_c;
      many_r.fit(csr, p.y, p.s, options);
      many_c.fit(csc, p.y, p.s, options);
      CHECK((many_r.weights().array() == one_r.weights().array()).all());
      CHECK(many_r.bias() == one_r.bias());
      CHECK((many_c.weights().array() == one_c.weights().array()).all());
      CHECK(many_c.bias() == one_c.bias());
    }
  }
}

TEST_CASE("sparse X: Newton-CG fits d = 20,000 to a vanishing gradient; Newton refuses it") {
  const Index n = 3000, d = 20000;
  std::mt19937 gen(99);
  std::uniform_int_distribution<Index> column(0, d - 1);
  std::normal_distribution<double> normal;
  std::vector<Eigen::Triplet<double, int>> entries;
  Eigen::VectorXd y(n);
  for (Index i = 0; i < n; ++i) {
    double z = 0;
    for (int k = 0; k < 30; ++k) {
      const Index j = column(gen);
      const double x = std::abs(normal(gen));
      entries.emplace_back(int(i), int(j), x);
      z += (j % 2 == 0 ? 1.0 : -1.0) * x;
    }
    y[i] = z + 0.5 * normal(gen) > 0 ? 1 : 0;
  }
  Eigen::SparseMatrix<double, Eigen::RowMajor> X(n, d);
  X.setFromTriplets(entries.begin(), entries.end());  // duplicates are summed
  FitOptions<double> options;
  options.solver = Solver::newton_cg;
  options.l2 = 1e-3;
  options.tolerance = 0;
  options.gradient_tolerance = 1e-10;
  LogisticNeuron<double> neuron;
  const FitResult<double> result = neuron.fit(X, y, options);
  CHECK(result.stop_reason == logistic_neuron::StopReason::converged);
  const auto g = neuron.gradient(X, y, options.l2);
  CHECK(g.weights.cwiseAbs().maxCoeff() <= 1e-9);
  CHECK(std::abs(g.bias) <= 1e-9);
  options.solver = Solver::newton;
  try {
    neuron.fit(X, y, options);
    FAIL("Newton took d = 20,000");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK(message.find("LogisticNeuron::fit") != std::string::npos);
    CHECK(message.find("newton_cg") != std::string::npos);
    CHECK(message.find("lbfgs") != std::string::npos);
  }
}

TEST_CASE("sparse X: a stored NaN or infinity is refused, naming the entry") {
  const SparseProblem<double> p = sparse_problem<double>(50, 6, 0.5, 1);
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity()}) {
    Eigen::SparseMatrix<double, Eigen::RowMajor> S = p.X.sparseView();
    S.coeffRef(7, 2) = bad;
    S.makeCompressed();
    LogisticNeuron<double> neuron;
    try {
      neuron.fit(S, p.y);
      FAIL("a non-finite entry was accepted");
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      CHECK(message.find("LogisticNeuron::fit") != std::string::npos);
      CHECK(message.find("X(7, 2)") != std::string::npos);
    }
    CHECK(!neuron.has_parameters());
    LogisticNeuron<double> fitted(Eigen::VectorXd::Ones(6), 0);
    CHECK_THROWS_AS(fitted.predict_proba(S), std::invalid_argument);
  }
}

TEST_CASE("sparse X: indices out of range or not increasing are refused before anything changes") {
  // Row 1 of a 2 x 3 CSR matrix lists column 2 before column 0.
  std::vector<int> outer = {0, 1, 3};
  std::vector<int> inner = {1, 2, 0};
  std::vector<double> values = {1, 2, 3};
  const Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor>> decreasing(
      2, 3, 3, outer.data(), inner.data(), values.data());
  const Eigen::Vector2d y(0, 1);
  LogisticNeuron<double> neuron(Eigen::Vector3d(1, 2, 3), 0.5);
  const Eigen::Vector3d before = neuron.weights();
  try {
    neuron.fit(decreasing, y);
    FAIL("decreasing indices were accepted");
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    CHECK(message.find("LogisticNeuron::fit") != std::string::npos);
    CHECK(message.find("row 1") != std::string::npos);
    CHECK(message.find("increase") != std::string::npos);
  }
  CHECK(neuron.weights() == before);
  inner = {1, 0, 5};  // column 5 of 3
  const Eigen::Map<const Eigen::SparseMatrix<double, Eigen::RowMajor>> outside(
      2, 3, 3, outer.data(), inner.data(), values.data());
  CHECK_THROWS_WITH_AS(neuron.predict(outside), doctest::Contains("inner index 5"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(neuron.cost(outside, y), doctest::Contains("LogisticNeuron::cost"),
                       std::invalid_argument);
}

TEST_CASE("sparse X: logits beyond the range of the scalar become exact 0 and 1 probabilities") {
  Eigen::MatrixXd X(3, 2);
  X << 1e300, 1e300, -1e300, -1e300, 0.5, 0;
  const auto S = to_sparse<double, Eigen::ColMajor, int>(X);
  LogisticNeuron<double> neuron(Eigen::Vector2d(1e10, 1e10), 0);
  const Eigen::VectorXd proba = neuron.predict_proba(S);
  CHECK(proba[0] == 1);
  CHECK(proba[1] == 0);
  CHECK(proba[2] == doctest::Approx(1 / (1 + std::exp(-0.5e10))));
  CHECK((neuron.predict_proba(S).array() == neuron.predict_proba(X).array()).all());
}

TEST_CASE("sparse X: standardize keeps X sparse and reaches the dense standardized optimum") {
  // Columns of very different scales and non-zero means: standardization matters.
  SparseProblem<double> p = sparse_problem<double>(800, 15, 0.3, 31, 1.0, false);
  for (Index j = 0; j < 15; ++j) p.X.col(j) *= std::pow(10.0, double(j % 5) - 2);
  const auto S = to_sparse<double, Eigen::RowMajor, int>(p.X);
  const auto nnz = S.nonZeros();
  for (const Solver solver : {Solver::newton, Solver::lbfgs, Solver::newton_cg}) {
    FitOptions<double> options;
    options.solver = solver;
    options.standardize = true;
    options.l2 = 1e-2;
    options.tolerance = 0;
    LogisticNeuron<double> dense, sparse;
    dense.fit(p.X, p.y, options);
    sparse.fit(S, p.y, options);
    CHECK(distance(dense, sparse) <= 1e-10);
    CHECK(sparse.feature_means().size() == 0);  // the model works on X as given
  }
  CHECK(S.nonZeros() == nnz);
}

TEST_CASE("sparse X: summarize equals the dense summary") {
  const SparseProblem<double> p = sparse_problem<double>(600, 8, 0.4, 13, 1.0, false);
  FitOptions<double> options;
  options.solver = Solver::newton;
  options.tolerance = 0;
  LogisticNeuron<double> neuron;
  neuron.fit(p.X, p.y, options);
  const auto dense = logistic_neuron::summarize(neuron, p.X, p.y);
  const auto csc = to_sparse<double, Eigen::ColMajor, int>(p.X);
  const auto sparse = logistic_neuron::summarize(neuron, csc, p.y);
  REQUIRE(sparse.std_error.size() == dense.std_error.size());
  for (Index k = 0; k < dense.std_error.size(); ++k) {
    CHECK(sparse.std_error[k] == doctest::Approx(dense.std_error[k]).epsilon(1e-12));
    CHECK(sparse.z[k] == doctest::Approx(dense.z[k]).epsilon(1e-12));
  }
  CHECK(sparse.log_likelihood == doctest::Approx(dense.log_likelihood).epsilon(1e-14));
}

TEST_CASE("sparse X: metrics of sparse predictions equal those of dense ones") {
  const SparseProblem<double> p = sparse_problem<double>(400, 10, 0.3, 2);
  LogisticNeuron<double> neuron;
  neuron.fit(p.X, p.y);
  const auto S = to_sparse<double, Eigen::RowMajor, std::int64_t>(p.X);
  CHECK(logistic_neuron::metrics::accuracy(p.y, neuron.predict(S)) ==
        logistic_neuron::metrics::accuracy(p.y, neuron.predict(p.X)));
  CHECK(logistic_neuron::metrics::roc_auc(p.y, neuron.predict_proba(S)) ==
        doctest::Approx(logistic_neuron::metrics::roc_auc(p.y, neuron.predict_proba(p.X))).epsilon(1e-15));
}

}  // namespace test_sparse
