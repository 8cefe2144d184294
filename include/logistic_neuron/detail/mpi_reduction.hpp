/// \file mpi_reduction.hpp
/// \brief The Reduction (reduce.hpp) over an MPI communicator: the chunk tree's frontiers of all
/// ranks merged in rank order, so that every rank gets the bits one process gets; or, for many
/// ranks and long vectors, one MPI_Allreduce of each rank's total (internal).
///
/// Reproducible mode. Rank r holds the frontier of its chunks [a_r, a_{r+1}) (the ranks own
/// consecutive chunk ranges, in rank order). Adjacent frontiers merge by merge_frontier, which
/// adds sibling nodes only, so any bracketing of the merges gives the same nodes: a binomial
/// tree does them in ceil(log2 p) rounds (in round k, rank r with r mod 2^(k+1) = 2^k sends its
/// merged frontier, which covers ranks [r, r + 2^k), to rank r - 2^k, which merges it on its
/// right). Rank 0 ends with the frontier of all chunks, adds it into the total (frontier_total)
/// and broadcasts it. Each message is a frontier: about 2 log2(chunks of the ranks it covers)
/// nodes of `size` values, so the cost is ceil(log2 p) latencies plus a broadcast, and no rank
/// ever holds more than a few frontiers (an MPI_Allgatherv of all frontiers would give every
/// rank p of them).
///
/// Fast mode (not reproducible across rank counts): each rank adds its own frontier into its
/// total and one MPI_Allreduce(MPI_SUM) adds the totals. The sum then depends on the number of
/// ranks and on the MPI library's algorithm; every rank receives the same bits (an allreduce is
/// defined as a reduce followed by a broadcast, and Open MPI and MPICH implement it so), which
/// is what keeps the ranks' solvers in step.
///
/// Both leave the frontier as one node: the root of the chunk tree (level ceil(log2 K), index 0,
/// K the number of chunks), whose value is the total.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "mpi_comm.hpp"
#include "reduce.hpp"

namespace logistic_neuron {
namespace detail {

/// The level of the root of a chunk tree.
/// \param chunks the number of chunks.
/// \return ceil(log2 chunks), 0 for one chunk or none.
inline int tree_root_level(Eigen::Index chunks) {
  int level = 0;
  while ((Eigen::Index(1) << level) < chunks) ++level;
  return level;
}

/// Reduction over an MPI communicator (see the file comment). The communicator must outlive it.
class MpiReduction final : public Reduction {
 public:
  /// \param comm the communicator (the call's private one).
  /// \param reproducible true for the rank-order merge of frontiers, false for the allreduce.
  /// \param chunks K, the number of chunks of the whole data (for the root's level).
  MpiReduction(MPI_Comm comm, bool reproducible, Eigen::Index chunks)
      : m_comm(comm), m_reproducible(reproducible), m_root_level(tree_root_level(chunks)) {
    mpi_check(MPI_Comm_rank(comm, &m_rank), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(comm, &m_size), "MPI_Comm_size");
  }

  /// Replaces this rank's frontier by the root of the tree over every rank's chunks (see the
  /// file comment). Collective.
  /// \param frontier this rank's frontier; on return, one node holding the total.
  /// \param size the entries of each node.
  void merge(Frontier<double>& frontier, Eigen::Index size) const override {
    merge_frontiers(frontier, size);
  }
  /// The same for long double sums.
  /// \param frontier this rank's frontier; on return, one node holding the total.
  /// \param size the entries of each node.
  void merge(Frontier<long double>& frontier, Eigen::Index size) const override {
    merge_frontiers(frontier, size);
  }
  /// Replaces each count by its sum over the ranks (MPI_Allreduce; exact). Collective.
  /// \param counts n counts.
  /// \param n their number.
  void sum(long long* counts, int n) const override {
    const double start = MPI_Wtime();
    mpi_check(MPI_Allreduce(MPI_IN_PLACE, counts, n, MPI_LONG_LONG, MPI_SUM, m_comm),
              "MPI_Allreduce");
    m_seconds += MPI_Wtime() - start;
  }
  /// Replaces each value by its maximum over the ranks (MPI_Allreduce). Collective.
  /// \param values n values.
  /// \param n their number.
  void max(double* values, int n) const override {
    const double start = MPI_Wtime();
    mpi_check(MPI_Allreduce(MPI_IN_PLACE, values, n, MPI_DOUBLE, MPI_MAX, m_comm), "MPI_Allreduce");
    m_seconds += MPI_Wtime() - start;
  }

  /// Seconds spent in this reduction's communication so far, waiting for slower ranks
  /// included: what bench/scale reports.
  /// \return the seconds.
  double seconds() const noexcept { return m_seconds; }
  /// The number of frontier merges so far.
  /// \return the count.
  long long merges() const noexcept { return m_merges; }

 private:
  static constexpr int tag = 0x4c4e;  // on the call's private communicator

  template <class Acc>
  void merge_frontiers(Frontier<Acc>& frontier, Eigen::Index size) const {
    const double start = MPI_Wtime();
    ++m_merges;
    Vector<Acc> total;
    if (m_reproducible) {
      total = tree_total(frontier, size);
    } else {
      total = frontier_total(frontier, size);
      mpi_check(MPI_Allreduce(MPI_IN_PLACE, total.data(), mpi_count(size), mpi_type<Acc>(), MPI_SUM,
                              m_comm),
                "MPI_Allreduce");
    }
    frontier.clear();
    frontier.push_back(TreeNode<Acc>{m_root_level, 0, std::move(total)});
    m_seconds += MPI_Wtime() - start;
  }

  /// The binomial-tree merge to rank 0, then the broadcast of the total.
  template <class Acc>
  Vector<Acc> tree_total(Frontier<Acc>& frontier, Eigen::Index size) const {
    for (int step = 1; step < m_size; step *= 2) {
      if (m_rank % (2 * step) != 0) {
        send_frontier(frontier, size, m_rank - step);
        break;
      }
      if (m_rank + step < m_size)
        merge_frontier(frontier, receive_frontier<Acc>(size, m_rank + step));
    }
    Vector<Acc> total = m_rank == 0 ? frontier_total(frontier, size) : Vector<Acc>(size);
    mpi_check(MPI_Bcast(total.data(), mpi_count(size), mpi_type<Acc>(), 0, m_comm), "MPI_Bcast");
    return total;
  }

  /// A frontier as one message of Acc: (level, index, `size` values) per node.
  template <class Acc>
  void send_frontier(const Frontier<Acc>& frontier, Eigen::Index size, int to) const {
    const Eigen::Index stride = size + 2;
    Vector<Acc> message(static_cast<Eigen::Index>(frontier.size()) * stride);
    for (std::size_t k = 0; k < frontier.size(); ++k) {
      const Eigen::Index at = static_cast<Eigen::Index>(k) * stride;
      message[at] = static_cast<Acc>(frontier[k].level);
      message[at + 1] = static_cast<Acc>(frontier[k].index);
      message.segment(at + 2, size) = frontier[k].values;
    }
    mpi_check(MPI_Send(message.data(), mpi_count(message.size()), mpi_type<Acc>(), to, tag, m_comm),
              "MPI_Send");
  }

  template <class Acc>
  Frontier<Acc> receive_frontier(Eigen::Index size, int from) const {
    MPI_Status status;
    mpi_check(MPI_Probe(from, tag, m_comm, &status), "MPI_Probe");
    int count = 0;
    mpi_check(MPI_Get_count(&status, mpi_type<Acc>(), &count), "MPI_Get_count");
    Vector<Acc> message(count);
    mpi_check(
        MPI_Recv(message.data(), count, mpi_type<Acc>(), from, tag, m_comm, MPI_STATUS_IGNORE),
        "MPI_Recv");
    const Eigen::Index stride = size + 2;
    Frontier<Acc> frontier(static_cast<std::size_t>(count / stride));
    for (std::size_t k = 0; k < frontier.size(); ++k) {
      const Eigen::Index at = static_cast<Eigen::Index>(k) * stride;
      frontier[k].level = static_cast<int>(message[at]);
      frontier[k].index = static_cast<Eigen::Index>(message[at + 1]);
      frontier[k].values = message.segment(at + 2, size);
    }
    return frontier;
  }

  MPI_Comm m_comm;
  bool m_reproducible;
  int m_root_level;
  int m_rank = 0;
  int m_size = 1;
  mutable double m_seconds = 0;
  mutable long long m_merges = 0;
};

}  // namespace detail
}  // namespace logistic_neuron
