/// \file model_format.hpp
/// \brief The model file format's reader and writer (the format is specified in io.hpp)
/// (internal).
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <ios>
#include <istream>
#include <limits>
#include <locale>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/errors.hpp"
#include "../base/model.hpp"

namespace logistic_neuron {
namespace detail {

/// The name of a supported scalar type as the format writes it.
template <class Scalar>
constexpr const char* scalar_name() noexcept {
  if constexpr (std::is_same_v<Scalar, float>) {
    return "float";
  } else if constexpr (std::is_same_v<Scalar, double>) {
    return "double";
  } else {
    return "long double";
  }
}

/// Empty if `name` is a valid feature name, else what is wrong with it.
inline std::string feature_name_problem(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.size() > max_feature_name_length) {
    return "is " + std::to_string(name.size()) + " bytes long; the limit is " +
           std::to_string(max_feature_name_length);
  }
  for (std::size_t k = 0; k < name.size(); ++k) {
    const auto c = static_cast<unsigned char>(name[k]);
    if (c < 0x20 || c == 0x7f) {
      return "has the control character " + std::to_string(static_cast<int>(c)) + " at byte " +
             std::to_string(k);
    }
  }
  if (name.front() == ' ' || name.back() == ' ') return "starts or ends with a space";
  return {};
}

/// A number in C locale with max_digits10 significant digits.
template <class Scalar>
std::string format_number(Scalar value) {
  char buffer[64];
  const std::to_chars_result r =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general,
                    std::numeric_limits<Scalar>::max_digits10);
  return std::string(buffer, r.ptr);
}

/// A text quoted for an error message, cut short if long, control characters shown as '?'.
inline std::string quote(const std::string& text) {
  constexpr std::size_t shown = 60;
  std::string out = "\"";
  for (std::size_t k = 0; k < text.size() && k < shown; ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    out += (c < 0x20 || c == 0x7f) ? '?' : text[k];
  }
  if (text.size() > shown) out += "...";
  return out + "\"";
}

/// Reads a model file line by line, keeping count, with bounded line length.
class LineReader {
 public:
  LineReader(std::istream& in, const char* caller) : m_in(in), m_caller(caller) {}

  std::size_t line() const noexcept { return m_line; }

  /// The next character, or eof; a stream that throws (exceptions() set) is read as one that
  /// does not: its end is the end of the input, any other failure is a FormatError.
  std::istream::int_type get() {
    try {
      return m_in.get();
    } catch (const std::ios_base::failure&) {
      if (m_in.eof() && !m_in.bad()) return std::istream::traits_type::eof();
      fail("the stream failed while reading");
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(m_line,
                      std::string(m_caller) + ": line " + std::to_string(m_line) + ": " + what);
  }

  /// The next line, trimmed of spaces and tabs (and a final '\r'). `expected` says what it should
  /// hold, for the message when the input ends instead.
  std::string next(const std::string& expected) {
    ++m_line;
    std::string text;
    bool any = false;
    for (;;) {
      const std::istream::int_type c = get();
      if (c == std::istream::traits_type::eof()) {
        if (m_in.bad()) fail("the stream failed while reading");
        if (!any) fail("the input ended (truncated); expected " + expected);
        break;
      }
      any = true;
      if (c == '\n') break;
      if (text.size() >= max_model_line_length) {
        fail("the line is longer than " + std::to_string(max_model_line_length) +
             " bytes; expected " + expected);
      }
      text.push_back(static_cast<char>(c));
    }
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const std::size_t first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    const std::size_t last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
  }

  /// Splits "keyword value" at the first run of spaces or tabs; value is "" if there is none.
  static void split(const std::string& text, std::string& keyword, std::string& value) {
    const std::size_t gap = text.find_first_of(" \t");
    if (gap == std::string::npos) {
      keyword = text;
      value.clear();
      return;
    }
    keyword = text.substr(0, gap);
    const std::size_t start = text.find_first_not_of(" \t", gap);
    value = start == std::string::npos ? std::string() : text.substr(start);
  }

  /// Parses `token` as a finite number of type File, then converts it to Target.
  template <class File, class Target>
  Target number(const std::string& token, const std::string& what) const {
    File value{};
    const char* first = token.data();
    const char* last = first + token.size();
    const std::from_chars_result r =
        std::from_chars(first, last, value, std::chars_format::general);
    if (token.empty() || r.ec == std::errc::invalid_argument || r.ptr != last) {
      fail("expected " + what + " (a number), got " + quote(token));
    }
    if (r.ec == std::errc::result_out_of_range) {
      // Some standard libraries report underflow (a subnormal or zero result) as out of range.
      // The C-locale stream parse accepts underflow and fails on overflow.
      std::istringstream stream(token);
      stream.imbue(std::locale::classic());
      value = File{};
      if (!(stream >> value) || stream.peek() != std::istringstream::traits_type::eof()) {
        fail(what + " " + quote(token) + " is out of the range of " + scalar_name<File>());
      }
    }
    if (!is_finite_bits(value)) {
      fail(what + " is " + quote(token) + "; expected a finite number");
    }
    const Target converted = static_cast<Target>(value);
    if (!is_finite_bits(converted)) {
      fail(what + " " + quote(token) + " overflows " + scalar_name<Target>());
    }
    return converted;
  }

 private:
  std::istream& m_in;
  const char* m_caller;
  std::size_t m_line = 0;
};

/// The feature count on a "features d" line.
inline Eigen::Index parse_feature_count(const LineReader& reader, const std::string& token) {
  const std::string what =
      "a feature count, an integer in [1, " + std::to_string(max_model_features) + "]";
  long long count = 0;
  const char* first = token.data();
  const char* last = first + token.size();
  const std::from_chars_result r = std::from_chars(first, last, count);
  if (token.empty() || r.ec == std::errc::invalid_argument || r.ptr != last) {
    reader.fail("expected " + what + ", got " + quote(token));
  }
  if (r.ec == std::errc::result_out_of_range || count < 1 || count > max_model_features) {
    reader.fail("expected " + what + ", got " + quote(token));
  }
  return static_cast<Eigen::Index>(count);
}

/// Reads the d lines of a "feature_names" section into `names`.
inline void read_feature_names(LineReader& reader, Eigen::Index d,
                               std::vector<std::string>& names) {
  for (Eigen::Index j = 0; j < d; ++j) {
    const std::string what = "feature name " + std::to_string(j + 1) + " of " + std::to_string(d);
    std::string name = reader.next(what);
    const std::string problem = feature_name_problem(name);
    if (!problem.empty()) reader.fail(what + " " + problem);
    names.push_back(std::move(name));
  }
}

/// Reads the d "mean scale" lines of a "standardization" section (numbers parsed as File,
/// converted to Target; every scale > 0).
template <class File, class Target>
void read_standardization(LineReader& reader, Eigen::Index d, Vector<Target>& feature_means,
                          Vector<Target>& feature_scales) {
  std::vector<Target> means, scales;
  std::string keyword, value;
  for (Eigen::Index j = 0; j < d; ++j) {
    const std::string row = std::to_string(j + 1) + " of " + std::to_string(d);
    LineReader::split(reader.next("standardization line " + row + " (\"mean scale\")"), keyword,
                      value);
    if (value.empty() || value.find_first_of(" \t") != std::string::npos) {
      reader.fail("expected standardization line " + row + " as \"mean scale\", got " +
                  quote(keyword + (value.empty() ? "" : " " + value)));
    }
    means.push_back(reader.number<File, Target>(keyword, "mean " + row));
    const Target scale = reader.number<File, Target>(value, "scale " + row);
    if (!(scale > 0)) {
      reader.fail("scale " + row + " is " + quote(value) + "; expected a scale > 0");
    }
    scales.push_back(scale);
  }
  feature_means = Eigen::Map<const Vector<Target>>(means.data(), d);
  feature_scales = Eigen::Map<const Vector<Target>>(scales.data(), d);
}

/// Reads the lines after "scalar <File>": numbers are parsed as File and converted to Target.
template <class File, class Target>
Model<Target> read_model_body(LineReader& reader) {
  Model<Target> model;
  std::string keyword, value;

  LineReader::split(reader.next("\"features <count>\""), keyword, value);
  if (keyword != "features") {
    reader.fail("expected \"features <count>\", got " + quote(keyword + " " + value));
  }
  const Eigen::Index d = parse_feature_count(reader, value);

  // Grown as lines arrive: never reserved from the claimed count.
  std::vector<Target> weights;
  if (reader.next("\"weights\"") != "weights") {
    reader.fail("expected \"weights\"");
  }
  for (Eigen::Index j = 0; j < d; ++j) {
    const std::string what = "weight " + std::to_string(j + 1) + " of " + std::to_string(d);
    weights.push_back(reader.number<File, Target>(reader.next(what), what));
  }

  LineReader::split(reader.next("\"bias <number>\""), keyword, value);
  if (keyword != "bias") {
    reader.fail("expected \"bias <number>\" after " + std::to_string(d) + " weights, got " +
                quote(keyword + (value.empty() ? "" : " " + value)));
  }
  model.bias = reader.number<File, Target>(value, "the bias");

  std::string line = reader.next("\"feature_names\", \"standardization\" or \"end\"");
  if (line == "feature_names") {
    read_feature_names(reader, d, model.feature_names);
    line = reader.next("\"standardization\" or \"end\"");
  }
  if (line == "standardization") {
    read_standardization<File>(reader, d, model.feature_means, model.feature_scales);
    line = reader.next("\"end\"");
  }
  if (line != "end") {
    const char* optional =
        model.feature_means.size() != 0 ? ""
        : model.feature_names.empty()
            ? " (or an optional \"feature_names\" or \"standardization\" section)"
            : " (or an optional \"standardization\" section)";
    reader.fail(std::string("expected \"end\"") + optional + ", got " + quote(line));
  }
  model.weights = Eigen::Map<const Vector<Target>>(weights.data(), d);
  return model;
}

/// Empty if (weights, bias, names, means, scales) make a valid model, else what is wrong: d >= 1
/// weights (at most max_model_features), all finite; a finite bias; names empty or d valid
/// names; means and scales both empty or both d finite values with scales > 0.
template <class Scalar>
std::string model_problem(const Vector<Scalar>& weights, Scalar bias,
                          const std::vector<std::string>& feature_names,
                          const Vector<Scalar>& feature_means,
                          const Vector<Scalar>& feature_scales) {
  const Eigen::Index d = weights.size();
  if (d == 0) return "weights is empty; expected at least one feature";
  if (d > max_model_features) {
    return "the model has " + std::to_string(d) + " weights; expected at most " +
           std::to_string(max_model_features);
  }
  for (Eigen::Index j = 0; j < d; ++j) {
    if (!is_finite_bits(weights[j])) {
      return "weights[" + std::to_string(j) + "] is " + format_number(weights[j]) +
             "; expected finite weights";
    }
  }
  if (!is_finite_bits(bias)) return "bias is " + format_number(bias) + "; expected a finite bias";
  if (!feature_names.empty()) {
    if (static_cast<Eigen::Index>(feature_names.size()) != d) {
      return "got " + std::to_string(feature_names.size()) + " feature names for " +
             std::to_string(d) + " features";
    }
    for (std::size_t j = 0; j < feature_names.size(); ++j) {
      const std::string problem = feature_name_problem(feature_names[j]);
      if (!problem.empty()) {
        return "feature name " + std::to_string(j) + " " + quote(feature_names[j]) + " " + problem;
      }
    }
  }
  if (feature_means.size() != feature_scales.size() ||
      (feature_means.size() != 0 && feature_means.size() != d)) {
    return "got " + std::to_string(feature_means.size()) + " means and " +
           std::to_string(feature_scales.size()) + " scales for " + std::to_string(d) +
           " features; expected both empty or both " + std::to_string(d);
  }
  for (Eigen::Index j = 0; j < feature_means.size(); ++j) {
    if (!is_finite_bits(feature_means[j]) ||
        !(is_finite_bits(feature_scales[j]) && feature_scales[j] > 0)) {
      return "feature " + std::to_string(j) + " has mean " + format_number(feature_means[j]) +
             " and scale " + format_number(feature_scales[j]) +
             "; expected a finite mean and a finite scale > 0";
    }
  }
  return {};
}

/// Throws std::invalid_argument naming `caller` if the parts do not make a valid model.
template <class Scalar>
void check_model(const char* caller, const Vector<Scalar>& weights, Scalar bias,
                 const std::vector<std::string>& feature_names, const Vector<Scalar>& feature_means,
                 const Vector<Scalar>& feature_scales) {
  const std::string problem =
      model_problem(weights, bias, feature_names, feature_means, feature_scales);
  if (!problem.empty()) throw std::invalid_argument(std::string(caller) + ": " + problem);
}

/// The text of a (valid) model in the format of io.hpp.
template <class Scalar>
std::string model_text(const Model<Scalar>& model) {
  std::string text = "logistic_neuron_model " + std::to_string(model_format_version) + "\n";
  text += std::string("scalar ") + scalar_name<Scalar>() + "\n";
  text += "features " + std::to_string(model.weights.size()) + "\nweights\n";
  for (Eigen::Index j = 0; j < model.weights.size(); ++j) {
    text += format_number(model.weights[j]) + "\n";
  }
  text += "bias " + format_number(model.bias) + "\n";
  if (!model.feature_names.empty()) {
    text += "feature_names\n";
    for (const std::string& name : model.feature_names) text += name + "\n";
  }
  if (model.feature_means.size() != 0) {
    text += "standardization\n";
    for (Eigen::Index j = 0; j < model.feature_means.size(); ++j) {
      text += format_number(model.feature_means[j]) + " " + format_number(model.feature_scales[j]) +
              "\n";
    }
  }
  text += "end\n";
  return text;
}

/// Writes `text` to `out` and flushes it; a failure (or a throwing stream) becomes a
/// std::runtime_error "<caller>: <what> failed".
inline void write_text(std::ostream& out, const std::string& text, const char* caller,
                       const std::string& what) {
  bool failed = false;
  try {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.flush();
    failed = !out;
  } catch (const std::ios_base::failure&) {
    failed = true;
  }
  if (failed) throw std::runtime_error(std::string(caller) + ": " + what + " failed");
}

/// Reads one model (see io.hpp), stopping after its "end" line; messages start with `caller`.
template <class Scalar>
Model<Scalar> read_model_from(std::istream& in, const char* caller) {
  LineReader reader(in, caller);
  const std::string magic = "logistic_neuron_model";
  std::string keyword, value;
  LineReader::split(reader.next("\"" + magic + " 1\""), keyword, value);
  if (keyword != magic) {
    reader.fail("expected \"" + magic + " <version>\" (is this a logistic_neuron model?), got " +
                quote(keyword + (value.empty() ? "" : " " + value)));
  }
  if (value != std::to_string(model_format_version)) {
    reader.fail("unsupported format version " + quote(value) + "; this library reads version " +
                std::to_string(model_format_version));
  }
  LineReader::split(reader.next("\"scalar <type>\""), keyword, value);
  if (keyword != "scalar") {
    reader.fail("expected \"scalar <type>\", got " + quote(keyword + " " + value));
  }
  if (value == "float") return read_model_body<float, Scalar>(reader);
  if (value == "double") return read_model_body<double, Scalar>(reader);
  // "long double": the two words may be separated by any spaces.
  std::string first, second;
  LineReader::split(value, first, second);
  if (first == "long" && second == "double") return read_model_body<long double, Scalar>(reader);
  reader.fail("unknown scalar type " + quote(value) + "; expected float, double or long double");
}

}  // namespace detail
}  // namespace logistic_neuron
