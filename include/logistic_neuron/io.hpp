/// \file io.hpp
/// \brief The model file format of LogisticNeuron::save and LogisticNeuron::load, and the free
/// functions that write and read it.
///
/// ## Format, version 1
///
/// Plain text, one item per line, lines ending in '\n' (a trailing '\r' is ignored, so files that
/// went through Windows still load). Spaces and tabs at either end of a line are ignored; keywords
/// and values on one line are separated by spaces. Numbers are written in C locale
/// (`std::to_chars`, general format) with std::numeric_limits<Scalar>::max_digits10 significant
/// digits, so that reading one back gives the same bits. The lines, in this order:
///
/// \verbatim
/// logistic_neuron_model 1          magic word and format version (this library reads version 1)
/// scalar double                    float, double or long double: the type the numbers were saved in
/// features 3                       d, the feature count: 1 <= d <= max_model_features
/// weights                          then d lines, one weight each (finite numbers)
/// 0.52000000000000002
/// -1.25
/// 3.0000000000000001e-05
/// bias -0.125                      the bias (a finite number)
/// feature_names                    optional: then d lines, one name each
/// radius
/// mean texture
/// area
/// standardization                  optional: then d lines "mean scale", scale > 0, both finite
/// 14.127 3.524
/// 19.29 4.301
/// 654.9 351.9
/// end                              required: the model ends here
/// \endverbatim
///
/// A feature name is 1 to max_feature_name_length bytes, has no control characters (bytes below
/// 0x20, and 0x7f) and does not start or end with a space; other bytes (UTF-8 included) are kept
/// as they are. The reader stops after the `end` line and leaves the rest of the stream unread, so
/// models can be concatenated in one stream.
///
/// Scalar types: numbers are parsed as the type the file names, then converted to the type asked
/// for. Widening (float to double or long double, double to long double) is exact. Narrowing
/// rounds to nearest; a value that overflows the narrower type is an error, one that underflows
/// becomes 0 or a subnormal. Bit-exact round trips hold for float and double on every platform
/// and for long double between machines with the same long double format.
///
/// Anything malformed throws FormatError, whose message and line() give the 1-based line number
/// and say what was expected and what came: a truncated file, a wrong magic word or version, an
/// unknown scalar type, a feature count that is not an integer in [1, max_model_features], a line
/// that is not a number where one is expected (so too few or too many weights show as such),
/// NaN or infinity, a number out of range, a scale <= 0, a bad feature name, an unknown section,
/// a line longer than max_model_line_length. The reader never reserves memory from a size the
/// file claims: its memory grows only with the lines it has actually read.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <istream>
#include <limits>
#include <locale>
#include <sstream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/errors.hpp"

namespace logistic_neuron {

/// The model format version that save() writes and load() reads.
inline constexpr int model_format_version = 1;
/// The largest feature count a model file may claim.
inline constexpr Eigen::Index max_model_features = 10'000'000;
/// The longest line (in bytes, without the line end) a model file may have.
inline constexpr std::size_t max_model_line_length = 4096;
/// The longest feature name, in bytes.
inline constexpr std::size_t max_feature_name_length = 1024;

/// Everything a model file holds, on its own (no LogisticNeuron needed).
template <class Scalar>
struct ModelFile {
  static_assert(detail::is_supported_scalar_v<Scalar>,
                "logistic_neuron::ModelFile<Scalar>: Scalar must be float, double or long double");
  /// One weight per feature.
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
      return "has the control character " + std::to_string(static_cast<int>(c)) +
             " at byte " + std::to_string(k);
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

  [[noreturn]] void fail(const std::string& what) const {
    throw FormatError(m_line, std::string(m_caller) + ": line " + std::to_string(m_line) + ": " +
                                  what);
  }

  /// The next line, trimmed of spaces and tabs (and a final '\r'). `expected` says what it should
  /// hold, for the message when the input ends instead.
  std::string next(const std::string& expected) {
    ++m_line;
    std::string text;
    bool any = false;
    for (;;) {
      const std::istream::int_type c = m_in.get();
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
    const std::from_chars_result r = std::from_chars(first, last, value, std::chars_format::general);
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
    if (!std::isfinite(value)) {
      fail(what + " is " + quote(token) + "; expected a finite number");
    }
    const Target converted = static_cast<Target>(value);
    if (!std::isfinite(converted)) {
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
  const std::string what = "a feature count, an integer in [1, " +
                           std::to_string(max_model_features) + "]";
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

/// Reads the lines after "scalar <File>": numbers are parsed as File and converted to Target.
template <class File, class Target>
ModelFile<Target> read_model_body(LineReader& reader) {
  ModelFile<Target> model;
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
    for (Eigen::Index j = 0; j < d; ++j) {
      const std::string what = "feature name " + std::to_string(j + 1) + " of " + std::to_string(d);
      std::string name = reader.next(what);
      const std::string problem = feature_name_problem(name);
      if (!problem.empty()) reader.fail(what + " " + problem);
      model.feature_names.push_back(std::move(name));
    }
    line = reader.next("\"standardization\" or \"end\"");
  }
  if (line == "standardization") {
    std::vector<Target> means, scales;
    for (Eigen::Index j = 0; j < d; ++j) {
      const std::string row = std::to_string(j + 1) + " of " + std::to_string(d);
      LineReader::split(reader.next("standardization line " + row + " (\"mean scale\")"),
                        keyword, value);
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
    model.feature_means = Eigen::Map<const Vector<Target>>(means.data(), d);
    model.feature_scales = Eigen::Map<const Vector<Target>>(scales.data(), d);
    line = reader.next("\"end\"");
  }
  if (line != "end") {
    const char* optional = model.feature_means.size() != 0 ? ""
                           : model.feature_names.empty()
                               ? " (or an optional \"feature_names\" or \"standardization\" section)"
                               : " (or an optional \"standardization\" section)";
    reader.fail(std::string("expected \"end\"") + optional + ", got " + quote(line));
  }
  model.weights = Eigen::Map<const Vector<Target>>(weights.data(), d);
  return model;
}

}  // namespace detail

/// Checks a model's parts: d >= 1 weights, all finite; a finite bias; names empty or d valid
/// names; means and scales both empty or both d finite values with scales > 0.
/// \throws std::invalid_argument naming `caller` and the first problem.
template <class Scalar>
void validate_model(const char* caller, const detail::Vector<Scalar>& weights, Scalar bias,
                    const std::vector<std::string>& feature_names,
                    const detail::Vector<Scalar>& feature_means,
                    const detail::Vector<Scalar>& feature_scales) {
  const std::string where = std::string(caller) + ": ";
  const Eigen::Index d = weights.size();
  if (d < 1 || d > max_model_features) {
    throw std::invalid_argument(where + "the model has " + std::to_string(d) +
                                " weights; expected 1 to " + std::to_string(max_model_features));
  }
  if (!weights.allFinite() || !std::isfinite(bias)) {
    throw std::invalid_argument(where + "the weights and the bias must be finite");
  }
  if (!feature_names.empty()) {
    if (static_cast<Eigen::Index>(feature_names.size()) != d) {
      throw std::invalid_argument(where + "got " + std::to_string(feature_names.size()) +
                                  " feature names for " + std::to_string(d) + " features");
    }
    for (std::size_t j = 0; j < feature_names.size(); ++j) {
      const std::string problem = detail::feature_name_problem(feature_names[j]);
      if (!problem.empty()) {
        throw std::invalid_argument(where + "feature name " + std::to_string(j) + " " +
                                    detail::quote(feature_names[j]) + " " + problem);
      }
    }
  }
  if (feature_means.size() != feature_scales.size() ||
      (feature_means.size() != 0 && feature_means.size() != d)) {
    throw std::invalid_argument(where + "got " + std::to_string(feature_means.size()) +
                                " means and " + std::to_string(feature_scales.size()) +
                                " scales for " + std::to_string(d) +
                                " features; expected both empty or both " + std::to_string(d));
  }
  for (Eigen::Index j = 0; j < feature_means.size(); ++j) {
    if (!std::isfinite(feature_means[j]) ||
        !(std::isfinite(feature_scales[j]) && feature_scales[j] > 0)) {
      throw std::invalid_argument(where + "feature " + std::to_string(j) + " has mean " +
                                  detail::format_number(feature_means[j]) + " and scale " +
                                  detail::format_number(feature_scales[j]) +
                                  "; expected a finite mean and a finite scale > 0");
    }
  }
}

/// Writes a model in the format described in io.hpp.
/// \param out the stream to write to; its locale and format flags do not matter.
/// \param model the parts; checked first with validate_model.
/// \throws std::invalid_argument for invalid parts (nothing is written then);
///   std::runtime_error if the stream fails.
template <class Scalar>
void write_model(std::ostream& out, const ModelFile<Scalar>& model) {
  validate_model("logistic_neuron::write_model", model.weights, model.bias, model.feature_names,
                 model.feature_means, model.feature_scales);
  std::string text = "logistic_neuron_model " + std::to_string(model_format_version) + "\n";
  text += std::string("scalar ") + detail::scalar_name<Scalar>() + "\n";
  text += "features " + std::to_string(model.weights.size()) + "\nweights\n";
  for (Eigen::Index j = 0; j < model.weights.size(); ++j) {
    text += detail::format_number(model.weights[j]) + "\n";
  }
  text += "bias " + detail::format_number(model.bias) + "\n";
  if (!model.feature_names.empty()) {
    text += "feature_names\n";
    for (const std::string& name : model.feature_names) text += name + "\n";
  }
  if (model.feature_means.size() != 0) {
    text += "standardization\n";
    for (Eigen::Index j = 0; j < model.feature_means.size(); ++j) {
      text += detail::format_number(model.feature_means[j]) + " " +
              detail::format_number(model.feature_scales[j]) + "\n";
    }
  }
  text += "end\n";
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.flush();
  if (!out) throw std::runtime_error("logistic_neuron::write_model: the stream failed while writing");
}

/// Reads one model in the format described in io.hpp, stopping after its "end" line.
/// \param in the stream to read from.
/// \param caller the name the messages start with.
/// \return the model's parts, converted to Scalar as io.hpp describes.
/// \throws FormatError (a std::runtime_error) naming the line and what was wrong.
template <class Scalar>
ModelFile<Scalar> read_model(std::istream& in, const char* caller = "logistic_neuron::read_model") {
  detail::LineReader reader(in, caller);
  const std::string magic = "logistic_neuron_model";
  std::string keyword, value;
  detail::LineReader::split(reader.next("\"" + magic + " 1\""), keyword, value);
  if (keyword != magic) {
    reader.fail("expected \"" + magic + " <version>\" (is this a logistic_neuron model?), got " +
                detail::quote(keyword + (value.empty() ? "" : " " + value)));
  }
  if (value != std::to_string(model_format_version)) {
    reader.fail("unsupported format version " + detail::quote(value) +
                "; this library reads version " + std::to_string(model_format_version));
  }
  detail::LineReader::split(reader.next("\"scalar <type>\""), keyword, value);
  if (keyword != "scalar") {
    reader.fail("expected \"scalar <type>\", got " + detail::quote(keyword + " " + value));
  }
  if (value == "float") return detail::read_model_body<float, Scalar>(reader);
  if (value == "double") return detail::read_model_body<double, Scalar>(reader);
  // "long double": the two words may be separated by any spaces.
  std::string first, second;
  detail::LineReader::split(value, first, second);
  if (first == "long" && second == "double") return detail::read_model_body<long double, Scalar>(reader);
  reader.fail("unknown scalar type " + detail::quote(value) +
              "; expected float, double or long double");
}

}  // namespace logistic_neuron
