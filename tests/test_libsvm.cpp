// libsvm / svmlight files: read_libsvm and write_libsvm (libsvm.hpp).
//
// Truth here is the format as libsvm.hpp specifies it: hand-written files with hand-written
// expected matrices (values as C++ literals, parsed by the compiler), the exact line, column and
// text of every error, bit-exact equality after a write / read round trip, and std::from_chars
// as the reference of the parser's own fast number path. Every read is also repeated through the
// parser with tiny blocks on one, two and three threads, so that lines straddling blocks and the
// parallel path are exercised on every input, and must give the same bits or the same error.
//
// This file also builds with -ffast-math (see bench/libsvm_read/README.md): NaN and infinity
// must still be rejected then, so no check here relies on NaN comparisons either.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <locale>
#include <random>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <system_error>
#include <typeinfo>
#include <vector>

#include <Eigen/SparseCore>
#include <doctest/doctest.h>

#include <logistic_neuron/libsvm.hpp>

#include "test_support.hpp"

// This file's own namespace, for the unity build (LOGISTIC_NEURON_TEST_UNITY in tests/).
namespace test_libsvm {

namespace {

namespace ln = logistic_neuron;
using test_support::check_throws;
using Index = Eigen::Index;

/// A scalar type and an index type, for TEST_CASE_TEMPLATE.
template <class S, class I>
struct Types {
  using Scalar = S;
  using StorageIndex = I;
};
#define LIBSVM_TYPES                                                                      \
  Types<float, int>, Types<float, long long>, Types<float, std::int64_t>, Types<double, int>, \
      Types<double, long long>, Types<double, std::int64_t>

/// A literal in the scalar type T, parsed by the compiler: x as a float literal for float.
#define LIT(x) (std::is_same_v<T, float> ? static_cast<T>(x##f) : static_cast<T>(x))

template <class S, class I>
using Sparse = Eigen::SparseMatrix<S, Eigen::RowMajor, I>;
template <class T>
using Dense = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// -0 from its bit pattern (-ffast-math may fold -T(0) to +0).
template <class T>
T minus_zero() {
  T value = T(0);
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  bytes[sizeof(T) - 1] = 0x80;  // the sign bit, on the little-endian machines this runs on
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

/// Same shape, same stored structure, same bits of every stored value, same labels.
template <class S, class I>
bool same_data(const ln::LibsvmData<S, I>& a, const ln::LibsvmData<S, I>& b) {
  if (a.X.rows() != b.X.rows() || a.X.cols() != b.X.cols() || a.X.nonZeros() != b.X.nonZeros() ||
      a.y.size() != b.y.size() || !a.X.isCompressed() || !b.X.isCompressed()) {
    return false;
  }
  const auto nnz = static_cast<std::size_t>(a.X.nonZeros());
  const auto outer = static_cast<std::size_t>(a.X.rows() + 1);
  return (nnz == 0 ||
          (std::memcmp(a.X.valuePtr(), b.X.valuePtr(), nnz * sizeof(S)) == 0 &&
           std::memcmp(a.X.innerIndexPtr(), b.X.innerIndexPtr(), nnz * sizeof(I)) == 0)) &&
         std::memcmp(a.X.outerIndexPtr(), b.X.outerIndexPtr(), outer * sizeof(I)) == 0 &&
         a.y == b.y;
}

/// Block schedules of the parser (threads, first block, largest sequential block, piece, and
/// whether the pieces of a parallel block run one after the other on this thread: the same
/// cuts and merge without starting a thread per tiny block; one schedule starts real threads).
struct Schedule {
  int threads;
  std::size_t first, largest, piece;
  bool serial;
};
const Schedule schedules[] = {{1, 1, 1, 1, false},   {1, 3, 7, 1, false},  {2, 1, 4, 3, true},
                              {2, 5, 8, 2, true},    {3, 2, 2, 5, true},   {3, 11, 16, 1, true},
                              {2, 16, 32, 40, false}};

/// Reads text through the parser directly, with a given block schedule.
template <class S, class I>
ln::LibsvmData<S, I> read_scheduled(const std::string& text, const ln::LibsvmOptions& options,
                                    const Schedule& schedule, std::size_t max_entries = 0) {
  options.validate<I>("logistic_neuron::read_libsvm");
  ln::detail::LibsvmParser<S, I> parser("logistic_neuron::read_libsvm", options.n_features,
                                        options.max_features, options.max_line_length,
                                        options.zero_based, schedule.threads);
  parser.set_blocks(schedule.first, schedule.largest, schedule.piece);
  parser.set_serial(schedule.serial);
  if (max_entries != 0) parser.set_max_entries(max_entries);
  std::istringstream in(text);
  parser.read(in);
  ln::LibsvmData<S, I> data;
  parser.finish(data.X, data.y);
  return data;
}

/// read_libsvm on text, checking that every block schedule gives the same bits.
template <class S, class I>
ln::LibsvmData<S, I> read_text(const std::string& text, const ln::LibsvmOptions& options = {}) {
  std::istringstream in(text);
  ln::LibsvmData<S, I> data = ln::read_libsvm<S, I>(in, options);
  for (const Schedule& schedule : schedules) {
    CHECK_MESSAGE(same_data(read_scheduled<S, I>(text, options, schedule), data),
                  "schedule: threads ", schedule.threads, ", blocks ", schedule.first, " ",
                  schedule.largest, " ", schedule.piece);
  }
  return data;
}

/// The message of the FormatError that reading text throws, checking its line(), column() and
/// prefix, and that every block schedule throws the same.
template <class S, class I>
std::string read_error(const std::string& text, std::size_t line, std::size_t column,
                       const ln::LibsvmOptions& options = {}, std::size_t max_entries = 0) {
  const auto attempt = [&](const Schedule* schedule) -> std::string {
    try {
      if (schedule == nullptr && max_entries == 0) {
        std::istringstream in(text);
        ln::read_libsvm<S, I>(in, options);
      } else {
        read_scheduled<S, I>(text, options,
                             schedule ? *schedule : Schedule{1, 65536, 1 << 20, 1, false},
                             max_entries);
      }
    } catch (const ln::FormatError& e) {
      CHECK(e.line() == line);
      CHECK(e.column() == column);
      return e.what();
    }
    FAIL_CHECK("no FormatError for: ", text);
    return {};
  };
  const std::string message = attempt(nullptr);
  const std::string prefix = "logistic_neuron::read_libsvm: line " + std::to_string(line) +
                             ", column " + std::to_string(column) + ": ";
  CHECK_MESSAGE(message.rfind(prefix, 0) == 0, message, " should start with: ", prefix);
  for (const Schedule& schedule : schedules) {
    CHECK_MESSAGE(attempt(&schedule) == message, "schedule: threads ", schedule.threads,
                  ", blocks ", schedule.first, " ", schedule.largest, " ", schedule.piece);
  }
  return message;
}

/// Checks that `message` contains `part`.
void contains(const std::string& message, const std::string& part) {
  CHECK_MESSAGE(message.find(part) != std::string::npos, "message \"", message,
                "\" does not contain \"", part, "\"");
}

/// A stream buffer that gives `text`, then fails (its underflow throws, which sets badbit).
class FailingBuffer : public std::streambuf {
 public:
  explicit FailingBuffer(std::string text) : m_text(std::move(text)) {
    setg(m_text.data(), m_text.data(), m_text.data() + m_text.size());
  }

 protected:
  int_type underflow() override { throw std::runtime_error("the disk is on fire"); }

 private:
  std::string m_text;
};

/// A scratch file path in the test work directory (or the current one).
std::string scratch_path(const std::string& name) {
#ifdef LOGISTIC_NEURON_TEST_WORK_DIR
  return std::string(LOGISTIC_NEURON_TEST_WORK_DIR) + "/" + name;
#else
  return name;
#endif
}

/// A distinct name for each StorageIndex (long and long long have the same size, and ctest runs
/// the instances of one test case side by side, so a size would give them one file).
template <class I>
std::string index_tag() {
  if (std::is_same_v<I, int>) return "int";
  if (std::is_same_v<I, long>) return "long";
  if (std::is_same_v<I, long long>) return "longlong";
  return "i" + std::to_string(sizeof(I));
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Values that stress a decimal round trip: extremes, subnormals, -0, explicit 0, values that
/// need all digits, and seeded random values over many magnitudes.
template <class T>
std::vector<T> hard_values() {
  using L = std::numeric_limits<T>;
  std::vector<T> v = {L::max(),         -L::max(),      L::min(),     -L::min(),
                      L::denorm_min(),  -L::denorm_min(), minus_zero<T>(), T(0),
                      L::epsilon(),     T(1) / T(3),    T(-2) / T(3), T(0.1),
                      std::nextafter(T(1), T(2)), std::nextafter(T(1), T(0)),
                      std::nextafter(L::min(), T(0)), T(123456789)};
  std::mt19937 engine(42);
  std::uniform_real_distribution<double> mantissa(-1, 1);
  std::uniform_int_distribution<int> exponent(L::min_exponent - L::digits, L::max_exponent - 1);
  for (int k = 0; k < 400; ++k) {
    v.push_back(static_cast<T>(std::ldexp(mantissa(engine), k % 2 ? exponent(engine)
                                                                    : exponent(engine) / 20)));
  }
#ifdef __FAST_MATH__
  // -ffast-math programs start with subnormals flushed to zero (FTZ/DAZ), and then the standard
  // library's std::to_chars writes a subnormal as "0": subnormals cannot round-trip there.
  v.erase(std::remove_if(v.begin(), v.end(),
                         [](T x) { return x != T(0) && std::abs(x) < L::min(); }),
          v.end());
  for (T& x : v) {
    if (std::abs(x) < L::min()) x = T(0);  // a subnormal that already reads as 0 under DAZ
  }
#endif
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Reading good input.

TEST_CASE_TEMPLATE("libsvm: a hand-written file reads to the expected matrix", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  const std::string text =
      "# a comment line\n"
      "+1 1:0.5 3:-2 10:1e-3\n"
      "\n"
      "   \t  \n"
      "-1\t2:4.25   # a trailing comment\r\n"
      "+1 \n"
      "-1 1:0 4:+7.5 5:.5 6:1.\t\n"
      "+1 2:-0 3:1E2 7:2.5e+1#comment right after a token\n"
      "  -1 8:123456789012345678901234567890\n"
      "#\n"
      "+1.0 9:3";  // no final newline
  const ln::LibsvmData<T, I> data = read_text<T, I>(text);
  REQUIRE(data.X.rows() == 7);
  REQUIRE(data.X.cols() == 10);
  CHECK(data.X.nonZeros() == 13);  // the explicit 0 and the -0 are stored
  Dense<T> expected = Dense<T>::Zero(7, 10);
  expected(0, 0) = LIT(0.5);
  expected(0, 2) = LIT(-2.0);
  expected(0, 9) = LIT(1e-3);
  expected(1, 1) = LIT(4.25);
  expected(3, 3) = LIT(7.5);
  expected(3, 4) = LIT(.5);
  expected(3, 5) = LIT(1.);
  expected(4, 2) = LIT(1E2);
  expected(4, 6) = LIT(2.5e+1);
  expected(5, 7) = LIT(123456789012345678901234567890.0);
  expected(6, 8) = LIT(3.0);
  const Dense<T> got = Dense<T>(data.X);
  for (Index i = 0; i < 7; ++i) {
    for (Index j = 0; j < 10; ++j) {
      CHECK_MESSAGE(same_bits(std::abs(got(i, j)), std::abs(expected(i, j))), i, ", ", j);
    }
  }
  // The stored structure: row 3 stores column 0 (an explicit 0), row 4 stores -0 in column 1.
  Eigen::VectorXi row_sizes(7);
  for (Index i = 0; i < 7; ++i) {
    row_sizes[i] = static_cast<int>(data.X.outerIndexPtr()[i + 1] - data.X.outerIndexPtr()[i]);
  }
  Eigen::VectorXi expected_sizes(7);
  expected_sizes << 3, 1, 0, 4, 3, 1, 1;
  CHECK(row_sizes == expected_sizes);
  CHECK(data.X.coeff(3, 0) == T(0));
  CHECK(same_bits(data.X.coeff(4, 1), minus_zero<T>()));
  CHECK(data.X.innerIndexPtr()[4] == 0);
  Eigen::VectorXi expected_y(7);
  expected_y << 1, 0, 1, 0, 1, 0, 1;
  CHECK(data.y == expected_y);
}

TEST_CASE_TEMPLATE("libsvm: both label conventions, in their spellings", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  Eigen::VectorXi expected(6);
  expected << 1, 0, 1, 0, 1, 0;
  CHECK(read_text<T, I>("+1\n-1\n1\n-1.0\n1e0\n-1e0\n").y == expected);
  CHECK(read_text<T, I>("1\n0\n+1\n0.0\n1.000\n-0\n").y == expected);
  CHECK(read_text<T, I>("1 1:1\n1.0 2:2\n+1\n").y == Eigen::VectorXi::Ones(3));
  // One file, one convention; a file with 1 only fits both.
  CHECK(read_text<T, I>("-1\n-1\n").y == Eigen::VectorXi::Zero(2));
  CHECK(read_text<T, I>("0\n0\n").y == Eigen::VectorXi::Zero(2));
}

TEST_CASE_TEMPLATE("libsvm: zero_based and n_features", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  ln::LibsvmOptions options;
  options.zero_based = true;
  const ln::LibsvmData<T, I> zero = read_text<T, I>("1 0:1.5 2:2\n0 1:-1\n", options);
  REQUIRE(zero.X.rows() == 2);
  REQUIRE(zero.X.cols() == 3);
  CHECK(zero.X.coeff(0, 0) == LIT(1.5));
  CHECK(zero.X.coeff(0, 2) == LIT(2.0));
  CHECK(zero.X.coeff(1, 1) == LIT(-1.0));

  ln::LibsvmOptions fixed;
  fixed.n_features = 8;
  const ln::LibsvmData<T, I> wide = read_text<T, I>("1 1:1.5 3:2\n0 8:-1\n", fixed);
  CHECK(wide.X.cols() == 8);
  CHECK(wide.X.coeff(1, 7) == LIT(-1.0));
  fixed.n_features = 20;
  CHECK(read_text<T, I>("1 2:1\n", fixed).X.cols() == 20);
  // Without n_features, d is the largest index: columns after it do not exist.
  CHECK(read_text<T, I>("1 2:1\n0 5:1\n").X.cols() == 5);
}

TEST_CASE_TEMPLATE("libsvm: empty input and files without samples", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  for (const char* text : {"", "\n", "# nothing here\n\n  \t \r\n", "#"}) {
    const ln::LibsvmData<T, I> data = read_text<T, I>(text);
    CHECK(data.X.rows() == 0);
    CHECK(data.X.cols() == 0);
    CHECK(data.y.size() == 0);
  }
  ln::LibsvmOptions options;
  options.n_features = 4;
  const ln::LibsvmData<T, I> empty = read_text<T, I>("", options);
  CHECK(empty.X.rows() == 0);
  CHECK(empty.X.cols() == 4);
  // Samples without features: n x 0.
  const ln::LibsvmData<T, I> labels = read_text<T, I>("1\n-1\n");
  CHECK(labels.X.rows() == 2);
  CHECK(labels.X.cols() == 0);
  CHECK(labels.X.nonZeros() == 0);
}

TEST_CASE_TEMPLATE("libsvm: line ends, separators and a last line without a line end", P,
                   LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  const ln::LibsvmData<T, I> unix_text = read_text<T, I>("1 1:2 3:4\n-1 2:5\n");
  for (const char* text :
       {"1 1:2 3:4\r\n-1 2:5\r\n", "1\t1:2\t\t3:4 \n-1   2:5\t", "1 1:2 3:4\n-1 2:5",
        "1 1:2 3:4\r\n-1 2:5\r", "\t 1 1:2 3:4 # x:y\n-1 2:5#\n"}) {
    CHECK_MESSAGE(same_data(read_text<T, I>(text), unix_text), text);
  }
}

TEST_CASE_TEMPLATE("libsvm: a value that underflows reads as 0 with its sign", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  const ln::LibsvmData<T, I> data = read_text<T, I>("1 1:1e-400 2:-1e-400 3:1e-50\n");
  REQUIRE(data.X.nonZeros() == 3);
  CHECK(same_bits(data.X.valuePtr()[0], T(0)));
  CHECK(same_bits(data.X.valuePtr()[1], minus_zero<T>()));
  // 1e-50 underflows float only.
  CHECK(same_bits(data.X.valuePtr()[2], std::is_same_v<T, float> ? T(0) : static_cast<T>(1e-50)));
}

TEST_CASE_TEMPLATE("libsvm: a huge index costs no memory and long tokens read", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  const ln::LibsvmData<T, I> data = read_text<T, I>("1 2000000000:1 2147483646:2\n");
  CHECK(data.X.cols() == 2147483646);
  CHECK(data.X.nonZeros() == 2);
  CHECK(data.X.innerIndexPtr()[1] == 2147483645);
  // Leading zeros in an index, and more than 19 digits of them.
  CHECK(read_text<T, I>("1 0000000000000000000000007:1\n").X.cols() == 7);
  // A value with many digits goes through std::from_chars.
  const std::string digits = "0." + std::string(40, '3');
  CHECK(read_text<T, I>("1 1:" + digits + "\n").X.coeff(0, 0) == LIT(0.3333333333333333333));
}

// ---------------------------------------------------------------------------------------------
// Errors, each at its line and column.

TEST_CASE_TEMPLATE("libsvm: bad labels", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  contains(read_error<T, I>("1 1:1\n2 1:1\n", 2, 1),
           "the label \"2\" is not +1, -1, 1 or 0; expected a binary label");
  contains(read_error<T, I>("0.5\n", 1, 1), "the label \"0.5\" is not +1, -1, 1 or 0");
  contains(read_error<T, I>("nan 1:1\n", 1, 1), "the label \"nan\" is not +1, -1, 1 or 0");
  contains(read_error<T, I>("-inf\n", 1, 1), "the label \"-inf\" is not +1, -1, 1 or 0");
  contains(read_error<T, I>("1e999\n", 1, 1), "the label \"1e999\" is not +1, -1, 1 or 0");
  contains(read_error<T, I>("  abc 1:1\n", 1, 3), "expected a label (+1, -1, 1 or 0), got \"abc\"");
  contains(read_error<T, I>("1x 1:1\n", 1, 1), "expected a label (+1, -1, 1 or 0), got \"1x\"");
  contains(read_error<T, I>("+-1\n", 1, 1), "got \"+-1\"");
  contains(read_error<T, I>("1:1 2:2\n", 1, 1), "got \"1:1\"");
  // -1 and 0 in one file: the first label of the second convention is the error.
  contains(read_error<T, I>("1\n-1 1:1\n1\n0 1:2\n", 4, 1),
           "the label \"0\" mixes the labels -1 and 0 (line 2 has the label -1); a file labels "
           "its classes +1/-1 or 1/0, not both");
  contains(read_error<T, I>("# header\n0.0\n0\n \t-1\n", 4, 3),
           "the label \"-1\" mixes the labels -1 and 0 (line 2 has the label 0)");
}

TEST_CASE_TEMPLATE("libsvm: tokens that are not index:value", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  contains(read_error<T, I>("1 1:1 abc\n", 1, 7), "expected \"index:value\", got \"abc\"");
  contains(read_error<T, I>("1 5\n", 1, 3), "expected \"index:value\", got \"5\"");
  contains(read_error<T, I>("1\n1 2:1 qid:3 4:1\n", 2, 7),
           "query ids (\"qid:3\", from an svmlight ranking file) are not supported; expected "
           "\"index:value\"");
  contains(read_error<T, I>("1 qid:1\n", 1, 3), "query ids");
  contains(read_error<T, I>("1 x:3\n", 1, 3),
           "expected a feature index (an integer >= 1) before ':', got \"x\" in \"x:3\"");
  contains(read_error<T, I>("1 1.5:3\n", 1, 3), "got \"1.5\" in \"1.5:3\"");
  contains(read_error<T, I>("1 -1:3\n", 1, 3), "got \"-1\" in \"-1:3\"");
  contains(read_error<T, I>("1 +2:3\n", 1, 3), "got \"+2\" in \"+2:3\"");
  contains(read_error<T, I>("1 :3\n", 1, 3), "got \"\" in \":3\"");
  ln::LibsvmOptions zero;
  zero.zero_based = true;
  contains(read_error<T, I>("1 a:3\n", 1, 3, zero), "a feature index (an integer >= 0)");
  // A long token is cut, control characters shown as '?'.
  contains(read_error<T, I>("1 " + std::string(50, 'x') + "\x01\n", 1, 3),
           "got \"" + std::string(40, 'x') + "...\"");
  contains(read_error<T, I>("1 ab\x7f\x02\n", 1, 3), "got \"ab??\"");
  // A '\r' that does not end a line is not a separator.
  contains(read_error<T, I>("1 1:2\r3:4\n", 1, 5), "expected a number as the value of feature "
                                                   "\"1\", got \"2?3:4\"");
}

TEST_CASE_TEMPLATE("libsvm: indices 0, not increasing, out of range", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  contains(read_error<T, I>("1 0:1\n", 1, 3),
           "the feature index \"0\" is not allowed: libsvm indices start at 1 (set "
           "LibsvmOptions::zero_based for a file whose indices start at 0)");
  contains(read_error<T, I>("1 000:1\n", 1, 3), "the feature index \"000\" is not allowed");
  contains(read_error<T, I>("1 1:1\n-1 3:1 3:2\n", 2, 8),
           "the feature index \"3\" repeats the previous index on this line; indices must "
           "increase strictly along a line");
  contains(read_error<T, I>("1 5:1  2:1\n", 1, 8),
           "the feature index \"2\" is below the previous index 5 on this line");
  ln::LibsvmOptions zero;
  zero.zero_based = true;
  contains(read_error<T, I>("1 4:1 0:1\n", 1, 7, zero),
           "the feature index \"0\" is below the previous index 4 on this line");
  // Indices start again on each line.
  CHECK(read_text<T, I>("1 5:1\n1 2:1\n").X.cols() == 5);

  ln::LibsvmOptions fixed;
  fixed.n_features = 5;
  contains(read_error<T, I>("1 5:1\n1 1:1 6:1\n", 2, 7, fixed),
           "the feature index \"6\" is out of range: LibsvmOptions::n_features is 5, so indices "
           "go from 1 to 5");
  fixed.zero_based = true;
  contains(read_error<T, I>("1 4:1 5:1\n", 1, 7, fixed),
           "the feature index \"5\" is out of range: LibsvmOptions::n_features is 5, so indices "
           "go from 0 to 4");
  ln::LibsvmOptions limited;
  limited.max_features = 100;
  CHECK(read_text<T, I>("1 100:1\n", limited).X.cols() == 100);
  contains(read_error<T, I>("1 101:1\n", 1, 3, limited),
           "the feature index \"101\" is out of range: the limit is 100 features "
           "(LibsvmOptions::max_features), so indices go from 1 to 100");
  contains(read_error<T, I>("1 2147483647:1\n", 1, 3),
           "the feature index \"2147483647\" is out of range: the limit is 2147483646 features "
           "(LibsvmOptions::max_features), so indices go from 1 to 2147483646");
  contains(read_error<T, I>("1 99999999999999999999999:1\n", 1, 3),
           "the feature index \"99999999999999999999999\" is out of range");
  contains(read_error<T, I>("1 18446744073709551616:1\n", 1, 3), "is out of range");
  // A max_features above what StorageIndex can index is capped there.
  ln::LibsvmOptions above;
  above.max_features = std::numeric_limits<Index>::max();
  if constexpr (sizeof(I) == 4) {
    contains(read_error<T, I>("1 2147483647:1\n", 1, 3, above),
             "the limit is 2147483646 features (what a 32-bit StorageIndex can index)");
  } else {
    CHECK(read_text<T, I>("1 2147483647:1\n", above).X.cols() == 2147483647);
    contains(read_error<T, I>("1 9223372036854775807:1\n", 1, 3, above),
             "the limit is 9223372036854775806 features (what a 64-bit StorageIndex can index)");
  }
}

TEST_CASE_TEMPLATE("libsvm: values that are not finite numbers of Scalar", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  contains(read_error<T, I>("1 1:abc\n", 1, 5),
           "expected a number as the value of feature \"1\", got \"abc\"");
  contains(read_error<T, I>("1 2:\n", 1, 5),
           "expected a number as the value of feature \"2\", got \"\"");
  contains(read_error<T, I>("1 2: 3\n", 1, 5), "got \"\"");
  contains(read_error<T, I>("1 12:2x\n", 1, 6), "value of feature \"12\", got \"2x\"");
  contains(read_error<T, I>("1 1:0x1p3\n", 1, 5), "got \"0x1p3\"");
  contains(read_error<T, I>("1 1:1e\n", 1, 5), "got \"1e\"");
  contains(read_error<T, I>("1 1:1e+\n", 1, 5), "got \"1e+\"");
  contains(read_error<T, I>("1 1:1:2\n", 1, 5), "got \"1:2\"");
  contains(read_error<T, I>("1 1:--1\n", 1, 5), "got \"--1\"");
  contains(read_error<T, I>("1 1:+-1\n", 1, 5), "got \"+-1\"");
  contains(read_error<T, I>("1 1:1,5\n", 1, 5), "got \"1,5\"");
  for (const char* bad : {"nan", "NaN", "-nan", "inf", "-inf", "infinity", "-INFINITY", "+inf",
                          "nan(123)"}) {
    contains(read_error<T, I>(std::string("1 3:1 7:") + bad + " 8:1\n", 1, 9),
             std::string("the value \"") + bad + "\" of feature \"7\" is not a finite number");
  }
  contains(read_error<T, I>("1 1:1e400\n", 1, 5),
           std::string("the value \"1e400\" of feature \"1\" is out of the range of ") +
               (std::is_same_v<T, float> ? "float" : "double"));
  contains(read_error<T, I>("1 1:-1.8e308\n", 1, 5), "is out of the range of");
  contains(read_error<T, I>("1 1:1000e306\n", 1, 5), "is out of the range of");
  if constexpr (std::is_same_v<T, float>) {
    contains(read_error<T, I>("1 1:3.5e38\n", 1, 5),
             "the value \"3.5e38\" of feature \"1\" is out of the range of float");
    contains(read_error<T, I>("1 1:-0.00001e44\n", 1, 5), "is out of the range of float");
    CHECK(read_text<T, I>("1 1:3.4028234e38\n").X.coeff(0, 0) == std::numeric_limits<T>::max());
  } else {
    CHECK(read_text<T, I>("1 1:3.5e38\n").X.coeff(0, 0) == 3.5e38);
    CHECK(read_text<T, I>("1 1:1.7976931348623157e308\n").X.coeff(0, 0) ==
          std::numeric_limits<T>::max());
  }
}

TEST_CASE_TEMPLATE("libsvm: lines longer than max_line_length", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  ln::LibsvmOptions options;
  options.max_line_length = 10;
  CHECK(read_text<T, I>("1 1:2 3:45\n1 2:1234\r\n-1 1:12345", options).X.rows() == 3);
  contains(read_error<T, I>("1 1:2 3:45\n1 1:2 3:456\n", 2, 11, options),
           "the line is longer than 10 bytes, the limit set by LibsvmOptions::max_line_length");
  contains(read_error<T, I>("1 1:2 3:456", 1, 11, options), "longer than 10 bytes");
  contains(read_error<T, I>("1 1:2 3:45\r\r\n", 1, 11, options), "longer than 10 bytes");
  // The length is checked before the tokens.
  contains(read_error<T, I>("x\n1 1:2 3:456\n", 1, 1, options), "expected a label");
  contains(read_error<T, I>("1\nx 1:2 3:456\n", 2, 11, options), "longer than 10 bytes");
  contains(read_error<T, I>("1\n" + std::string(1000, ' ') + "\n", 2, 11, options),
           "longer than 10 bytes");
}

TEST_CASE_TEMPLATE("libsvm: more entries than StorageIndex can count", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  // The limit is set to 3 through the parser's test hook (the real one is 2^31 - 1 for int).
  const ln::LibsvmOptions options;
  for (const Schedule& schedule : schedules) {
    CHECK(read_scheduled<T, I>("1 1:1 2:1\n1 4:1\n", options, schedule, 3).X.nonZeros() == 3);
  }
  contains(read_error<T, I>("1 1:1 2:1\n\n1\n1 3:1 4:1\n", 4, 7, options, 3),
           "the input has more than 3 stored entries, the most a sparse matrix with a " +
               std::to_string(8 * sizeof(I)) + "-bit StorageIndex can hold; read it with a " +
               "wider StorageIndex");
}

TEST_CASE_TEMPLATE("libsvm: a failing stream", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  // The stream gives three lines' worth of bytes, then its buffer throws (istream::read sets
  // badbit and reports no bytes for that call). The error names the line after the last
  // complete line the reader got: line 1 for one large block, line 3 for one-byte blocks.
  const auto failure = [](std::size_t line, const auto& read) {
    bool thrown = false;
    try {
      read();
    } catch (const ln::FormatError& e) {
      thrown = true;
      CHECK(std::string(e.what()) == "logistic_neuron::read_libsvm: line " + std::to_string(line) +
                                         ": the stream failed while reading");
      CHECK(e.line() == line);
      CHECK(e.column() == 0);
    }
    CHECK(thrown);
  };
  FailingBuffer large("1 1:1\n-1 2:2\n1 3:");
  std::istream large_in(&large);
  failure(1, [&] { ln::read_libsvm<T, I>(large_in); });
  const ln::LibsvmOptions options;
  const Schedule bytes{1, 1, 1, 1, false};
  FailingBuffer small("1 1:1\n-1 2:2\n1 3:");
  std::istream small_in(&small);
  failure(3, [&] {
    ln::detail::LibsvmParser<T, I> parser("logistic_neuron::read_libsvm", 0, options.max_features,
                                          options.max_line_length, false, 1);
    parser.set_blocks(bytes.first, bytes.largest, bytes.piece);
    parser.read(small_in);
  });
  // A format error in the complete lines that came before the failure is reported first.
  FailingBuffer bad("1 1:1\n-1 2:x\n1 3:");
  std::istream bad_in(&bad);
  check_throws<ln::FormatError>(
      [&] {
        ln::detail::LibsvmParser<T, I> parser("logistic_neuron::read_libsvm", 0,
                                              options.max_features, options.max_line_length,
                                              false, 1);
        parser.set_blocks(bytes.first, bytes.largest, bytes.piece);
        parser.read(bad_in);
      },
      {"line 2, column 6: expected a number"});
  // A stream that has already failed.
  std::istringstream failed("1 1:1\n");
  failed.setstate(std::ios::failbit);
  failure(1, [&] { ln::read_libsvm<T, I>(failed); });
}

TEST_CASE_TEMPLATE("libsvm: nothing is returned from a file that does not parse", P,
                   LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  ln::LibsvmData<T, I> data = read_text<T, I>("1 1:1 2:2\n-1 3:3\n");
  const ln::LibsvmData<T, I> before = data;
  std::istringstream bad("1 1:1\n-1 2:2\n1 3:nan\n");
  CHECK_THROWS_AS((data = ln::read_libsvm<T, I>(bad)), ln::FormatError);
  CHECK(same_data(data, before));
}

TEST_CASE("libsvm: options are validated, with messages naming the field") {
  std::istringstream in("1 1:1\n");
  const auto read_with = [&](const ln::LibsvmOptions& options) { ln::read_libsvm(in, options); };
  ln::LibsvmOptions options;
  options.n_features = -1;
  check_throws<std::invalid_argument>(
      [&] { read_with(options); },
      {"logistic_neuron::read_libsvm: n_features must be in [0, max_features = 2147483646] "
       "(0 = infer), got -1"});
  options = {};
  options.max_features = 10;
  options.n_features = 11;
  check_throws<std::invalid_argument>([&] { read_with(options); }, {"got 11"});
  options = {};
  options.max_features = 0;
  check_throws<std::invalid_argument>([&] { read_with(options); },
                                      {"max_features must be >= 1, got 0"});
  options = {};
  options.max_line_length = 0;
  check_throws<std::invalid_argument>([&] { read_with(options); },
                                      {"max_line_length must be >= 1, got 0"});
  options = {};
  options.threads = -2;
  check_throws<std::invalid_argument>([&] { read_with(options); },
                                      {"threads must be >= 0 (0 = num_threads()), got -2"});
  options = {};
  options.max_features = 100000;
  options.n_features = 40000;
  check_throws<std::invalid_argument>(
      [&] { options.validate<short>("caller"); },
      {"caller: n_features is 40000, more than a 16-bit StorageIndex can index (32766)"});
  options.validate<int>();
}

TEST_CASE("libsvm: a path that cannot be opened") {
  check_throws<std::runtime_error>(
      [] { ln::read_libsvm("/nonexistent-dir/data.svm"); },
      {"logistic_neuron::read_libsvm: cannot open \"/nonexistent-dir/data.svm\" for reading"});
  const Eigen::SparseMatrix<double> X(1, 1);
  const Eigen::VectorXi y = Eigen::VectorXi::Zero(1);
  check_throws<std::runtime_error>(
      [&] { ln::write_libsvm("/nonexistent-dir/data.svm", X, y); },
      {"logistic_neuron::write_libsvm: cannot open \"/nonexistent-dir/data.svm\" for writing"});
}

// ---------------------------------------------------------------------------------------------
// Writing, and round trips.

TEST_CASE_TEMPLATE("libsvm: write_libsvm writes the documented text", T, float, double) {
  Eigen::SparseMatrix<T, Eigen::RowMajor> X(3, 4);
  X.insert(0, 0) = T(0.5);
  X.insert(0, 2) = T(-2);
  X.insert(2, 1) = T(0.1);
  X.insert(2, 3) = T(0);  // an explicit zero is written
  X.makeCompressed();
  Eigen::VectorXi y(3);
  y << 1, 0, 1;
  std::ostringstream out;
  out.imbue(std::locale::classic());
  ln::write_libsvm(out, X, y);
  CHECK(out.str() == "+1 1:0.5 3:-2\n-1\n+1 2:0.1 4:0\n");
  // A dense X: its non-zeros only; labels of any arithmetic type.
  const Dense<T> D = Dense<T>(X);
  std::ostringstream dense;
  ln::write_libsvm(dense, D, Eigen::Vector3d(1, 0, 1));
  CHECK(dense.str() == "+1 1:0.5 3:-2\n-1\n+1 2:0.1\n");
  std::ostringstream row_vector;
  ln::write_libsvm(row_vector, D, Eigen::RowVector3f(1, 0, 1));
  CHECK(row_vector.str() == dense.str());
  // An empty X writes nothing.
  std::ostringstream empty;
  ln::write_libsvm(empty, Eigen::SparseMatrix<T>(0, 3), Eigen::VectorXi(0));
  CHECK(empty.str().empty());
}

TEST_CASE_TEMPLATE("libsvm: a write / read round trip gives back the same bits", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  const std::vector<T> values = hard_values<T>();
  const Index n = 60, d = 50;
  std::mt19937 engine(7);
  std::vector<Eigen::Triplet<T, I>> triplets;
  std::vector<char> used(static_cast<std::size_t>(n * d), 0);
  for (const T value : values) {
    Index i = 0, j = 0;
    do {
      i = static_cast<Index>(engine() % static_cast<unsigned>(n));
      j = static_cast<Index>(engine() % static_cast<unsigned>(d));
    } while (used[static_cast<std::size_t>(i * d + j)]);
    used[static_cast<std::size_t>(i * d + j)] = 1;
    triplets.emplace_back(static_cast<I>(i), static_cast<I>(j), value);
  }
  Sparse<T, I> X(n, d);
  X.setFromTriplets(triplets.begin(), triplets.end());
  X.makeCompressed();
  Eigen::VectorXi y(n);
  for (Index i = 0; i < n; ++i) y[i] = static_cast<int>(engine() % 2);
  ln::LibsvmData<T, I> original{X, y};

  std::ostringstream out;
  ln::write_libsvm(out, X, y);
  ln::LibsvmOptions options;
  options.n_features = d;
  const ln::LibsvmData<T, I> back = read_text<T, I>(out.str(), options);
  CHECK(same_data(back, original));

  // Column-major, a Map over row-major or column-major arrays, another StorageIndex, an
  // uncompressed matrix and a sparse expression all write the same text.
  const Eigen::SparseMatrix<T, Eigen::ColMajor, I> by_column = X;
  const Eigen::SparseMatrix<T, Eigen::ColMajor, long> by_column_long = X;
  const Eigen::Map<const Sparse<T, I>> map(n, d, X.nonZeros(), X.outerIndexPtr(),
                                           X.innerIndexPtr(), X.valuePtr());
  const Eigen::Map<const Eigen::SparseMatrix<T, Eigen::ColMajor, I>> column_map(
      n, d, by_column.nonZeros(), by_column.outerIndexPtr(), by_column.innerIndexPtr(),
      by_column.valuePtr());
  Sparse<T, I> uncompressed = X;
  uncompressed.reserve(Eigen::VectorXi::Constant(n, 2));
  REQUIRE(!uncompressed.isCompressed());
  const auto write = [&](const auto& matrix) {
    std::ostringstream text;
    ln::write_libsvm(text, matrix, y);
    return text.str();
  };
  CHECK(write(by_column) == out.str());
  CHECK(write(by_column_long) == out.str());
  CHECK(write(map) == out.str());
  CHECK(write(column_map) == out.str());
  CHECK(write(uncompressed) == out.str());
#ifndef __FAST_MATH__  // (flushes the subnormals that X * 1 computes to zero)
  CHECK(write(X * T(1)) == out.str());
#endif
  CHECK(write(by_column.transpose().transpose()) == out.str());

  // Through a file.
  const std::string path = scratch_path(std::string("libsvm_round_trip_") +
                                        (std::is_same_v<T, float> ? "f" : "d") +
                                        index_tag<I>() + ".svm");
  ln::write_libsvm(path, column_map, y);
  CHECK(file_text(path) == out.str());
  CHECK(same_data(ln::read_libsvm<T, I>(path, options), original));
  std::remove(path.c_str());
}

TEST_CASE_TEMPLATE("libsvm: a dense X round trips its non-zeros", T, float, double) {
  Dense<T> X = test_support::random_matrix<T>(30, 7, 11);
  for (Index i = 0; i < X.rows(); ++i) X(i, i % 7) = T(0);
  X(3, 2) = minus_zero<T>();  // a zero: not written
  Eigen::VectorXi y = Eigen::VectorXi::Zero(30);
  y.head(10).setOnes();
  std::ostringstream out;
  ln::write_libsvm(out, X, y);
  ln::LibsvmOptions options;
  options.n_features = 7;
  const ln::LibsvmData<T, int> back = read_text<T, int>(out.str(), options);
  CHECK(back.X.nonZeros() == 30 * 7 - 30 - 1);
  const Dense<T> dense = Dense<T>(back.X);
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) {
      CHECK(same_bits(std::abs(dense(i, j)), std::abs(X(i, j))));
    }
  }
  CHECK(back.y == y);
  // Row-major and a block give the same text.
  const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = X;
  std::ostringstream again, block;
  ln::write_libsvm(again, rows, y);
  CHECK(again.str() == out.str());
  Dense<T> wider = Dense<T>::Zero(30, 9);
  wider.leftCols(7) = X;
  ln::write_libsvm(block, wider.leftCols(7), y);
  CHECK(block.str() == out.str());
}

TEST_CASE_TEMPLATE("libsvm: write_libsvm checks its input before writing", T, float, double) {
  Eigen::SparseMatrix<T, Eigen::RowMajor> X(2, 3);
  X.insert(0, 1) = T(1);
  X.insert(1, 2) = T(2);
  X.makeCompressed();
  Eigen::VectorXi y(2);
  y << 1, 0;
  std::ostringstream out;
  const auto rejects = [&](const auto& matrix, const auto& labels,
                           std::initializer_list<const char*> parts) {
    check_throws<std::invalid_argument>([&] { ln::write_libsvm(out, matrix, labels); }, parts);
    CHECK(out.str().empty());
  };
  rejects(X, Eigen::VectorXi::Zero(3),
          {"logistic_neuron::write_libsvm: X has 2 rows (samples) but y has 3 entries"});
  Eigen::VectorXi two = y;
  two[1] = 2;
  rejects(X, two, {"logistic_neuron::write_libsvm: y(1) is 2; expected labels in {0, 1}"});
  Eigen::VectorXd nan_label(2);
  nan_label << 1, std::numeric_limits<double>::quiet_NaN();
  rejects(X, nan_label, {"y(1) is nan; expected labels in {0, 1}"});
  rejects(X, Eigen::MatrixXd::Zero(2, 2), {"y is a 2 x 2 matrix; expected a vector"});
  Eigen::SparseMatrix<T, Eigen::RowMajor> bad = X;
  bad.coeffRef(1, 2) = std::numeric_limits<T>::quiet_NaN();
  rejects(bad, y, {"X(1, 2) is nan; expected finite values"});
  bad.coeffRef(1, 2) = -std::numeric_limits<T>::infinity();
  rejects(bad, y, {"X(1, 2) is -inf; expected finite values"});
  const Eigen::SparseMatrix<T, Eigen::ColMajor> bad_columns = bad;
  rejects(bad_columns, y, {"X(1, 2) is -inf"});
  Dense<T> dense = Dense<T>(X);
  dense(0, 0) = std::numeric_limits<T>::infinity();  // a dense X is checked everywhere
  rejects(dense, y, {"X(0, 0) is inf; expected finite values"});
  // A Map whose row stores its columns out of order.
  const int outer[] = {0, 2, 2};
  const int inner[] = {2, 1};
  const T value[] = {T(1), T(2)};
  const Eigen::Map<const Eigen::SparseMatrix<T, Eigen::RowMajor>> unsorted(2, 3, 2, outer, inner,
                                                                           value);
  rejects(unsorted, y, {"row 0 of X stores column 1 after column 2 of 3; expected strictly "
                        "increasing column indices"});

  // Through a path: an invalid input leaves the file as it was.
  // One file per type: ctest runs the float and double cases side by side.
  const std::string path = scratch_path(std::string("libsvm_untouched_") +
                                        (std::is_same_v<T, float> ? "f" : "d") + ".svm");
  { std::ofstream(path) << "keep me\n"; }
  check_throws<std::invalid_argument>([&] { ln::write_libsvm(path, X, two); }, {"y(1) is 2"});
  CHECK(file_text(path) == "keep me\n");
  std::remove(path.c_str());
}

TEST_CASE("libsvm: a stream that fails while writing") {
  Eigen::SparseMatrix<double, Eigen::RowMajor> X(1, 1);
  X.insert(0, 0) = 1;
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  check_throws<std::runtime_error>([&] { ln::write_libsvm(out, X, Eigen::VectorXi::Ones(1)); },
                                   {"logistic_neuron::write_libsvm: the stream failed while "
                                    "writing"});
}

// ---------------------------------------------------------------------------------------------
// The parser's fast number path against std::from_chars, and the parallel path.

TEST_CASE_TEMPLATE("libsvm: the fast number path gives the bits of std::from_chars", T, float,
                   double) {
  // Seeded random decimal texts: shortest and fixed-precision forms of random doubles and floats,
  // random digit strings with random exponents, and texts near midpoints between two values of
  // T. Where the fast path answers, it must give the same bits and the same end as from_chars.
  std::mt19937_64 engine(2024);
  std::size_t answered = 0, total = 0;
  char buffer[96];
  const auto check = [&](const std::string& text) {
    std::string padded = text + std::string(ln::detail::libsvm_padding, '\0');
    const char* first = padded.data();
    const char* last = first + text.size();
    T fast{}, reference{};
    const char* end = ln::detail::libsvm_fast_number(first, last, fast);
    ++total;
    if (end == nullptr) return;
    ++answered;
    const std::from_chars_result r = std::from_chars(first, last, reference);
    CHECK_MESSAGE((r.ec == std::errc() && r.ptr == end && same_bits(fast, reference)), text);
  };
  for (int k = 0; k < 40000; ++k) {
    const double wide = std::ldexp(static_cast<double>(engine() >> 11) * 0x1p-53,
                                   static_cast<int>(engine() % 160) - 80);
    const T value = static_cast<T>((engine() & 1) ? -wide : wide);
    check(std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr));
    check(std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, wide).ptr));
    const int precision = 1 + static_cast<int>(engine() % 19);
    check(std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, wide,
                                            std::chars_format::general, precision).ptr));
    check(std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, wide,
                                            std::chars_format::fixed, precision % 12).ptr));
    const long double midpoint =
        (static_cast<long double>(value) +
         static_cast<long double>(std::nextafter(value, std::numeric_limits<T>::max()))) / 2;
    std::snprintf(buffer, sizeof buffer, "%.*Le", 6 + static_cast<int>(engine() % 14), midpoint);
    check(buffer);
    std::string digits = (engine() & 1) ? "-" : "";
    const int integer = static_cast<int>(engine() % 12), fraction = static_cast<int>(engine() % 21);
    for (int i = 0; i < integer; ++i) digits += static_cast<char>('0' + engine() % 10);
    if (engine() % 4 != 0) {
      digits += '.';
      for (int i = 0; i < fraction; ++i) digits += static_cast<char>('0' + engine() % 10);
    }
    if (engine() % 3 == 0) {
      digits += (engine() & 1) ? "e" : "E";
      digits += std::to_string(static_cast<int>(engine() % 70) - 35);
    }
    check(digits);
  }
  MESSAGE("fast path answered ", answered, " of ", total);
  CHECK(answered > total / 3);
}

TEST_CASE_TEMPLATE("libsvm: random files read the same on every schedule", P, LIBSVM_TYPES) {
  using T = typename P::Scalar;
  using I = typename P::StorageIndex;
  // read_text compares every schedule with the default read; here on larger seeded files, with
  // comments, blank lines and CRLF mixed in, and errors placed late.
  std::mt19937 engine(99);
  for (int file = 0; file < 8; ++file) {
    std::string text;
    const int rows = 50 + static_cast<int>(engine() % 200);
    for (int i = 0; i < rows; ++i) {
      switch (engine() % 10) {
        case 0: text += "# comment 1:2\n"; continue;
        case 1: text += "\n"; continue;
        default: break;
      }
      text += (engine() & 1) ? "+1" : "-1";
      int index = 0;
      const int entries = static_cast<int>(engine() % 12);
      for (int k = 0; k < entries; ++k) {
        index += 1 + static_cast<int>(engine() % 30);
        const double value = std::ldexp(static_cast<double>(engine()) / 4294967296.0 - 0.5,
                                        static_cast<int>(engine() % 40) - 20);
        char number[40];
        text += ' ' + std::to_string(index) + ':' +
                std::string(number, std::to_chars(number, number + sizeof number, value).ptr);
      }
      text += (engine() % 5 == 0) ? "\r\n" : "\n";
    }
    const ln::LibsvmData<T, I> data = read_text<T, I>(text);
    CHECK(data.X.rows() > 0);
    // The same file with a bad token on its last line: the same error on every schedule.
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    read_error<T, I>(text + "1 1:1 2:x\n", lines + 1, 9);
    read_error<T, I>(text + (text.find("-1") != std::string::npos ? "0\n" : "1 0:1\n"), lines + 1,
                     text.find("-1") != std::string::npos ? 1 : 3);
  }
}

#undef LIT
#undef LIBSVM_TYPES

}  // namespace test_libsvm
