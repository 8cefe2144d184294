/// \file model.hpp
/// \brief The parts of a fitted model: what a neuron holds and what a model file stores.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "config.hpp"

namespace logistic_neuron {

/// The model format version that save() writes and load() reads.
inline constexpr int model_format_version = 1;
/// The largest feature count a model file may claim.
inline constexpr Eigen::Index max_model_features = 10'000'000;
/// The longest line (in bytes, without the line end) a model file may have.
inline constexpr std::size_t max_model_line_length = 4096;
/// The longest feature name, in bytes.
inline constexpr std::size_t max_feature_name_length = 1024;

/// A binary logistic-regression model: z = x . weights + bias, with optional metadata. This is
/// what LogisticNeuron holds and what save() and load() write and read (see io.hpp).
template <class Scalar>
struct Model {
  static_assert(detail::is_supported_scalar_v<Scalar>,
                "logistic_neuron::Model<Scalar>: Scalar must be float, double or long double");
  /// One weight per feature (empty: no parameters yet).
  detail::Vector<Scalar> weights;
  /// The bias.
  Scalar bias = 0;
  /// One name per feature, or empty.
  std::vector<std::string> feature_names;
  /// One mean per feature, or empty (then feature_scales is empty too).
  detail::Vector<Scalar> feature_means;
  /// One scale (> 0) per feature, or empty.
  detail::Vector<Scalar> feature_scales;
};

/// The name under which io.hpp's functions know a Model.
template <class Scalar>
using ModelFile = Model<Scalar>;

}  // namespace logistic_neuron
