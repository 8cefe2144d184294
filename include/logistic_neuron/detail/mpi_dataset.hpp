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
/// ranks' row counts and chunk_rows, not on the kind of X. What differs between kinds (a view of
/// some of the rank's rows, the owning copy of the straddling chunk, how rows travel in a
/// message) is ShardKind's business, specialised for DenseX and SparseX; Sharded<Kind> is the
/// one dataset over any of them. For sparse X the layout is sparse_layout's (at most
/// sparse_max_chunks chunks, as in one process), so a chunk, and the copy, can be up to n / 8
/// rows or more: see docs/mpi.md.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "dataset.hpp"
#include "dense.hpp"
#include "kernel.hpp"
#include "mpi_comm.hpp"
#include "mpi_reduction.hpp"
#include "reduce.hpp"
#include "sparse.hpp"
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

/// The bytes of a halo message.
using HaloBytes = std::vector<unsigned char>;

/// Appends count values of T to out, as bytes.
/// \param out the message.
/// \param data the values.
/// \param count their number.
template <class T>
void append_bytes(HaloBytes& out, const T* data, Eigen::Index count) {
  const std::size_t at = out.size(), bytes = static_cast<std::size_t>(count) * sizeof(T);
  out.resize(at + bytes);
  if (bytes > 0) std::memcpy(out.data() + at, data, bytes);
}

/// What sharding needs of a kind of X, specialised per kind: order, name() (what the ranks
/// compare: one kind of X on every rank), layout (the cut of the n rows, as in one process),
/// entries and check (the rank's own checks beyond finiteness), View (rows of the rank's X, or
/// of the copy of its straddling chunk, as the kind, without copying X), Copy (the owning
/// matrix of that copy), pack (rows of X appended to a message) and Assembly, start, unpack,
/// finish (the copy built from the messages, in row order).
template <class Kind>
struct ShardKind;

/// Dense X: rows go as d values each, in X's storage order.
template <class Scalar, int Order>
struct ShardKind<DenseX<Scalar, Order>> {
  /// The kind of X.
  using Kind = DenseX<Scalar, Order>;
  /// The copy of a straddling chunk.
  using Copy = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Order>;
  /// The copy while it is filled.
  using Assembly = Copy;
  /// X's storage order.
  static constexpr int order = Order;
  /// \return the kind's name in the ranks' signature.
  static std::string name() { return "dense"; }
  /// \return make_layout's cut of n x d (entries unused).
  static Layout layout(Eigen::Index n, Eigen::Index d, long double) {
    return make_layout(n, d, sizeof(Scalar), Order == Eigen::ColMajor);
  }
  /// \return the entries of X, rows x d.
  static long double entries(const Kind& X) {
    return static_cast<long double>(X.rows()) * X.cols();
  }
  /// Nothing to check beyond finiteness.
  static void check(const char*, const Kind&) {}

  /// Rows of X (or the whole copy) as DenseX, which refers to the Ref held here.
  class View {
   public:
    /// \param X the rank's rows. \param begin the first row. \param end one past the last.
    View(const Kind& X, Eigen::Index begin, Eigen::Index end)
        : m_ref(X.matrix().middleRows(begin, end - begin)), m_kind(m_ref) {}
    /// \param copy the copy of the straddling chunk.
    explicit View(const Copy& copy) : m_ref(copy), m_kind(m_ref) {}
    View(const View&) = delete;
    View& operator=(const View&) = delete;
    /// \return the kind.
    const Kind& kind() const noexcept { return m_kind; }

   private:
    XRef<Scalar, Order> m_ref;
    Kind m_kind;
  };

  /// Appends rows [begin, begin + count) of X to out: count x d values in X's storage order.
  static void pack(const Kind& X, Eigen::Index begin, Eigen::Index count, HaloBytes& out) {
    const Copy rows = X.matrix().middleRows(begin, count);
    append_bytes(out, rows.data(), rows.size());
  }
  /// \return an empty copy of rows x d.
  static Assembly start(Eigen::Index rows, Eigen::Index d) { return Assembly(rows, d); }
  /// Rows [at, at + count) of the copy from the bytes pack wrote.
  static void unpack(const unsigned char* data, std::size_t, Eigen::Index count, Eigen::Index at,
                     Assembly& copy) {
    Copy rows(count, copy.cols());
    if (rows.size() > 0) std::memcpy(rows.data(), data, sizeof(Scalar) * std::size_t(rows.size()));
    copy.middleRows(at, count) = rows;
  }
  /// \return the copy.
  static Copy finish(Assembly&& copy) { return std::move(copy); }
};

/// Sparse X: rows go as their stored entries (values, then (row, column) pairs in 64 bits), and
/// the copy is a compressed SparseMatrix of the same storage order and index type, whose entries
/// (explicit zeros included) are the same, in the same order, as those of the concatenated rows.
template <class Scalar, int Order, class StorageIndex>
struct ShardKind<SparseX<Scalar, Order, StorageIndex>> {
  /// The kind of X.
  using Kind = SparseX<Scalar, Order, StorageIndex>;
  /// The copy of a straddling chunk.
  using Copy = Eigen::SparseMatrix<Scalar, Order, StorageIndex>;
  /// The copy while it is filled: its shape and its entries.
  struct Assembly {
    Eigen::Index rows = 0;                                      ///< the copy's rows
    Eigen::Index cols = 0;                                      ///< d
    std::vector<Eigen::Triplet<Scalar, StorageIndex>> entries;  ///< (row, column, value)
  };
  /// X's storage order.
  static constexpr int order = Order;
  /// \return the kind's name in the ranks' signature: sparse, and its index type's width.
  static std::string name() {
    return "sparse with " + std::to_string(8 * sizeof(StorageIndex)) + "-bit indices";
  }
  /// \return sparse_layout's cut of n x d with `entries` stored entries over every rank.
  static Layout layout(Eigen::Index n, Eigen::Index d, long double entries) {
    return sparse_layout(n, d, static_cast<Eigen::Index>(entries), Order == Eigen::RowMajor);
  }
  /// \return the stored entries of X.
  static long double entries(const Kind& X) { return static_cast<long double>(X.entries()); }
  /// The stored indices must be valid (SparseX::require_valid, naming `where`).
  static void check(const char* where, const Kind& X) { X.require_valid(where); }

  /// Rows of X (or the whole copy) as a SparseX view (SparseX::rows_view).
  class View {
   public:
    /// \param X the rank's rows. \param begin the first row. \param end one past the last.
    View(const Kind& X, Eigen::Index begin, Eigen::Index end)
        : m_kind(X.rows_view(begin, end - begin)) {}
    /// \param copy the copy of the straddling chunk.
    explicit View(const Copy& copy) : m_kind(Kind::of(copy)) {}
    View(const View&) = delete;
    View& operator=(const View&) = delete;
    /// \return the kind.
    const Kind& kind() const noexcept { return m_kind; }

   private:
    Kind m_kind;
  };

  /// Appends the stored entries of rows [begin, begin + count) of X to out: their values, then
  /// their (row - begin, column) pairs as 64-bit integers, in X's storage order.
  static void pack(const Kind& X, Eigen::Index begin, Eigen::Index count, HaloBytes& out) {
    std::vector<Scalar> values;
    std::vector<std::int64_t> where;
    X.for_entries(begin, count, [&](Eigen::Index i, Eigen::Index j, Scalar x) {
      values.push_back(x);
      where.push_back(std::int64_t(i));
      where.push_back(std::int64_t(j));
    });
    append_bytes(out, values.data(), Eigen::Index(values.size()));
    append_bytes(out, where.data(), Eigen::Index(where.size()));
  }
  /// \return an empty copy of rows x d.
  static Assembly start(Eigen::Index rows, Eigen::Index d) { return Assembly{rows, d, {}}; }
  /// The entries of rows [at, at + count) of the copy from the `bytes` bytes pack wrote.
  static void unpack(const unsigned char* data, std::size_t bytes, Eigen::Index, Eigen::Index at,
                     Assembly& copy) {
    const std::size_t entries = bytes / (sizeof(Scalar) + 2 * sizeof(std::int64_t));
    const unsigned char* where = data + entries * sizeof(Scalar);
    for (std::size_t k = 0; k < entries; ++k) {
      Scalar x;
      std::int64_t ij[2];
      std::memcpy(&x, data + k * sizeof(Scalar), sizeof(Scalar));
      std::memcpy(ij, where + 2 * k * sizeof(std::int64_t), sizeof ij);
      copy.entries.emplace_back(static_cast<StorageIndex>(at + ij[0]),
                                static_cast<StorageIndex>(ij[1]), x);
    }
  }
  /// \return the copy, compressed (setFromTriplets sorts each row's or column's entries, and
  ///   keeps explicit zeros; there are no duplicates).
  static Copy finish(Assembly&& copy) {
    Copy X(copy.rows, copy.cols);
    X.setFromTriplets(copy.entries.begin(), copy.entries.end());
    X.makeCompressed();
    return X;
  }
};

/// The straddling chunk copied whole: its rows of X, their signs and weights (empty: unweighted).
template <class Kind>
struct HaloChunk {
  typename ShardKind<Kind>::Copy X;           ///< copy_rows x d
  Vector<typename Kind::scalar_type> sign;    ///< t_i = 1 - 2 y_i
  Vector<typename Kind::scalar_type> weight;  ///< s_i, or empty
};

/// The message of rows [begin, begin + count) of this rank: their signs, their weights (when
/// weighted), then their rows of X (ShardKind::pack).
/// \return the bytes.
template <class Kind>
HaloBytes halo_message(const Kind& X, Eigen::Index begin, Eigen::Index count,
                       const typename Kind::scalar_type* sign,
                       const typename Kind::scalar_type* weight, bool weighted) {
  HaloBytes out;
  append_bytes(out, sign + begin, count);
  if (weighted) append_bytes(out, weight + begin, count);
  ShardKind<Kind>::pack(X, begin, count, out);
  return out;
}

/// Rows [at, at + count) of the halo from a message that halo_message wrote.
template <class Kind>
void take_message(const HaloBytes& in, Eigen::Index count, Eigen::Index at, bool weighted,
                  typename ShardKind<Kind>::Assembly& assembly, HaloChunk<Kind>& halo) {
  using Scalar = typename Kind::scalar_type;
  const std::size_t bytes = static_cast<std::size_t>(count) * sizeof(Scalar);
  std::size_t offset = 0;
  if (bytes > 0) std::memcpy(halo.sign.data() + at, in.data(), bytes);
  offset += bytes;
  if (weighted) {
    if (bytes > 0) std::memcpy(halo.weight.data() + at, in.data() + offset, bytes);
    offset += bytes;
  }
  ShardKind<Kind>::unpack(in.data() + offset, in.size() - offset, count, at, assembly);
}

#ifndef LOGISTIC_NEURON_MPI_MESSAGE_BYTES
/// The most bytes the halo exchange sends in one MPI message; a longer halo message (a sparse
/// chunk can hold gigabytes) goes in parts, within MPI's int count. The MPI tests set it small
/// so that the parts are exercised.
#define LOGISTIC_NEURON_MPI_MESSAGE_BYTES (std::size_t(1) << 30)
#endif

/// A halo message on its way: its size, its bytes, and the requests of their sends.
struct HaloSend {
  std::uint64_t size = 0;             ///< the bytes of the message
  HaloBytes bytes;                    ///< the message
  std::vector<MPI_Request> requests;  ///< one per send (the size, then each part)
};

/// Starts sending a halo message to `dest`: its size, then its bytes in parts of at most
/// LOGISTIC_NEURON_MPI_MESSAGE_BYTES (nonblocking; complete with finish_send). Messages between
/// two ranks on one communicator and tag arrive in the order sent, so the parts need no numbers.
/// \param comm the communicator. \param dest the receiving rank. \param tag the tag.
/// \param send the message (kept alive, with its requests, until finish_send).
inline void start_send(MPI_Comm comm, int dest, int tag, HaloSend& send) {
  constexpr std::size_t part = LOGISTIC_NEURON_MPI_MESSAGE_BYTES;
  send.size = send.bytes.size();
  send.requests.emplace_back();
  mpi_check(MPI_Isend(&send.size, 1, MPI_UINT64_T, dest, tag, comm, &send.requests.back()),
            "MPI_Isend");
  for (std::size_t at = 0; at < send.bytes.size(); at += part) {
    const std::size_t bytes = std::min(part, send.bytes.size() - at);
    send.requests.emplace_back();
    mpi_check(MPI_Isend(send.bytes.data() + at, mpi_count(Eigen::Index(bytes)), MPI_BYTE, dest, tag,
                        comm, &send.requests.back()),
              "MPI_Isend");
  }
}

/// Waits for the sends that start_send started.
/// \param send the message.
inline void finish_send(HaloSend& send) {
  if (send.requests.empty()) return;
  mpi_check(MPI_Waitall(static_cast<int>(send.requests.size()), send.requests.data(),
                        MPI_STATUSES_IGNORE),
            "MPI_Waitall");
}

/// Receives a halo message that start_send sends from `source`.
/// \param comm the communicator. \param source the sending rank. \param tag the tag.
/// \return its bytes.
inline HaloBytes receive_message(MPI_Comm comm, int source, int tag) {
  constexpr std::size_t part = LOGISTIC_NEURON_MPI_MESSAGE_BYTES;
  std::uint64_t size = 0;
  mpi_check(MPI_Recv(&size, 1, MPI_UINT64_T, source, tag, comm, MPI_STATUS_IGNORE), "MPI_Recv");
  HaloBytes in(static_cast<std::size_t>(size));
  for (std::size_t at = 0; at < in.size(); at += part) {
    const std::size_t bytes = std::min(part, in.size() - at);
    mpi_check(MPI_Recv(in.data() + at, mpi_count(Eigen::Index(bytes)), MPI_BYTE, source, tag, comm,
                       MPI_STATUS_IGNORE),
              "MPI_Recv");
  }
  return in;
}

/// Collective (point to point on comm): sends this rank's leading rows (of X, sign and, when
/// weighted, weight) to the rank that owns their chunk, and assembles the copy of its own
/// straddling chunk from its tail rows and the rows its sources send, in rank order. One
/// message of bytes per sending rank (halo_message), sent as its size and then in parts
/// (start_send).
/// \param comm the communicator.
/// \param plan this rank's plan.
/// \param X this rank's rows (any kind of X with a ShardKind).
/// \param sign their signs.
/// \param weight their weights (read when weighted).
/// \param weighted whether the data is weighted (the same on every rank).
/// \return the copy of this rank's straddling chunk (empty if it has none).
template <class Kind>
HaloChunk<Kind> exchange_halo(MPI_Comm comm, const ShardPlan& plan, const Kind& X,
                              const typename Kind::scalar_type* sign,
                              const typename Kind::scalar_type* weight, bool weighted) {
  using Shard = ShardKind<Kind>;
  constexpr int tag = 0x4c48;
  // Pack and send the leading rows (nonblocking: this rank may also have rows to receive).
  HaloSend out;
  if (plan.lead_rows > 0) {
    out.bytes = halo_message(X, 0, plan.lead_rows, sign, weight, weighted);
    start_send(comm, plan.lead_owner, tag, out);
  }
  HaloChunk<Kind> halo;
  if (plan.copy_chunk >= 0) {
    halo.sign.resize(plan.copy_rows);
    if (weighted) halo.weight.resize(plan.copy_rows);
    typename Shard::Assembly assembly = Shard::start(plan.copy_rows, X.cols());
    const Eigen::Index own = X.rows() - plan.copy_begin;
    take_message(halo_message(X, plan.copy_begin, own, sign, weight, weighted), own, 0, weighted,
                 assembly, halo);
    Eigen::Index at = own;
    for (const auto& [source, k] : plan.sources) {
      take_message(receive_message(comm, source, tag), k, at, weighted, assembly, halo);
      at += k;
    }
    halo.X = Shard::finish(std::move(assembly));
  }
  finish_send(out);
  return halo;
}

/// Collective: global row 0 of X (densified), broadcast from the rank that holds it.
/// \param comm the communicator.
/// \param plan this rank's plan.
/// \param X this rank's rows (any kind of X).
/// \return the row.
template <class Kind>
Vector<typename Kind::scalar_type> broadcast_first_row(MPI_Comm comm, const ShardPlan& plan,
                                                       const Kind& X) {
  using Scalar = typename Kind::scalar_type;
  Vector<Scalar> row = Vector<Scalar>::Zero(X.cols());
  if (plan.rank == plan.first_row_rank && X.rows() > 0) row = X.template first_row<Scalar>();
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

/// X of any kind with a ShardKind (dense or sparse) sharded over the ranks of a communicator:
/// see the file comment. Holds views of the caller's X and targets, which must outlive it, and
/// the copy of its straddling chunk. Constructing it is collective (the halo exchange, the
/// broadcast of row 0, S along the chunk tree); so is every pass over it.
template <class Kind>
class Sharded {
 public:
  /// The kind of X of the pieces.
  using kind_type = Kind;
  /// The scalar type.
  using scalar_type = typename Kind::scalar_type;

  /// Builds this rank's pieces (see the class comment).
  /// \param comm the communicator (the call's private one), alive as long as the dataset.
  /// \param plan this rank's plan (make_shard_plan), for X.rows() local rows.
  /// \param X this rank's rows (a view of the caller's X; the dataset keeps views of its arrays,
  ///   not of X itself).
  /// \param targets their labels and weights (X.rows() of each, or no weights).
  /// \param weighted true on every rank when the data is weighted (then every rank with rows
  ///   has weights), false on every rank when not.
  /// \param reproducible the reduction's mode (see MpiReduction).
  /// \param scale_exponent E of the whole X (the same on every rank).
  Sharded(MPI_Comm comm, ShardPlan plan, const Kind& X, const Targets<scalar_type>& targets,
          bool weighted, bool reproducible, int scale_exponent)
      : m_plan(std::move(plan)), m_view(X, m_plan.view_begin, m_plan.view_end),
        m_halo(
            exchange_halo(comm, m_plan, X, targets.sign.data(), targets.weight_data(), weighted)),
        m_copy(m_halo.X), m_sign(targets.sign.data()),
        m_weight(weighted ? targets.weight_data() : nullptr),
        m_first_row(broadcast_first_row(comm, m_plan, X)),
        m_reduction(comm, reproducible, m_plan.layout.chunks), m_scale_exponent(scale_exponent) {
    m_total_weight = chunk_weight_total(*this);
  }
  Sharded(const Sharded&) = delete;
  Sharded& operator=(const Sharded&) = delete;

  /// \return n, over every rank.
  Eigen::Index rows() const noexcept { return m_plan.total_rows; }
  /// \return d.
  Eigen::Index cols() const noexcept { return m_view.kind().cols(); }
  /// \return the rows of this rank's pieces (not its own row count: see the file comment).
  Eigen::Index local_rows() const noexcept { return m_plan.piece_rows(); }
  /// \return the cut of the n rows, as in one process.
  Layout layout() const noexcept { return m_plan.layout; }
  /// \return this rank's first owned chunk.
  Eigen::Index first_chunk() const noexcept { return m_plan.first_chunk; }
  /// \return the number of chunks this rank owns.
  Eigen::Index chunk_count() const noexcept { return m_plan.chunk_count; }
  /// \return S along the chunk tree (chunk_weight_total), the same on every rank.
  Accum<scalar_type> total_weight() const noexcept { return m_total_weight; }
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
      f(Piece<kind_type>{m_view.kind(), m_sign + m_plan.view_begin,
                         m_weight ? m_weight + m_plan.view_begin : nullptr, m_plan.first_chunk, 0});
    }
    if (m_plan.copy_chunk >= 0) {
      f(Piece<kind_type>{m_copy.kind(), m_halo.sign.data(),
                         m_halo.weight.size() ? m_halo.weight.data() : nullptr, m_plan.copy_chunk,
                         view_rows});
    }
  }

 private:
  using View = typename ShardKind<Kind>::View;
  ShardPlan m_plan;
  View m_view;
  HaloChunk<Kind> m_halo;
  View m_copy;
  const scalar_type* m_sign;
  const scalar_type* m_weight;
  Vector<scalar_type> m_first_row;
  MpiReduction m_reduction;
  int m_scale_exponent;
  Accum<scalar_type> m_total_weight = 0;
};

/// Dense X (storage order Order) sharded over the ranks: Sharded over DenseX, built from the
/// rank's XRef (which must outlive it).
template <class Scalar, int Order>
class ShardedDense : public Sharded<DenseX<Scalar, Order>> {
 public:
  /// As Sharded's constructor, with X the rank's rows as an XRef.
  /// \param comm the communicator. \param plan this rank's plan. \param X this rank's rows.
  /// \param targets their labels and weights. \param weighted whether weighted (every rank).
  /// \param reproducible the reduction's mode. \param scale_exponent E of the whole X.
  ShardedDense(MPI_Comm comm, ShardPlan plan, const XRef<Scalar, Order>& X,
               const Targets<Scalar>& targets, bool weighted, bool reproducible, int scale_exponent)
      : Sharded<DenseX<Scalar, Order>>(comm, std::move(plan), DenseX<Scalar, Order>(X), targets,
                                       weighted, reproducible, scale_exponent) {}
};

}  // namespace detail
}  // namespace logistic_neuron
