/// \file cpp_export.hpp
/// \brief The C++ header that export_cpp writes (internal).
#pragma once

#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../base/config.hpp"
#include "../base/model.hpp"
#include "../base/version.hpp"
#include "model_format.hpp"

namespace logistic_neuron {
namespace detail {

/// Empty if `name` can prefix the generated names, else what is wrong with it. Accepted: a C
/// identifier of at most 128 characters that starts with a letter and has no two underscores in a
/// row and no final underscore, so that no generated name (name + "_weights", ...) is reserved.
inline std::string export_name_problem(const std::string& name) {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (name.empty()) return "is empty";
  if (name.size() > 128) return "is longer than 128 characters";
  if (!letter(name.front())) return "does not start with a letter";
  for (std::size_t k = 0; k < name.size(); ++k) {
    const char c = name[k];
    if (!letter(c) && !digit(c) && c != '_') {
      return "has a character other than letters, digits and '_' at position " + std::to_string(k);
    }
    if (c == '_' && k + 1 < name.size() && name[k + 1] == '_')
      return "has two underscores in a row";
  }
  if (name.back() == '_') return "ends with an underscore";
  return {};
}

/// A C++ literal of type Scalar that converts back to exactly `value`.
template <class Scalar>
std::string cpp_literal(Scalar value) {
  std::string text = format_number(value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  if constexpr (std::is_same_v<Scalar, float>) {
    text += "f";
  } else if constexpr (std::is_same_v<Scalar, long double>) {
    text += "L";
  }
  return text;
}

/// A C++ string literal holding `text`: quotes, backslashes, '?' and bytes outside printable ASCII
/// are written as escapes (three-digit octal, which cannot run into the next character).
inline std::string cpp_string_literal(const std::string& text) {
  static constexpr char octal[] = "01234567";
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\' || c == '?' || c < 0x20 || c >= 0x7f) {
      out += '\\';
      out += octal[(c >> 6) & 7];
      out += octal[(c >> 3) & 7];
      out += octal[c & 7];
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

/// The opening comment of the header: what it holds and how each function computes.
inline std::string cpp_header_comment(const std::string& name, const std::string& d) {
  std::string h;
  h += "// " + name + ": a binary logistic regression model with " + d + " features, written by\n";
  h += "// logistic_neuron " + std::to_string(LOGISTIC_NEURON_VERSION_MAJOR) + "." +
       std::to_string(LOGISTIC_NEURON_VERSION_MINOR) + "." +
       std::to_string(LOGISTIC_NEURON_VERSION_PATCH) +
       " (LogisticNeuron::export_cpp). Self-contained: no Eigen, no heap.\n";
  h += "//\n";
  h += "// x points to the " + d +
       " features of one sample, in the order the model was fitted on.\n";
  h += "//   " + name +
       "_decision_function(x) = z = bias + x[0] w[0] + x[1] w[1] + ..., summed in this\n";
  h += "//     order, as the library's column-major pass does (bit-identical to it unless the\n";
  h += "//     compiler fuses multiply-adds, e.g. with -mfma and -ffp-contract=fast);\n";
  h += "//   " + name + "_predict_proba(x) = sigmoid(z), evaluated without overflow;\n";
  h += "//   " + name +
       "_predict(x, threshold) = 1 if sigmoid(z) > threshold (default 0.5), else 0.\n";
  return h;
}

/// "constexpr type name[d] = { ... };" with one exact literal per line.
template <class Scalar>
std::string cpp_array(const std::string& name, const Vector<Scalar>& values) {
  std::string h = "constexpr " + std::string(scalar_name<Scalar>()) + " " + name + "[" +
                  std::to_string(values.size()) + "] = {\n";
  for (Eigen::Index j = 0; j < values.size(); ++j) {
    h += "    " + cpp_literal(values[j]) + (j + 1 < values.size() ? ",\n" : "\n");
  }
  return h + "};\n";
}

/// The constants: feature count, weights, bias, and the names and standardization if set.
template <class Scalar>
std::string cpp_constants(const std::string& name, const Model<Scalar>& model) {
  const std::string d = std::to_string(model.weights.size());
  std::string h = "constexpr int " + name + "_n_features = " + d + ";\n";
  h += cpp_array(name + "_weights", model.weights);
  h += "constexpr " + std::string(scalar_name<Scalar>()) + " " + name +
       "_bias = " + cpp_literal(model.bias) + ";\n";
  if (!model.feature_names.empty()) {
    h += "// The name of feature j, for reference.\n";
    h += "constexpr const char* " + name + "_feature_names[" + d + "] = {\n";
    for (std::size_t j = 0; j < model.feature_names.size(); ++j) {
      h += "    " + cpp_string_literal(model.feature_names[j]) +
           (j + 1 < model.feature_names.size() ? ",\n" : "\n");
    }
    h += "};\n";
  }
  if (model.feature_means.size() != 0) {
    h += "// The standardization recorded with the model, for reference: x[j] is expected to be\n";
    h += "// (raw[j] - means[j]) / scales[j]. The functions below do not apply it.\n";
    h += cpp_array(name + "_feature_means", model.feature_means);
    h += cpp_array(name + "_feature_scales", model.feature_scales);
  }
  return h;
}

/// The three inline functions: the logit summed in feature order, the overflow-free sigmoid,
/// and the strict threshold.
template <class Scalar>
std::string cpp_functions(const std::string& name) {
  const std::string type = scalar_name<Scalar>();
  const std::string one = cpp_literal(Scalar(1));
  const std::string zero = cpp_literal(Scalar(0));
  std::string h;
  h += "inline " + type + " " + name + "_decision_function(const " + type + "* x) {\n";
  h += "  " + type + " z = " + name + "_bias;\n";
  h += "  for (int j = 0; j < " + name + "_n_features; ++j) z += " + name + "_weights[j] * x[j];\n";
  h += "  return z;\n}\n\n";
  h += "inline " + type + " " + name + "_predict_proba(const " + type + "* x) {\n";
  h += "  const " + type + " z = " + name + "_decision_function(x);\n";
  h += "  const " + type + " e = std::exp(-std::fabs(z));  // never overflows\n";
  h += "  return (z >= " + zero + " ? " + one + " : e) / (" + one + " + e);\n}\n\n";
  h += "inline int " + name + "_predict(const " + type + "* x, " + type +
       " threshold = " + cpp_literal(Scalar(0.5)) + ") {\n";
  h += "  return " + name + "_predict_proba(x) > threshold ? 1 : 0;\n}\n\n";
  return h;
}

/// Writes the header of a valid model: see export_cpp (export.hpp).
template <class Scalar>
void write_cpp_header(std::ostream& out, const char* caller, const std::string& name,
                      const Model<Scalar>& model) {
  const std::string problem = export_name_problem(name);
  if (!problem.empty()) {
    throw std::invalid_argument(std::string(caller) + ": name " + quote(name) + " " + problem +
                                "; expected a C identifier such as \"my_model\"");
  }
  const std::string guard = "LOGISTIC_NEURON_EXPORT_" + name + "_HPP";
  std::string h = cpp_header_comment(name, std::to_string(model.weights.size()));
  h += "#ifndef " + guard + "\n#define " + guard + "\n\n#include <cmath>\n\n";
  h += cpp_constants(name, model) + "\n" + cpp_functions<Scalar>(name);
  h += "#endif  // " + guard + "\n";
  write_text(out, h, caller, "writing the stream");
}

}  // namespace detail
}  // namespace logistic_neuron
