/// \file stream_binary.hpp
/// \brief Reading the binary data format of bench/ block by block: the reader behind
/// BinaryFileSource (internal).
///
/// The format (written by bench/time_to_optimum/make_data.py), little-endian:
///   bytes 0-7    "LNDATA01"
///   bytes 8-15   int64 n (rows, samples)      bytes 16-23  int64 d (columns, features)
///   then X as n * d float64 in row-major order (one sample after another), then y as n float64.
/// So the file has exactly 24 + 8 n (d + 1) bytes. The reader keeps two handles on the file, one
/// walking X and one walking y, and reads both sequentially, unbuffered (fread goes straight into
/// the caller's block). With Scalar double the rows land in the block as they are; with float or
/// long double they go through a small scratch buffer and are converted while read.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/errors.hpp"
#include "../base/text.hpp"

namespace logistic_neuron {
namespace detail {

/// The first 8 bytes of a file of the format.
inline constexpr char binary_magic[8] = {'L', 'N', 'D', 'A', 'T', 'A', '0', '1'};
/// The bytes of the header: the magic, n and d.
inline constexpr std::int64_t binary_header_bytes = 24;

/// Closes a std::FILE on destruction.
struct FileCloser {
  void operator()(std::FILE* file) const noexcept {
    if (file != nullptr) std::fclose(file);
  }
};
/// An open file, closed when it goes.
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

/// Moves `file` to byte `offset` (64-bit offsets everywhere).
inline bool seek_to(std::FILE* file, std::int64_t offset) noexcept {
#if defined(_WIN32)
  return _fseeki64(file, offset, SEEK_SET) == 0;
#else
  return fseeko(file, static_cast<off_t>(offset), SEEK_SET) == 0;
#endif
}

/// The size of `file` in bytes (it is left at its end), or -1.
inline std::int64_t file_size(std::FILE* file) noexcept {
#if defined(_WIN32)
  if (_fseeki64(file, 0, SEEK_END) != 0) return -1;
  return static_cast<std::int64_t>(_ftelli64(file));
#else
  if (fseeko(file, 0, SEEK_END) != 0) return -1;
  return static_cast<std::int64_t>(ftello(file));
#endif
}

/// True on a little-endian machine (the file's byte order).
inline bool host_is_little_endian() noexcept {
  const std::uint16_t one = 1;
  unsigned char first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

/// Reverses the bytes of each of the `count` 8-byte values at p (big-endian machines only).
inline void swap_bytes_8(void* p, std::size_t count) noexcept {
  auto* bytes = static_cast<unsigned char*>(p);
  for (std::size_t k = 0; k < count; ++k, bytes += 8) std::reverse(bytes, bytes + 8);
}

/// The little-endian int64 at p.
inline std::int64_t little_endian_int64(const unsigned char* p) noexcept {
  std::uint64_t value = 0;
  for (int k = 7; k >= 0; --k) value = (value << 8) | p[k];
  std::int64_t out;
  std::memcpy(&out, &value, sizeof out);
  return out;
}

/// Bytes quoted for a message, control and non-ASCII bytes shown as '?'.
inline std::string quote_bytes(const unsigned char* p, std::size_t count) {
  std::string out = "\"";
  for (std::size_t k = 0; k < count; ++k) {
    out += (p[k] >= 0x20 && p[k] < 0x7f) ? static_cast<char>(p[k]) : '?';
  }
  return out + "\"";
}

/// Reads a file of the format (see the file comment) block by block. Errors name the caller and
/// the path: std::runtime_error if the file cannot be opened; FormatError (line() 0: the file
/// has no lines) for a header that is not the format's, a size that does not match it (the
/// message names the first value missing, X(row, column) or y[row]), or a read that fails;
/// std::invalid_argument for a value beyond the range of Scalar.
template <class Scalar>
class BinaryReader {
 public:
  using Block = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  /// Opens the file and checks its header and size.
  BinaryReader(std::string path, const char* caller) : m_path(std::move(path)), m_caller(caller) {
    m_x = open();
    m_y = open();
    const std::int64_t size = file_size(m_x.get());
    if (size < 0) fail("cannot tell its size");
    unsigned char header[binary_header_bytes];
    if (!seek_to(m_x.get(), 0) || size < binary_header_bytes ||
        std::fread(header, 1, sizeof header, m_x.get()) != sizeof header) {
      fail("the file has " + std::to_string(size) +
           " bytes, fewer than the 24 of the header "
           "(\"LNDATA01\", int64 n, int64 d)");
    }
    if (std::memcmp(header, binary_magic, sizeof binary_magic) != 0) {
      fail("not a data file of this format: it starts with " + quote_bytes(header, 8) +
           ", expected \"LNDATA01\"");
    }
    const std::int64_t n = little_endian_int64(header + 8), d = little_endian_int64(header + 16);
    if (n < 1) fail("the header says n = " + std::to_string(n) + " rows; expected at least 1");
    if (d < 1) fail("the header says d = " + std::to_string(d) + " columns; expected at least 1");
    // 24 + 8 n (d + 1) must not overflow.
    const std::int64_t limit = std::numeric_limits<std::int64_t>::max() / 8 - 3;
    if (d > limit - 1 || n > limit / (d + 1)) {
      fail("the header's n = " + std::to_string(n) + " and d = " + std::to_string(d) +
           " imply a file of more than 2^63 bytes");
    }
    m_rows = static_cast<Eigen::Index>(n);
    m_cols = static_cast<Eigen::Index>(d);
    const std::int64_t expected = binary_header_bytes + 8 * n * (d + 1);
    if (size != expected) fail(size_message(size, expected));
    if (!std::is_same_v<Scalar, double> || !host_is_little_endian()) {
      m_scratch.resize(std::max<std::size_t>(8192, static_cast<std::size_t>(m_cols)));
    }
    rewind();
  }

  const std::string& path() const noexcept { return m_path; }
  Eigen::Index rows() const noexcept { return m_rows; }
  Eigen::Index cols() const noexcept { return m_cols; }

  /// The next read starts at row 0.
  void rewind() {
    if (!seek_to(m_x.get(), binary_header_bytes) ||
        !seek_to(m_y.get(),
                 binary_header_bytes + 8 * std::int64_t(m_rows) * std::int64_t(m_cols))) {
      fail("cannot seek back to its first row");
    }
    m_next = 0;
  }

  /// Reads the next min(max_rows, rows left) rows into the first rows of X (at least that many
  /// rows, cols() columns) and their labels into y (as many entries); returns how many.
  Eigen::Index read(Block& X, Eigen::VectorXd& y, Eigen::Index max_rows) {
    const Eigen::Index rows = std::min(max_rows, m_rows - m_next);
    if (rows <= 0) return 0;
    if (X.cols() != m_cols || X.rows() < rows || y.size() < rows) {
      throw std::logic_error(std::string(m_caller) + ": read into a block of " +
                             std::to_string(X.rows()) + " x " + std::to_string(X.cols()) +
                             " with " + std::to_string(y.size()) + " labels; expected at least " +
                             std::to_string(rows) + " x " + std::to_string(m_cols));
    }
    read_x(X, rows);
    read_values(m_y.get(), y.data(), static_cast<std::size_t>(rows), "y", m_next);
    m_next += rows;
    return rows;
  }

 private:
  FileHandle open() const {
    FileHandle file(std::fopen(m_path.c_str(), "rb"));
    if (!file) {
      throw std::runtime_error(std::string(m_caller) + ": cannot open \"" + m_path +
                               "\" for reading");
    }
    std::setvbuf(file.get(), nullptr, _IONBF, 0);  // large reads go straight to the block
    return file;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(0, std::string(m_caller) + ": \"" + m_path + "\": " + what);
  }

  /// The message for a file whose size is not 24 + 8 n (d + 1).
  std::string size_message(std::int64_t size, std::int64_t expected) const {
    std::string out = "the file has " + std::to_string(size) +
                      " bytes but its header (n = " + std::to_string(m_rows) +
                      ", d = " + std::to_string(m_cols) +
                      ") implies 24 + 8 n (d + 1) = " + std::to_string(expected);
    if (size > expected)
      return out + ": it has " + std::to_string(size - expected) + " bytes too many";
    const std::int64_t values = (size - binary_header_bytes) / 8;  // complete values present
    const std::int64_t x_values = std::int64_t(m_rows) * std::int64_t(m_cols);
    out += ": it is truncated; the first value missing is ";
    if (values < x_values) {
      return out + "X(" + std::to_string(values / m_cols) + ", " + std::to_string(values % m_cols) +
             ") (row, column from 0)";
    }
    return out + "y[" + std::to_string(values - x_values) + "] (rows from 0)";
  }

  /// count float64 values from `file` into out (already the host's byte order).
  void read_values(std::FILE* file, double* out, std::size_t count, const char* what,
                   Eigen::Index row) const {
    if (std::fread(out, 8, count, file) != count) {
      fail(std::string("reading ") + what + " at row " + std::to_string(row) +
           " failed (did the file change while it was read?)");
    }
    if (!host_is_little_endian()) swap_bytes_8(out, count);
  }

  /// Rows [m_next, m_next + rows) of X into the first rows of the block.
  void read_x(Block& X, Eigen::Index rows) {
    const std::size_t count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(m_cols);
    if constexpr (std::is_same_v<Scalar, double>) {
      if (m_scratch.empty()) {
        read_values(m_x.get(), X.data(), count, "X", m_next);
        return;
      }
    }
    // Whole rows at a time through the scratch buffer, converted to Scalar.
    const std::size_t per_read =
        std::max<std::size_t>(1, m_scratch.size() / static_cast<std::size_t>(m_cols)) *
        static_cast<std::size_t>(m_cols);
    Scalar* out = X.data();
    for (std::size_t done = 0; done < count;) {
      const std::size_t now = std::min(per_read, count - done);
      const Eigen::Index row = m_next + static_cast<Eigen::Index>(done) / m_cols;
      read_values(m_x.get(), m_scratch.data(), now, "X", row);
      for (std::size_t k = 0; k < now; ++k) {
        const double value = m_scratch[k];
        const Scalar converted = static_cast<Scalar>(value);
        if (is_finite_bits(value) && !is_finite_bits(converted)) {
          const std::size_t at = done + k;
          throw std::invalid_argument(
              std::string(m_caller) + ": \"" + m_path + "\": X(" +
              std::to_string(m_next + static_cast<Eigen::Index>(at) / m_cols) + ", " +
              std::to_string(at % static_cast<std::size_t>(m_cols)) + ") is " + to_text(value) +
              ", beyond the range of float; expected a value float can hold");
        }
        out[done + k] = converted;
      }
      done += now;
    }
  }

  std::string m_path;
  const char* m_caller;
  FileHandle m_x, m_y;  // one walks X, the other y
  Eigen::Index m_rows = 0, m_cols = 0;
  Eigen::Index m_next = 0;  // the next row to read
  std::vector<double> m_scratch;
};

}  // namespace detail
}  // namespace logistic_neuron
