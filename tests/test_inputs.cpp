// X binds any dense Eigen matrix and y any dense vector: a row-major matrix, a Map over a raw
// buffer (with or without padding between columns or rows), a block of a larger matrix, integer
// or double labels, a segment of a larger vector. Every form gives the results of the plain
// column-major matrix with labels of the neuron's type: bit for bit when X has the same storage
// order (the same kernel runs over the same numbers in the same order), and to a few ulps when it
// is row-major (one dot product per row instead of one axpy per column: another summation order).
#include "test_support.hpp"

#include <string>
#include <vector>

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_inputs {

using namespace test_support;

namespace {

/// X's rows laid out row-major `stride` scalars apart, the gaps filled with `fill` (which a
/// correct reader never sees).
template <class T>
std::vector<T> padded_rows(const Matrix<T>& X, Index stride, T fill) {
  std::vector<T> buffer(static_cast<std::size_t>(X.rows() * stride), fill);
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) buffer[static_cast<std::size_t>(i * stride + j)] = X(i, j);
  }
  return buffer;
}

/// Everything a neuron computes from (X, y): a short fit, then every evaluation at its result.
template <class T>
struct Outcome {
  std::vector<T> cost_history;
  T learning_rate;
  Vector<T> weights;
  T bias;
  T cost;
  Vector<T> gradient_weights;
  T gradient_bias;
  Vector<T> logits;
  Vector<T> proba;
  Eigen::VectorXi labels;
};

template <class T, class DX, class DY>
Outcome<T> run(const Eigen::MatrixBase<DX>& X, const Eigen::MatrixBase<DY>& y) {
  ln::FitOptions<T> options;
  options.tolerance = T(0);
  options.max_epochs = 25;
  options.l2 = T(0.01);
  ln::LogisticNeuron<T> neuron;
  const ln::FitResult<T> result = neuron.fit(X, y, options);
  Outcome<T> o;
  o.cost_history = result.cost_history;
  o.learning_rate = result.learning_rate;
  o.weights = neuron.weights();
  o.bias = neuron.bias();
  o.cost = neuron.cost(X, y, options.l2);
  const ln::Gradient<T> g = neuron.gradient(X, y, options.l2);
  o.gradient_weights = g.weights;
  o.gradient_bias = g.bias;
  o.logits = neuron.decision_function(X);
  o.proba = neuron.predict_proba(X);
  o.labels = neuron.predict(X);
  return o;
}

template <class T>
void check_identical(const Outcome<T>& a, const Outcome<T>& b) {
  CHECK(a.cost_history == b.cost_history);
  CHECK(same_bits(a.learning_rate, b.learning_rate));
  CHECK(same_bits(a.weights, b.weights));
  CHECK(same_bits(a.bias, b.bias));
  CHECK(same_bits(a.cost, b.cost));
  CHECK(same_bits(a.gradient_weights, b.gradient_weights));
  CHECK(same_bits(a.gradient_bias, b.gradient_bias));
  CHECK(same_bits(a.logits, b.logits));
  CHECK(same_bits(a.proba, b.proba));
  CHECK(a.labels == b.labels);
}

/// Equal up to the rounding of a different summation order, compounded over a short fit.
template <class T>
void check_close(const Outcome<T>& a, const Outcome<T>& b) {
  const LD tol = 256 * static_cast<LD>(eps<T>());
  REQUIRE(a.cost_history.size() == b.cost_history.size());
  for (std::size_t k = 0; k < a.cost_history.size(); ++k) {
    CHECK(close(static_cast<LD>(a.cost_history[k]), static_cast<LD>(b.cost_history[k]), tol));
  }
  CHECK(close(static_cast<LD>(a.learning_rate), static_cast<LD>(b.learning_rate), tol));
  for (Index j = 0; j < a.weights.size(); ++j) {
    CHECK(close(static_cast<LD>(a.weights[j]), static_cast<LD>(b.weights[j]), tol));
    CHECK(close(static_cast<LD>(a.gradient_weights[j]), static_cast<LD>(b.gradient_weights[j]),
                tol));
  }
  CHECK(close(static_cast<LD>(a.bias), static_cast<LD>(b.bias), tol));
  CHECK(close(static_cast<LD>(a.cost), static_cast<LD>(b.cost), tol));
  CHECK(close(static_cast<LD>(a.gradient_bias), static_cast<LD>(b.gradient_bias), tol));
  for (Index i = 0; i < a.logits.size(); ++i) {
    CHECK(close(static_cast<LD>(a.logits[i]), static_cast<LD>(b.logits[i]), tol));
    CHECK(close(static_cast<LD>(a.proba[i]), static_cast<LD>(b.proba[i]), tol));
  }
  // Labels may only differ where p is within rounding of 0.5.
  for (Index i = 0; i < a.labels.size(); ++i) {
    if (std::abs(static_cast<LD>(a.logits[i])) > 1e-3L) CHECK(a.labels[i] == b.labels[i]);
  }
}

}  // namespace

TEST_CASE_TEMPLATE("every dense form of X and y gives the plain matrix's results", T, float,
                   double, long double) {
  const Index n = 57, d = 5;
  const Problem<T> p = make_problem<T>(n, d, 601, 0.3);
  const Outcome<T> plain = run<T>(p.X, p.y);
  REQUIRE(plain.cost_history.size() == 25);

  SUBCASE("column-major Map over a raw buffer") {
    std::vector<T> buffer(p.X.data(), p.X.data() + n * d);
    const Eigen::Map<const Matrix<T>> X(buffer.data(), n, d);
    check_identical(run<T>(X, p.y), plain);
    // A mutable Map too.
    Eigen::Map<Matrix<T>> Xm(buffer.data(), n, d);
    check_identical(run<T>(Xm, p.y), plain);
  }
  SUBCASE("column-major Map with padding between columns") {
    const Index stride = n + 3;
    std::vector<T> buffer(static_cast<std::size_t>(stride * d), T(-7));
    for (Index j = 0; j < d; ++j) {
      for (Index i = 0; i < n; ++i) buffer[static_cast<std::size_t>(j * stride + i)] = p.X(i, j);
    }
    const Eigen::Map<const Matrix<T>, 0, Eigen::OuterStride<>> X(buffer.data(), n, d,
                                                                 Eigen::OuterStride<>(stride));
    check_identical(run<T>(X, p.y), plain);
  }
  SUBCASE("a block of a larger column-major matrix") {
    Matrix<T> big = random_matrix<T>(n + 9, d + 4, 602, 50.0);  // garbage around the block
    big.block(4, 2, n, d) = p.X;
    check_identical(run<T>(big.block(4, 2, n, d), p.y), plain);
    // middleRows / leftCols forms of a block.
    Matrix<T> tall = random_matrix<T>(n + 5, d, 603);
    tall.middleRows(5, n) = p.X;
    check_identical(run<T>(tall.middleRows(5, n), p.y), plain);
  }
  SUBCASE("labels as int, double, a Map over ints and a segment of a larger vector") {
    const Eigen::VectorXi yi = p.y.template cast<int>();
    check_identical(run<T>(p.X, yi), plain);
    const Eigen::VectorXd yd = p.y.template cast<double>();
    check_identical(run<T>(p.X, yd), plain);
    std::vector<int> labels(static_cast<std::size_t>(n));
    for (Index i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<int>(p.y[i]);
    check_identical(run<T>(p.X, Eigen::Map<const Eigen::VectorXi>(labels.data(), n)), plain);
    Vector<T> longer = Vector<T>::Constant(n + 6, T(5));  // 5 is not a label: must not be read
    longer.segment(3, n) = p.y;
    check_identical(run<T>(p.X, longer.segment(3, n)), plain);
    // A row vector of labels.
    const Eigen::Matrix<T, 1, Eigen::Dynamic> y_row = p.y.transpose();
    check_identical(run<T>(p.X, y_row), plain);
  }
  SUBCASE("row-major: a matrix, a Map, a padded Map and a block agree with each other") {
    const RowMatrix<T> Xr = p.X;
    const Outcome<T> row = run<T>(Xr, p.y);
    check_close(row, plain);

    std::vector<T> buffer(Xr.data(), Xr.data() + n * d);
    check_identical(run<T>(Eigen::Map<const RowMatrix<T>>(buffer.data(), n, d), p.y), row);

    const Index stride = d + 2;
    const std::vector<T> padded = padded_rows(p.X, stride, T(11));
    const Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>> Xp(
        padded.data(), n, d, Eigen::OuterStride<>(stride));
    check_identical(run<T>(Xp, p.y), row);

    RowMatrix<T> big = random_matrix<T>(n + 2, d + 3, 604, 50.0);
    big.block(1, 3, n, d) = p.X;
    check_identical(run<T>(big.block(1, 3, n, d), p.y), row);
  }
}

TEST_CASE_TEMPLATE("the input's form does not matter at the extremes of the shape", T, float,
                   double, long double) {
  // A single sample and a single feature, where a Map or block has degenerate strides.
  for (const auto& shape : std::vector<std::pair<Index, Index>>{{1, 1}, {1, 3}, {6, 1}}) {
    const Index n = shape.first, d = shape.second;
    CAPTURE(n);
    CAPTURE(d);
    const Problem<T> p = make_problem<T>(n, d, 605);
    const Outcome<T> plain = run<T>(p.X, p.y);
    std::vector<T> buffer(p.X.data(), p.X.data() + n * d);
    check_identical(run<T>(Eigen::Map<const Matrix<T>>(buffer.data(), n, d), p.y), plain);
    Matrix<T> big = random_matrix<T>(n + 2, d + 2, 606);
    big.block(1, 1, n, d) = p.X;
    check_identical(run<T>(big.block(1, 1, n, d), p.y), plain);
    const RowMatrix<T> Xr = p.X;
    check_close(run<T>(Xr, p.y), plain);
  }
}

TEST_CASE_TEMPLATE("wide row-major X, read a few rows at a time, matches the reference on any "
                   "thread count", T, float, double, long double) {
  // Row-major rows of 1 KiB or more go through the kernel a group of rows at a time (dots, then
  // the elementwise step, then the gradient, while the rows are in L1). d is just past that size,
  // n leaves a partial group at the end of blocks and of the data, and X spans several 1 MiB
  // chunks, so two threads split the work.
  const Index d = static_cast<Index>(1024 / sizeof(T)) + 3;
  const Index n = static_cast<Index>((5u << 19) / (d * sizeof(T))) + 5;
  REQUIRE(ln::detail::make_layout(n, d, sizeof(T)).chunks >= 2);
  const Problem<T> p = make_problem<T>(n, d, 607, 0.4);
  const RowMatrix<T> Xr = p.X;
  // Padded rows: the same numbers behind an outer stride.
  const Index stride = d + 5;
  const std::vector<T> padded = padded_rows(p.X, stride, T(-3));
  const Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>> Xp(padded.data(), n, d,
                                                                   Eigen::OuterStride<>(stride));
  const ln::LogisticNeuron<T> neuron(p.w, p.b);
  const LD l2 = LD(0.2);
  const Reference ref = reference(p.X, p.y, p.w, static_cast<LD>(p.b), l2);

  struct Threads {
    ~Threads() { ln::set_num_threads(0); }
  } restore;
  std::vector<T> costs;
  std::vector<ln::Gradient<T>> gradients;
  for (int threads : {1, 2}) {
    ln::set_num_threads(threads);
    for (int form = 0; form < 2; ++form) {
      CAPTURE(threads);
      CAPTURE(form);
      const T J = form == 0 ? neuron.cost(Xr, p.y, static_cast<T>(l2))
                            : neuron.cost(Xp, p.y, static_cast<T>(l2));
      const ln::Gradient<T> g = form == 0 ? neuron.gradient(Xr, p.y, static_cast<T>(l2))
                                          : neuron.gradient(Xp, p.y, static_cast<T>(l2));
      CHECK(close(static_cast<LD>(J), ref.cost, evaluation_tolerance<T>(), ref.cost_scale));
      CHECK(close(static_cast<LD>(g.bias), ref.gb, evaluation_tolerance<T>()));
      Index bad = 0;
      for (Index j = 0; j < d; ++j) {
        if (!close(static_cast<LD>(g.weights[j]), ref.gw[j], evaluation_tolerance<T>(),
                   ref.gw_scale[j])) {
          ++bad;
        }
      }
      CHECK(bad == 0);
      costs.push_back(J);
      gradients.push_back(g);
    }
  }
  // Bit for bit the same for either thread count and either form (same numbers, same order).
  for (std::size_t k = 1; k < costs.size(); ++k) {
    CAPTURE(k);
    CHECK(same_bits(costs[k], costs[0]));
    CHECK(same_bits(gradients[k].weights, gradients[0].weights));
    CHECK(same_bits(gradients[k].bias, gradients[0].bias));
  }
}

}  // namespace test_inputs
