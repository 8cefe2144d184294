/// \file mpi_dataset.hpp
/// \brief A dataset sharded over MPI ranks: each rank passes its own consecutive rows of X, the
/// ranks' rows concatenated in rank order being the whole data (internal). See dataset.hpp for
/// the concept it meets.
///
/// Chunks are cut at multiples of chunk_rows of the global row index, as for the concatenated
/// rows in one process (the layout depends only on n, d, the scalar and the storage order). A
/// rank owns the chunks whose first row is among its rows. Its pieces are:
///   - a view of its own rows from its first owned chunk to the end of its last complete one
///     (no copy), and
///   - when its last owned chunk runs on into the following ranks' rows, a contiguous copy of
///     that chunk: its own tail rows and the leading rows of the following ranks, sent to it
///     once at set-up (the halo exchange; at most one chunk, about LOGISTIC_NEURON_CHUNK_BYTES
///     of X plus the labels and weights).
/// Its leading rows that belong to a chunk owned by an earlier rank are not in its pieces: it
/// sends them to that rank. So each chunk is processed whole, on one rank, with the same blocks
/// as in one process, and the chunk tree (reduce.hpp, merged across ranks by MpiReduction)
/// gives every rank the bits one process gets on the concatenated rows.
///
/// The plan (which rank owns which chunks, who sends which rows to whom) depends only on the
/// ranks' row counts and chunk_rows, not on the kind of X: a sharded sparse X will reuse it,
/// with its own packing of rows for the halo.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "dataset.hpp"
#include "dense.hpp"
#include "kernel.hpp"
#include "mpi_comm.hpp"
#include "mpi_reduction.hpp"
#include "reduce.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// Who holds which rows and chunks of data sharded over ranks, seen from one rank.
struct ShardPlan {
  int rank = 0;                      ///< this rank
  std::vector<Eigen::Index> rows;    ///< the rows of every rank
  std::vector<Eigen::Index> offset;  ///< the global index of every rank's first row
  Eigen::Index total_rows = 0;       ///< n, over every rank
  Layout layout;                     ///< the cut of the n rows (as in one process)
  Eigen::Index first_chunk = 0;      ///< this rank's first owned chunk
  Eigen::Index chunk_count = 0;      ///< the chunks it owns
  Eigen::Index view_begin = 0;       ///< local rows [view_begin, view_end): its view piece
  Eigen::Index view_end = 0;         ///< (see view_begin)
  Eigen::Index copy_chunk = -1;      ///< the straddling chunk it copies whole, or -1
  Eigen::Index copy_rows = 0;        ///< the rows of that copy ...
  Eigen::Index copy_begin = 0;       ///< ... of which its local rows [copy_begin, rows) come first
  std::vector<std::pair<int, Eigen::Index>>
      sources;                 ///< (rank, rows) the rest comes from, in order
  Eigen::Index lead_rows = 0;  ///< its leading rows in an earlier rank's chunk ...
  int lead_owner = -1;         ///< ... and that rank (-1 if none)
  int first_row_rank = 0;      ///< the rank holding global row 0

  /// The rows of this rank's pieces (the view's, then the copy's).
  /// \return their number.
  Eigen::Index piece_rows() const noexcept { return view_end - view_begin + copy_rows; }
};

/// The rank holding a global row (ranks without rows hold none).
/// \param offset every rank's first global row.
/// \param g the row, < n.
/// \return its rank.
inline int rank_of_row(const std::vector<Eigen::Index>& offset, Eigen::Index g) {
  const auto after = std::upper_bound(offset.begin(), offset.end(), g);
  return static_cast<int>(after - offset.begin()) - 1;
}

/// The plan of one rank (see the file comment).
/// \param rank the rank.
/// \param rows every rank's row count (consecutive rows, in rank order).
/// \param layout the cut of the total (make_layout).
/// \return the plan.
inline ShardPlan make_shard_plan(int rank, const std::vector<Eigen::Index>& rows,
                                 const Layout& layout) {
  ShardPlan plan;
  plan.rank = rank;
  plan.rows = rows;
  plan.offset.assign(rows.size(), 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    plan.offset[r] = plan.total_rows;
    plan.total_rows += rows[r];
  }
  plan.layout = layout;
  const Eigen::Index n = plan.total_rows, C = layout.chunk_rows;
  const Eigen::Index o = plan.offset[static_cast<std::size_t>(rank)];
  const Eigen::Index m = rows[static_cast<std::size_t>(rank)];
  const Eigen::Index first = (o + C - 1) / C;  // the first chunk that starts at or after o
  plan.first_chunk = first;
  if (m > 0 && first * C < o + m) {
    const Eigen::Index last = (o + m - 1) / C;
    plan.chunk_count = last - first + 1;
    plan.view_begin = first * C - o;
    const Eigen::Index last_end = std::min(n, (last + 1) * C);
    if (last_end <= o + m) {
      plan.view_end = last_end - o;
    } else {
      plan.view_end = last * C - o;
      plan.copy_chunk = last;
      plan.copy_rows = last_end - last * C;
      plan.copy_begin = plan.view_end;
      for (std::size_t t = static_cast<std::size_t>(rank) + 1;
           t < rows.size() && plan.offset[t] < last_end; ++t) {
        if (rows[t] > 0)
          plan.sources.emplace_back(static_cast<int>(t),
                                    std::min(rows[t], last_end - plan.offset[t]));
      }
    }
  } else {
    plan.view_begin = plan.view_end = m;
  }
  plan.lead_rows = std::min(m, first * C - o);
  if (plan.lead_rows > 0) plan.lead_owner = rank_of_row(plan.offset, (o / C) * C);
  if (n > 0) plan.first_row_rank = rank_of_row(plan.offset, 0);
  return plan;
}

/// The straddling chunk copied whole: its rows of X, their signs and weights (empty: unweighted).
template <class Scalar, int Order>
struct HaloChunk {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Order> X;  ///< copy_rows x d
  Vector<Scalar> sign;                                             ///< t_i = 1 - 2 y_i
  Vector<Scalar> weight;                                           ///< s_i, or empty
};

/// Collective (point to point on comm): sends this rank's leading rows (of X, sign and, when
/// weighted, weight) to the rank that owns their chunk, and assembles the copy of its own
/// straddling chunk from its tail rows and the rows its sources send, in rank order. One
/// message per sending rank: its rows of X (in X's storage order), then their signs, then their
/// weights.
/// \param comm the communicator.
/// \param plan this rank's plan.
/// \param X this rank's rows.
/// \param sign their signs.
/// \param weight their weights (read when weighted).
/// \param weighted whether the data is weighted (the same on every rank).
/// \return the copy of this rank's straddling chunk (empty if it has none).
template <class Scalar, int Order>
HaloChunk<Scalar, Order> exchange_halo(MPI_Comm comm, const ShardPlan& plan,
                                       const XRef<Scalar, Order>& X, const Scalar* sign,
                                       const Scalar* weight, bool weighted) {
  using Rows = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Order>;
  constexpr int tag = 0x4c48;
  const Eigen::Index d = X.cols();
  const Eigen::Index per_row = d + 1 + (weighted ? 1 : 0);
  // Pack and send the leading rows (nonblocking: this rank may also have rows to receive).
  Vector<Scalar> out;
  MPI_Request request = MPI_REQUEST_NULL;
  if (plan.lead_rows > 0) {
    const Eigen::Index k = plan.lead_rows;
    out.resize(k * per_row);
    Eigen::Map<Rows>(out.data(), k, d) = X.topRows(k);
    Eigen::Map<Vector<Scalar>>(out.data() + k * d, k) = Eigen::Map<const Vector<Scalar>>(sign, k);
    if (weighted) {
      Eigen::Map<Vector<Scalar>>(out.data() + k * (d + 1), k) =
          Eigen::Map<const Vector<Scalar>>(weight, k);
    }
    mpi_check(MPI_Isend(out.data(), mpi_count(out.size()), mpi_type<Scalar>(), plan.lead_owner, tag,
                        comm, &request),
              "MPI_Isend");
  }
  HaloChunk<Scalar, Order> halo;
  if (plan.copy_chunk >= 0) {
    const Eigen::Index own = X.rows() - plan.copy_begin;
    halo.X.resize(plan.copy_rows, d);
    halo.sign.resize(plan.copy_rows);
    if (weighted) halo.weight.resize(plan.copy_rows);
    halo.X.topRows(own) = X.middleRows(plan.copy_begin, own);
    halo.sign.head(own) = Eigen::Map<const Vector<Scalar>>(sign + plan.copy_begin, own);
    if (weighted) {
      halo.weight.head(own) = Eigen::Map<const Vector<Scalar>>(weight + plan.copy_begin, own);
    }
    Eigen::Index at = own;
    Vector<Scalar> in;
    for (const auto& [source, k] : plan.sources) {
      in.resize(k * per_row);
      mpi_check(MPI_Recv(in.data(), mpi_count(in.size()), mpi_type<Scalar>(), source, tag, comm,
                         MPI_STATUS_IGNORE),
                "MPI_Recv");
      halo.X.middleRows(at, k) = Eigen::Map<const Rows>(in.data(), k, d);
      halo.sign.segment(at, k) = in.segment(k * d, k);
      if (weighted) halo.weight.segment(at, k) = in.segment(k * (d + 1), k);
      at += k;
    }
  }
  mpi_check(MPI_Wait(&request, MPI_STATUS_IGNORE), "MPI_Wait");
  return halo;
}

/// Collective: global row 0 of X, broadcast from the rank that holds it.
/// \param comm the communicator.
/// \param plan this rank's plan.
/// \param X this rank's rows.
/// \return the row.
template <class Scalar, int Order>
Vector<Scalar> broadcast_first_row(MPI_Comm comm, const ShardPlan& plan,
                                   const XRef<Scalar, Order>& X) {
  Vector<Scalar> row(X.cols());
  if (plan.rank == plan.first_row_rank && X.rows() > 0) row = X.row(0).transpose();
  mpi_check(
      MPI_Bcast(row.data(), mpi_count(row.size()), mpi_type<Scalar>(), plan.first_row_rank, comm),
      "MPI_Bcast");
  return row;
}

/// S = sum_i s_i of a dataset (1 for each row of a piece without weights) along the chunk tree:
/// each chunk's weights added in row order, the chunks' sums merged by the tree (across ranks
/// by the dataset's reduction). The same bits for any split of the rows into pieces, threads
/// or ranks; and the same per-chunk order as the column statistics' total (statistics.hpp).
/// Collective when the dataset has a reduction.
/// \param data any dataset.
/// \return S, the same bits on every rank.
template <class Data>
Accum<typename Data::scalar_type> chunk_weight_total(const Data& data) {
  using Acc = Accum<typename Data::scalar_type>;
  ChunkSums<Acc> sums(data.first_chunk(), data.chunk_count(), 1);
  for_each_chunk(data, 1,
                 [&](const auto& piece, Eigen::Index c, int, Eigen::Index begin, Eigen::Index end) {
                   Acc total = 0;
                   for (Eigen::Index i = begin; i < end; ++i)
                     total += piece.weight ? Acc(piece.weight[i]) : Acc(1);
                   sums[c][0] = total;
                 });
  return sums.total(data.reduction())[0];
}

/// Dense X (storage order Order) sharded over the ranks of a communicator: see the file
/// comment. Holds views of the caller's X and targets, which must outlive it, and the copy of
/// its straddling chunk. Constructing it is collective (the halo exchange, the broadcast of
/// row 0, S along the chunk tree); so is every pass over it.
template <class Scalar, int Order>
class ShardedDense {
 public:
  /// The kind of X of the pieces.
  using kind_type = DenseX<Scalar, Order>;
  /// The scalar type.
  using scalar_type = Scalar;

  /// Builds this rank's pieces (see the class comment).
  /// \param comm the communicator (the call's private one), alive as long as the dataset.
  /// \param plan this rank's plan (make_shard_plan), for X.rows() local rows.
  /// \param X this rank's rows.
  /// \param targets their labels and weights (X.rows() of each, or no weights).
  /// \param weighted true on every rank when the data is weighted (then every rank with rows
  ///   has weights), false on every rank when not.
  /// \param reproducible the reduction's mode (see MpiReduction).
  /// \param scale_exponent E of the whole X (the same on every rank).
  ShardedDense(MPI_Comm comm, ShardPlan plan, const XRef<Scalar, Order>& X,
               const Targets<Scalar>& targets, bool weighted, bool reproducible, int scale_exponent)
      : m_plan(std::move(plan)),
        m_view(X.middleRows(m_plan.view_begin, m_plan.view_end - m_plan.view_begin)),
        m_view_kind(m_view), m_halo(exchange_halo(comm, m_plan, X, targets.sign.data(),
                                                  targets.weight_data(), weighted)),
        m_copy(m_halo.X), m_copy_kind(m_copy), m_sign(targets.sign.data()),
        m_weight(weighted ? targets.weight_data() : nullptr),
        m_first_row(broadcast_first_row(comm, m_plan, X)),
        m_reduction(comm, reproducible, m_plan.layout.chunks), m_scale_exponent(scale_exponent) {
    m_total_weight = chunk_weight_total(*this);
  }
  ShardedDense(const ShardedDense&) = delete;
  ShardedDense& operator=(const ShardedDense&) = delete;

  /// \return n, over every rank.
  Eigen::Index rows() const noexcept { return m_plan.total_rows; }
  /// \return d.
  Eigen::Index cols() const noexcept { return m_view.cols(); }
  /// \return the rows of this rank's pieces (not its own row count: see the file comment).
  Eigen::Index local_rows() const noexcept { return m_plan.piece_rows(); }
  /// \return the cut of the n rows, as in one process.
  Layout layout() const noexcept { return m_plan.layout; }
  /// \return this rank's first owned chunk.
  Eigen::Index first_chunk() const noexcept { return m_plan.first_chunk; }
  /// \return the number of chunks this rank owns.
  Eigen::Index chunk_count() const noexcept { return m_plan.chunk_count; }
  /// \return S along the chunk tree (chunk_weight_total), the same on every rank.
  Accum<Scalar> total_weight() const noexcept { return m_total_weight; }
  /// \return E of the whole X.
  int scale_exponent() const noexcept { return m_scale_exponent; }
  /// \return the reduction across the ranks.
  const Reduction* reduction() const noexcept { return &m_reduction; }
  /// \return the same, with its timers.
  const MpiReduction& mpi_reduction() const noexcept { return m_reduction; }
  /// \return this rank's plan.
  const ShardPlan& plan() const noexcept { return m_plan; }
  /// \return global row 0 of X (the shift of the column statistics), in Acc.
  template <class Acc>
  Vector<Acc> first_row() const {
    return m_first_row.template cast<Acc>();
  }

  /// Calls f(piece) for the view, then the copy (those that have rows).
  /// \param f the function.
  template <class F>
  void for_each_piece(F&& f) const {
    const Eigen::Index view_rows = m_plan.view_end - m_plan.view_begin;
    if (view_rows > 0) {
      f(Piece<kind_type>{m_view_kind, m_sign + m_plan.view_begin,
                         m_weight ? m_weight + m_plan.view_begin : nullptr, m_plan.first_chunk, 0});
    }
    if (m_plan.copy_chunk >= 0) {
      f(Piece<kind_type>{m_copy_kind, m_halo.sign.data(),
                         m_halo.weight.size() ? m_halo.weight.data() : nullptr, m_plan.copy_chunk,
                         view_rows});
    }
  }

 private:
  ShardPlan m_plan;
  XRef<Scalar, Order> m_view;
  kind_type m_view_kind;
  HaloChunk<Scalar, Order> m_halo;
  XRef<Scalar, Order> m_copy;
  kind_type m_copy_kind;
  const Scalar* m_sign;
  const Scalar* m_weight;
  Vector<Scalar> m_first_row;
  MpiReduction m_reduction;
  int m_scale_exponent;
  Accum<Scalar> m_total_weight = 0;
};

}  // namespace detail
}  // namespace logistic_neuron
