/// \file export.hpp
/// \brief export_cpp: a model as a self-contained C++ header that predicts without the library
/// (LogisticNeuron::export_cpp forwards to it).
#pragma once

#include <ostream>
#include <string>

#include "base/config.hpp"
#include "base/model.hpp"
#include "detail/cpp_export.hpp"
#include "detail/model_format.hpp"

namespace logistic_neuron {

/// Writes a self-contained C++ header (only `<cmath>`; no Eigen, no heap) that predicts as the
/// model does: constexpr `name_weights[d]`, `name_bias` and `name_n_features`, and inline
/// `Scalar name_decision_function(const Scalar* x)`, `Scalar name_predict_proba(const Scalar* x)`
/// and `int name_predict(const Scalar* x, Scalar threshold = 0.5)` for one sample x of d
/// features. Numbers are written at full precision, so the constants equal the weights bit for
/// bit. The logit is summed as z = b + w_0 x_0 + w_1 x_1 + ... in this order, exactly as
/// LogisticNeuron::decision_function() does for a column-major X (the library's row-major pass
/// sums in a vectorised order, which can differ in the last bits); the probability uses the same
/// formula as predict_proba(). Feature names and the standardization, if set, are written as
/// constant arrays for reference (the functions do not apply the standardization).
/// \param out the stream to write to.
/// \param model the model (checked first, as validate_model does).
/// \param name the prefix of every generated name: a C identifier of at most 128 characters
///   that starts with a letter, without "__" and without a final '_'.
/// \param caller the name messages start with.
/// \throws std::invalid_argument for an invalid model or a bad name (nothing is written then);
///   std::runtime_error naming `caller` if the stream fails.
template <class Scalar>
void export_cpp(std::ostream& out, const Model<Scalar>& model, const std::string& name,
                const char* caller = "logistic_neuron::export_cpp") {
  detail::check_model(caller, model.weights, model.bias, model.feature_names, model.feature_means,
                      model.feature_scales);
  detail::write_cpp_header(out, caller, name, model);
}

}  // namespace logistic_neuron
