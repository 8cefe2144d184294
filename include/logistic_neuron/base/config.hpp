/// \file config.hpp
/// \brief Type aliases and compile-time checks shared by the whole library (internal).
#pragma once

#include <Eigen/Core>
#include <type_traits>

namespace logistic_neuron {
namespace detail {

/// True for the scalar types the library supports: float, double and long double.
template <class Scalar>
inline constexpr bool is_supported_scalar_v =
    std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double> ||
    std::is_same_v<Scalar, long double>;

/// The type in which sums over samples are accumulated: double for float (so that a float cost
/// over a million samples keeps its digits), the scalar itself otherwise.
template <class Scalar>
using Accum = std::conditional_t<std::is_same_v<Scalar, float>, double, Scalar>;

template <class Scalar>
using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

template <class Scalar>
using Array = Eigen::Array<Scalar, Eigen::Dynamic, 1>;

/// A read-only view of X with unit inner stride and any outer stride, in storage order Order.
/// Binds a plain matrix, a Map or a block without copying.
template <class Scalar, int Order>
using XRef = Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Order>, 0,
                        Eigen::OuterStride<>>;

/// The storage order in which an Eigen expression is bound: row-major or column-major.
template <class Derived>
inline constexpr int storage_order_v = Derived::IsRowMajor ? Eigen::RowMajor : Eigen::ColMajor;

}  // namespace detail
}  // namespace logistic_neuron
