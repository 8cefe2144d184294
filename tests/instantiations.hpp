/// \file instantiations.hpp
/// \brief The heavy templates several test files would otherwise each instantiate and optimise
/// again, declared `extern template` here and instantiated once in instantiations_*.cpp
/// (test-only compile-time saving: the library itself stays header-only).
///
/// With LOGISTIC_NEURON_TEST_INSTANTIATIONS (ON by default, see tests/CMakeLists.txt) the test
/// target force-includes this header into each of its files (`-include`). The roots are the
/// per-kind entry points the public calls reach: fit_data (every solver, the scaling pass, the
/// separation check), evaluate_at (cost and gradient), forward_pass (decision_function,
/// predict_proba, predict), fill_summary (summarize), require_finite (every call's scan of X)
/// and online_step (partial_fit), for the kinds of X that more than one test file uses: dense X
/// of float, double and long double in both storage orders (online_step: column-major double),
/// and sparse double X with int indices, CSR and CSC (fit_data, forward_pass, require_finite);
/// and model_problem (every model's check) per Scalar. A root that only one file uses stays
/// there: moving it would not save its compile time, only move it (the nm listing of the test
/// objects, symbols by the number of objects that hold them, finds the shared ones). Results
/// are the same code's, only compiled once.
///
/// The definitions are spread so that the files compile in about the same time (they compile
/// in parallel): instantiations_{float,double,long_double}.cpp hold the dense roots of their
/// Scalar, instantiations_sparse.cpp the sparse ones.
#pragma once

#include <string>
#include <vector>

#include <logistic_neuron/logistic_neuron.hpp>

/// The kinds of X the roots are instantiated for, named without commas (for the macros below).
namespace logistic_neuron_test_kinds {
template <class Scalar>
using DenseCols = ::logistic_neuron::detail::DenseX<Scalar, Eigen::ColMajor>;
template <class Scalar>
using DenseRows = ::logistic_neuron::detail::DenseX<Scalar, Eigen::RowMajor>;
/// CSC with int indices (Eigen::SparseMatrix<double>).
using SparseCsc = ::logistic_neuron::detail::SparseX<double, Eigen::ColMajor, int>;
/// CSR with int indices (Eigen::SparseMatrix<double, Eigen::RowMajor>).
using SparseCsr = ::logistic_neuron::detail::SparseX<double, Eigen::RowMajor, int>;
}  // namespace logistic_neuron_test_kinds

/// The roots of InMemory<Kind> that every kind of X here needs (fit, logits, the scan of X),
/// Kind a kind of X over Scalar; `how` is `extern template` or `template`.
#define LOGISTIC_NEURON_TEST_FIT(how, Scalar, Kind)                                              \
  how ::logistic_neuron::FitResult<Scalar>                                                      \
  logistic_neuron::detail::fit_data<::logistic_neuron::detail::InMemory<Kind>>(                 \
      const ::logistic_neuron::detail::InMemory<Kind>&,                                         \
      const ::logistic_neuron::FitOptions<Scalar>&, int,                                        \
      ::logistic_neuron::detail::Vector<Scalar>&, Scalar&);                                     \
  how void logistic_neuron::detail::forward_pass<::logistic_neuron::detail::InMemory<Kind>>(    \
      const ::logistic_neuron::detail::InMemory<Kind>&,                                         \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar,                                 \
      ::logistic_neuron::detail::Vector<Scalar>&, int);                                         \
  how int logistic_neuron::detail::require_finite<Kind>(const char*, const Kind&);

/// The roots of cost and gradient, and of summarize, over InMemory<Kind>.
#define LOGISTIC_NEURON_TEST_EVALUATE(how, Scalar, Kind)                                         \
  how Scalar logistic_neuron::detail::evaluate_at<::logistic_neuron::detail::InMemory<Kind>>(   \
      const ::logistic_neuron::detail::InMemory<Kind>&,                                         \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar, Scalar, int,                    \
      ::logistic_neuron::detail::Vector<Scalar>&, Scalar&);                                     \
  how void logistic_neuron::detail::fill_summary<::logistic_neuron::Summary<Scalar>,            \
                                                 ::logistic_neuron::detail::InMemory<Kind>>(    \
      ::logistic_neuron::Summary<Scalar>&, const char*,                                         \
      const ::logistic_neuron::detail::InMemory<Kind>&,                                         \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar,                                 \
      const std::vector<std::string>&, Eigen::Index, int);

/// partial_fit's step over Kind.
#define LOGISTIC_NEURON_TEST_ONLINE(how, Scalar, Kind)                                           \
  how ::logistic_neuron::FitResult<Scalar> logistic_neuron::detail::online_step<Kind, Scalar>( \
      const char*, const ::logistic_neuron::FitOptions<Scalar>&,                                \
      ::logistic_neuron::Model<Scalar>&, ::logistic_neuron::detail::OnlineState<Scalar>&,       \
      const Kind&, const ::logistic_neuron::detail::Targets<Scalar>&);

/// The roots of both dense kinds of Scalar, and the model check of Scalar.
#define LOGISTIC_NEURON_TEST_DENSE(how, Scalar)                                                 \
  LOGISTIC_NEURON_TEST_FIT(how, Scalar, ::logistic_neuron_test_kinds::DenseCols<Scalar>)        \
  LOGISTIC_NEURON_TEST_FIT(how, Scalar, ::logistic_neuron_test_kinds::DenseRows<Scalar>)        \
  LOGISTIC_NEURON_TEST_EVALUATE(how, Scalar, ::logistic_neuron_test_kinds::DenseCols<Scalar>)   \
  LOGISTIC_NEURON_TEST_EVALUATE(how, Scalar, ::logistic_neuron_test_kinds::DenseRows<Scalar>)   \
  how std::string logistic_neuron::detail::model_problem<Scalar>(                               \
      const ::logistic_neuron::detail::Vector<Scalar>&, Scalar, const std::vector<std::string>&, \
      const ::logistic_neuron::detail::Vector<Scalar>&,                                         \
      const ::logistic_neuron::detail::Vector<Scalar>&);

/// The roots of the sparse kinds that several files use (fit, logits, the scan of X).
#define LOGISTIC_NEURON_TEST_SPARSE(how)                                                        \
  LOGISTIC_NEURON_TEST_FIT(how, double, ::logistic_neuron_test_kinds::SparseCsc)                \
  LOGISTIC_NEURON_TEST_FIT(how, double, ::logistic_neuron_test_kinds::SparseCsr)

// (instantiations_*.cpp see these too: a definition may follow a declaration.)
LOGISTIC_NEURON_TEST_DENSE(extern template, float)
LOGISTIC_NEURON_TEST_DENSE(extern template, double)
LOGISTIC_NEURON_TEST_DENSE(extern template, long double)
LOGISTIC_NEURON_TEST_SPARSE(extern template)
LOGISTIC_NEURON_TEST_ONLINE(extern template, double,
                            ::logistic_neuron_test_kinds::DenseCols<double>)
