/// \file logistic_neuron.hpp
/// \brief The header users include: everything of the library (but the opt-in MPI header).
///
/// - neuron.hpp: `logistic_neuron::LogisticNeuron<Scalar>`, binary logistic regression as one
///   neuron: fit, predict, cost and gradient;
/// - io.hpp: the model file format (save, load); export.hpp: a model as dependency-free C++;
/// - metrics.hpp: accuracy, log loss, ROC and the rest, in `logistic_neuron::metrics`;
/// - inference.hpp: standard errors, p-values and the rest of a maximum-likelihood fit.
/// - path.hpp: the elastic-net path (fit_path); cv.hpp: its cross-validation (cross_validate).
///
/// \code
/// #include <logistic_neuron/logistic_neuron.hpp>
///
/// logistic_neuron::LogisticNeuron<double> neuron;
/// const auto result = neuron.fit(X, y);          // X: n x d, one sample per row; y in {0, 1}
/// Eigen::VectorXd p = neuron.predict_proba(X);
/// \endcode
#pragma once

#include "base/version.hpp"
#include "cv.hpp"
#include "export.hpp"
#include "inference.hpp"
#include "io.hpp"
#include "metrics.hpp"
#include "neuron.hpp"
#include "path.hpp"
