/// \file model.hpp
/// \brief The parts of a fitted model: what a neuron holds and what a model file stores.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
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

  /// An empty model: no weights (no parameters yet), bias 0, no names, no standardization.
  Model() = default;
  /// A copy of `other`.
  /// \param other the model to copy.
  Model(const Model& other) = default;
  /// Makes this a copy of `other`.
  /// \param other the model to copy.
  /// \return *this.
  Model& operator=(const Model& other) = default;
  /// Takes `other`'s parts and leaves `other` empty, as a default-constructed model (Eigen's move
  /// assignment swaps, which would otherwise leave it the weights of one model with the bias of
  /// another).
  /// \param other the model to move from; empty afterwards.
  Model(Model&& other) noexcept
      : weights(std::move(other.weights)), bias(other.bias),
        feature_names(std::move(other.feature_names)),
        feature_means(std::move(other.feature_means)),
        feature_scales(std::move(other.feature_scales)) {
    other.clear();
  }
  /// Takes `other`'s parts and leaves `other` empty (see the move constructor).
  /// \param other the model to move from; empty afterwards (unless it is *this).
  /// \return *this.
  Model& operator=(Model&& other) noexcept {
    if (this != &other) {
      weights = std::move(other.weights);
      bias = other.bias;
      feature_names = std::move(other.feature_names);
      feature_means = std::move(other.feature_means);
      feature_scales = std::move(other.feature_scales);
      other.clear();
    }
    return *this;
  }
  /// Makes this an empty model, as a default-constructed one.
  void clear() noexcept {
    weights.resize(0);
    bias = 0;
    feature_names.clear();
    feature_means.resize(0);
    feature_scales.resize(0);
  }
};

/// The name under which io.hpp's functions know a Model.
template <class Scalar>
using ModelFile = Model<Scalar>;

}  // namespace logistic_neuron
