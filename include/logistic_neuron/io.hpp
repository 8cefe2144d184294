/// \file io.hpp
/// \brief The model file format of LogisticNeuron::save and LogisticNeuron::load, and the free
/// functions that write and read it (LogisticNeuron's members forward to them).
///
/// ## Format, version 1
///
/// Plain text, one item per line, lines ending in '\\n' (a trailing '\\r' is ignored, so files that
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
/// Anything malformed throws FormatError (base/errors.hpp), whose message and line() give the 1-based line number
/// and say what was expected and what came: a truncated file, a wrong magic word or version, an
/// unknown scalar type, a feature count that is not an integer in [1, max_model_features], a line
/// that is not a number where one is expected (so too few or too many weights show as such),
/// NaN or infinity, a number out of range, a scale <= 0, a bad feature name, an unknown section,
/// a line longer than max_model_line_length. The reader never reserves memory from a size the
/// file claims: its memory grows only with the lines it has actually read.
#pragma once

#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/errors.hpp"
#include "base/model.hpp"
#include "detail/model_format.hpp"

namespace logistic_neuron {

/// Checks a model's parts: 1 to max_model_features weights, all finite; a finite bias; names
/// empty or one valid name per feature; means and scales both empty or both one per feature,
/// finite, with scales > 0.
/// \param caller the name the message starts with.
/// \param weights the weights. \param bias the bias. \param feature_names the names, or empty.
/// \param feature_means the standardization's means, or empty.
/// \param feature_scales the standardization's scales, or empty.
/// \throws std::invalid_argument naming `caller` and the first problem.
template <class Scalar>
void validate_model(const char* caller, const detail::Vector<Scalar>& weights, Scalar bias,
                    const std::vector<std::string>& feature_names,
                    const detail::Vector<Scalar>& feature_means,
                    const detail::Vector<Scalar>& feature_scales) {
  detail::check_model(caller, weights, bias, feature_names, feature_means, feature_scales);
}

/// Writes a model in the format described in io.hpp.
/// \param out the stream to write to; its locale and format flags do not matter.
/// \param model the parts; checked first with validate_model.
/// \param caller the name messages start with.
/// \throws std::invalid_argument for invalid parts (nothing is written then);
///   std::runtime_error naming `caller` if the stream fails (or throws).
template <class Scalar>
void write_model(std::ostream& out, const Model<Scalar>& model,
                 const char* caller = "logistic_neuron::write_model") {
  detail::check_model(caller, model.weights, model.bias, model.feature_names, model.feature_means,
                      model.feature_scales);
  detail::write_text(out, detail::model_text(model), caller, "writing the stream");
}

/// Writes a model to a file (created or truncated); see write_model(std::ostream&, ...).
/// \param path the file. \param model the parts. \param caller the name messages start with.
/// \throws std::invalid_argument for invalid parts (nothing is written then);
///   std::runtime_error naming `caller` and the path if the file cannot be opened or written
///   (e.g. a full device).
template <class Scalar>
void write_model(const std::string& path, const Model<Scalar>& model,
                 const char* caller = "logistic_neuron::write_model") {
  detail::check_model(caller, model.weights, model.bias, model.feature_names, model.feature_means,
                      model.feature_scales);
  const std::string text = detail::model_text(model);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    throw std::runtime_error(std::string(caller) + ": cannot open \"" + path + "\" for writing");
  }
  const std::string what = "writing \"" + path + "\"";
  detail::write_text(out, text, caller, what);
  out.close();
  if (!out) throw std::runtime_error(std::string(caller) + ": " + what + " failed");
}

/// Reads one model in the format described in io.hpp, stopping after its "end" line.
/// \param in the stream to read from (a stream with exceptions() set is read the same way).
/// \param caller the name the messages start with.
/// \return the model's parts, converted to Scalar as io.hpp describes.
/// \throws FormatError (a std::runtime_error) naming `caller`, the line and what was wrong.
template <class Scalar>
Model<Scalar> read_model(std::istream& in, const char* caller = "logistic_neuron::read_model") {
  return detail::read_model_from<Scalar>(in, caller);
}

/// Reads one model from a file; see read_model(std::istream&, ...).
/// \param path the file. \param caller the name the messages start with.
/// \return the model's parts.
/// \throws std::runtime_error naming `caller` and the path if the file cannot be opened;
///   FormatError as read_model(std::istream&, ...), its message naming the path after `caller`:
///   "<caller>: \"<path>\": line N: <what was wrong>".
template <class Scalar>
Model<Scalar> read_model(const std::string& path,
                         const char* caller = "logistic_neuron::read_model") {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(std::string(caller) + ": cannot open \"" + path + "\" for reading");
  }
  const std::string where = std::string(caller) + ": \"" + path + "\"";
  return detail::read_model_from<Scalar>(in, where.c_str());
}

}  // namespace logistic_neuron
