// libFuzzer target for the libsvm reader and writer (libsvm.hpp).
//
// Every input is read as float and double with int and std::int64_t indices. The reader must
// either succeed or throw logistic_neuron::FormatError naming a line the input has (or the one
// after its end) and a column in it; anything else (another exception, a crash, a sanitizer
// report, a leak, an allocation beyond -rss_limit_mb) is a finding, and so is any check below
// that fails (std::abort). The checks:
// - int and std::int64_t indices give the same result, or the same error;
// - a double read that fails means a float read fails too (float accepts no text that double
//   rejects), and when both succeed they have the same structure and labels;
// - the parallel reader (two pieces per block, cut into blocks of a few bytes, run serially)
//   and a sequential reader with tiny blocks give the same bits, or the same error, as the
//   default read;
// - a result that reads is valid (y in {0, 1}, strictly increasing indices below d, finite
//   values), and write_libsvm followed by read_libsvm (n_features = d) gives it back bit for bit;
// - the same with zero_based, and with n_features = 5 and max_line_length = 40;
// - the parser's fast number path, on the input's first bytes, agrees with std::from_chars.
//
// Build: cmake -DCMAKE_CXX_COMPILER=clang++ -DLOGISTIC_NEURON_BUILD_FUZZERS=ON ...; run:
//   fuzz_libsvm -dict=tests/fuzz/fuzz_libsvm.dict -max_total_time=60 CORPUS_COPY \
//     tests/fuzz/corpus_libsvm

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <system_error>
#include <type_traits>

#include <logistic_neuron/libsvm.hpp>

namespace {

namespace ln = logistic_neuron;

/// The outcome of one read: the data, or the error's message, line and column.
template <class S, class I>
struct Outcome {
  bool ok = false;
  ln::LibsvmData<S, I> data;
  std::string message;
  std::size_t line = 0, column = 0;
};

template <class S, class I>
Outcome<S, I> attempt(const std::string& text, const ln::LibsvmOptions& options,
                      std::size_t first = 0, std::size_t largest = 0, std::size_t piece = 0,
                      int threads = 1) {
  Outcome<S, I> outcome;
  std::istringstream in(text);
  try {
    if (first == 0) {
      outcome.data = ln::read_libsvm<S, I>(in, options);
    } else {
      ln::detail::LibsvmParser<S, I> parser("logistic_neuron::read_libsvm", options.n_features,
                                            options.max_features, options.max_line_length,
                                            options.zero_based, threads);
      parser.set_blocks(first, largest, piece);
      parser.set_serial(true);
      parser.read(in);
      parser.finish(outcome.data.X, outcome.data.y);
    }
    outcome.ok = true;
  } catch (const ln::FormatError& e) {
    outcome.message = e.what();
    outcome.line = e.line();
    outcome.column = e.column();
  }
  return outcome;
}

template <class S, class A, class B>
bool same_values(const A& a, const B& b, std::size_t count) {
  return count == 0 || std::memcmp(a, b, count * sizeof(S)) == 0;
}

/// Same shape, stored structure (as numbers, whatever the index types), labels; values bit for
/// bit if `values`.
template <class S, class I, class T, class J>
bool same(const ln::LibsvmData<S, I>& a, const ln::LibsvmData<T, J>& b, bool values = true) {
  if (a.X.rows() != b.X.rows() || a.X.cols() != b.X.cols() || a.X.nonZeros() != b.X.nonZeros() ||
      !(a.y == b.y)) {
    return false;
  }
  for (Eigen::Index i = 0; i <= a.X.rows(); ++i) {
    if (static_cast<long long>(a.X.outerIndexPtr()[i]) !=
        static_cast<long long>(b.X.outerIndexPtr()[i])) {
      return false;
    }
  }
  for (Eigen::Index k = 0; k < a.X.nonZeros(); ++k) {
    if (static_cast<long long>(a.X.innerIndexPtr()[k]) !=
        static_cast<long long>(b.X.innerIndexPtr()[k])) {
      return false;
    }
  }
  if constexpr (std::is_same_v<S, T>) {
    return !values || same_values<S>(a.X.valuePtr(), b.X.valuePtr(),
                                     static_cast<std::size_t>(a.X.nonZeros()));
  } else {
    return !values;
  }
}

template <class S, class I>
bool same_outcome(const Outcome<S, I>& a, const Outcome<S, I>& b) {
  if (a.ok != b.ok) return false;
  if (a.ok) return same(a.data, b.data);
  return a.message == b.message && a.line == b.line && a.column == b.column;
}

/// The checks on one outcome of reading `text` (with `lines` lines).
template <class S, class I>
void check_outcome(const Outcome<S, I>& outcome, const std::string& text, std::size_t lines,
                   const ln::LibsvmOptions& options) {
  if (!outcome.ok) {
    if (outcome.line < 1 || outcome.line > lines + 1) std::abort();
    if (outcome.column < 1 || outcome.column > text.size() + 1) std::abort();
    const std::string prefix = "logistic_neuron::read_libsvm: line " +
                               std::to_string(outcome.line) + ", column " +
                               std::to_string(outcome.column) + ": ";
    if (outcome.message.compare(0, prefix.size(), prefix) != 0) std::abort();
    return;
  }
  const auto& X = outcome.data.X;
  const auto& y = outcome.data.y;
  if (!X.isCompressed() || y.size() != X.rows()) std::abort();
  if (options.n_features > 0 && X.cols() != options.n_features) std::abort();
  if (X.cols() > options.max_features) std::abort();
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    if (y[i] != 0 && y[i] != 1) std::abort();
  }
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    long long previous = -1;
    for (I k = X.outerIndexPtr()[i]; k < X.outerIndexPtr()[i + 1]; ++k) {
      const long long j = X.innerIndexPtr()[k];
      if (j <= previous || j >= X.cols()) std::abort();
      if (!ln::detail::is_finite_bits(X.valuePtr()[k])) std::abort();
      previous = j;
    }
  }
  // Write it, read it back: the same bits (the writer's output must read: no exception).
  std::ostringstream out;
  ln::write_libsvm(out, X, y);
  ln::LibsvmOptions again;
  again.n_features = X.cols();
  again.max_features = std::max<Eigen::Index>(X.cols(), 1);
  std::istringstream in(out.str());
  const ln::LibsvmData<S, I> back = ln::read_libsvm<S, I>(in, again);
  if (!same(back, outcome.data)) std::abort();
}

template <class S>
void check_types(const std::string& text, std::size_t lines, const ln::LibsvmOptions& options,
                 bool schedules) {
  const Outcome<S, int> narrow = attempt<S, int>(text, options);
  const Outcome<S, std::int64_t> wide = attempt<S, std::int64_t>(text, options);
  check_outcome(narrow, text, lines, options);
  check_outcome(wide, text, lines, options);
  if (narrow.ok != wide.ok) std::abort();
  if (narrow.ok ? !same(narrow.data, wide.data)
                : (narrow.message != wide.message || narrow.line != wide.line ||
                   narrow.column != wide.column)) {
    std::abort();
  }
  if (schedules) {
    // Sequential with tiny blocks, and parallel (two pieces per block) with tiny pieces.
    if (!same_outcome(attempt<S, int>(text, options, 1, 3, 1, 1), narrow)) std::abort();
    if (!same_outcome(attempt<S, int>(text, options, 2, 2, 3, 2), narrow)) std::abort();
    if (!same_outcome(attempt<S, int>(text, options, 5, 16, 7, 3), narrow)) std::abort();
  }
}

/// The fast number path against std::from_chars on the first bytes of the input.
template <class S>
void check_number(const std::uint8_t* data, std::size_t size) {
  char buffer[64 + ln::detail::libsvm_padding] = {};
  const std::size_t n = size < 64 ? size : 64;
  std::memcpy(buffer, data, n);
  S fast{}, reference{};
  const char* end = ln::detail::libsvm_fast_number(buffer, buffer + n, fast);
  if (end == nullptr) return;
  const std::from_chars_result r = std::from_chars(buffer, buffer + n, reference);
  if (r.ec != std::errc() || r.ptr != end || std::memcmp(&fast, &reference, sizeof fast) != 0) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 1;
  for (const char c : text) lines += c == '\n' ? 1 : 0;

  const ln::LibsvmOptions defaults;
  check_types<double>(text, lines, defaults, true);
  check_types<float>(text, lines, defaults, true);
  // float accepts no text that double rejects; when both read, the structure is the same.
  const Outcome<double, int> as_double = attempt<double, int>(text, defaults);
  const Outcome<float, int> as_float = attempt<float, int>(text, defaults);
  if (!as_double.ok && as_float.ok) std::abort();
  if (as_double.ok && as_float.ok && !same(as_double.data, as_float.data, false)) std::abort();

  ln::LibsvmOptions zero_based;
  zero_based.zero_based = true;
  check_types<double>(text, lines, zero_based, false);
  ln::LibsvmOptions small;
  small.n_features = 5;
  small.max_line_length = 40;
  small.max_features = 1000;
  check_types<float>(text, lines, small, true);

  check_number<double>(data, size);
  check_number<float>(data, size);
  return 0;
}
