/// \file text.hpp
/// \brief Formatting numbers for exception messages (internal).
#pragma once

#include <sstream>
#include <string>

namespace logistic_neuron {
namespace detail {

/// A number as text with enough digits to tell it apart ("nan", "inf" and "-inf" as such).
template <class T>
std::string to_text(T value) {
  std::ostringstream out;
  out.precision(10);
  out << value;
  return out.str();
}

}  // namespace detail
}  // namespace logistic_neuron
