/// \file stream.hpp
/// \brief Fitting from data streamed from disk: row sources (a concept, and the built-ins
/// BinaryFileSource for the binary format of bench/ and LibsvmFileSource for libsvm text, both
/// handing over dense rows) and fit(neuron, source, options), which reads the source once per
/// pass over X and never holds X in memory. Opt-in, as mpi.hpp is: the umbrella header does not
/// include it.
///
/// \code
/// #include <logistic_neuron/stream.hpp>
///
/// // A file in the binary format of bench/ (see BinaryFileSource), read 65536 rows at a time.
/// logistic_neuron::BinaryFileSource<double> source("train.bin", 65536);
/// logistic_neuron::LogisticNeuron<double> neuron;
/// logistic_neuron::FitOptions<double> options;
/// options.solver = logistic_neuron::Solver::newton;
/// options.l2 = 1e-4;
/// const auto result = logistic_neuron::fit(neuron, source, options);
/// \endcode
///
/// ## How a streamed fit runs
///
/// Every pass over X (a cost and gradient, a Hessian, a Hessian-vector product, the power
/// iteration of gradient descent's step, the column statistics, the separation check) reads the
/// source from its first row to its last, block by block, into one of two buffers; a background
/// thread reads the next block while the current one is computed, so a pass takes about
/// max(read time, compute time). Before the fit, a set-up pass (not counted in
/// FitResult::epochs, like the column statistics) reads the source once to check every value
/// and to gather what the passes need: the labels (held in memory, n numbers), n, the total
/// weight, the scale of X and its first row. Memory: two blocks (2 x block rows x d scalars,
/// plus their labels), O(n) numbers per row (labels, weights, what the solver keeps per row),
/// and what the solver keeps per feature; never X itself.
///
/// Blocks are cut at the library's chunk boundaries (a chunk is about 1 MiB of rows, the unit a
/// thread works on; its size depends only on d and the Scalar): the rows a source is asked for
/// are its block_rows() rounded down to a whole number of chunks (at least one chunk, at most
/// n). Each block is therefore added into the fit exactly as the same rows in memory are, and
/// the fit equals LogisticNeuron::fit on the same rows held as one **row-major** matrix, bit for
/// bit, for every solver and option (a column-major X in memory is cut and added differently and
/// agrees to rounding only). The chunks of a block are shared among FitOptions::threads
/// threads, so blocks of many chunks keep every thread busy.
///
/// ## The row source concept
///
/// A row source is any class with these members (BinaryFileSource is one):
/// \code
/// class MySource {
///  public:
///   using scalar_type = double;  // float, double or long double: the Scalar of the fit
///   // The type of the caller's buffer that read() fills: a row-major dense matrix (the one
///   // block type the streamed dataset has a kind of X for: detail::StreamKind).
///   using x_block_type = Eigen::Matrix<scalar_type, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
///   std::string name() const;          // for messages, e.g. the path
///   Eigen::Index rows() const;         // n, known once the source is constructed (read from a
///   Eigen::Index cols() const;         // d,  header, or found by a first scan of the file)
///   Eigen::Index block_rows() const;   // the rows per buffer the user asked for (0: automatic)
///   void rewind();                     // the next read() starts at row 0
///   // Reads the next min(max_rows, rows left) rows: X into the first rows of `X` (allocated by
///   // the caller with max_rows rows and cols() columns: do not resize it) and their labels, as
///   // read, into the first entries of `y` (max_rows entries). Returns how many rows it read
///   // (0 after the last row). The caller checks the values (finite X, labels 0 or 1).
///   Eigen::Index read(x_block_type& X, Eigen::VectorXd& y, Eigen::Index max_rows);
/// };
/// \endcode
/// read() is called from one background thread at a time (never concurrently with itself or
/// rewind()); a source's exceptions reach the caller of fit(). The rows must be the same on every
/// pass: a file must not change during a fit.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/errors.hpp"
#include "base/options.hpp"
#include "base/result.hpp"
#include "base/threads.hpp"
#include "detail/fit.hpp"
#include "detail/stream_binary.hpp"
#include "detail/stream_dataset.hpp"
#include "detail/stream_libsvm.hpp"
#include "detail/validate.hpp"
#include "libsvm.hpp"
#include "neuron.hpp"

namespace logistic_neuron {

/// A row source over a file in the binary format of bench/ (written by
/// bench/time_to_optimum/make_data.py), little-endian:
/// \verbatim
/// bytes 0-7    "LNDATA01"
/// bytes 8-15   int64 n (samples)        bytes 16-23   int64 d (features)
/// then X as n * d float64, row-major (one sample after another), then y as n float64 (0 or 1)
/// \endverbatim
/// so the file has exactly 24 + 8 n (d + 1) bytes. With Scalar float or long double the values
/// are converted while read (a finite value beyond float's range is an error). The format has no
/// sample weights: a fit from it has unit weights (times FitOptions::class_weight).
/// \tparam Scalar float, double (the default) or long double: the Scalar of the fit.
template <class Scalar = double>
class BinaryFileSource {
  static_assert(detail::is_supported_scalar_v<Scalar>,
                "logistic_neuron::BinaryFileSource<Scalar>: Scalar must be float, double or long "
                "double");

 public:
  /// The Scalar of the rows.
  using scalar_type = Scalar;
  /// The buffer read() fills: row-major dense rows.
  using x_block_type = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  /// Opens the file and checks its header and its size.
  /// \param path the file.
  /// \param block_rows the rows per buffer, >= 0: 0 (the default) for about 16 MiB of rows. The
  ///   fit rounds it down to whole chunks (see stream.hpp); two buffers are held.
  /// \throws std::invalid_argument if block_rows < 0; std::runtime_error naming the path if the
  ///   file cannot be opened; FormatError (line() 0) naming the path for a header that is not the
  ///   format's ("LNDATA01", n >= 1, d >= 1) or a size other than 24 + 8 n (d + 1) (the message
  ///   names the first value missing from a truncated file, as X(row, column) or y[row]).
  explicit BinaryFileSource(const std::string& path, Eigen::Index block_rows = 0)
      : m_reader(checked(path, block_rows), "logistic_neuron::BinaryFileSource"),
        m_block_rows(block_rows) {}

  /// \brief The source's name in messages.
  /// \return the path.
  const std::string& name() const noexcept { return m_reader.path(); }
  /// \brief The samples in the file.
  /// \return n, from the header.
  Eigen::Index rows() const noexcept { return m_reader.rows(); }
  /// \brief The features of each sample.
  /// \return d, from the header.
  Eigen::Index cols() const noexcept { return m_reader.cols(); }
  /// \brief The rows per buffer asked for.
  /// \return block_rows as constructed (0: automatic).
  Eigen::Index block_rows() const noexcept { return m_block_rows; }

  /// The next read() starts at row 0.
  /// \throws FormatError if the file cannot be positioned.
  void rewind() { m_reader.rewind(); }

  /// Reads the next min(max_rows, rows left) rows into the first rows of X and their labels into
  /// y (see the concept in stream.hpp).
  /// \param X the caller's buffer: at least max_rows rows (or the rows left), cols() columns.
  /// \param y the caller's labels buffer, as many entries.
  /// \param max_rows the most rows to read.
  /// \return the rows read; 0 after the last row.
  /// \throws FormatError naming the path and the row if a read fails; std::invalid_argument for a
  ///   value beyond the range of float (Scalar float); std::logic_error for a buffer too small.
  Eigen::Index read(x_block_type& X, Eigen::VectorXd& y, Eigen::Index max_rows) {
    return m_reader.read(X, y, max_rows);
  }

 private:
  static const std::string& checked(const std::string& path, Eigen::Index block_rows) {
    if (block_rows < 0) {
      throw std::invalid_argument("logistic_neuron::BinaryFileSource: block_rows must be >= 0 (0 = "
                                  "automatic), got " +
                                  std::to_string(block_rows));
    }
    return path;
  }

  detail::BinaryReader<Scalar> m_reader;
  Eigen::Index m_block_rows;
};

/// A row source over a libsvm / svmlight text file (the format of libsvm.hpp, with read_libsvm's
/// rules and messages), handing the passes **dense** rows: each block is block_rows x d scalars,
/// zeros but for the file's entries. That suits moderate d (a block of 65536 rows of 100
/// features is 50 MiB in double); for sparse data of large d, read_libsvm and an in-memory
/// sparse fit are the way: a streamed dataset of sparse blocks (SparseX pieces cut at the
/// chunks of an in-memory sparse X) is not written yet.
///
/// The constructor parses the whole file once (so a malformed file is reported before any fit)
/// to find n (the samples) and d (LibsvmOptions::n_features if given, else the largest index + 1,
/// as read_libsvm gives); each read() parses its rows again. The set-up pass of a fit is a second
/// reading, every pass one more.
/// \tparam Scalar float or double (the default): the type the values are parsed into.
template <class Scalar = double>
class LibsvmFileSource {
  static_assert(detail::is_libsvm_scalar_v<Scalar>,
                "logistic_neuron::LibsvmFileSource<Scalar>: Scalar must be float or double");

 public:
  /// The Scalar of the rows.
  using scalar_type = Scalar;
  /// The buffer read() fills: row-major dense rows.
  using x_block_type = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

  /// Opens the file and parses it once for n and d.
  /// \param path the file.
  /// \param block_rows the rows per buffer, >= 0: 0 (the default) for about 16 MiB of dense rows.
  ///   The fit rounds it down to whole chunks (see stream.hpp); two buffers are held.
  /// \param options n_features, max_features, max_line_length and zero_based as for read_libsvm
  ///   (threads is not used: the file is parsed on the thread that reads it).
  /// \throws std::invalid_argument for block_rows < 0 or invalid options; std::runtime_error
  ///   naming the path if the file cannot be opened; FormatError
  ///   "logistic_neuron::LibsvmFileSource: \"<path>\": line L, column C: <what>" for anything
  ///   malformed, as read_libsvm describes (libsvm.hpp).
  explicit LibsvmFileSource(const std::string& path, Eigen::Index block_rows = 0,
                            const LibsvmOptions& options = {})
      : m_reader(make_reader(path, block_rows, options)), m_block_rows(block_rows) {}

  /// \brief The source's name in messages.
  /// \return the path.
  const std::string& name() const noexcept { return m_reader->path(); }
  /// \brief The samples in the file.
  /// \return n, counted when the source was constructed.
  Eigen::Index rows() const noexcept { return m_reader->rows(); }
  /// \brief The features of each sample.
  /// \return d: LibsvmOptions::n_features if given, else the largest index + 1.
  Eigen::Index cols() const noexcept { return m_reader->cols(); }
  /// \brief The rows per buffer asked for.
  /// \return block_rows as constructed (0: automatic).
  Eigen::Index block_rows() const noexcept { return m_block_rows; }

  /// The next read() starts at the first sample.
  /// \throws FormatError if the file cannot be positioned.
  void rewind() { m_reader->rewind(); }

  /// Reads the next min(max_rows, rows left) samples into the first rows of X (dense) and their
  /// labels (0 or 1) into y (see the concept in stream.hpp).
  /// \param X the caller's buffer: at least max_rows rows (or the rows left), cols() columns.
  /// \param y the caller's labels buffer, as many entries.
  /// \param max_rows the most rows to read.
  /// \return the rows read; 0 after the last sample.
  /// \throws FormatError as the constructor (the file changed since?); std::logic_error for a
  ///   buffer of the wrong shape.
  Eigen::Index read(x_block_type& X, Eigen::VectorXd& y, Eigen::Index max_rows) {
    return m_reader->read(X, y, max_rows);
  }

 private:
  static std::unique_ptr<detail::LibsvmBlockReader<Scalar>> make_reader(
      const std::string& path, Eigen::Index block_rows, const LibsvmOptions& options) {
    static constexpr const char* caller = "logistic_neuron::LibsvmFileSource";
    if (block_rows < 0) {
      throw std::invalid_argument(std::string(caller) +
                                  ": block_rows must be >= 0 (0 = "
                                  "automatic), got " +
                                  std::to_string(block_rows));
    }
    options.validate<std::int64_t>(caller);
    return std::make_unique<detail::LibsvmBlockReader<Scalar>>(
        path, caller, options.n_features, options.max_features, options.max_line_length,
        options.zero_based);
  }

  std::unique_ptr<detail::LibsvmBlockReader<Scalar>> m_reader;  // stable: its parser points into it
  Eigen::Index m_block_rows;
};

/// Fits the neuron from a row source, reading it once per pass over X (see stream.hpp): the
/// same fit as LogisticNeuron::fit(X, y, options) on the source's rows, bit for bit with those
/// rows held as a row-major X. Unit sample weights, times options.class_weight.
///
/// Starts from zeros, or from the neuron's parameters when options.warm_start is set and it has
/// them. Afterwards the neuron has the fitted parameters; its feature names and standardization
/// are kept if the feature count did not change, else cleared (as LogisticNeuron::fit does).
/// \param neuron the neuron to fit; it changes only when the fit returns.
/// \param source a row source (see stream.hpp) of the neuron's Scalar; it is read from its start
///   once for the set-up pass and once for every pass of the fit.
/// \param options see FitOptions; checked first.
/// \return what the fit did (the set-up pass is not counted in epochs).
/// \throws std::invalid_argument for invalid options, (with warm_start) a feature count that does
///   not match the neuron, and, naming the source, the row and the column: a value of X that is
///   not finite, a label that is not 0 or 1; FormatError or std::runtime_error (from the source)
///   for a file that cannot be read. Nothing changes when it throws.
template <class Scalar, class Source, std::enable_if_t<detail::is_row_source_v<Source>, int> = 0>
FitResult<Scalar> fit(LogisticNeuron<Scalar>& neuron, Source& source,
                      const FitOptions<Scalar>& options = {}) {
  static_assert(std::is_same_v<typename Source::scalar_type, Scalar>,
                "logistic_neuron::fit: the source's scalar_type must be the neuron's Scalar");
  static constexpr const char* caller = "logistic_neuron::fit";
  options.validate(caller);
  const bool warm = options.warm_start && neuron.has_parameters();
  if (warm) detail::require_features(caller, neuron.n_features(), source.cols());
  const detail::StreamedData<Source> data(source, caller, options.class_weight);
  using Vector = typename LogisticNeuron<Scalar>::Vector;
  Vector w = warm ? neuron.weights() : Vector(Vector::Zero(data.cols()));
  Scalar b = warm ? neuron.bias() : Scalar(0);
  const int threads = options.threads > 0 ? options.threads : num_threads();
  FitResult<Scalar> result = detail::fit_data(data, options, threads, w, b);
  if (detail::keepable(result, w, b)) neuron.set_parameters(std::move(w), b);
  return result;
}

}  // namespace logistic_neuron
