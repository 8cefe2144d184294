/// \file libsvm_format.hpp
/// \brief The parser and the formatter behind read_libsvm and write_libsvm (internal). The format
/// and every rule the reader applies are described in libsvm.hpp.
///
/// Reading (LibsvmParser): the stream is read in blocks, 64 KiB at first, doubling up to 1 MiB;
/// after that, with threads > 1, in blocks of threads x 1 MiB. The lines that are complete in
/// a block are parsed in place (LibsvmLines): memchr finds each line end, the line's length is
/// checked, then its tokens are parsed without any allocation: indices and the digits of values
/// eight bytes at a time, values by an exact fast path (libsvm_fast_number) or else
/// std::from_chars. The unfinished line at the end of a block is moved to the front of the
/// buffer before the next block is read after it, so the buffer holds at most one block plus
/// max_line_length + 1 bytes. A parallel block is cut at line ends into one piece per thread;
/// the pieces are parsed at once, each into its own arrays, and then taken in file order (see
/// LibsvmParser for how errors stay exactly those of a sequential read). Each thread's CSR
/// arrays grow with what it has parsed (LibsvmArray, by std::realloc); when the whole input has
/// parsed, the pieces are copied into the SparseMatrix in file order, by all threads. (Building
/// X's own arrays directly, grown by 4x, writes fewer fresh pages, but on the calling thread
/// only; measured on 2 cores it scaled worse: see bench/libsvm_read/README.md.)
///
/// Writing (libsvm_write): X and y are checked first, then the rows are formatted with
/// std::to_chars into a buffer written out in blocks of 1 MiB.
#pragma once

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <istream>
#include <limits>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "../base/config.hpp"
#include "../base/errors.hpp"
#include "../base/text.hpp"

namespace logistic_neuron {
namespace detail {

/// True for the scalar types the libsvm reader and writer support: float and double.
template <class Scalar>
inline constexpr bool is_libsvm_scalar_v =
    std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double>;

/// True for the index types a libsvm matrix may use: signed integers.
template <class StorageIndex>
inline constexpr bool is_libsvm_index_v =
    std::is_integral_v<StorageIndex>&& std::is_signed_v<StorageIndex> &&
    !std::is_same_v<StorageIndex, bool>;

/// "float" or "double", for messages.
template <class Scalar>
constexpr const char* libsvm_scalar_name() noexcept {
  return std::is_same_v<Scalar, float> ? "float" : "double";
}

/// The largest feature count d a matrix with this StorageIndex can hold: max() - 1, so that
/// d + 1 (e.g. the outer index array of X's column-major copy) still fits.
template <class StorageIndex>
constexpr Eigen::Index libsvm_index_capacity() noexcept {
  return static_cast<Eigen::Index>(std::min<long long>(std::numeric_limits<StorageIndex>::max(),
                                                       std::numeric_limits<Eigen::Index>::max()) -
                                   1);
}

/// +0 or -0 of type T (float or double), made from its bit pattern: -ffast-math may drop the
/// sign of -T(0).
template <class T>
T libsvm_signed_zero(bool negative) noexcept {
  using Bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
  static_assert(sizeof(Bits) == sizeof(T), "libsvm_signed_zero: float or double");
  const Bits bits = negative ? static_cast<Bits>(Bits(1) << (8 * sizeof(Bits) - 1)) : Bits(0);
  T value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

/// A piece of a line quoted for an error message: cut to 40 bytes ("..." then), control
/// characters shown as '?'.
inline std::string libsvm_quote(const char* first, const char* last) {
  constexpr std::size_t shown = 40;
  const std::size_t size = static_cast<std::size_t>(last - first);
  std::string out = "\"";
  for (std::size_t k = 0; k < size && k < shown; ++k) {
    const auto c = static_cast<unsigned char>(first[k]);
    out += (c < 0x20 || c == 0x7f) ? '?' : first[k];
  }
  if (size > shown) out += "...";
  return out + "\"";
}

/// Spaces and tabs separate tokens.
inline bool libsvm_is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

/// A token ends at a blank, at '#' (a comment starts) or at the line end.
inline bool libsvm_ends_token(char c) noexcept { return c == ' ' || c == '\t' || c == '#'; }

/// The first byte at or after p that is not a blank (or end).
inline const char* libsvm_skip_blanks(const char* p, const char* end) noexcept {
  while (p < end && libsvm_is_blank(*p)) ++p;
  return p;
}

/// The end of the token at p: the first blank or '#' at or after p (or end).
inline const char* libsvm_token_end(const char* p, const char* end) noexcept {
  while (p < end && !libsvm_ends_token(*p)) ++p;
  return p;
}

/// For a decimal number [first, last) that std::from_chars matched but reported out of range:
/// true when its magnitude is >= 1 (it overflowed), false when < 1 (it underflowed). With the
/// leading non-zero digit at decimal position m (10^m) and the exponent E, the magnitude is
/// >= 1 exactly when m + E >= 0.
inline bool libsvm_magnitude_at_least_one(const char* first, const char* last) noexcept {
  constexpr long long saturate = 1'000'000'000'000LL;
  const char* p = first;
  if (p < last && *p == '-') ++p;
  long long integer_digits = 0;  // digits before the point, leading zeros excluded
  long long leading = 0;         // m, once a non-zero digit is seen
  bool found = false;
  for (; p < last && *p >= '0' && *p <= '9'; ++p) {
    if (found || *p != '0') {
      found = true;
      if (integer_digits < saturate) ++integer_digits;
    }
  }
  if (found) leading = integer_digits - 1;
  if (p < last && *p == '.') {
    ++p;
    long long position = 0;
    for (; p < last && *p >= '0' && *p <= '9'; ++p) {
      if (position < saturate) ++position;
      if (!found && *p != '0') {
        found = true;
        leading = -position;
      }
    }
  }
  long long exponent = 0;
  if (p < last && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative = false;
    if (p < last && (*p == '+' || *p == '-')) negative = *p++ == '-';
    for (; p < last && *p >= '0' && *p <= '9'; ++p) {
      if (exponent < saturate) exponent = exponent * 10 + (*p - '0');
    }
    if (negative) exponent = -exponent;
  }
  return found && leading + exponent >= 0;
}

// ---------------------------------------------------------------------------------------------
// Numbers. The parser's buffer has libsvm_padding readable bytes after its data, so the digit
// scanner may load 8 bytes at any position up to the end of the data.

/// Readable bytes after the data that the digit scanner may load.
inline constexpr std::size_t libsvm_padding = 16;

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/// True where 8 digits are scanned at a time (SWAR: little-endian, GCC or Clang builtins).
inline constexpr bool libsvm_swar = true;
inline unsigned libsvm_count_trailing_zeros(std::uint64_t x) noexcept {
  return static_cast<unsigned>(__builtin_ctzll(x));
}
#else
inline constexpr bool libsvm_swar = false;
inline unsigned libsvm_count_trailing_zeros(std::uint64_t x) noexcept {
  unsigned n = 0;
  for (; (x & 1) == 0 && n < 64; x >>= 1) ++n;
  return n;
}
#endif

/// 10^0 ... 10^8 as integers.
inline constexpr std::uint64_t libsvm_integer_powers[9] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/// For 8 bytes x (the first byte lowest), each XORed with '0' so that digits are 0 ... 9: how many
/// of the first bytes are digits. A byte is not a digit when its top bit is set, or when adding
/// 0x76 to its low 7 bits (no carry can leave the byte) sets it, i.e. when it is >= 10.
inline unsigned libsvm_digit_run(std::uint64_t x) noexcept {
  const std::uint64_t stop =
      (((x & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull;
  return stop == 0 ? 8u : libsvm_count_trailing_zeros(stop) / 8u;
}

/// The value of the first n (1 ... 8) digits of x (as for libsvm_digit_run): the others are
/// shifted out, leaving leading zeros, then the eight digits are combined in three multiplies
/// (the method of fast_float's parse_eight_digits_unrolled).
inline std::uint64_t libsvm_digits_value(std::uint64_t x, unsigned n) noexcept {
  x <<= 64 - 8 * n;
  x = x * 10 + (x >> 8);
  return (((x & 0x000000ff000000ffull) * 0x000f424000000064ull) +
          (((x >> 16) & 0x000000ff000000ffull) * 0x0000271000000001ull)) >>
         32;
}

/// Scans the decimal digits at p (not beyond last), advancing p past them, and appends them to
/// m (m = m * 10^n + their value; exact while m has at most 19 digits). Returns their count.
inline std::size_t libsvm_scan_digits(const char*& p, const char* last, std::uint64_t& m) noexcept {
  const char* const start = p;
  if constexpr (libsvm_swar) {
    for (;;) {
      std::uint64_t word = 0;
      std::memcpy(&word, p, sizeof word);
      const std::uint64_t x = word ^ 0x3030303030303030ull;
      unsigned n = libsvm_digit_run(x);
      const auto room = static_cast<std::size_t>(last - p);
      if (n > room) n = static_cast<unsigned>(room);
      if (n == 0) break;
      m = m * libsvm_integer_powers[n] + libsvm_digits_value(x, n);
      p += n;
      if (n < 8) break;
    }
  } else {
    for (; p < last && static_cast<unsigned>(*p - '0') <= 9u; ++p) {
      m = m * 10 + static_cast<unsigned>(*p - '0');
    }
  }
  return static_cast<std::size_t>(p - start);
}

/// The exact powers of ten of Scalar: 10^0 ... 10^22 for double (5^22 < 2^53), 10^0 ... 10^10
/// for float (5^10 < 2^24).
template <class Scalar>
struct LibsvmPowers;
template <>
struct LibsvmPowers<double> {
  static constexpr int max_exponent = 22;
  static constexpr std::uint64_t max_mantissa = std::uint64_t(1) << 53;
  static constexpr double value[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
};
template <>
struct LibsvmPowers<float> {
  static constexpr int max_exponent = 10;
  static constexpr std::uint64_t max_mantissa = std::uint64_t(1) << 24;
  static constexpr float value[11] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
                                      1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
};

#if LDBL_MANT_DIG == 64 && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/// True where long double is the x87 80-bit format (a 64-bit significand in its first 8 bytes).
inline constexpr bool libsvm_x87 = true;
#else
inline constexpr bool libsvm_x87 = false;
#endif

/// 10^0 ... 10^27 in long double, all exact where libsvm_x87 (5^27 < 2^64).
inline constexpr long double libsvm_long_powers[28] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
    1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
    1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/// m * 10^e (m >= 1 with at most 19 digits) rounded to Scalar, when the fast methods can tell it
/// exactly; false otherwise (std::from_chars decides then).
/// - Clinger's fast path: m and 10^|e| exact in Scalar (m <= 2^53, |e| <= 22 for double; 2^24
///   and 10 for float), so m * 10^e or m / 10^-e is one correctly rounded operation.
/// - A wider type W (x87 long double, m < 2^64 and |e| <= 27; for float without x87, double with
///   m <= 2^53 and |e| <= 22): r = m * 10^e is rounded once in W, then r to Scalar. The second
///   rounding gives the correctly rounded result unless r lies within one unit of W of a
///   midpoint between two Scalars (the true value is within half a unit of r, so it lies on the
///   same side of every other midpoint); those rare cases return false.
template <class Scalar>
bool libsvm_exact_value(std::uint64_t m, int e, Scalar& magnitude) noexcept {
  using Powers = LibsvmPowers<Scalar>;
  if (m <= Powers::max_mantissa && e >= -Powers::max_exponent && e <= Powers::max_exponent) {
    const auto s = static_cast<Scalar>(m);
    magnitude = e >= 0 ? s * Powers::value[e] : s / Powers::value[-e];
    return true;
  }
  constexpr int target_digits = std::numeric_limits<Scalar>::digits;
  if constexpr (libsvm_x87) {
    if (e < -27 || e > 27) return false;
    const auto s = static_cast<long double>(m);
    const long double r = e >= 0 ? s * libsvm_long_powers[e] : s / libsvm_long_powers[-e];
    std::uint64_t significand = 0;
    std::memcpy(&significand, &r, sizeof significand);
    constexpr int extra = 64 - target_digits;
    const std::uint64_t low = significand & ((std::uint64_t(1) << extra) - 1);
    const std::uint64_t half = std::uint64_t(1) << (extra - 1);
    if (low + 1 - half <= 2) return false;  // low is half - 1, half or half + 1
    if (std::is_same_v<Scalar, float> && r >= 3.0e38L) return false;
    magnitude = static_cast<Scalar>(r);
    return true;
  } else if constexpr (std::is_same_v<Scalar, float>) {
    if (m > LibsvmPowers<double>::max_mantissa || e < -22 || e > 22) return false;
    const auto s = static_cast<double>(m);
    const double r =
        e >= 0 ? s * LibsvmPowers<double>::value[e] : s / LibsvmPowers<double>::value[-e];
    std::uint64_t bits = 0;
    std::memcpy(&bits, &r, sizeof bits);
    constexpr int extra = 53 - target_digits;
    const std::uint64_t low = bits & ((std::uint64_t(1) << extra) - 1);
    const std::uint64_t half = std::uint64_t(1) << (extra - 1);
    if (low + 1 - half <= 2) return false;
    if (r >= 3.0e38) return false;
    magnitude = static_cast<float>(r);
    return true;
  } else {
    return false;
  }
}

/// The fast path of the value parser: "[-]digits[.digits][(e|E)[+|-]digits]" with 1 to 19
/// digits in all and at most 4 exponent digits, whose value libsvm_exact_value can tell. Returns
/// the end of the number, or nullptr (std::from_chars decides then, and reports errors).
template <class Scalar>
const char* libsvm_fast_number(const char* first, const char* last, Scalar& out) noexcept {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
  // Excess precision would round twice.
  (void)first;
  (void)last;
  (void)out;
  return nullptr;
#else
  const char* p = first;
  const bool negative = p < last && *p == '-';
  p += negative ? 1 : 0;  // without a branch: signs are random in data
  std::uint64_t mantissa = 0;
  std::size_t digits = libsvm_scan_digits(p, last, mantissa);
  int exponent = 0;
  if (p < last && *p == '.') {
    ++p;
    const std::size_t fraction = libsvm_scan_digits(p, last, mantissa);
    digits += fraction;
    exponent = -static_cast<int>(std::min<std::size_t>(fraction, 64));
  }
  if (digits == 0 || digits > 19) return nullptr;  // 19 digits cannot overflow 64 bits
  if (p < last && (*p == 'e' || *p == 'E')) {
    const char* q = p + 1;
    const bool minus = q < last && *q == '-';
    if (q < last && (*q == '-' || *q == '+')) ++q;
    const char* const exponent_first = q;
    int written = 0;
    for (; q < last && static_cast<unsigned>(*q - '0') <= 9u && q - exponent_first < 4; ++q) {
      written = written * 10 + (*q - '0');
    }
    if (q == exponent_first || (q < last && static_cast<unsigned>(*q - '0') <= 9u)) {
      return nullptr;  // no exponent digits, or more than 4
    }
    exponent += minus ? -written : written;
    p = q;
  }
  if (mantissa == 0) {
    out = libsvm_signed_zero<Scalar>(negative);
    return p;
  }
  Scalar magnitude{};
  if (!libsvm_exact_value(mantissa, exponent, magnitude)) return nullptr;
  out = magnitude * (negative ? Scalar(-1) : Scalar(1));  // exact, and without a branch
  return p;
#endif
}

/// A growable array of a trivially copyable type whose new elements are not initialised. It
/// grows by at least doubling, through std::realloc: on Linux a large block is moved by
/// remapping its pages, so growing neither copies nor touches what was written.
template <class T>
class LibsvmArray {
  static_assert(std::is_trivially_copyable_v<T>, "LibsvmArray: a trivially copyable type");

 public:
  LibsvmArray() = default;
  LibsvmArray(const LibsvmArray&) = delete;
  LibsvmArray& operator=(const LibsvmArray&) = delete;
  LibsvmArray(LibsvmArray&& other) noexcept
      : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)),
        m_capacity(std::exchange(other.m_capacity, 0)) {}
  LibsvmArray& operator=(LibsvmArray&&) = delete;
  ~LibsvmArray() { std::free(m_data); }

  std::size_t size() const noexcept { return m_size; }
  const T* data() const noexcept { return m_data; }

  /// Makes room for `extra` more push() calls.
  void reserve_more(std::size_t extra) {
    if (m_capacity - m_size >= extra) return;
    const std::size_t limit = std::numeric_limits<std::size_t>::max() / sizeof(T);
    if (extra > limit - m_size) throw std::bad_alloc();
    const std::size_t doubled = m_capacity > limit / 2 ? limit : 2 * m_capacity;
    const std::size_t capacity = std::max({m_size + extra, doubled, std::size_t(256)});
    void* grown = std::realloc(m_data, capacity * sizeof(T));
    if (grown == nullptr) throw std::bad_alloc();
    m_data = static_cast<T*>(grown);
    m_capacity = capacity;
  }

  /// Appends; reserve_more() must have made room.
  void push(T value) noexcept { m_data[m_size++] = value; }

 private:
  T* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_capacity = 0;
};

/// What the parser is told: read_libsvm's options, checked, with the limits worked out.
struct LibsvmSettings {
  const char* caller;         ///< the name messages start with
  Eigen::Index n_features;    ///< 0 (infer) or d
  Eigen::Index max_features;  ///< LibsvmOptions::max_features capped at the StorageIndex limit
  bool capped;                ///< true when the StorageIndex limit is the smaller
  std::size_t max_line_length;
  bool zero_based;
  Eigen::Index feature_limit;  ///< columns must be below this: n_features, else max_features
  std::size_t max_entries;     ///< the most stored entries StorageIndex can count
  int index_bits;              ///< bits of StorageIndex, for messages
};

/// The settings of a reader whose indices are counted in StorageIndex (capacity: the largest
/// column count it can index; max_entries: the most stored entries it can count), from
/// LibsvmOptions' fields, already validated.
template <class StorageIndex>
LibsvmSettings libsvm_settings(const char* caller, Eigen::Index n_features,
                               Eigen::Index max_features, std::size_t max_line_length,
                               bool zero_based, std::size_t max_entries) {
  const Eigen::Index capacity = libsvm_index_capacity<StorageIndex>();
  LibsvmSettings settings;
  settings.caller = caller;
  settings.n_features = n_features;
  settings.max_features = std::min(max_features, capacity);
  settings.capped = max_features > capacity;
  settings.max_line_length = max_line_length;
  settings.zero_based = zero_based;
  settings.feature_limit = n_features > 0 ? n_features : settings.max_features;
  settings.max_entries = max_entries;
  settings.index_bits = static_cast<int>(8 * sizeof(StorageIndex));
  return settings;
}

/// Parses runs of lines into its own CSR arrays (column indices, values, the end of each row in
/// them, the labels); LibsvmParser has one per thread. Errors throw FormatError
/// "<caller>: line L, column C: <what>".
template <class Scalar, class StorageIndex>
class LibsvmLines {
  static_assert(is_libsvm_scalar_v<Scalar>,
                "logistic_neuron::read_libsvm: Scalar must be float or double");
  static_assert(is_libsvm_index_v<StorageIndex>,
                "logistic_neuron::read_libsvm: StorageIndex must be a signed integer type");

 public:
  explicit LibsvmLines(const LibsvmSettings& settings) : m_settings(settings) {}

  /// Sets the state before a run of lines: the number of its first line, the first lines (or 0)
  /// that had the labels -1 and 0 before it, and how many more entries may be stored.
  void start(std::size_t line, std::size_t minus_line, std::size_t zero_line,
             std::size_t entry_room) noexcept {
    m_line = line;
    m_minus_line = minus_line;
    m_zero_line = zero_line;
    m_entry_room = entry_room;
    m_entries_at_start = m_inner.size();
  }

  /// Parses the lines of [first, last): each ends in '\n' (last is just past one). The
  /// libsvm_padding bytes after last must be readable (the digit scanner loads 8 at a time).
  void parse_lines(const char* first, const char* last) {
    while (first < last) {
      const auto size = static_cast<std::size_t>(last - first);
      const char* const newline = static_cast<const char*>(std::memchr(first, '\n', size));
      const char* const end = newline != nullptr ? newline : last;
      parse_line(first, end);
      ++m_line;
      first = end + 1;
    }
  }

  /// Parses one line, without its '\n'; the libsvm_padding bytes after it must be readable.
  void parse_line(const char* first, const char* last) {
    m_line_start = first;
    if (last > first && last[-1] == '\r') --last;
    const auto length = static_cast<std::size_t>(last - first);
    if (length > m_settings.max_line_length) fail_too_long(first);
    const char* p = libsvm_skip_blanks(first, last);
    if (p == last || *p == '#') return;  // a blank or comment-only line holds no sample
    const char* const label_end = libsvm_token_end(p, last);
    const int label = parse_label(p, label_end);
    // Each entry takes at least 4 bytes (a blank, then "k:v"): room for all of this line's.
    m_inner.reserve_more(length / 4 + 1);
    m_values.reserve_more(length / 4 + 1);
    p = label_end;
    Eigen::Index previous = -1;  // the previous column on this line
    for (;;) {
      p = libsvm_skip_blanks(p, last);
      if (p == last || *p == '#') break;
      p = parse_entry(p, last, previous);
    }
    m_labels.reserve_more(1);
    m_labels.push(label);
    m_row_ends.reserve_more(1);
    m_row_ends.push(m_inner.size());
  }

  /// Throws the line-too-long error for the line starting at `first`.
  [[noreturn]] void fail_too_long(const char* first) {
    m_line_start = first;
    fail(first + m_settings.max_line_length,
         "the line is longer than " + std::to_string(m_settings.max_line_length) +
             " bytes, the limit set by LibsvmOptions::max_line_length");
  }

  /// Throws the error of a failing stream, at the current line.
  [[noreturn]] void fail_stream() const {
    throw FormatError(m_line, std::string(m_settings.caller) + ": line " + std::to_string(m_line) +
                                  ": the stream failed while reading");
  }

  std::size_t line() const noexcept { return m_line; }
  std::size_t minus_line() const noexcept { return m_minus_line; }
  std::size_t zero_line() const noexcept { return m_zero_line; }
  Eigen::Index max_column() const noexcept { return m_max_column; }
  const LibsvmArray<StorageIndex>& inner() const noexcept { return m_inner; }
  const LibsvmArray<Scalar>& values() const noexcept { return m_values; }
  const LibsvmArray<std::size_t>& row_ends() const noexcept { return m_row_ends; }
  const LibsvmArray<int>& labels() const noexcept { return m_labels; }

 private:
  [[noreturn]] void fail(const char* at, const std::string& what) const {
    const std::size_t column = static_cast<std::size_t>(at - m_line_start) + 1;
    throw FormatError(m_line,
                      std::string(m_settings.caller) + ": line " + std::to_string(m_line) +
                          ", column " + std::to_string(column) + ": " + what,
                      column);
  }

  /// The first index the file may use: 1, or 0 with zero_based.
  Eigen::Index first_index() const noexcept { return m_settings.zero_based ? 0 : 1; }

  /// The label token [first, last): +1 and 1 give 1; -1 and 0 give 0.
  int parse_label(const char* first, const char* last) {
    const char* s = first;
    if (*s == '+' && last - s > 1 && s[1] != '+' && s[1] != '-') ++s;
    double value = 0;
    const std::from_chars_result r = std::from_chars(s, last, value);
    if (r.ec == std::errc::invalid_argument || r.ptr != last) {
      fail(first, "expected a label (+1, -1, 1 or 0), got " + libsvm_quote(first, last));
    }
    if (r.ec != std::errc() || !is_finite_bits(value) ||
        !(value == 1 || value == 0 || value == -1)) {
      fail(first, "the label " + libsvm_quote(first, last) +
                      " is not +1, -1, 1 or 0; expected a binary label (class 1: +1 or 1; "
                      "class 0: -1 or 0)");
    }
    if (value == 1) return 1;
    const bool minus = value == -1;
    const std::size_t other = minus ? m_zero_line : m_minus_line;
    if (other != 0) {
      fail(first, "the label " + libsvm_quote(first, last) + " mixes the labels -1 and 0 (line " +
                      std::to_string(other) + " has the label " + (minus ? "0" : "-1") +
                      "); a file labels its classes +1/-1 or 1/0, not both");
    }
    std::size_t& first_line = minus ? m_minus_line : m_zero_line;
    if (first_line == 0) first_line = m_line;
    return 0;
  }

  /// One "index:value" token at `first`; returns the end of its value.
  const char* parse_entry(const char* first, const char* last, Eigen::Index& previous) {
    // The index: decimal digits, then ':'.
    const char* q = first;
    std::uint64_t index = 0;
    const std::size_t digits = libsvm_scan_digits(q, last, index);
    if (digits == 0 || q == last || *q != ':') bad_entry(first, last);
    bool huge = false;
    if (digits > 19) {  // may not fit 64 bits: again, one digit at a time (leading zeros...)
      index = 0;
      for (const char* d = first; d < q; ++d) {
        const auto digit = static_cast<unsigned>(*d - '0');
        if (index > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
          huge = true;
          break;
        }
        index = index * 10 + digit;
      }
    }
    if (index == 0 && !huge && !m_settings.zero_based) {
      fail(first, "the feature index " + libsvm_quote(first, q) +
                      " is not allowed: libsvm indices start at 1 (set "
                      "LibsvmOptions::zero_based for a file whose indices start at 0)");
    }
    const auto last_index =
        static_cast<std::uint64_t>(m_settings.feature_limit - 1 + first_index());
    if (huge || index > last_index) out_of_range(first, q);
    const Eigen::Index column = static_cast<Eigen::Index>(index) - first_index();
    if (column <= previous) out_of_order(first, q, column, previous);

    // The value: a finite number, a '+' allowed in front.
    const char* s = q + 1;
    if (s < last && *s == '+' && last - s > 1 && s[1] != '+' && s[1] != '-') ++s;
    Scalar value{};
    const char* value_end = libsvm_fast_number(s, last, value);
    if (value_end == nullptr || (value_end < last && !libsvm_ends_token(*value_end))) {
      const std::from_chars_result r = std::from_chars(s, last, value);
      value_end = r.ptr;
      if (r.ec != std::errc() || (r.ptr < last && !libsvm_ends_token(*r.ptr)) ||
          !is_finite_bits(value)) {
        value = bad_value(first, q, s, last, r);  // throws unless the value underflowed
      }
    }
    if (m_inner.size() - m_entries_at_start >= m_entry_room) {
      fail(first, "the input has more than " + std::to_string(m_settings.max_entries) +
                      " stored entries, the most a sparse matrix with a " +
                      std::to_string(m_settings.index_bits) +
                      "-bit StorageIndex can hold; read it with a wider StorageIndex");
    }
    m_inner.push(static_cast<StorageIndex>(column));
    m_values.push(value);
    if (column > m_max_column) m_max_column = column;
    previous = column;
    return value_end;
  }

  /// A value that did not parse cleanly into a finite Scalar: throws for text that is not a
  /// number, for NaN and infinity, and for an overflow; returns 0 (with the text's sign) for an
  /// underflow, whose true value is closer to 0 than to any other Scalar.
  Scalar bad_value(const char* first, const char* colon, const char* s, const char* last,
                   const std::from_chars_result& r) const {
    const char* const value_first = colon + 1;
    const std::string feature = " of feature " + libsvm_quote(first, colon);
    if (r.ec == std::errc::invalid_argument || (r.ptr < last && !libsvm_ends_token(*r.ptr))) {
      fail(value_first, "expected a number as the value" + feature + ", got " +
                            libsvm_quote(value_first, libsvm_token_end(value_first, last)));
    }
    if (r.ec == std::errc::result_out_of_range) {
      if (libsvm_magnitude_at_least_one(s, r.ptr)) {
        fail(value_first, "the value " + libsvm_quote(value_first, r.ptr) + feature +
                              " is out of the range of " + libsvm_scalar_name<Scalar>());
      }
      return libsvm_signed_zero<Scalar>(*s == '-');
    }
    fail(value_first,
         "the value " + libsvm_quote(value_first, r.ptr) + feature + " is not a finite number");
  }

  /// The message for an index not above the previous one on its line.
  [[noreturn]] void out_of_order(const char* first, const char* colon, Eigen::Index column,
                                 Eigen::Index previous) const {
    const std::string index_text = libsvm_quote(first, colon);
    if (column == previous) {
      fail(first, "the feature index " + index_text +
                      " repeats the previous index on this line; indices must increase "
                      "strictly along a line");
    }
    fail(first, "the feature index " + index_text + " is below the previous index " +
                    std::to_string(previous + first_index()) +
                    " on this line; indices must increase strictly along a line");
  }

  /// The message for an index beyond n_features or max_features.
  [[noreturn]] void out_of_range(const char* first, const char* colon) const {
    const std::string index_text = libsvm_quote(first, colon);
    const std::string range = "indices go from " + std::to_string(first_index()) + " to " +
                              std::to_string(m_settings.feature_limit - 1 + first_index());
    if (m_settings.n_features > 0) {
      fail(first, "the feature index " + index_text +
                      " is out of range: " + "LibsvmOptions::n_features is " +
                      std::to_string(m_settings.n_features) + ", so " + range);
    }
    fail(first, "the feature index " + index_text + " is out of range: the limit is " +
                    std::to_string(m_settings.max_features) + " features (" +
                    (m_settings.capped ? "what a " + std::to_string(m_settings.index_bits) +
                                             "-bit StorageIndex can index"
                                       : std::string("LibsvmOptions::max_features")) +
                    "), so " + range);
  }

  /// The message for a token that is not "index:value".
  [[noreturn]] void bad_entry(const char* first, const char* last) const {
    const char* const end = libsvm_token_end(first, last);
    const auto size = static_cast<std::size_t>(end - first);
    if (size >= 4 && std::memcmp(first, "qid:", 4) == 0) {
      fail(first, "query ids (" + libsvm_quote(first, end) +
                      ", from an svmlight ranking file) are not supported; expected "
                      "\"index:value\"");
    }
    const void* colon = std::memchr(first, ':', size);
    if (colon == nullptr) {
      fail(first, "expected \"index:value\", got " + libsvm_quote(first, end));
    }
    fail(first, std::string("expected a feature index (an integer >= ") +
                    (m_settings.zero_based ? "0" : "1") + ") before ':', got " +
                    libsvm_quote(first, static_cast<const char*>(colon)) + " in " +
                    libsvm_quote(first, end));
  }

  const LibsvmSettings& m_settings;
  std::size_t m_line = 1;
  const char* m_line_start = nullptr;
  std::size_t m_minus_line = 0;  // the first line labelled -1, or 0
  std::size_t m_zero_line = 0;   // the first line labelled 0, or 0
  std::size_t m_entry_room = std::numeric_limits<std::size_t>::max();
  std::size_t m_entries_at_start = 0;
  Eigen::Index m_max_column = -1;

  // CSR arrays, grown as lines are parsed; never reserved from anything the input claims.
  LibsvmArray<StorageIndex> m_inner;
  LibsvmArray<Scalar> m_values;
  LibsvmArray<std::size_t> m_row_ends;  // the end of each row in m_inner and m_values
  LibsvmArray<int> m_labels;
};

/// Reads a whole stream of libsvm text, in blocks, on one thread or several, then builds X and
/// y. A parallel block is cut at line ends into one piece per thread, each parsed by its own
/// LibsvmLines; the pieces are then taken in file order. A piece that failed, or that the pieces
/// before it make invalid (its labels mix -1 and 0 with theirs; it goes past the entry limit),
/// sends the whole block through one LibsvmLines that knows everything before the block: that
/// sequential parse throws the same error, at the same place, as a sequential read would.
template <class Scalar, class StorageIndex>
class LibsvmParser {
 public:
  using Lines = LibsvmLines<Scalar, StorageIndex>;

  /// The arguments are LibsvmOptions' fields, already validated (threads >= 1 here);
  /// max_features is capped at what StorageIndex can index.
  LibsvmParser(const char* caller, Eigen::Index n_features, Eigen::Index max_features,
               std::size_t max_line_length, bool zero_based, int threads)
      : m_settings(libsvm_settings<StorageIndex>(
            caller, n_features, max_features, max_line_length, zero_based,
            static_cast<std::size_t>(std::numeric_limits<StorageIndex>::max()))),
        m_threads(std::max(threads, 1)) {}

  /// Test hooks: the entry limit (default: what StorageIndex counts), and the block schedule:
  /// the first block, the largest sequential block, and the piece of one thread in a parallel
  /// block (defaults 64 KiB, 1 MiB, 1 MiB).
  void set_max_entries(std::size_t limit) noexcept { m_settings.max_entries = limit; }
  void set_blocks(std::size_t first, std::size_t largest, std::size_t piece) noexcept {
    m_first_block = std::max<std::size_t>(first, 1);
    m_max_block = std::max(largest, m_first_block);
    m_piece = std::max<std::size_t>(piece, 1);
  }
  /// Test hook: parse the pieces of a parallel block one after the other on the calling thread
  /// (the same cuts and the same merge, without starting threads).
  void set_serial(bool serial) noexcept { m_serial = serial; }

  /// Reads and parses `in` to its end.
  void read(std::istream& in) {
    m_slots.clear();
    m_slots.reserve(static_cast<std::size_t>(m_threads));
    for (int t = 0; t < m_threads; ++t) m_slots.emplace_back(m_settings);
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;
    std::size_t kept = 0;  // bytes of an unfinished line at the start of the buffer
    std::size_t block = m_first_block;
    bool parallel = false;  // after the sequential blocks, with threads > 1
    if (in.fail()) stream_failed();
    for (;;) {
      if (capacity < kept + block) {
        std::unique_ptr<char[]> grown(new char[kept + block + libsvm_padding]);
        if (kept != 0) std::memcpy(grown.get(), buffer.get(), kept);
        buffer = std::move(grown);
        capacity = kept + block;
      }
      char* const data = buffer.get();
      in.read(data + kept, static_cast<std::streamsize>(block));
      const auto got = static_cast<std::size_t>(in.gcount());
      // A failing stream: the complete lines it gave are parsed (their errors come first),
      // then the failure is reported at the line after them.
      const bool failed = in.bad() || (got < block && !in.eof());
      std::memset(data + kept + got, 0, libsvm_padding);
      const bool at_end = got < block;
      const char* const end = data + kept + got;
      // The lines that are complete: up to the last '\n' (the kept bytes hold none).
      const char* complete = data;
      for (const char* p = end; p > data + kept; --p) {
        if (p[-1] == '\n') {
          complete = p;
          break;
        }
      }
      if (complete > data) parse_block(data, complete, parallel);
      if (failed) stream_failed();
      kept = static_cast<std::size_t>(end - complete);
      if (at_end) {
        if (kept != 0) parse_last_line(complete, end);
        return;
      }
      // One byte more than the limit may be a '\r' before the '\n' still to come.
      if (kept != 0 && kept - 1 > m_settings.max_line_length) {
        Lines& lines = sequential_lines();
        lines.fail_too_long(complete);
      }
      std::memmove(data, complete, kept);
      if (block < m_max_block) {
        block = std::min(2 * block, m_max_block);
      } else if (m_threads > 1 && !parallel) {
        parallel = true;
        block = m_piece * static_cast<std::size_t>(m_threads);
      }
    }
  }

  /// Builds the results: an n x d row-major matrix (d = n_features if given, else the largest
  /// column index + 1) and the n labels. Fills X and y only at the end, by swaps, so that they
  /// are untouched if an allocation fails.
  void finish(Eigen::SparseMatrix<Scalar, Eigen::RowMajor, StorageIndex>& X,
              Eigen::VectorXi& y) const {
    Eigen::Index max_column = -1;
    for (const Lines& slot : m_slots) max_column = std::max(max_column, slot.max_column());
    const Eigen::Index d = m_settings.n_features > 0 ? m_settings.n_features : max_column + 1;
    Eigen::SparseMatrix<Scalar, Eigen::RowMajor, StorageIndex> matrix(
        static_cast<Eigen::Index>(m_rows), d);
    matrix.resizeNonZeros(static_cast<Eigen::Index>(m_entries));
    Eigen::VectorXi labels(static_cast<Eigen::Index>(m_rows));
    // The pieces are copied in groups of about equal size, one group per thread.
    const std::size_t groups =
        m_entries + m_rows < (std::size_t(1) << 20) ? 1 : static_cast<std::size_t>(m_threads);
    const auto copy_group = [&](std::size_t group) {
      const std::size_t from = m_pieces.size() * group / groups;
      const std::size_t to = m_pieces.size() * (group + 1) / groups;
      for (std::size_t k = from; k < to; ++k) copy_piece(m_pieces[k], matrix, labels);
    };
    run_parallel(groups, copy_group);
    matrix.outerIndexPtr()[0] = 0;
    X.swap(matrix);
    y.swap(labels);
  }

 private:
  /// One run of lines parsed by one slot: where its rows and entries are in the slot's arrays
  /// and in the result.
  struct Piece {
    std::size_t slot, row_begin, row_end, entry_begin, entry_end, row_offset, entry_offset;
  };

  /// Runs f(0) ... f(count - 1), f(0) on this thread and the others on their own threads (on
  /// this one if a thread cannot be started); rethrows the first exception in index order.
  template <class F>
  static void run_parallel(std::size_t count, const F& f) {
    if (count <= 1) {
      if (count == 1) f(std::size_t(0));
      return;
    }
    std::vector<std::exception_ptr> errors(count);
    std::vector<std::thread> threads;
    threads.reserve(count - 1);
    std::vector<std::size_t> here{0};
    for (std::size_t k = 1; k < count; ++k) {
      try {
        threads.emplace_back([&f, &errors, k] {
          try {
            f(k);
          } catch (...) {
            errors[k] = std::current_exception();
          }
        });
      } catch (const std::system_error&) {
        here.push_back(k);
      }
    }
    for (const std::size_t k : here) {
      try {
        f(k);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
    for (std::thread& thread : threads) thread.join();
    for (const std::exception_ptr& error : errors) {
      if (error) std::rethrow_exception(error);
    }
  }

  [[noreturn]] void stream_failed() { sequential_lines().fail_stream(); }

  /// Slot 0, set to continue from everything parsed so far.
  Lines& sequential_lines() {
    Lines& lines = m_slots.front();
    lines.start(m_line, m_minus_line, m_zero_line, m_settings.max_entries - m_entries);
    return lines;
  }

  /// Records what `slot` parsed since its start() as the next piece, and advances the totals.
  void add_piece(std::size_t slot, std::size_t row_begin, std::size_t entry_begin) {
    const Lines& lines = m_slots[slot];
    Piece piece{slot,   row_begin, lines.row_ends().size(), entry_begin, lines.inner().size(),
                m_rows, m_entries};
    m_rows += piece.row_end - piece.row_begin;
    m_entries += piece.entry_end - piece.entry_begin;
    if (piece.row_end > piece.row_begin) m_pieces.push_back(piece);
  }

  /// The complete lines [first, last) of one block.
  void parse_block(const char* first, const char* last, bool parallel) {
    if (!parallel || m_threads == 1) {
      Lines& lines = sequential_lines();
      const std::size_t rows = lines.row_ends().size(), entries = lines.inner().size();
      lines.parse_lines(first, last);
      take_state(lines);
      add_piece(0, rows, entries);
      return;
    }
    // Cut at line ends into one piece per thread.
    const auto threads = static_cast<std::size_t>(m_threads);
    std::vector<const char*> cuts(threads + 1, last);
    cuts[0] = first;
    for (std::size_t t = 1; t < threads; ++t) {
      const std::ptrdiff_t share =
          (last - first) * static_cast<std::ptrdiff_t>(t) / static_cast<std::ptrdiff_t>(threads);
      const char* p = std::max(cuts[t - 1], first + share);
      if (p > first && p < last && p[-1] != '\n') {
        const void* newline = std::memchr(p, '\n', static_cast<std::size_t>(last - p));
        p = newline != nullptr ? static_cast<const char*>(newline) + 1 : last;
      }
      cuts[t] = p;
    }
    std::vector<std::size_t> rows(threads), entries(threads);
    std::vector<char> failed(threads, 0);
    for (std::size_t t = 0; t < threads; ++t) {
      m_slots[t].start(1, 0, 0, std::numeric_limits<std::size_t>::max());
      rows[t] = m_slots[t].row_ends().size();
      entries[t] = m_slots[t].inner().size();
    }
    const auto parse_piece = [&](std::size_t t) {
      try {
        m_slots[t].parse_lines(cuts[t], cuts[t + 1]);
      } catch (const FormatError&) {
        failed[t] = 1;
      }
    };
    if (m_serial) {
      for (std::size_t t = 0; t < threads; ++t) parse_piece(t);
    } else {
      run_parallel(threads, parse_piece);
    }
    // Take the pieces in file order; a problem sends the block through the sequential parser.
    const std::size_t line = m_line, minus_line = m_minus_line, zero_line = m_zero_line;
    const std::size_t total_entries = m_entries;
    for (std::size_t t = 0; t < threads; ++t) {
      const Lines& lines = m_slots[t];
      const std::size_t count = lines.inner().size() - entries[t];
      const bool mixed = (m_minus_line != 0 && lines.zero_line() != 0) ||
                         (m_zero_line != 0 && lines.minus_line() != 0);
      if (failed[t] || mixed || count > m_settings.max_entries - m_entries) {
        reparse(first, last, line, minus_line, zero_line, total_entries);
      }
      if (m_minus_line == 0 && lines.minus_line() != 0) {
        m_minus_line = m_line + lines.minus_line() - 1;
      }
      if (m_zero_line == 0 && lines.zero_line() != 0) m_zero_line = m_line + lines.zero_line() - 1;
      m_line += lines.line() - 1;
      add_piece(t, rows[t], entries[t]);
    }
  }

  /// Parses the block [first, last) alone, from the state before it, to throw its first error.
  [[noreturn]] void reparse(const char* first, const char* last, std::size_t line,
                            std::size_t minus_line, std::size_t zero_line, std::size_t entries) {
    Lines lines(m_settings);
    lines.start(line, minus_line, zero_line, m_settings.max_entries - entries);
    lines.parse_lines(first, last);
    throw std::logic_error(std::string(m_settings.caller) +
                           ": internal error: a block that failed in parallel parsed alone");
  }

  /// The last line of the input, which has no '\n'.
  void parse_last_line(const char* first, const char* last) {
    Lines& lines = sequential_lines();
    const std::size_t rows = lines.row_ends().size(), entries = lines.inner().size();
    lines.parse_line(first, last);
    take_state(lines);
    add_piece(0, rows, entries);
  }

  void take_state(const Lines& lines) noexcept {
    m_line = lines.line();
    m_minus_line = lines.minus_line();
    m_zero_line = lines.zero_line();
  }

  void copy_piece(const Piece& piece, Eigen::SparseMatrix<Scalar, Eigen::RowMajor, StorageIndex>& X,
                  Eigen::VectorXi& labels) const {
    const Lines& lines = m_slots[piece.slot];
    const std::size_t count = piece.entry_end - piece.entry_begin;
    if (count != 0) {
      std::memcpy(X.innerIndexPtr() + piece.entry_offset, lines.inner().data() + piece.entry_begin,
                  count * sizeof(StorageIndex));
      std::memcpy(X.valuePtr() + piece.entry_offset, lines.values().data() + piece.entry_begin,
                  count * sizeof(Scalar));
    }
    const std::size_t* ends = lines.row_ends().data();
    StorageIndex* outer = X.outerIndexPtr() + piece.row_offset + 1;
    const std::size_t shift = piece.entry_offset - piece.entry_begin;  // modular arithmetic
    for (std::size_t r = piece.row_begin; r < piece.row_end; ++r) {
      *outer++ = static_cast<StorageIndex>(ends[r] + shift);
    }
    std::memcpy(labels.data() + piece.row_offset, lines.labels().data() + piece.row_begin,
                (piece.row_end - piece.row_begin) * sizeof(int));
  }

  LibsvmSettings m_settings{};
  int m_threads;
  std::size_t m_first_block = std::size_t(64) << 10;
  std::size_t m_max_block = std::size_t(1) << 20;
  std::size_t m_piece = std::size_t(1) << 20;
  bool m_serial = false;

  std::vector<Lines> m_slots;
  std::vector<Piece> m_pieces;
  std::size_t m_line = 1;        // the number of the next line
  std::size_t m_minus_line = 0;  // the first line labelled -1, or 0
  std::size_t m_zero_line = 0;   // the first line labelled 0, or 0
  std::size_t m_rows = 0, m_entries = 0;
};

// ---------------------------------------------------------------------------------------------
// Writing.

/// True for Eigen sparse types whose rows can be walked with their own InnerIterator without a
/// copy: row-major compressed storage (SparseMatrix, Map and Ref of it, blocks of whole rows).
template <class Derived>
inline constexpr bool libsvm_direct_rows_v =
    std::is_base_of_v<Eigen::SparseCompressedBase<Derived>, Derived>&& Derived::IsRowMajor;

/// Buffers the output text and writes it in blocks of about 1 MiB.
class LibsvmWriteBuffer {
 public:
  static constexpr std::size_t block = std::size_t(1) << 20;
  static constexpr std::size_t room = 128;  // the most one item appends

  LibsvmWriteBuffer(const char* caller, std::ostream& out)
      : m_caller(caller), m_out(out), m_data(new char[block + room]) {}

  /// A place for at most `room` bytes; commit(end) after writing them.
  char* place() {
    if (m_used > block) flush();
    return m_data.get() + m_used;
  }
  void commit(char* end) noexcept { m_used = static_cast<std::size_t>(end - m_data.get()); }

  void flush() {
    m_out.write(m_data.get(), static_cast<std::streamsize>(m_used));
    m_used = 0;
    if (!m_out) {
      throw std::runtime_error(std::string(m_caller) + ": the stream failed while writing");
    }
  }

 private:
  const char* m_caller;
  std::ostream& m_out;
  std::unique_ptr<char[]> m_data;
  std::size_t m_used = 0;
};

/// Calls f(column, value) for the entries of row i that write_libsvm writes: every stored entry
/// of a sparse X (explicit zeros included), every non-zero of a dense X.
template <class Rows, class F>
void libsvm_for_each_written(const Rows& X, Eigen::Index i, F&& f) {
  if constexpr (std::is_base_of_v<Eigen::SparseMatrixBase<Rows>, Rows>) {
    for (typename Rows::InnerIterator it(X, i); it; ++it) f(it.index(), it.value());
  } else {
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const typename Rows::Scalar value = X(i, j);
      if (value != 0) f(j, value);
    }
  }
}

/// Checks what write_libsvm is given, before anything is written: y a vector of X.rows()
/// labels in {0, 1}; X finite (every stored entry of a sparse X, every entry of a dense X); the
/// column indices of each row strictly increasing (only a malformed Map can break this).
template <class Rows, class DerivedY>
void libsvm_check_write(const char* caller, const Rows& X, const Eigen::MatrixBase<DerivedY>& y) {
  const std::string where = std::string(caller) + ": ";
  if (y.rows() != 1 && y.cols() != 1 && y.size() != 0) {
    throw std::invalid_argument(where + "y is a " + std::to_string(y.rows()) + " x " +
                                std::to_string(y.cols()) +
                                " matrix; expected a vector (one row or one column)");
  }
  if (y.size() != X.rows()) {
    throw std::invalid_argument(where + "X has " + std::to_string(X.rows()) +
                                " rows (samples) but y has " + std::to_string(y.size()) +
                                " entries");
  }
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const typename DerivedY::Scalar label = y(i);
    if (!is_finite_bits(label) || !(label == 0 || label == 1)) {
      throw std::invalid_argument(where + "y(" + std::to_string(i) + ") is " + to_text(label) +
                                  "; expected labels in {0, 1}");
    }
  }
  using Scalar = typename Rows::Scalar;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    if constexpr (std::is_base_of_v<Eigen::SparseMatrixBase<Rows>, Rows>) {
      Eigen::Index previous = -1;
      for (typename Rows::InnerIterator it(X, i); it; ++it) {
        const Eigen::Index j = it.index();
        const Scalar value = it.value();
        if (!is_finite_bits(value)) {
          throw std::invalid_argument(where + "X(" + std::to_string(i) + ", " + std::to_string(j) +
                                      ") is " + to_text(value) + "; expected finite values");
        }
        if (j <= previous || j >= X.cols()) {
          throw std::invalid_argument(where + "row " + std::to_string(i) + " of X stores column " +
                                      std::to_string(j) + " after column " +
                                      std::to_string(previous) + " of " + std::to_string(X.cols()) +
                                      "; expected strictly increasing column indices below " +
                                      "X.cols() (a malformed sparse Map?)");
        }
        previous = j;
      }
    } else {
      for (Eigen::Index j = 0; j < X.cols(); ++j) {
        const Scalar value = X(i, j);
        if (!is_finite_bits(value)) {
          throw std::invalid_argument(where + "X(" + std::to_string(i) + ", " + std::to_string(j) +
                                      ") is " + to_text(value) + "; expected finite values");
        }
      }
    }
  }
}

/// Writes the checked rows: "+1" or "-1", then " index:value" (1-based index, the shortest text
/// that reads back to the same bits) for each written entry, then '\n'.
template <class Rows, class DerivedY>
void libsvm_write_rows(const char* caller, std::ostream& out, const Rows& X,
                       const Eigen::MatrixBase<DerivedY>& y) {
  LibsvmWriteBuffer buffer(caller, out);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    char* p = buffer.place();
    const bool positive = y(i) == 1;
    *p++ = positive ? '+' : '-';
    *p++ = '1';
    buffer.commit(p);
    libsvm_for_each_written(X, i, [&buffer](Eigen::Index j, typename Rows::Scalar value) {
      char* q = buffer.place();
      char* const limit = q + LibsvmWriteBuffer::room;
      *q++ = ' ';
      q = std::to_chars(q, limit, static_cast<unsigned long long>(j) + 1).ptr;
      *q++ = ':';
      q = std::to_chars(q, limit, value).ptr;  // shortest round-trip form, C locale
      buffer.commit(q);
    });
    p = buffer.place();
    *p++ = '\n';
    buffer.commit(p);
  }
  buffer.flush();
  out.flush();
  if (!out) throw std::runtime_error(std::string(caller) + ": the stream failed while writing");
}

/// write_libsvm's steps in order: bind X row by row (a row-major sparse X as it is, any other
/// sparse X through a row-major copy, a dense X through a Ref), check X and y, then
/// open() the stream (a file is created only once the input is known to be valid) and write.
template <class DerivedX, class DerivedY, class Open>
void libsvm_write(const char* caller, const Eigen::EigenBase<DerivedX>& X,
                  const Eigen::MatrixBase<DerivedY>& y, Open&& open) {
  using Scalar = typename DerivedX::Scalar;
  static_assert(is_libsvm_scalar_v<Scalar>,
                "logistic_neuron::write_libsvm: X's Scalar must be float or double");
  const auto run = [&](const auto& rows) {
    libsvm_check_write(caller, rows, y);
    libsvm_write_rows(caller, open(), rows, y);
  };
  if constexpr (std::is_base_of_v<Eigen::SparseMatrixBase<DerivedX>, DerivedX>) {
    if constexpr (libsvm_direct_rows_v<DerivedX>) {
      run(X.derived());
    } else {
      const Eigen::SparseMatrix<Scalar, Eigen::RowMajor, typename DerivedX::StorageIndex> rows =
          X.derived();
      run(rows);
    }
  } else {
    static_assert(std::is_base_of_v<Eigen::MatrixBase<DerivedX>, DerivedX>,
                  "logistic_neuron::write_libsvm: X must be a dense or sparse Eigen matrix");
    const XRef<Scalar, storage_order_v<DerivedX>> rows(X.derived());
    run(rows);
  }
}

}  // namespace detail
}  // namespace logistic_neuron
