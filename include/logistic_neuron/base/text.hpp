/// \file text.hpp
/// \brief Formatting numbers for exception messages (internal).
#pragma once

#include <charconv>
#include <locale>
#include <sstream>
#include <string>
#include <type_traits>

namespace logistic_neuron {
namespace detail {

/// A number as text that tells it apart from every other value of its type: floating-point
/// values in the shortest form that reads back as the same value (so 1 + 1e-15 is not shown as
/// "1"; "nan", "inf" and "-inf" as such), integers (char and bool included) as decimal numbers,
/// anything else as a stream prints it.
template <class T>
std::string to_text(T value) {
  if constexpr (std::is_integral_v<T>) {
    if constexpr (std::is_signed_v<T>) {
      return std::to_string(static_cast<long long>(value));
    } else {
      return std::to_string(static_cast<unsigned long long>(value));
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    char buffer[64];
    const std::to_chars_result r = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, r.ptr);
  } else {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << value;
    return out.str();
  }
}

}  // namespace detail
}  // namespace logistic_neuron
