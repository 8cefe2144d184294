/// \file errors.hpp
/// \brief The library's own exception type for input files and streams that cannot be read.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace logistic_neuron {

/// A model or data file that cannot be read: what() is "<caller>: line N: <what was wrong>"
/// (with the column too where the reader knows it).
class FormatError : public std::runtime_error {
 public:
  /// \param line the 1-based line number where the problem was found.
  /// \param message the whole message (it should already name the line).
  /// \param column the 1-based column (byte) where the problem was found, or 0 if not known.
  FormatError(std::size_t line, const std::string& message, std::size_t column = 0)
      : std::runtime_error(message), m_line(line), m_column(column) {}
  /// \brief Where the problem was found.
  /// \return the 1-based number of the line.
  std::size_t line() const noexcept { return m_line; }
  /// \brief Where in its line the problem was found.
  /// \return the 1-based column (byte in the line), or 0 if not known.
  std::size_t column() const noexcept { return m_column; }

 private:
  std::size_t m_line;
  std::size_t m_column;
};

}  // namespace logistic_neuron
