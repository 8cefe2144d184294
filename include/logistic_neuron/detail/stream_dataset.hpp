/// \file stream_dataset.hpp
/// \brief A dataset streamed from a row source (see stream.hpp for the source concept): the
/// passes read the source once each, block by block, the next block read while the current one
/// is computed (internal).
///
/// The dataset implements the concept of dataset.hpp over a source. Its blocks are whole
/// numbers of chunks (the last one ends at n), so each block is a piece that starts at a chunk
/// boundary and the passes form exactly the chunk sums they form over the same rows in memory:
/// a fit from the stream equals, bit for bit, the fit of the same rows held in memory as one
/// row-major X (the layout of a streamed X is that of row-major X; a column-major X in memory
/// has another block size and adds in another order, so it agrees to rounding only).
///
/// Construction is the set-up pass (counted as set-up, like the column statistics): it reads the
/// source once and checks every value (finite X, labels 0 or 1, the feature count of every
/// block, the row count), and computes what the passes need before they start: n, the labels'
/// signs and the sample weights (class weights applied) and S, the sum of squares of X for the
/// scale exponent (summed in the order a row-major X in memory is scanned), and row 0 (the
/// shift of the column statistics). Memory: the two buffers (2 block_rows x d scalars and
/// 2 block_rows labels) and O(n) per-row state (the signs, the weights when there are class
/// weights, and what the solvers keep per row); never X.
///
/// What a source's block type becomes for the passes is StreamKind's business: a dense
/// row-major block is a DenseX; SparseX blocks would need one of their own (not written).
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/text.hpp"
#include "chunks.hpp"
#include "dataset.hpp"
#include "dense.hpp"
#include "reduce.hpp"
#include "stream_pipeline.hpp"
#include "targets.hpp"
#include "validate.hpp"

namespace logistic_neuron {
namespace detail {

/// What a source's x_block_type becomes for the passes: kind_type (a kind of X) and View (the
/// first rows of a buffer as a kind_type, without a copy). Specialised per block type.
template <class XBlock>
struct StreamKind;

/// A dense row-major block: DenseX over a view of its first rows.
template <class Scalar>
struct StreamKind<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> {
  using Block = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using kind_type = DenseX<Scalar, Eigen::RowMajor>;
  /// A buffer of `rows` rows of d features.
  static Block allocate(Eigen::Index rows, Eigen::Index d) { return Block(rows, d); }
  /// The first `rows` rows of a buffer as DenseX (which holds a reference to m_ref).
  class View {
   public:
    View(const Block& X, Eigen::Index rows)
        : m_ref(Eigen::Map<const Block, 0, Eigen::OuterStride<>>(X.data(), rows, X.cols(),
                                                                 Eigen::OuterStride<>(X.cols()))),
          m_kind(m_ref) {}
    View(const View&) = delete;
    View& operator=(const View&) = delete;
    const kind_type& kind() const noexcept { return m_kind; }

   private:
    XRef<Scalar, Eigen::RowMajor> m_ref;
    kind_type m_kind;
  };
};

/// True for a type that models the row source concept of stream.hpp.
template <class Source, class = void>
struct is_row_source : std::false_type {};
template <class Source>
struct is_row_source<
    Source,
    std::void_t<
        typename Source::scalar_type, typename Source::x_block_type,
        decltype(std::declval<Source&>().read(std::declval<typename Source::x_block_type&>(),
                                              std::declval<Eigen::VectorXd&>(), Eigen::Index(1))),
        decltype(std::declval<Source&>().rewind()), decltype(std::declval<const Source&>().rows()),
        decltype(std::declval<const Source&>().cols()),
        decltype(std::declval<const Source&>().block_rows()),
        decltype(std::declval<const Source&>().name())>> : std::true_type {};
template <class Source>
inline constexpr bool is_row_source_v = is_row_source<Source>::value;

/// The rows of a block when the source asks for 0 (automatic): about 16 MiB of X.
inline constexpr Eigen::Index stream_automatic_block_bytes = Eigen::Index(16) << 20;

/// The rows a block of a streamed dataset has: the source's block_rows() (0: about 16 MiB of
/// rows) rounded down to a whole number of chunks, at least one chunk, at most n.
inline Eigen::Index stream_block_rows(Eigen::Index requested, const Layout& layout, Eigen::Index n,
                                      Eigen::Index row_bytes) {
  if (requested <= 0)
    requested = stream_automatic_block_bytes / std::max<Eigen::Index>(1, row_bytes);
  const Eigen::Index chunks = std::max<Eigen::Index>(1, requested / layout.chunk_rows);
  return std::min(n, chunks * layout.chunk_rows);
}

/// A dataset (dataset.hpp) whose rows come from a row source, read once per pass (see the file
/// comment). The source must outlive the dataset and must not change while it is used.
template <class Source>
class StreamedData {
  static_assert(is_row_source_v<Source>,
                "logistic_neuron: a streamed fit needs a row source (see stream.hpp)");

 public:
  using scalar_type = typename Source::scalar_type;
  using XBlock = typename Source::x_block_type;
  using kind_type = typename StreamKind<XBlock>::kind_type;

  /// Runs the set-up pass (see the file comment).
  /// \param caller the name messages start with.
  /// \param class_weight multiplies the sample weights (all 1: the source has none).
  /// \throws std::invalid_argument naming the caller, the source, the row and the column for a
  ///   value that is not finite, a label that is not 0 or 1, an empty source, a block with another
  ///   feature count; FormatError (or what the source throws) for a file that cannot be read.
  StreamedData(Source& source, const char* caller, const ClassWeight<scalar_type>& class_weight)
      : m_source(&source), m_where(prefix(caller) + "\"" + source.name() + "\"") {
    m_rows = source.rows();
    m_cols = source.cols();
    if (m_rows < 1 || m_cols < 1) {
      throw std::invalid_argument(m_where + ": the source has " + std::to_string(m_rows) +
                                  " rows x " + std::to_string(m_cols) +
                                  " columns; expected at least one sample and one feature");
    }
    m_layout = make_layout(m_rows, m_cols, sizeof(scalar_type), false);
    m_block_rows = stream_block_rows(source.block_rows(), m_layout, m_rows,
                                     m_cols * Eigen::Index(sizeof(scalar_type)));
    for (StreamBuffer<XBlock>& buffer : m_buffers) {
      buffer.X = StreamKind<XBlock>::allocate(m_block_rows, m_cols);
      buffer.y.resize(m_block_rows);
    }
    set_up(caller, class_weight);
  }

  StreamedData(const StreamedData&) = delete;
  StreamedData& operator=(const StreamedData&) = delete;

  Eigen::Index rows() const noexcept { return m_rows; }
  Eigen::Index cols() const noexcept { return m_cols; }
  Eigen::Index local_rows() const noexcept { return m_rows; }
  Layout layout() const noexcept { return m_layout; }
  Eigen::Index first_chunk() const noexcept { return 0; }
  Eigen::Index chunk_count() const noexcept { return m_layout.chunks; }
  Accum<scalar_type> total_weight() const noexcept { return m_targets.total_weight; }
  int scale_exponent() const noexcept { return m_exponent; }
  const Reduction* reduction() const noexcept { return nullptr; }
  /// Row 0 of X (the shift of the column statistics).
  template <class Acc>
  Vector<Acc> first_row() const {
    return m_first_row.template cast<Acc>();
  }
  /// The rows of a block: a whole number of chunks (the last block ends at n).
  Eigen::Index block_rows() const noexcept { return m_block_rows; }
  /// The labels' signs and the sample weights, for all n rows.
  const Targets<scalar_type>& targets() const noexcept { return m_targets; }

  /// f(const Piece<kind_type>&) for each block of rows, in row order: one read of the source,
  /// the next block read while f computes the current one.
  template <class F>
  void for_each_piece(F&& f) const {
    read_blocks(
        *m_source, m_rows, m_block_rows, m_buffers, m_where,
        [&](Eigen::Index row0, const StreamBuffer<XBlock>& buffer) {
          check_block(row0, buffer);
          const typename StreamKind<XBlock>::View view(buffer.X, buffer.rows);
          const scalar_type* weight = m_targets.weight_data();
          f(Piece<kind_type>{view.kind(), m_targets.sign.data() + row0,
                             weight ? weight + row0 : nullptr, row0 / m_layout.chunk_rows, row0});
        });
  }

 private:
  /// A block must have the source's feature count.
  void check_block(Eigen::Index row0, const StreamBuffer<XBlock>& buffer) const {
    if (buffer.X.cols() != m_cols) {
      throw std::invalid_argument(m_where + ": the block at row " + std::to_string(row0) + " has " +
                                  std::to_string(buffer.X.cols()) +
                                  " columns (features) but the source has " +
                                  std::to_string(m_cols));
    }
  }

  /// The set-up pass: every value checked; signs, weights, S, the scale exponent and row 0.
  void set_up(const char* caller, const ClassWeight<scalar_type>& class_weight) {
    using Acc = Accum<scalar_type>;
    m_targets.sign.resize(m_rows);
    long double sum_squares = 0;
    read_blocks(*m_source, m_rows, m_block_rows, m_buffers, m_where,
                [&](Eigen::Index row0, const StreamBuffer<XBlock>& buffer) {
                  check_block(row0, buffer);
                  const typename StreamKind<XBlock>::View view(buffer.X, buffer.rows);
                  // Rows in order, each row's segments in order: the order a row-major X in
                  // memory is scanned, so the sum (and the exponent) are the same.
                  if (!view.kind().scan(sum_squares)) {
                    const auto bad = view.kind().first_non_finite();
                    throw std::invalid_argument(m_where + ": X(" + std::to_string(row0 + bad.row) +
                                                ", " + std::to_string(bad.col) + ") is " +
                                                to_text(bad.value) +
                                                "; expected finite values (row, column from 0)");
                  }
                  for (Eigen::Index i = 0; i < buffer.rows; ++i) {
                    const bool one = require_label(m_where.c_str(), "y", row0 + i, buffer.y[i]);
                    m_targets.sign[row0 + i] = one ? scalar_type(-1) : scalar_type(1);
                  }
                  if (row0 == 0) m_first_row = view.kind().template first_row<Acc>();
                });
    m_exponent = detail::scale_exponent(sum_squares, m_rows, m_cols);
    m_targets.total_weight = static_cast<Acc>(m_rows);
    apply_class_weight(caller, class_weight, m_targets);
  }

  Source* m_source;
  std::string m_where;  // "<caller>: \"<name>\""
  Eigen::Index m_rows = 0, m_cols = 0, m_block_rows = 0;
  Layout m_layout{};
  Targets<scalar_type> m_targets{};
  int m_exponent = 0;
  Vector<Accum<scalar_type>> m_first_row;
  mutable StreamBuffer<XBlock> m_buffers[2];
};

}  // namespace detail
}  // namespace logistic_neuron
