/// \file statistics.hpp
/// \brief Sample-weighted column means and standard deviations of X, in one pass (internal).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../base/config.hpp"
#include "chunks.hpp"
#include "targets.hpp"

namespace logistic_neuron {
namespace detail {

/// Sample-weighted column means and standard deviations of X.
template <class Scalar>
struct Scaling {
  Vector<Scalar> mean;                ///< mu_j
  Vector<Scalar> sd;                  ///< sigma_j, 1 for a constant column
  std::vector<unsigned char> constant;  ///< 1 where every positively weighted x_ij is the same
};

/// mu and sigma of every column in one pass (deterministic for any thread count). Weighted by
/// s_i: mu_j = sum s_i x_ij / S, sigma_j^2 = sum s_i (x_ij - mu_j)^2 / S, accumulated as shifted
/// sums around the first row (no cancellation for columns whose mean is large against their
/// spread). A column with sum s_i (x_ij - x_0j)^2 == 0 is constant: sigma is taken as 1.
template <class Data>
Scaling<typename Data::scalar_type> column_scaling(
    const Data& X, const Targets<typename Data::scalar_type>& targets, int threads) {
  using Scalar = typename Data::scalar_type;
  using Acc = Accum<Scalar>;
  const Eigen::Index n = X.rows(), d = X.cols();
  // The chunks of a row-major pass whatever the storage order.
  const Layout layout = make_layout(n, d, sizeof(Scalar));
  const Scalar* weight = targets.weight_data();
  const Vector<Acc> shift = X.template first_row<Acc>();
  struct Sums {
    Acc weight = 0;
    Vector<Acc> first, second;  // sum s (x - shift), sum s (x - shift)^2
  };
  std::vector<Sums> chunk_sums(static_cast<std::size_t>(layout.chunks));
  for (Sums& sums : chunk_sums) {
    sums.first = Vector<Acc>::Zero(d);
    sums.second = Vector<Acc>::Zero(d);
  }
  run_chunks(layout.chunks, worker_count(layout.chunks, threads), [&](Eigen::Index c, int) {
    Sums& sums = chunk_sums[static_cast<std::size_t>(c)];
    const ChunkRows chunk = chunk_rows(layout, n, c);
    X.column_moments(chunk.begin, chunk.end - chunk.begin, weight ? weight + chunk.begin : nullptr,
                     shift, sums.weight, sums.first, sums.second);
  });
  Sums total;
  total.first = Vector<Acc>::Zero(d);
  total.second = Vector<Acc>::Zero(d);
  for (const Sums& sums : chunk_sums) {
    total.weight += sums.weight;
    total.first += sums.first;
    total.second += sums.second;
  }
  Scaling<Scalar> scaling;
  scaling.mean.resize(d);
  scaling.sd.resize(d);
  scaling.constant.assign(static_cast<std::size_t>(d), 0);
  for (Eigen::Index j = 0; j < d; ++j) {
    const Acc offset = total.first[j] / total.weight;
    const Acc variance = std::max(Acc(0), total.second[j] / total.weight - offset * offset);
    scaling.mean[j] = static_cast<Scalar>(shift[j] + offset);
    const Scalar sd = static_cast<Scalar>(std::sqrt(variance));
    const bool constant = !(total.second[j] > 0) || !(sd > 0) || !std::isfinite(sd);
    scaling.constant[static_cast<std::size_t>(j)] = constant ? 1 : 0;
    scaling.sd[j] = constant ? Scalar(1) : sd;
  }
  return scaling;
}

}  // namespace detail
}  // namespace logistic_neuron
