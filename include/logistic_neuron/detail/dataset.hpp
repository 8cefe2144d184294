/// \file dataset.hpp
/// \brief A dataset as the passes see it: the rows of X in pieces, with their labels and weights,
/// cut into chunks at global row indices; the in-memory dataset (internal).
///
/// A kind of X (DenseX, SparseX) holds rows and does the work of one block of them. A dataset
/// hands the passes its rows as pieces, each a kind of X over consecutive rows that start at a
/// chunk boundary, with the labels and weights of those rows: all of X in one piece when it is in
/// memory; the rows of this process, and a copy of the chunk it shares with the next process,
/// when X is spread over MPI processes (mpi.hpp); one buffer after another when X is streamed
/// from a file. The passes add each chunk's sums along the chunk tree (reduce.hpp), with the
/// dataset's Reduction across processes, so every dataset of the same rows gives the same bits.
///
/// What a dataset provides (the concept the passes are written against):
///   scalar_type, kind_type
///   rows()          n, over every process          cols()         d
///   layout()        the chunk and block cut        first_chunk(), chunk_count(): this process's
///   local_rows()    this process's rows            total_weight() S = sum s_i, every process
///   scale_exponent() E with every |x_ij| < 2^(E+1) (the numerics work in units of 2^E)
///   reduction()     the Reduction across processes, or null
///   for_each_piece(f)  f(const Piece<kind_type>&) for each piece, in row order
#pragma once

#include <Eigen/Core>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "reduce.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// Consecutive rows of a dataset: a kind of X over them, their labels and weights, and where
/// they are.
template <class Kind>
struct Piece {
  using Scalar = typename Kind::scalar_type;
  const Kind& X;                 ///< the rows, 0 .. X.rows() - 1 of the piece
  const Scalar* sign;            ///< t_i = 1 - 2 y_i of those rows
  const Scalar* weight;          ///< s_i of those rows, or null for unit weights
  Eigen::Index first_chunk = 0;  ///< the global chunk its first row starts
  Eigen::Index local_row = 0;    ///< its first row's index among this process's rows

  /// The number of chunks of the piece.
  Eigen::Index chunks(const Layout& layout) const {
    return (X.rows() + layout.chunk_rows - 1) / layout.chunk_rows;
  }
};

/// X (any kind) and its targets, all in this process's memory: one piece.
template <class Kind>
class InMemory {
 public:
  using kind_type = Kind;
  using scalar_type = typename Kind::scalar_type;

  /// \param scale_exponent E with every |x_ij| < 2^(E+1) (0 if unknown; see scale_of).
  InMemory(const Kind& X, const Targets<scalar_type>& targets, int scale_exponent = 0) noexcept
      : m_X(X), m_targets(&targets), m_scale_exponent(scale_exponent) {}
  /// X without labels, for the passes that do not need them (logits).
  explicit InMemory(const Kind& X) noexcept : m_X(X), m_targets(nullptr), m_scale_exponent(0) {}

  Eigen::Index rows() const noexcept { return m_X.rows(); }
  Eigen::Index cols() const noexcept { return m_X.cols(); }
  Eigen::Index local_rows() const noexcept { return m_X.rows(); }
  Layout layout() const { return m_X.layout(); }
  Eigen::Index first_chunk() const noexcept { return 0; }
  Eigen::Index chunk_count() const { return layout().chunks; }
  Accum<scalar_type> total_weight() const noexcept {
    return m_targets ? m_targets->total_weight : Accum<scalar_type>(0);
  }
  int scale_exponent() const noexcept { return m_scale_exponent; }
  const Reduction* reduction() const noexcept { return nullptr; }
  const Kind& kind() const noexcept { return m_X; }
  /// Row 0 of X (the shift of the column statistics).
  template <class Acc>
  Vector<Acc> first_row() const {
    return m_X.template first_row<Acc>();
  }

  template <class F>
  void for_each_piece(F&& f) const {
    f(Piece<Kind>{m_X, m_targets ? m_targets->sign.data() : nullptr,
                  m_targets ? m_targets->weight_data() : nullptr, 0, 0});
  }

 private:
  const Kind& m_X;
  const Targets<scalar_type>* m_targets;
  int m_scale_exponent;
};

}  // namespace detail
}  // namespace logistic_neuron
