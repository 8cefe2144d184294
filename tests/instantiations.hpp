/// \file instantiations.hpp
/// \brief The heavy templates every test file would otherwise instantiate and optimise again,
/// declared `extern template` here and instantiated once in instantiations_*.cpp (test-only
/// compile-time saving: the library itself stays header-only).
///
/// The test target force-includes this header into each of its files (`-include`, see
/// tests/CMakeLists.txt). The roots are the per-kind entry points the public calls reach:
/// fit_data (every solver, the scaling pass, the separation check), evaluate_at (cost and
/// gradient), forward_pass (decision_function, predict_proba, predict) and fill_summary
/// (summarize), for dense X of float, double and long double in both storage orders. Results
/// are the same code's, only compiled once.
#pragma once

#include <logistic_neuron/logistic_neuron.hpp>

/// Calls X(Scalar, Order) for each dense kind the test files fit.
#define LOGISTIC_NEURON_TEST_DENSE_KINDS(X, Scalar) \
  X(Scalar, Eigen::ColMajor)                        \
  X(Scalar, Eigen::RowMajor)

/// The four roots for InMemory<DenseX<Scalar, Order>>; `how` is `extern template` or `template`.
#define LOGISTIC_NEURON_TEST_ROOTS(how, Scalar, Order)                                         \
  how ::logistic_neuron::FitResult<Scalar>                                                      \
  logistic_neuron::detail::fit_data<                                                          \
      ::logistic_neuron::detail::InMemory<::logistic_neuron::detail::DenseX<Scalar, Order>>>(  \
      const ::logistic_neuron::detail::InMemory<                                                \
          ::logistic_neuron::detail::DenseX<Scalar, Order>>&,                                   \
      const ::logistic_neuron::FitOptions<Scalar>&, int,                                        \
      ::logistic_neuron::detail::Vector<Scalar>&, Scalar&);                                     \
  how Scalar logistic_neuron::detail::evaluate_at<                                            \
      ::logistic_neuron::detail::InMemory<::logistic_neuron::detail::DenseX<Scalar, Order>>>(  \
      const ::logistic_neuron::detail::InMemory<                                                \
          ::logistic_neuron::detail::DenseX<Scalar, Order>>&,                                   \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar, Scalar, int,                    \
      ::logistic_neuron::detail::Vector<Scalar>&, Scalar&);                                     \
  how void logistic_neuron::detail::forward_pass<                                             \
      ::logistic_neuron::detail::InMemory<::logistic_neuron::detail::DenseX<Scalar, Order>>>(  \
      const ::logistic_neuron::detail::InMemory<                                                \
          ::logistic_neuron::detail::DenseX<Scalar, Order>>&,                                   \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar,                                 \
      ::logistic_neuron::detail::Vector<Scalar>&, int);                                         \
  how void logistic_neuron::detail::fill_summary<                                             \
      ::logistic_neuron::Summary<Scalar>,                                                       \
      ::logistic_neuron::detail::InMemory<::logistic_neuron::detail::DenseX<Scalar, Order>>>(  \
      ::logistic_neuron::Summary<Scalar>&, const char*,                                         \
      const ::logistic_neuron::detail::InMemory<                                                \
          ::logistic_neuron::detail::DenseX<Scalar, Order>>&,                                   \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar,                                 \
      const std::vector<std::string>&, Eigen::Index, int);

#define LOGISTIC_NEURON_TEST_EXTERN(Scalar, Order) \
  LOGISTIC_NEURON_TEST_ROOTS(extern template, Scalar, Order)

// (instantiations_*.cpp see these too: a definition may follow a declaration.)
LOGISTIC_NEURON_TEST_DENSE_KINDS(LOGISTIC_NEURON_TEST_EXTERN, float)
LOGISTIC_NEURON_TEST_DENSE_KINDS(LOGISTIC_NEURON_TEST_EXTERN, double)
LOGISTIC_NEURON_TEST_DENSE_KINDS(LOGISTIC_NEURON_TEST_EXTERN, long double)
