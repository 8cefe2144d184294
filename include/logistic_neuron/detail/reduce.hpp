/// \file reduce.hpp
/// \brief The one place where the sums of a pass meet: a fixed binary tree over the chunks, and
/// the hook where an engine that adds across processes plugs in (internal).
///
/// Every pass (cost and gradient, the power iteration's products, Hessian and Hessian-vector
/// products, column statistics) forms one vector of sums per chunk of rows, the chunks being cut
/// at global row indices that depend on the shape of X alone. The chunk vectors are added along
/// a fixed binary tree over the chunk index: node (level L, index k) holds the sum of chunks
/// [k 2^L, (k + 1) 2^L), left child plus right child; chunks past the last are absent (a node
/// with an absent right child is its left child). Whoever computes which chunks, in whichever
/// order - threads, the pieces of a streamed file, MPI processes that own consecutive chunk
/// ranges - the tree and so the bits are the same.
///
/// A process that holds chunks [a, b) reduces them to its frontier: the largest complete nodes
/// inside [a, b), left to right. Two adjacent frontiers merge by adding sibling nodes, and the
/// frontier of all chunks [0, K) gives the total by adding its nodes from the right. A Reduction
/// (mpi.hpp provides one) merges the frontiers of all processes, so every process gets the total
/// of the whole data, bit for bit the one a single process would get.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"

namespace logistic_neuron {
namespace detail {

/// A node of the chunk tree: the sum of chunks [index 2^level, (index + 1) 2^level).
template <class Acc>
struct TreeNode {
  int level = 0;
  Eigen::Index index = 0;
  Vector<Acc> values;
};

/// The frontier of consecutive chunks: complete nodes, left to right.
template <class Acc>
using Frontier = std::vector<TreeNode<Acc>>;

/// Appends a node on the right of a frontier and merges siblings: while the last two nodes are
/// the left and right children of one parent, they become the parent (left + right).
template <class Acc>
void push_node(Frontier<Acc>& frontier, TreeNode<Acc> node) {
  frontier.push_back(std::move(node));
  while (frontier.size() >= 2) {
    TreeNode<Acc>& right = frontier[frontier.size() - 1];
    TreeNode<Acc>& left = frontier[frontier.size() - 2];
    if (left.level != right.level || left.index % 2 != 0 || right.index != left.index + 1) break;
    left.values += right.values;
    left.index /= 2;
    ++left.level;
    frontier.pop_back();
  }
}

/// Merges the frontier of the chunks just right of `left`'s into `left`.
template <class Acc>
void merge_frontier(Frontier<Acc>& left, Frontier<Acc> right) {
  for (TreeNode<Acc>& node : right) push_node(left, std::move(node));
}

/// The total of a frontier that covers chunks [0, K): its nodes added from the right,
/// n_0 + (n_1 + (... + n_last)). Zeros of `size` entries if it is empty.
template <class Acc>
Vector<Acc> frontier_total(const Frontier<Acc>& frontier, Eigen::Index size) {
  if (frontier.empty()) return Vector<Acc>::Zero(size);
  Vector<Acc> total = frontier.back().values;
  for (std::size_t k = frontier.size() - 1; k-- > 0;) total = frontier[k].values + total;
  return total;
}

/// Where the sums of a pass meet across processes: merges this process's frontier with those of
/// the others (which hold the chunks before and after its own, in process order), so that every
/// process ends with the same frontier of all chunks; and adds counts and takes maxima across
/// processes. In one process there is none (a null pointer).
class Reduction {
 public:
  virtual ~Reduction() = default;
  /// Replaces frontier by the frontier of every process's chunks (values of `size` entries).
  virtual void merge(Frontier<double>& frontier, Eigen::Index size) const = 0;
  /// The same for long double sums.
  virtual void merge(Frontier<long double>& frontier, Eigen::Index size) const = 0;
  /// Replaces each of the n counts by its sum over the processes.
  virtual void sum(long long* counts, int n) const = 0;
  /// Replaces each of the n values by its maximum over the processes.
  virtual void max(double* values, int n) const = 0;
};

/// The sums of one pass: one vector of `size` values per chunk of this process, added along the
/// chunk tree (see the file comment).
template <class Acc>
class ChunkSums {
 public:
  /// Slots for chunks [first, first + count), each `size` zeros.
  ChunkSums(Eigen::Index first, Eigen::Index count, Eigen::Index size)
      : m_first(first), m_size(size),
        m_slots(static_cast<std::size_t>(count), Vector<Acc>::Zero(size)) {}

  /// The slot of global chunk c.
  Vector<Acc>& operator[](Eigen::Index c) { return m_slots[static_cast<std::size_t>(c - m_first)]; }

  /// The total over every process's chunks: this process's chunks merged into its frontier,
  /// then, with a reduction, the frontiers of all processes.
  Vector<Acc> total(const Reduction* reduction) {
    Frontier<Acc> frontier;
    for (std::size_t k = 0; k < m_slots.size(); ++k) {
      push_node(frontier, TreeNode<Acc>{0, m_first + static_cast<Eigen::Index>(k),
                                        std::move(m_slots[k])});
    }
    if (reduction) reduction->merge(frontier, m_size);
    return frontier_total(frontier, m_size);
  }

 private:
  Eigen::Index m_first;
  Eigen::Index m_size;
  std::vector<Vector<Acc>> m_slots;
};

}  // namespace detail
}  // namespace logistic_neuron
