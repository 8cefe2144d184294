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

/// Buffers that the passes of this thread reuse: a pass's chunk sums are taken from here and
/// given back when it ends, so that passes over wide X (d in the millions) neither map fresh
/// pages nor zero them twice each time. Keeps at most four buffers, each as large as the largest
/// pass asked for (O(chunks x d) memory, held until the thread ends).
template <class Acc>
class BufferPool {
 public:
  /// A buffer of `size` zeros.
  static std::vector<Acc> take(std::size_t size) {
    std::vector<std::vector<Acc>>& list = free_list();
    std::vector<Acc> buffer;
    if (!list.empty()) {
      buffer = std::move(list.back());
      list.pop_back();
    }
    buffer.assign(size, Acc(0));
    return buffer;
  }
  /// Gives a buffer back.
  static void give(std::vector<Acc>&& buffer) noexcept {
    std::vector<std::vector<Acc>>& list = free_list();
    if (list.size() < 4 && buffer.capacity() > 0) {
      try {
        list.push_back(std::move(buffer));
      } catch (...) {  // out of memory: let it go
      }
    }
  }

 private:
  static std::vector<std::vector<Acc>>& free_list() noexcept {
    thread_local std::vector<std::vector<Acc>> list;
    return list;
  }
};

/// The sums of one pass: one vector of `size` values per chunk of this process (one buffer from
/// the pool, chunk after chunk), added along the chunk tree (see the file comment).
template <class Acc>
class ChunkSums {
 public:
  /// Slots for chunks [first, first + count), each `size` zeros.
  ChunkSums(Eigen::Index first, Eigen::Index count, Eigen::Index size)
      : m_first(first), m_count(count), m_size(size),
        m_buffer(BufferPool<Acc>::take(static_cast<std::size_t>(count * size))) {}
  ~ChunkSums() { BufferPool<Acc>::give(std::move(m_buffer)); }
  ChunkSums(const ChunkSums&) = delete;
  ChunkSums& operator=(const ChunkSums&) = delete;

  /// The slot of global chunk c.
  Eigen::Map<Vector<Acc>> operator[](Eigen::Index c) { return slot(c - m_first); }

  /// The total over every process's chunks: this process's chunks merged into its frontier (in
  /// place: a parent's sum is formed in its left child's slot), then, with a reduction, the
  /// frontiers of all processes. A view of a slot, valid while the ChunkSums lives.
  Eigen::Map<const Vector<Acc>> total(const Reduction* reduction) {
    struct Node {
      int level;
      Eigen::Index index, slot;
    };
    std::vector<Node> nodes;
    for (Eigen::Index k = 0; k < m_count; ++k) {
      nodes.push_back({0, m_first + k, k});
      while (nodes.size() >= 2) {
        Node& right = nodes[nodes.size() - 1];
        Node& left = nodes[nodes.size() - 2];
        if (left.level != right.level || left.index % 2 != 0 || right.index != left.index + 1)
          break;
        slot(left.slot) += slot(right.slot);
        left.index /= 2;
        ++left.level;
        nodes.pop_back();
      }
    }
    if (reduction) {
      Frontier<Acc> frontier;
      for (const Node& node : nodes) {
        frontier.push_back(TreeNode<Acc>{node.level, node.index, Vector<Acc>(slot(node.slot))});
      }
      reduction->merge(frontier, m_size);
      m_total = frontier_total(frontier, m_size);
      return Eigen::Map<const Vector<Acc>>(m_total.data(), m_size);
    }
    if (nodes.empty()) {
      m_total = Vector<Acc>::Zero(m_size);
      return Eigen::Map<const Vector<Acc>>(m_total.data(), m_size);
    }
    // n_0 + (n_1 + (... + n_last)), formed in the last node's slot.
    auto sum = slot(nodes.back().slot);
    for (std::size_t k = nodes.size() - 1; k-- > 0;) sum += slot(nodes[k].slot);
    return Eigen::Map<const Vector<Acc>>(sum.data(), m_size);
  }

 private:
  Eigen::Map<Vector<Acc>> slot(Eigen::Index k) {
    return Eigen::Map<Vector<Acc>>(m_buffer.data() + k * m_size, m_size);
  }

  Eigen::Index m_first, m_count, m_size;
  std::vector<Acc> m_buffer;
  Vector<Acc> m_total;
};

}  // namespace detail
}  // namespace logistic_neuron
