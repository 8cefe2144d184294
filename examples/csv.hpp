/// \file csv.hpp
/// \brief A small, strict CSV reader for the examples (not part of the library).
///
/// Reads a comma-separated file with one header line and numeric fields only, one sample per
/// line. Anything else (a missing file, an empty file, a line with the wrong number of fields, a
/// field that is not a finite number) throws std::runtime_error with a message that names the
/// file, the line and what was expected.
#pragma once

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace examples {

/// A CSV file: the names in its header line and its values, one row per data line.
struct CsvTable {
  std::vector<std::string> header;  ///< The column names, from the first line.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> values;  ///< n x columns.
};

namespace csv_detail {

inline std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::string::size_type begin = 0;
  for (;;) {
    const std::string::size_type comma = line.find(',', begin);
    fields.push_back(line.substr(begin, comma == std::string::npos ? std::string::npos
                                                                     : comma - begin));
    if (comma == std::string::npos) return fields;
    begin = comma + 1;
  }
}

inline std::string trim(const std::string& text) {
  const char* space = " \t\r";
  const std::string::size_type first = text.find_first_not_of(space);
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

}  // namespace csv_detail

/// Reads a CSV file with a header line and finite numbers in every other field.
/// Blank lines may end the file; Windows line ends are accepted. Data row i is line i + 2.
/// \param path the file to read.
/// \return its header and values.
/// \throws std::runtime_error naming the file (and line and column) when the file cannot be
///   opened or read, has no header, has no data line, has a blank line before a data line, has
///   a line whose field count differs from the header's, or has a field that is not a finite
///   number.
inline CsvTable read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("read_csv: cannot open '" + path + "': " + std::strerror(errno));
  }
  const std::string where = "read_csv: " + path + ":";
  CsvTable table;
  std::string line;
  if (!std::getline(in, line) || csv_detail::trim(line).empty()) {
    if (in.bad()) throw std::runtime_error(where + " cannot read the file");
    throw std::runtime_error(where + "1: " + (in ? "the line is blank" : "the file is empty") +
                             "; expected a header line, then data lines");
  }
  for (const std::string& name : csv_detail::split(line)) {
    table.header.push_back(csv_detail::trim(name));
  }
  const std::size_t columns = table.header.size();
  std::vector<double> values;
  std::size_t rows = 0, line_number = 1, blank_line = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (csv_detail::trim(line).empty()) {  // allowed at the end of the file only
      if (blank_line == 0) blank_line = line_number;
      continue;
    }
    if (blank_line != 0) {
      throw std::runtime_error(where + std::to_string(blank_line) +
                               ": the line is blank; expected a data line");
    }
    const std::vector<std::string> fields = csv_detail::split(line);
    if (fields.size() != columns) {
      throw std::runtime_error(where + std::to_string(line_number) + ": expected " +
                               std::to_string(columns) + " fields (as in the header), got " +
                               std::to_string(fields.size()));
    }
    for (std::size_t j = 0; j < columns; ++j) {
      const std::string field = csv_detail::trim(fields[j]);
      char* end = nullptr;
      const double value = field.empty() ? 0.0 : std::strtod(field.c_str(), &end);
      if (field.empty() || end != field.c_str() + field.size() || !std::isfinite(value)) {
        throw std::runtime_error(where + std::to_string(line_number) + ": column " +
                                 std::to_string(j + 1) + " ('" + table.header[j] + "') is '" +
                                 field + "'; expected a finite number");
      }
      values.push_back(value);
    }
    ++rows;
  }
  if (in.bad()) {
    throw std::runtime_error(where + " read error after line " + std::to_string(line_number));
  }
  if (rows == 0) {
    throw std::runtime_error(where + " no data lines after the header; expected at least one");
  }
  table.values = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic,
                                                Eigen::RowMajor>>(
      values.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(columns));
  return table;
}

}  // namespace examples
