/// \file config.hpp
/// \brief Type aliases and compile-time checks shared by the whole library (internal).
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

namespace logistic_neuron {
namespace detail {

/// True for the scalar types the library supports: float, double and long double.
template <class Scalar>
inline constexpr bool is_supported_scalar_v =
    std::is_same_v<Scalar, float> || std::is_same_v<Scalar, double> ||
    std::is_same_v<Scalar, long double>;

/// True if x is finite (not NaN, not infinite), read from its bit pattern, so that the answer
/// holds under -ffast-math too, where the compiler takes std::isfinite to be always true.
/// Integers are always finite.
template <class T>
bool is_finite_bits(const T& x) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    std::uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return (bits & 0x7f800000u) != 0x7f800000u;
  } else if constexpr (std::is_same_v<T, double> ||
                       (std::is_same_v<T, long double> &&
                        std::numeric_limits<long double>::digits == 53)) {
    const double value = static_cast<double>(x);
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
  } else if constexpr (std::is_same_v<T, long double>) {
    // x87 extended (64-bit significand) or IEEE quad (113): the sign and the 15-bit exponent are
    // the two bytes after the significand, little-endian.
    static_assert(std::numeric_limits<long double>::digits == 64 ||
                      std::numeric_limits<long double>::digits == 113,
                  "logistic_neuron: unknown long double format");
    unsigned char bytes[sizeof(long double)];
    std::memcpy(bytes, &x, sizeof bytes);
    const std::size_t at = std::numeric_limits<long double>::digits == 64 ? 8 : 14;
    const unsigned exponent =
        (static_cast<unsigned>(bytes[at + 1] & 0x7f) << 8) | static_cast<unsigned>(bytes[at]);
    return exponent != 0x7fffu;
  } else {
    return true;
  }
}

/// True if x is NaN, from its bit pattern (see is_finite_bits). Integers are never NaN.
template <class T>
bool is_nan_bits(const T& x) noexcept {
  if constexpr (std::is_same_v<T, float>) {
    std::uint32_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return (bits & 0x7fffffffu) > 0x7f800000u;
  } else if constexpr (std::is_same_v<T, double> ||
                       (std::is_same_v<T, long double> &&
                        std::numeric_limits<long double>::digits == 53)) {
    const double value = static_cast<double>(x);
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return (bits & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
  } else if constexpr (std::is_same_v<T, long double>) {
    if (is_finite_bits(x)) return false;
    // Infinite or NaN: the significand (without x87's explicit integer bit) is 0 only for inf.
    unsigned char bytes[sizeof(long double)];
    std::memcpy(bytes, &x, sizeof bytes);
    const bool x87 = std::numeric_limits<long double>::digits == 64;
    const std::size_t significand_bytes = x87 ? 8 : 14;
    for (std::size_t k = 0; k < significand_bytes; ++k) {
      const unsigned char byte =
          (x87 && k == 7) ? static_cast<unsigned char>(bytes[k] & 0x7f) : bytes[k];
      if (byte != 0) return true;
    }
    return false;
  } else {
    return false;
  }
}

/// True if every entry of m is finite, from the bit patterns (see is_finite_bits).
template <class Derived>
bool all_finite_bits(const Eigen::DenseBase<Derived>& m) {
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      if (!is_finite_bits(m.derived().coeff(i, j))) return false;
    }
  }
  return true;
}

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
