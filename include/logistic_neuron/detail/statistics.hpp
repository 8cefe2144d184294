/// \file statistics.hpp
/// \brief Sample-weighted column means and standard deviations of X, in one pass (internal).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "kernel.hpp"
#include "reduce.hpp"

namespace logistic_neuron {
namespace detail {

/// Sample-weighted column means and standard deviations of f X, f the dataset's scale factor
/// 2^-E (so that they are in range whatever X's scale).
template <class Scalar>
struct Scaling {
  Vector<Scalar> mean;                  ///< mu_j of f x_j
  Vector<Scalar> sd;                    ///< sigma_j of f x_j, 1 for a constant column
  std::vector<unsigned char> constant;  ///< 1 where every positively weighted x_ij is the same
};

/// mu and sigma of every column of f X in one pass (deterministic for any thread count and any
/// split of the rows). Weighted by s_i: mu_j = sum s_i x'_ij / S, sigma_j^2 = sum s_i
/// (x'_ij - mu_j)^2 / S with x' = f x, accumulated as sums shifted by the first row (no
/// cancellation for columns whose mean is large against their spread). A column with
/// sum s_i (x'_ij - x'_0j)^2 == 0 is constant: sigma is taken as 1.
template <class Data>
Scaling<typename Data::scalar_type> column_scaling(const Data& data,
                                                   typename Data::scalar_type factor, int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index d = data.cols();
  const Vector<Acc> shift = data.template first_row<Acc>() * Acc(factor);
  // Per chunk: [sum s; sum s (x' - shift); sum s (x' - shift)^2].
  ChunkSums<Acc> sums(data.first_chunk(), data.chunk_count(), 2 * d + 1);
  for_each_chunk(data, worker_count(data.chunk_count(), threads),
                 [&](const auto& piece, Eigen::Index c, int, Eigen::Index begin, Eigen::Index end) {
                   auto slot = sums[c];
                   Acc total = slot[0];
                   Vector<Acc> first = slot.segment(1, d), second = slot.segment(1 + d, d);
                   piece.X.column_moments(begin, end - begin,
                                          piece.weight ? piece.weight + begin : nullptr, factor,
                                          shift, total, first, second);
                   slot[0] = total;
                   slot.segment(1, d) = first;
                   slot.segment(1 + d, d) = second;
                 });
  const auto total = sums.total(data.reduction());
  const Acc weight = total[0];
  Scaling<Scalar> scaling;
  scaling.mean.resize(d);
  scaling.sd.resize(d);
  scaling.constant.assign(static_cast<std::size_t>(d), 0);
  for (Eigen::Index j = 0; j < d; ++j) {
    const Acc offset = total[1 + j] / weight;
    const Acc variance = std::max(Acc(0), total[1 + d + j] / weight - offset * offset);
    scaling.mean[j] = static_cast<Scalar>(shift[j] + offset);
    const Scalar sd = static_cast<Scalar>(std::sqrt(variance));
    const bool constant = !(total[1 + d + j] > 0) || !(sd > 0) || !is_finite_bits(sd);
    scaling.constant[static_cast<std::size_t>(j)] = constant ? 1 : 0;
    scaling.sd[j] = constant ? Scalar(1) : sd;
  }
  return scaling;
}

}  // namespace detail
}  // namespace logistic_neuron
