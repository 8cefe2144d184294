// Fitting from a row source streamed from disk (stream.hpp): the streamed fit equals the
// in-memory fit of the same rows bit for bit (every solver, standardize on and off, class
// weights, blocks of one, two and many chunks, float, double and long double); malformed files
// are rejected with exact messages before anything changes; a source's and a callback's
// exceptions reach the caller; and a fit from a file several times larger than the address space
// it is allowed (the ctest test stream_memory_cap runs the last two cases under ulimit -v).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/resource.h>
#endif

#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>
#include <logistic_neuron/stream.hpp>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_stream {

namespace {

namespace ln = logistic_neuron;
using test_support::check_throws;
using test_support::Index;
using test_support::Matrix;
using test_support::RowMatrix;
using test_support::same_bits;
using test_support::Vector;

std::string work_path(const std::string& name) {
  return std::string(LOGISTIC_NEURON_TEST_WORK_DIR) + "/" + name;
}

/// The name of T for file names.
template <class T>
std::string type_tag() {
  return std::is_same_v<T, float> ? "f" : std::is_same_v<T, double> ? "d" : "ld";
}

/// Appends the little-endian bytes of v.
template <class V>
void put(std::string& out, V v) {
  unsigned char bytes[sizeof(V)];
  std::memcpy(bytes, &v, sizeof v);
  std::uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  if (first != 1) std::reverse(bytes, bytes + sizeof(V));
  out.append(reinterpret_cast<const char*>(bytes), sizeof(V));
}

/// The bytes of a file of bench/'s format: "LNDATA01", n, d, X row-major, y (all float64).
std::string binary_bytes(const Matrix<double>& X, const Vector<double>& y) {
  std::string out = "LNDATA01";
  put(out, static_cast<std::int64_t>(X.rows()));
  put(out, static_cast<std::int64_t>(X.cols()));
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) put(out, X(i, j));
  }
  for (Index i = 0; i < y.size(); ++i) put(out, y[i]);
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

/// The rows of a chunk of the library's layout for d features of T, row-major.
template <class T>
Index chunk_rows(Index d) {
  return ln::detail::make_layout(0, d, sizeof(T), false).chunk_rows;
}

/// A dataset whose columns have different means and scales (standardize has work to do).
struct Data {
  Matrix<double> X;
  Vector<double> y;
};

Data make_data(Index n, Index d, std::uint32_t seed) {
  Data data;
  data.X = test_support::random_matrix<double>(n, d, seed);
  data.y = test_support::logistic_labels<double>(data.X, seed + 1, 0.4);
  for (Index j = 0; j < d; ++j) {
    data.X.col(j) = (data.X.col(j).array() * std::ldexp(1.0, static_cast<int>(j % 3)) +
                     0.5 * static_cast<double>(j))
                        .matrix();
  }
  return data;
}

/// Two fits did the same thing: parameters, cost history, stop reason and separation evidence.
template <class T>
void check_same_fit(const ln::LogisticNeuron<T>& a, const ln::FitResult<T>& ra,
                    const ln::LogisticNeuron<T>& b, const ln::FitResult<T>& rb) {
  CHECK(test_support::same_state(test_support::state_of(a), test_support::state_of(b)));
  CHECK(ra.epochs == rb.epochs);
  CHECK(same_bits(ra.cost, rb.cost));
  CHECK(ra.stop_reason == rb.stop_reason);
  CHECK(ra.cost_history == rb.cost_history);
  CHECK(ra.separation.checked == rb.separation.checked);
  CHECK(ra.separation.kind == rb.separation.kind);
  CHECK(ra.separation.overlap_certified == rb.separation.overlap_certified);
  CHECK(ra.separation.probe_steps == rb.separation.probe_steps);
}

/// A row source over a matrix in memory (the concept of stream.hpp, written by a user): serves
/// its rows block by block; with fail_on_pass > 0 it throws on that rewind's first read, and
/// with short_on_pass > 0 it ends half-way on that pass.
template <class T>
class MatrixSource {
 public:
  using scalar_type = T;
  using x_block_type = RowMatrix<T>;

  MatrixSource(RowMatrix<T> X, Vector<double> y, Index block_rows)
      : m_X(std::move(X)), m_y(std::move(y)), m_block_rows(block_rows) {}

  std::string name() const { return "matrix source"; }
  Index rows() const { return m_X.rows(); }
  Index cols() const { return m_X.cols(); }
  Index block_rows() const { return m_block_rows; }
  void rewind() {
    m_next = 0;
    ++m_pass;
  }
  Index read(x_block_type& X, Eigen::VectorXd& y, Index max_rows) {
    if (m_pass == fail_on_pass) throw std::runtime_error("matrix source: failed on purpose");
    Index rows = std::min(max_rows, m_X.rows() - m_next);
    if (m_pass == short_on_pass && m_next + rows > m_X.rows() / 2) rows = m_X.rows() / 2 - m_next;
    if (rows <= 0) return 0;
    X.topRows(rows) = m_X.middleRows(m_next, rows);
    y.head(rows) = m_y.segment(m_next, rows);
    m_next += rows;
    return rows;
  }

  int fail_on_pass = 0;
  int short_on_pass = 0;
  int passes() const { return m_pass; }

 private:
  RowMatrix<T> m_X;
  Vector<double> m_y;
  Index m_block_rows;
  Index m_next = 0;
  int m_pass = 0;
};

const ln::Solver every_solver[] = {ln::Solver::gradient_descent, ln::Solver::newton,
                                   ln::Solver::lbfgs, ln::Solver::newton_cg};

}  // namespace

TEST_CASE_TEMPLATE("stream: every solver fits a file exactly as it fits the same rows in memory "
                   "(row-major), for blocks of one, two and many chunks",
                   T, float, double, long double) {
  const Index d = 5, chunk = chunk_rows<T>(d);
  // 7 whole chunks and a third of one: the last block is short and ends at n.
  const Index n = 7 * chunk + chunk / 3;
  const Data data = make_data(n, d, 7101);
  const std::string path = work_path("stream_exact_" + type_tag<T>() + ".bin");
  write_file(path, binary_bytes(data.X, data.y));
  const RowMatrix<T> X = data.X.cast<T>();
  const Vector<T> y = data.y.cast<T>();
  const Index blocks[] = {chunk, 2 * chunk + chunk / 2 /* rounds down to 2 */, 0 /* automatic */};
  const ln::ClassWeight<T> class_weights[] = {ln::ClassWeight<T>::none(),
                                              ln::ClassWeight<T>::given(T(0.75), T(1.5)),
                                              ln::ClassWeight<T>::balanced()};
  int combination = 0;
  for (ln::Solver solver : every_solver) {
    for (bool standardize : {false, true}) {
      const int k = combination++;
      ln::FitOptions<T> options;
      options.solver = solver;
      options.standardize = standardize;
      options.class_weight = class_weights[k % 3];
      options.l2 = k % 2 ? T(1e-3) : T(0);  // l2 = 0 runs the separation check too
      options.max_epochs = solver == ln::Solver::gradient_descent ? 40 : 200;
      if (solver == ln::Solver::gradient_descent && !standardize) options.learning_rate = T(0.2);
      const Index block = blocks[(k + k / 3) % 3];
      CAPTURE(std::string(ln::to_string(solver)));
      CAPTURE(standardize);
      CAPTURE(block);
      ln::BinaryFileSource<T> source(path, block);
      CHECK(source.rows() == n);
      CHECK(source.cols() == d);
      ln::LogisticNeuron<T> streamed, in_memory;
      const ln::FitResult<T> rs = ln::fit(streamed, source, options);
      const ln::FitResult<T> rm = in_memory.fit(X, y, options);
      check_same_fit(streamed, rs, in_memory, rm);
      CHECK(rs.epochs > 1);
    }
  }
}

TEST_CASE_TEMPLATE("stream: the blocks are whole chunks, and the stream's set-up matches memory",
                   T, float, double, long double) {
  const Index d = 3, chunk = chunk_rows<T>(d);
  const Index n = 3 * chunk + 5;
  const Data data = make_data(n, d, 7201);
  const std::string path = work_path("stream_layout_" + type_tag<T>() + ".bin");
  write_file(path, binary_bytes(data.X, data.y));
  const RowMatrix<T> X = data.X.cast<T>();
  const ln::detail::XRef<T, Eigen::RowMajor> Xr(X);
  const ln::detail::DenseX<T, Eigen::RowMajor> kind(Xr);
  for (const Index asked : {Index(1), chunk - 1, chunk, 2 * chunk + 1, 10 * chunk, Index(0)}) {
    CAPTURE(asked);
    ln::BinaryFileSource<T> source(path, asked);
    const ln::detail::StreamedData<ln::BinaryFileSource<T>> stream(source, "test",
                                                                   ln::ClassWeight<T>::none());
    const Index expected = asked == 0 || asked >= n ? n : std::max<Index>(1, asked / chunk) * chunk;
    CHECK(stream.block_rows() == std::min(expected, n));
    CHECK(stream.rows() == n);
    CHECK(stream.layout().chunk_rows == kind.layout().chunk_rows);
    CHECK(stream.layout().block_rows == kind.layout().block_rows);
    CHECK(stream.chunk_count() == kind.layout().chunks);
    CHECK(stream.scale_exponent() == ln::detail::require_finite("test", kind));
    CHECK(stream.total_weight() == static_cast<ln::detail::Accum<T>>(n));
    CHECK(stream.template first_row<ln::detail::Accum<T>>() == X.row(0).transpose().template cast<ln::detail::Accum<T>>());
    Index rows = 0, pieces = 0;
    stream.for_each_piece([&](const auto& piece) {
      CHECK(piece.local_row == rows);
      CHECK(piece.first_chunk * chunk == rows);
      CHECK((piece.X.rows() % chunk == 0 || rows + piece.X.rows() == n));
      CHECK(piece.X.matrix() == X.middleRows(rows, piece.X.rows()));
      rows += piece.X.rows();
      ++pieces;
    });
    CHECK(rows == n);
    CHECK(pieces == (n + stream.block_rows() - 1) / stream.block_rows());
  }
}

TEST_CASE("stream: the fit agrees with a column-major in-memory fit to rounding, on any thread "
          "count, and keeps or clears the neuron's metadata as LogisticNeuron::fit does") {
  const Index d = 4, chunk = chunk_rows<double>(d);
  const Index n = 4 * chunk + 17;
  const Data data = make_data(n, d, 7301);
  const std::string path = work_path("stream_colmajor.bin");
  write_file(path, binary_bytes(data.X, data.y));
  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  options.tolerance = 0;
  options.gradient_tolerance = 1e-13;
  ln::BinaryFileSource<double> source(path, chunk);
  ln::LogisticNeuron<double> streamed, column_major;
  options.threads = 1;
  ln::fit(streamed, source, options);
  column_major.fit(data.X, data.y, options);  // Matrix<double> is column-major
  CHECK((streamed.weights() - column_major.weights()).norm() <= 1e-12 * column_major.weights().norm());
  CHECK(std::abs(streamed.bias() - column_major.bias()) <= 1e-12 * std::abs(column_major.bias()));
  // Two threads: the same bits as one.
  ln::LogisticNeuron<double> two;
  options.threads = 2;
  ln::fit(two, source, options);
  CHECK(test_support::same_state(test_support::state_of(two), test_support::state_of(streamed)));

  // Metadata: kept for the same feature count, cleared for another.
  ln::LogisticNeuron<double> named(Vector<double>::Ones(d), 0.5);
  named.set_feature_names({"a", "b", "c", "e"});
  named.set_standardization(Vector<double>::Zero(d), Vector<double>::Ones(d));
  ln::fit(named, source, options);
  CHECK(named.feature_names().size() == 4);
  CHECK(named.feature_scales().size() == d);
  CHECK(test_support::same_bits(named.weights(), streamed.weights()));
  ln::LogisticNeuron<double> other(Vector<double>::Ones(d + 1), 0.5);
  other.set_feature_names({"a", "b", "c", "e", "f"});
  ln::fit(other, source, options);
  CHECK(other.n_features() == d);
  CHECK(other.feature_names().empty());
  CHECK(other.feature_means().size() == 0);
  // Warm start needs the same feature count; from the optimum Newton stops at once.
  ln::LogisticNeuron<double> wrong(Vector<double>::Ones(d + 1), 0.5);
  const auto before = test_support::state_of(wrong);
  options.warm_start = true;
  check_throws<std::invalid_argument>([&] { ln::fit(wrong, source, options); },
                                      {"logistic_neuron::fit: X has 4 columns (features) but the "
                                       "neuron has 5 features"});
  CHECK(test_support::same_state(test_support::state_of(wrong), before));
  ln::LogisticNeuron<double> warm = streamed;
  const ln::FitResult<double> again = ln::fit(warm, source, options);
  CHECK(again.epochs <= 3);
}

TEST_CASE("stream: a user-written source; its exceptions and the callback's reach the caller "
          "and change nothing") {
  const Index d = 3, chunk = chunk_rows<double>(d);
  const Index n = 5 * chunk + 3;
  const Data data = make_data(n, d, 7401);
  const RowMatrix<double> X = data.X;
  ln::FitOptions<double> options;
  options.solver = ln::Solver::lbfgs;
  options.l2 = 1e-3;
  {
    MatrixSource<double> source(X, data.y, chunk);
    ln::LogisticNeuron<double> streamed, in_memory;
    const auto rs = ln::fit(streamed, source, options);
    const auto rm = in_memory.fit(X, data.y, options);
    check_same_fit(streamed, rs, in_memory, rm);
    CHECK(source.passes() >= rs.epochs + 1);  // the set-up pass, then one rewind a pass
  }
  const ln::LogisticNeuron<double> start(Vector<double>::Constant(d, 0.25), -0.5);
  {
    // Fails on the third pass (the set-up pass is the first), in the reader thread.
    MatrixSource<double> source(X, data.y, chunk);
    source.fail_on_pass = 3;
    ln::LogisticNeuron<double> neuron = start;
    check_throws<std::runtime_error>([&] { ln::fit(neuron, source, options); },
                                     {"matrix source: failed on purpose"});
    CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(start)));
  }
  {
    MatrixSource<double> source(X, data.y, chunk);
    source.short_on_pass = 2;
    ln::LogisticNeuron<double> neuron = start;
    check_throws<ln::FormatError>(
        [&] { ln::fit(neuron, source, options); },
        {"logistic_neuron::fit: \"matrix source\": the source gave ",
         (" were expected (its rows() says " + std::to_string(n) +
          "; did the file change during the fit?)").c_str()});
    CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(start)));
  }
  {
    MatrixSource<double> source(X, data.y, chunk);
    ln::LogisticNeuron<double> neuron = start;
    ln::FitOptions<double> throwing = options;
    throwing.on_epoch = [](const ln::EpochInfo<double>& info) -> bool {
      if (info.epoch >= 3) throw std::domain_error("callback: stop");
      return true;
    };
    check_throws<std::domain_error>([&] { ln::fit(neuron, source, throwing); }, {"callback: stop"});
    CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(start)));
  }
}

TEST_CASE_TEMPLATE("stream: malformed files are rejected with messages that name the file, the row "
                   "and the column, before anything changes",
                   T, float, double) {
  const Index d = 3, chunk = chunk_rows<T>(d);
  const Index n = 3 * chunk + 11;
  const Data data = make_data(n, d, 7501);
  const std::string good = binary_bytes(data.X, data.y);
  const std::string path = work_path("stream_bad_" + type_tag<T>() + ".bin");
  const std::string source_name = "logistic_neuron::BinaryFileSource: \"" + path + "\": ";
  const std::string fit_name = "logistic_neuron::fit: \"" + path + "\": ";
  const auto open = [&] { return ln::BinaryFileSource<T>(path, chunk); };

  check_throws<std::runtime_error>(
      [&] { ln::BinaryFileSource<T>(work_path("no/such/file.bin")); },
      {("logistic_neuron::BinaryFileSource: cannot open \"" + work_path("no/such/file.bin") +
        "\" for reading").c_str()});
  write_file(path, good);
  check_throws<std::invalid_argument>(
      [&] { ln::BinaryFileSource<T>(path, -1); },
      {"logistic_neuron::BinaryFileSource: block_rows must be >= 0 (0 = automatic), got -1"});

  write_file(path, good.substr(0, 10));
  std::string message = check_throws<ln::FormatError>(
      open, {(source_name + "the file has 10 bytes, fewer than the 24 of the header "
                            "(\"LNDATA01\", int64 n, int64 d)").c_str()});
  std::string bytes = good;
  bytes[7] = '2';
  write_file(path, bytes);
  check_throws<ln::FormatError>(
      open, {(source_name + "not a data file of this format: it starts with \"LNDATA02\", "
                            "expected \"LNDATA01\"").c_str()});
  bytes = good;
  std::memset(&bytes[8], 0, 8);  // n = 0
  write_file(path, bytes);
  check_throws<ln::FormatError>(open,
                                {(source_name + "the header says n = 0 rows; expected at least 1").c_str()});
  // Truncated in X: the first value missing is X(7, 2).
  const std::size_t header = 24;
  const std::string expected_size = std::to_string(header + 8 * n * (d + 1));
  write_file(path, good.substr(0, header + 8 * (7 * 3 + 2) + 5));
  check_throws<ln::FormatError>(
      open, {(source_name + "the file has " + std::to_string(header + 8 * 23 + 5) +
              " bytes but its header (n = " + std::to_string(n) + ", d = 3) implies 24 + 8 n (d + 1) = " +
              expected_size + ": it is truncated; the first value missing is X(7, 2) (row, column "
                              "from 0)").c_str()});
  // Truncated in y: the first value missing is y[n - 4].
  write_file(path, good.substr(0, good.size() - 8 * 4));
  check_throws<ln::FormatError>(
      open, {("it is truncated; the first value missing is y[" + std::to_string(n - 4) +
              "] (rows from 0)").c_str()});
  write_file(path, good + "extra");
  try {
    open();
    CHECK_MESSAGE(false, "expected a FormatError");
  } catch (const ln::FormatError& e) {
    CHECK(std::string(e.what()).find(": it has 5 bytes too many") != std::string::npos);
    CHECK(e.line() == 0);
  }

  // Values: checked by the set-up pass of the fit, with the row of the whole file.
  const ln::LogisticNeuron<T> start(Vector<T>::Constant(d, T(0.5)), T(0.25));
  const auto fit_must_throw = [&](const std::string& file_bytes, const std::string& text) {
    write_file(path, file_bytes);
    ln::BinaryFileSource<T> source(path, chunk);
    ln::LogisticNeuron<T> neuron = start;
    check_throws<std::invalid_argument>([&] { ln::fit(neuron, source); }, {text.c_str()});
    CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(start)));
  };
  const Index row = 2 * chunk + 9;  // in the third block
  const auto with_x = [&](Index i, Index j, double value) {
    std::string b = good;
    std::string v;
    put(v, value);
    b.replace(header + 8 * (i * d + j), 8, v);
    return b;
  };
  fit_must_throw(with_x(row, 1, std::numeric_limits<double>::quiet_NaN()),
                 fit_name + "X(" + std::to_string(row) + ", 1) is nan; expected finite values "
                            "(row, column from 0)");
  fit_must_throw(with_x(n - 1, 2, -std::numeric_limits<double>::infinity()),
                 fit_name + "X(" + std::to_string(n - 1) + ", 2) is -inf; expected finite values "
                            "(row, column from 0)");
  {
    std::string b = good, v;
    put(v, 0.5);
    b.replace(header + 8 * (n * d + row), 8, v);
    fit_must_throw(b, fit_name + "y[" + std::to_string(row) + "] is 0.5; expected a label 0 or 1");
  }
  if constexpr (std::is_same_v<T, float>) {
    fit_must_throw(with_x(row, 0, 1e300),
                   source_name + "X(" + std::to_string(row) + ", 0) is 1e+300, beyond the range "
                                 "of float; expected a value float can hold");
  }
  (void)message;
}

TEST_CASE_TEMPLATE("stream: a libsvm file (dense pieces) fits as read_libsvm's rows do in memory",
                   T, float, double) {
  const Index d = 6, chunk = chunk_rows<T>(d);
  const Index n = 3 * chunk + 50;
  Data data = make_data(n, d, 7701);
  // Zeros, which the file leaves out, and a last column that is all zero (so d comes from
  // n_features, not from the file).
  for (Index i = 0; i < n; i += 3) data.X(i, i % 5) = 0;
  data.X.col(d - 1).setZero();
  const std::string path = work_path("stream_libsvm_" + type_tag<T>() + ".svm");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << "# a comment line, then a blank one\n\n";
    ln::write_libsvm(out, data.X, data.y);
  }
  ln::LibsvmOptions libsvm;
  libsvm.n_features = d;
  const ln::LibsvmData<T> read = ln::read_libsvm<T>(path, libsvm);
  const RowMatrix<T> X = RowMatrix<T>(read.X);
  const Vector<T> y = read.y.template cast<T>();
  for (const Index block : {chunk, Index(0)}) {
    CAPTURE(block);
    ln::LibsvmFileSource<T> source(path, block, libsvm);
    CHECK(source.rows() == n);
    CHECK(source.cols() == d);
    for (ln::Solver solver : {ln::Solver::newton, ln::Solver::lbfgs}) {
      ln::FitOptions<T> options;
      options.solver = solver;
      options.l2 = T(1e-3);
      options.standardize = solver == ln::Solver::lbfgs;
      ln::LogisticNeuron<T> streamed, in_memory;
      const auto rs = ln::fit(streamed, source, options);
      const auto rm = in_memory.fit(X, y, options);
      check_same_fit(streamed, rs, in_memory, rm);
    }
  }
  // Without n_features, d is the largest index + 1, as read_libsvm infers it.
  ln::LibsvmFileSource<T> inferred(path);
  CHECK(inferred.cols() == d - 1);
}

TEST_CASE("stream: a malformed libsvm file is rejected with read_libsvm's message, naming the "
          "file, the line and the column, wherever the line is") {
  const std::string path = work_path("stream_libsvm_bad.svm");
  const std::string name = "logistic_neuron::LibsvmFileSource: \"" + path + "\": ";
  const auto write = [&](const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  };
  // 3000 lines (several runs of the parser), a bad token on line 2500.
  std::string text = "-1 1:0.5 2:1\n";
  for (int line = 2; line <= 3000; ++line) {
    text += line == 2500 ? "+1 1:0.25 2:x\n" : (line % 2 ? "-1 2:1.5\n" : "+1 1:2\n");
  }
  write(text);
  try {
    ln::LibsvmFileSource<double> source(path);
    CHECK_MESSAGE(false, "expected a FormatError");
  } catch (const ln::FormatError& e) {
    CHECK(std::string(e.what()) ==
          name + "line 2500, column 13: expected a number as the value of feature \"2\", got \"x\"");
    CHECK(e.line() == 2500);
    CHECK(e.column() == 13);
  }
  // Labels -1 and 0 mixed 2000 lines apart.
  text = "-1 1:1\n";
  for (int line = 2; line < 2100; ++line) text += "+1 1:2\n";
  text += "0 1:3\n";
  write(text);
  check_throws<ln::FormatError>(
      [&] { ln::LibsvmFileSource<double>{path}; },
      {(name + "line 2100, column 1: the label \"0\" mixes the labels -1 and 0 (line 1 has the "
               "label -1)").c_str()});
  ln::LibsvmOptions options;
  options.max_line_length = 8;
  write("+1 1:1\n-1 1:0.125 2:3\n");
  check_throws<ln::FormatError>([&] { ln::LibsvmFileSource<double>(path, 0, options); },
                                {(name + "line 2, column 9: the line is longer than 8 bytes").c_str()});
  check_throws<std::runtime_error>(
      [&] { ln::LibsvmFileSource<double>(work_path("no/such.svm")); },
      {("logistic_neuron::LibsvmFileSource: cannot open \"" + work_path("no/such.svm") +
        "\" for reading").c_str()});
  write("+1 1:1\n");
  check_throws<std::invalid_argument>(
      [&] { ln::LibsvmFileSource<double>(path, -2); },
      {"logistic_neuron::LibsvmFileSource: block_rows must be >= 0 (0 = automatic), got -2"});
}

// The memory cap (the ctest tests stream_memory_cap_reference and stream_memory_cap): the first
// case writes a file of about 300 MB, fits its rows in memory (a row-major X), saves that model,
// and checks that the stream gives it too; the second runs in a process whose address space is
// capped (ulimit -v) well below the file's size, fits the file from the stream and must give the
// in-memory model (to 1e-12 relative, and in fact bit for bit). Run without
// LOGISTIC_NEURON_STREAM_CAP_FILE (as part of the suite), both cases do the same on a small file
// of their own.
namespace {

struct CapFile {
  std::string path;
  Index n = 0, d = 0;
  bool capped = false;  // the ctest test's second step
};

CapFile cap_file(const char* own_name) {
  CapFile file;
  const char* env = std::getenv("LOGISTIC_NEURON_STREAM_CAP_FILE");
  file.d = 20;
  if (env != nullptr && *env != '\0') {
    file.path = env;
    file.n = 1800000;  // 1.8e6 x 21 float64: 302 MB
    file.capped = true;
  } else {
    file.path = work_path(own_name);
    file.n = 3 * chunk_rows<double>(file.d) + 100;
  }
  return file;
}

/// Writes the file in pieces of 4096 rows (never all of X in memory) unless it has the right
/// size already.
void write_cap_file(const CapFile& file) {
  const std::size_t bytes = 24 + 8 * static_cast<std::size_t>(file.n) * (file.d + 1);
  {
    std::ifstream in(file.path, std::ios::binary | std::ios::ate);
    if (in && static_cast<std::size_t>(in.tellg()) == bytes) return;
  }
  std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
  std::string head = "LNDATA01";
  put(head, static_cast<std::int64_t>(file.n));
  put(head, static_cast<std::int64_t>(file.d));
  out.write(head.data(), 24);
  test_support::Random random(7601);
  Vector<double> w_true(file.d);
  for (Index j = 0; j < file.d; ++j) w_true[j] = 0.5 * random.normal();
  std::vector<double> y(static_cast<std::size_t>(file.n));
  std::string piece;
  for (Index i = 0; i < file.n; ++i) {
    double z = -0.3;
    for (Index j = 0; j < file.d; ++j) {
      const double x = random.normal() + 0.1 * static_cast<double>(j);
      z += x * w_true[j];
      put(piece, x);
    }
    y[static_cast<std::size_t>(i)] = random.uniform() < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
    if (piece.size() >= 4096 * 8 * static_cast<std::size_t>(file.d)) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      piece.clear();
    }
  }
  for (double label : y) put(piece, label);
  out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
  REQUIRE(out.good());
}

ln::FitOptions<double> cap_options() {
  ln::FitOptions<double> options;
  options.solver = ln::Solver::newton;
  options.l2 = 1e-4;
  options.threads = 1;
  return options;
}

}  // namespace

TEST_CASE("stream memory cap: reference") {
  // The in-memory fit of the file's rows (read straight into a row-major X), saved as the
  // reference; the stream, unrestricted, gives the same model.
  const CapFile file = cap_file("stream_cap_reference.bin");
  write_cap_file(file);
  RowMatrix<double> X(file.n, file.d);
  Vector<double> y(file.n);
  {
    std::ifstream in(file.path, std::ios::binary);
    in.seekg(24);
    in.read(reinterpret_cast<char*>(X.data()), static_cast<std::streamsize>(sizeof(double) * X.size()));
    in.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(sizeof(double) * y.size()));
    REQUIRE(in.good());
  }
  ln::LogisticNeuron<double> in_memory;
  CHECK(in_memory.fit(X, y, cap_options()).converged());
  in_memory.save(file.path + ".model");
  ln::BinaryFileSource<double> source(file.path, 4 * chunk_rows<double>(file.d));
  ln::LogisticNeuron<double> streamed;
  const ln::FitResult<double> result = ln::fit(streamed, source, cap_options());
  CHECK(result.converged());
  CHECK(test_support::same_state(test_support::state_of(streamed), test_support::state_of(in_memory)));
}

TEST_CASE("stream memory cap: capped fit") {
  const CapFile file = cap_file("stream_cap_capped.bin");
  if (!file.capped) {
    // As the reference case does: the in-memory fit, saved.
    write_cap_file(file);
    std::ifstream in(file.path, std::ios::binary);
    RowMatrix<double> X(file.n, file.d);
    Vector<double> y(file.n);
    in.seekg(24);
    in.read(reinterpret_cast<char*>(X.data()), static_cast<std::streamsize>(sizeof(double) * X.size()));
    in.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(sizeof(double) * y.size()));
    REQUIRE(in.good());
    ln::LogisticNeuron<double> reference;
    reference.fit(X, y, cap_options());
    reference.save(file.path + ".model");
  }
  const std::size_t bytes = 24 + 8 * static_cast<std::size_t>(file.n) * (file.d + 1);
#if defined(__unix__) || defined(__APPLE__)
  if (file.capped) {
    // The cap is in force and well below the file's size.
    rlimit limit{};
    REQUIRE(getrlimit(RLIMIT_AS, &limit) == 0);
    REQUIRE(limit.rlim_cur != RLIM_INFINITY);
    MESSAGE("address space capped at ", limit.rlim_cur / (1 << 20), " MiB; the file has ",
            bytes / (1 << 20), " MiB");
    CHECK(static_cast<double>(limit.rlim_cur) < 0.5 * static_cast<double>(bytes));
  }
#endif
  ln::LogisticNeuron<double> reference;
  reference.load(file.path + ".model");
  ln::BinaryFileSource<double> source(file.path, 4 * chunk_rows<double>(file.d));
  ln::LogisticNeuron<double> neuron;
  const ln::FitResult<double> result = ln::fit(neuron, source, cap_options());
  CHECK(result.converged());
  // The in-memory fit of the same rows: to 1e-12 relative, and in fact bit for bit.
  CHECK((neuron.weights() - reference.weights()).norm() <= 1e-12 * reference.weights().norm());
  CHECK(std::abs(neuron.bias() - reference.bias()) <= 1e-12 * std::abs(reference.bias()));
  CHECK(test_support::same_state(test_support::state_of(neuron), test_support::state_of(reference)));
}

}  // namespace test_stream
