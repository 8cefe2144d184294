/// \file stream_libsvm.hpp
/// \brief Reading a libsvm / svmlight file block by block into dense rows: the reader behind
/// LibsvmFileSource (internal).
///
/// The lines are parsed by read_libsvm's own line parser (LibsvmLines, libsvm_format.hpp), so
/// the format, every rule and every message are read_libsvm's; only the reading differs. The file
/// is read in 1 MiB pieces into a buffer that keeps the unfinished line; read() parses lines one
/// at a time into a fresh LibsvmLines for every 1024 samples, and writes each such run densely
/// (zeros, then the stored entries) into the caller's row-major block.
/// What has to carry from one block of lines to the next does: the line number, the first lines
/// labelled -1 and 0 (a file may not mix them). The constructor parses the whole file once to
/// find n and d (and so reports a malformed file before any fit starts), keeping nothing but
/// the counts.
///
/// Dense pieces: a block holds block_rows x d scalars, so this suits moderate d. Handing the
/// rows over as row-major sparse blocks (a StreamKind for SparseX, cut at the chunks an
/// in-memory sparse X of the same rows has) would serve large d with the same parsing; it is
/// not written yet.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/errors.hpp"
#include "libsvm_format.hpp"
#include "stream_binary.hpp"

namespace logistic_neuron {
namespace detail {

/// Reads a libsvm file block by block into dense row-major rows (see the file comment).
/// \tparam Scalar float or double.
template <class Scalar>
class LibsvmBlockReader {
  static_assert(is_libsvm_scalar_v<Scalar>,
                "logistic_neuron::LibsvmFileSource<Scalar>: Scalar must be float or double");

 public:
  using Block = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using Lines = LibsvmLines<Scalar, std::int64_t>;

  /// Opens the file and parses it once for n and d. The arguments are LibsvmOptions' fields,
  /// validated by the caller; `caller` starts every message, followed by the quoted path.
  LibsvmBlockReader(const std::string& path, const char* caller, Eigen::Index n_features,
                    Eigen::Index max_features, std::size_t max_line_length, bool zero_based)
      : m_path(path), m_where(std::string(caller) + ": \"" + path + "\"") {
    m_file.reset(std::fopen(path.c_str(), "rb"));
    if (!m_file) {
      throw std::runtime_error(std::string(caller) + ": cannot open \"" + path + "\" for reading");
    }
    m_settings =
        libsvm_settings<std::int64_t>(m_where.c_str(), n_features, max_features, max_line_length,
                                      zero_based, std::numeric_limits<std::size_t>::max());
    // The scan: every line parsed, nothing kept but the counts.
    Eigen::Index max_column = -1;
    for (;;) {
      const Eigen::Index got = parse_rows(std::numeric_limits<Eigen::Index>::max(), run_rows,
                                          [&](const Lines& lines, Eigen::Index) {
                                            max_column = std::max(max_column, lines.max_column());
                                          });
      if (got == 0) break;
      m_rows += got;
    }
    m_cols = n_features > 0 ? n_features : max_column + 1;
    rewind();
  }

  LibsvmBlockReader(const LibsvmBlockReader&) = delete;
  LibsvmBlockReader& operator=(const LibsvmBlockReader&) = delete;

  const std::string& path() const noexcept { return m_path; }
  Eigen::Index rows() const noexcept { return m_rows; }
  Eigen::Index cols() const noexcept { return m_cols; }

  /// The next read starts at the file's first line.
  void rewind() {
    if (!seek_to(m_file.get(), 0)) {
      throw FormatError(0, m_where + ": cannot seek back to the start of the file");
    }
    std::clearerr(m_file.get());
    m_begin = m_end = 0;
    m_at_end = false;
    m_line = 1;
    m_minus_line = m_zero_line = 0;
  }

  /// Reads the next min(max_rows, rows left) samples into the first rows of X (zeros, then the
  /// stored entries) and their labels (0 or 1) into y; returns how many.
  Eigen::Index read(Block& X, Eigen::VectorXd& y, Eigen::Index max_rows) {
    if (X.cols() != m_cols || X.rows() < std::min(max_rows, m_rows) || y.size() < X.rows()) {
      throw std::logic_error(m_where + ": read into a block of " + std::to_string(X.rows()) +
                             " x " + std::to_string(X.cols()) + "; expected " +
                             std::to_string(m_cols) + " columns");
    }
    return parse_rows(max_rows, run_rows, [&](const Lines& lines, Eigen::Index row0) {
      const std::size_t* ends = lines.row_ends().data();
      const std::int64_t* inner = lines.inner().data();
      const Scalar* values = lines.values().data();
      const int* labels = lines.labels().data();
      const Eigen::Index count = static_cast<Eigen::Index>(lines.row_ends().size());
      X.middleRows(row0, count).setZero();
      std::size_t k = 0;
      for (Eigen::Index r = 0; r < count; ++r) {
        for (; k < ends[r]; ++k) X(row0 + r, static_cast<Eigen::Index>(inner[k])) = values[k];
        y[row0 + r] = labels[r];
      }
    });
  }

 private:
  /// The samples parsed into one LibsvmLines before they are written out (or, in the scan,
  /// dropped): its arrays stay small.
  static constexpr Eigen::Index run_rows = 1024;

  /// Parses up to max_rows samples, in runs of at most `run` samples, each run into a fresh
  /// LibsvmLines handed to sink(lines, first row of the run among this call's); returns the
  /// samples parsed (0 at the end of the file).
  template <class Sink>
  Eigen::Index parse_rows(Eigen::Index max_rows, Eigen::Index run, const Sink& sink) {
    Eigen::Index done = 0;
    while (done < max_rows) {
      Lines lines(m_settings);
      lines.start(m_line, m_minus_line, m_zero_line, std::numeric_limits<std::size_t>::max());
      const Eigen::Index want = std::min(run, max_rows - done);
      Eigen::Index got = 0;
      const char* first = nullptr;
      const char* last = nullptr;
      while (got < want && next_line(lines, first, last)) {
        lines.parse_lines(first, last);
        got = static_cast<Eigen::Index>(lines.row_ends().size());
      }
      m_line = lines.line();
      m_minus_line = lines.minus_line();
      m_zero_line = lines.zero_line();
      if (got > 0) sink(lines, done);
      done += got;
      if (got < want) break;  // the end of the file
    }
    return done;
  }

  /// The next line of the file as [first, last), last just past its '\n' (or the end of the
  /// file), with readable padding after it; false at the end of the file.
  bool next_line(Lines& lines, const char*& first, const char*& last) {
    for (;;) {
      const char* data = m_buffer.data();
      const void* newline =
          m_end > m_begin ? std::memchr(data + m_begin, '\n', m_end - m_begin) : nullptr;
      if (newline != nullptr) {
        first = data + m_begin;
        last = static_cast<const char*>(newline) + 1;
        m_begin = static_cast<std::size_t>(last - data);
        return true;
      }
      if (m_at_end) {
        if (m_begin == m_end) return false;
        first = data + m_begin;  // the last line, without '\n'
        last = data + m_end;
        m_begin = m_end;
        return true;
      }
      // One byte more than the limit may be a '\r' before the '\n' still to come.
      if (m_end - m_begin > m_settings.max_line_length + 1) lines.fail_too_long(data + m_begin);
      fill(lines);
    }
  }

  /// Moves the unfinished line to the front of the buffer and reads up to 1 MiB after it.
  void fill(Lines& lines) {
    constexpr std::size_t piece = std::size_t(1) << 20;
    const std::size_t kept = m_end - m_begin;
    if (m_buffer.size() < kept + piece + libsvm_padding) {
      m_buffer.resize(kept + piece + libsvm_padding);
    }
    std::memmove(m_buffer.data(), m_buffer.data() + m_begin, kept);
    m_begin = 0;
    m_end = kept;
    const std::size_t got = std::fread(m_buffer.data() + kept, 1, piece, m_file.get());
    m_end += got;
    if (got < piece) {
      if (std::ferror(m_file.get())) lines.fail_stream();
      m_at_end = true;
    }
    std::memset(m_buffer.data() + m_end, 0, libsvm_padding);
  }

  std::string m_path;
  std::string m_where;  // "<caller>: \"<path>\"", the parser's caller
  LibsvmSettings m_settings{};
  FileHandle m_file;
  std::vector<char> m_buffer;
  std::size_t m_begin = 0, m_end = 0;  // the bytes read but not parsed
  bool m_at_end = false;
  std::size_t m_line = 1, m_minus_line = 0, m_zero_line = 0;
  Eigen::Index m_rows = 0, m_cols = 0;
};

}  // namespace detail
}  // namespace logistic_neuron
