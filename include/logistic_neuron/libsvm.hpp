/// \file libsvm.hpp
/// \brief Reading and writing data sets in the libsvm / svmlight text format: read_libsvm and
/// write_libsvm.
///
/// \code
/// #include <logistic_neuron/libsvm.hpp>
///
/// // Samples as rows of a sparse matrix, labels in {0, 1}:
/// const logistic_neuron::LibsvmData<double> data = logistic_neuron::read_libsvm("train.svm");
/// // data.X is n x d (Eigen::SparseMatrix<double, Eigen::RowMajor>), data.y holds n labels.
/// logistic_neuron::write_libsvm("copy.svm", data.X, data.y);
/// \endcode
///
/// ## Format
///
/// Text, one sample per line, lines ending in `\n` (a `\r` before it is ignored, and so is a
/// missing `\n` at the end of the input):
///
/// \verbatim
/// # a comment line                          skipped, as are empty and blank lines
/// +1 1:0.5 3:-2 10:1e-3                     label, then index:value pairs
/// -1 2:4.25   # a trailing comment          # outside a token starts a comment
/// 1                                         a sample whose features are all 0
/// \endverbatim
///
/// - Tokens are separated by spaces or tabs (any number, also at the start and end of a line).
///   A `#` ends the token before it and starts a comment that runs to the line end.
/// - The label is the first token: any decimal text whose value is exactly +1, -1, 1 or 0
///   ("+1", "1", "1.0", "-1", "-1.0", "0", "0.0", "1e0" ...). Class 1 is +1 or 1; class 0 is -1
///   or 0. One file uses one convention: a file that has both a -1 and a 0 label is an error
///   (it would be ambiguous which class is which), while a file with 1 only is fine. Any
///   other value (2, 0.5, nan, ...) is an error: this reader reads binary data only.
/// - Each feature is "index:value": the index is decimal digits, 1-based (0 is an error unless
///   LibsvmOptions::zero_based is set), strictly increasing along a line; index k goes to
///   column k - 1 (column k with zero_based). The value is a finite decimal number in the C
///   locale (std::from_chars, general format: "-1.5", "2", ".5", "1e-3"; a leading '+' is also
///   accepted; hexadecimal, NaN and infinity are not), rounded once to the nearest Scalar. A
///   value too large for Scalar is an error; one too small to be told apart from 0 (e.g.
///   1e-400) reads as 0 with its sign, like strtod. "index:0" is kept as an explicitly stored
///   zero.
/// - svmlight's query ids ("qid:3", ranking files) are rejected with a message saying so.
///
/// ## Reading
///
/// The whole input is read (to the end of the stream) and parsed before anything is returned:
/// on any error nothing partly filled escapes, and the stream's position is unspecified. Memory
/// grows only with what has been read: no size the file states or implies is reserved up front
/// (the input is read in blocks of up to 1 MiB, or threads x 1 MiB when parsing in parallel,
/// plus the unfinished line; the sparse arrays grow as entries are parsed and are copied into X
/// once at the end, so the peak is about twice X). The feature count d is
/// LibsvmOptions::n_features if given, else the largest column index seen + 1 (0 for a file
/// with no features). An empty input (or one of blank and comment lines only) gives an empty
/// 0 x d matrix and an empty y. Values are parsed as float or double (long double is not
/// supported: read double and cast). Speed: bench/libsvm_read/README.md.
///
/// Anything malformed throws FormatError whose what() is
/// "logistic_neuron::read_libsvm: line L, column C: <what was expected and what came>" and whose
/// line() and column() give L and C (1-based; the column counts bytes from the start of the
/// line). Tokens are quoted and cut to 40 bytes in messages, control characters shown as '?'.
/// The errors: a bad label or mixed label conventions (column of the label); a token that is not
/// "index:value" or a qid token (column of the token); an index that is not decimal digits,
/// 0 without zero_based, not above the previous index on its line, or beyond n_features or
/// max_features (column of the index); a value that is not a number, NaN, infinite or out of
/// range for Scalar (column of the value); a line longer than max_line_length (column
/// max_line_length + 1); more stored entries than StorageIndex can count (column of the entry).
/// A stream that fails (badbit, or failbit without end of input) throws FormatError
/// "logistic_neuron::read_libsvm: line L: the stream failed while reading" with column() 0,
/// once the complete lines it gave have been parsed (their errors come first); L is the line
/// after them. NaN and infinity are detected from the bit pattern, so they are rejected under
/// -ffast-math too.
///
/// ## Writing
///
/// write_libsvm writes one line per row of X: "+1" for y = 1 or "-1" for y = 0 (the svmlight
/// convention, which libsvm, liblinear, svmlight and scikit-learn all read; svmlight reads a 0
/// label as "unlabelled"), then " index:value" for each entry, 1-based indices in increasing
/// order, then `\n`. Values are written in the C locale in the shortest form that reads back to
/// the same bits (std::to_chars without a precision: "0.1", not "0.10000000000000001"), so that
/// reading the file back with the same Scalar gives X bit for bit, -0 and subnormals included.
/// For a sparse X every stored entry is written, explicit zeros included, so that the stored
/// structure round-trips as well; for a dense X only the non-zeros are written (a -0 entry is
/// a zero and is not written). A sample with no entries is a line with its label only. A file
/// does not record d: read it back with LibsvmOptions::n_features = X.cols() to get the same
/// shape when the last columns hold no entries. (A program built with -ffast-math runs with
/// subnormals flushed to zero, and std::to_chars then writes a subnormal as 0.)
#pragma once

#include <cstddef>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "base/errors.hpp"
#include "base/threads.hpp"
#include "detail/libsvm_format.hpp"

namespace logistic_neuron {

/// A data set read from a libsvm file: X is n x d, one sample per row; y holds the n labels in
/// {0, 1}.
/// \tparam Scalar float or double: the type the values are parsed into.
/// \tparam StorageIndex the signed integer type of X's indices (int, long long, std::int64_t).
template <class Scalar = double, class StorageIndex = int>
struct LibsvmData {
  static_assert(detail::is_libsvm_scalar_v<Scalar>,
                "logistic_neuron::LibsvmData: Scalar must be float or double");
  static_assert(detail::is_libsvm_index_v<StorageIndex>,
                "logistic_neuron::LibsvmData: StorageIndex must be a signed integer type");
  /// n x d, one sample per row, compressed row-major storage; the file's "index:value" pairs
  /// are its stored entries (explicit zeros included).
  Eigen::SparseMatrix<Scalar, Eigen::RowMajor, StorageIndex> X;
  /// n labels in {0, 1}: 1 for a file label of +1 or 1, 0 for -1 or 0.
  Eigen::VectorXi y;
};

/// Options of read_libsvm. Assign the fields by name, e.g. `options.n_features = 784;`.
struct LibsvmOptions {
  /// The feature count d: 0 (the default) infers d as the largest column index in the file + 1;
  /// d >= 1 fixes it (columns the file never uses are empty), and an index beyond it is an
  /// error. Valid: 0 <= n_features <= max_features.
  Eigen::Index n_features = 0;
  /// The longest line, in bytes without its line end (`\n` or `\r\n`); a longer line is an
  /// error. It bounds the memory a single line can take. Valid: >= 1. Default 16 MiB, far above
  /// real data sets (a line of 100,000 features is about 2 MiB).
  std::size_t max_line_length = std::size_t(16) << 20;
  /// The largest feature count an index may imply; a larger index is an error. Valid: >= 1.
  /// Default 2^31 - 2 (2147483646). Whatever is set, the reader also caps it at
  /// std::numeric_limits<StorageIndex>::max() - 1, so that d and d + 1 fit X's index type.
  Eigen::Index max_features = 2147483646;
  /// Read indices as 0-based (index 0 is column 0). Default false: libsvm indices are 1-based
  /// and index 0 is an error.
  bool zero_based = false;
  /// Threads that parse: 0 (the default) for num_threads(), the library-wide setting, or
  /// >= 1. The first 2 MiB are parsed on the calling thread; then each block of threads x 1 MiB
  /// is cut at line ends and parsed in parallel. The result and the errors are the same for
  /// every thread count.
  int threads = 0;

  /// Checks every field.
  /// \tparam StorageIndex the index type of the matrix to be read (n_features must fit it).
  /// \param caller the name the exception message starts with.
  /// \throws std::invalid_argument naming the caller, the field, its valid range and its value.
  template <class StorageIndex = int>
  void validate(const char* caller = "LibsvmOptions::validate") const {
    const std::string where = std::string(caller) + ": ";
    if (max_features < 1) {
      throw std::invalid_argument(where + "max_features must be >= 1, got " +
                                  std::to_string(max_features));
    }
    if (n_features < 0 || n_features > max_features) {
      throw std::invalid_argument(
          where + "n_features must be in [0, max_features = " + std::to_string(max_features) +
          "] (0 = infer), got " + std::to_string(n_features));
    }
    const Eigen::Index capacity = detail::libsvm_index_capacity<StorageIndex>();
    if (n_features > capacity) {
      throw std::invalid_argument(where + "n_features is " + std::to_string(n_features) +
                                  ", more than a " + std::to_string(8 * sizeof(StorageIndex)) +
                                  "-bit StorageIndex can index (" + std::to_string(capacity) + ")");
    }
    if (max_line_length < 1) {
      throw std::invalid_argument(where + "max_line_length must be >= 1, got 0");
    }
    if (threads < 0) {
      throw std::invalid_argument(where + "threads must be >= 0 (0 = num_threads()), got " +
                                  std::to_string(threads));
    }
  }
};

/// Reads a data set in the libsvm / svmlight format (see libsvm.hpp) from a stream, to its end.
/// \tparam Scalar float or double (the default): the type the values are parsed into.
/// \tparam StorageIndex the signed integer type of X's indices; int (the default) holds up to
///   2^31 - 1 stored entries, std::int64_t more.
/// \param in the stream to read; it is read in binary blocks, so its locale does not matter.
/// \param options the feature count, the limits and the index base (see LibsvmOptions).
/// \return X (n x d, row-major sparse, one sample per row) and y (n labels in {0, 1}).
/// \throws std::invalid_argument for invalid options (LibsvmOptions::validate);
///   FormatError (a std::runtime_error) naming the line, the column and what was wrong, for
///   malformed input or a failing stream (see libsvm.hpp). Nothing is returned unless the whole
///   input parsed.
template <class Scalar = double, class StorageIndex = int>
LibsvmData<Scalar, StorageIndex> read_libsvm(std::istream& in, const LibsvmOptions& options = {}) {
  const char* caller = "logistic_neuron::read_libsvm";
  options.validate<StorageIndex>(caller);
  detail::LibsvmParser<Scalar, StorageIndex> parser(
      caller, options.n_features, options.max_features, options.max_line_length, options.zero_based,
      options.threads > 0 ? options.threads : num_threads());
  parser.read(in);
  LibsvmData<Scalar, StorageIndex> data;
  parser.finish(data.X, data.y);
  return data;
}

/// Reads a data set in the libsvm / svmlight format from a file; see
/// read_libsvm(std::istream&, const LibsvmOptions&).
/// \tparam Scalar float or double (the default).
/// \tparam StorageIndex the signed integer type of X's indices (default int).
/// \param path the file to read.
/// \param options the feature count, the limits and the index base (see LibsvmOptions).
/// \return X (n x d, row-major sparse, one sample per row) and y (n labels in {0, 1}).
/// \throws std::runtime_error naming the path if the file cannot be opened; otherwise as
///   read_libsvm(std::istream&, const LibsvmOptions&).
template <class Scalar = double, class StorageIndex = int>
LibsvmData<Scalar, StorageIndex> read_libsvm(const std::string& path,
                                             const LibsvmOptions& options = {}) {
  options.validate<StorageIndex>("logistic_neuron::read_libsvm");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("logistic_neuron::read_libsvm: cannot open \"" + path +
                             "\" for reading");
  }
  return read_libsvm<Scalar, StorageIndex>(in, options);
}

/// Writes a data set in the libsvm / svmlight format (see libsvm.hpp): one line per row of X,
/// "+1" or "-1" for its label, then its entries as 1-based "index:value" with the shortest
/// text that reads back to the same bits.
/// \param out the stream to write to; its locale and format flags do not matter.
/// \param X n x d, one sample per row, float or double: any Eigen sparse matrix or expression
///   (row- or column-major, any StorageIndex, a Map over your arrays; every stored entry is
///   written, explicit zeros included) or any dense matrix or expression (its non-zeros are
///   written).
/// \param y n labels in {0, 1}, a vector of any arithmetic type (1 is written as +1, 0 as -1).
/// \throws std::invalid_argument, before anything is written, if y is not a vector of
///   X.rows() labels in {0, 1}, if an entry of X is not finite, or if a row of a sparse X does
///   not store its column indices in strictly increasing order (a malformed Map);
///   std::runtime_error if the stream fails (part of the text may have been written then).
template <class DerivedX, class DerivedY>
void write_libsvm(std::ostream& out, const Eigen::EigenBase<DerivedX>& X,
                  const Eigen::MatrixBase<DerivedY>& y) {
  detail::libsvm_write("logistic_neuron::write_libsvm", X, y,
                       [&out]() -> std::ostream& { return out; });
}

/// Writes a data set in the libsvm / svmlight format to a file (created or truncated); see
/// write_libsvm(std::ostream&, const Eigen::EigenBase<DerivedX>&,
/// const Eigen::MatrixBase<DerivedY>&).
/// \param path the file to write; it is opened only after X and y have been checked, so an
///   invalid input leaves an existing file as it was.
/// \param X n x d, one sample per row, any float or double Eigen sparse or dense matrix.
/// \param y n labels in {0, 1}.
/// \throws std::invalid_argument as the stream overload, before the file is opened;
///   std::runtime_error naming the path if the file cannot be opened or written.
template <class DerivedX, class DerivedY>
void write_libsvm(const std::string& path, const Eigen::EigenBase<DerivedX>& X,
                  const Eigen::MatrixBase<DerivedY>& y) {
  const char* caller = "logistic_neuron::write_libsvm";
  const std::string failed = std::string(caller) + ": writing \"" + path + "\" failed";
  std::ofstream file;
  try {
    detail::libsvm_write(caller, X, y, [&]() -> std::ostream& {
      file.open(path, std::ios::binary | std::ios::trunc);
      if (!file) {
        throw std::runtime_error(std::string(caller) + ": cannot open \"" + path +
                                 "\" for writing");
      }
      return file;
    });
  } catch (const std::runtime_error&) {
    if (!file.is_open()) throw;  // not opened: the message names the path already
    throw std::runtime_error(failed);
  }
  file.close();
  if (!file) throw std::runtime_error(failed);
}

}  // namespace logistic_neuron
