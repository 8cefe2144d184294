/// \file path.hpp
/// \brief The elastic-net regularisation path: fit_path and PathResult (see docs/path.md).
///
/// \code
/// logistic_neuron::PathOptions<double> options;      // lasso, 100 lambdas, glmnet's defaults
/// const auto path = logistic_neuron::fit_path(X, y, options);
/// // path.lambdas[k], path.nonzeros[k], path.weights_at(k): the k-th point of the path
/// logistic_neuron::LogisticNeuron<double> neuron = path.neuron(40);
/// \endcode
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "base/config.hpp"
#include "base/path_options.hpp"
#include "detail/path.hpp"
#include "detail/targets.hpp"
#include "neuron.hpp"

namespace logistic_neuron {

/// The elastic-net path: one solution per lambda of the grid, largest lambda first.
template <class Scalar>
struct PathResult {
  /// The type of a dense vector of Scalar.
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

  Vector lambdas;                       ///< The lambdas solved, decreasing.
  Eigen::SparseMatrix<Scalar> weights;  ///< d x size(): column k holds w at lambdas[k]; exact
                                        ///< zeros are not stored.
  Vector biases;                        ///< b at each lambda (0 without a bias).
  std::vector<Eigen::Index> nonzeros;   ///< The non-zero weights at each lambda (bias excluded).
  Vector deviance_ratios;               ///< 1 - deviance / null deviance at each lambda
                                        ///< (glmnet's dev.ratio).
  std::vector<Eigen::Index> passes;     ///< Passes over X each lambda took (sweeps of
                                        ///< coordinate updates and gradient passes).
  std::vector<bool> converged;          ///< Whether each lambda reached the tolerance (else it
                                        ///< stopped at max_passes or at rounding).
  Scalar lambda_max = 0;                ///< The smallest lambda at which every penalised weight
                                        ///< is 0 (computed exactly from the null model).
  Scalar null_deviance = 0;             ///< -2 sum_i s_i [y_i log q + (1 - y_i) log(1 - q)],
                                        ///< q the weighted mean of y (0.5 without a bias).

  /// \brief The number of lambdas solved.
  /// \return lambdas.size().
  Eigen::Index size() const noexcept { return lambdas.size(); }

  /// \brief The weights at lambdas[k] as a dense vector.
  /// \param k the 0-based index into the grid.
  /// \return w at lambdas[k] (d entries).
  /// \throws std::out_of_range naming PathResult::weights_at when k is not in [0, size()).
  Vector weights_at(Eigen::Index k) const {
    require_index("PathResult::weights_at", k);
    return Vector(weights.col(k));
  }

  /// \brief A neuron with the parameters of lambdas[k].
  /// \param k the 0-based index into the grid.
  /// \return LogisticNeuron(weights_at(k), biases[k]).
  /// \throws std::out_of_range naming PathResult::neuron when k is not in [0, size()).
  LogisticNeuron<Scalar> neuron(Eigen::Index k) const {
    require_index("PathResult::neuron", k);
    return LogisticNeuron<Scalar>(Vector(weights.col(k)), biases[k]);
  }

 private:
  void require_index(const char* caller, Eigen::Index k) const {
    if (k < 0 || k >= size()) {
      throw std::out_of_range(std::string(caller) + ": k must be in [0, " + std::to_string(size()) +
                              "), got " + std::to_string(k));
    }
  }
};

/// \brief A PathResult from what the path computed (fit_path's and cross_validate's last step).
/// \param data the path's per-lambda data.
/// \param d the number of features.
/// \return the path as PathResult.
template <class Scalar>
PathResult<Scalar> path_result_of(const detail::PathData<Scalar>& data, Eigen::Index d) {
  using Vector = typename PathResult<Scalar>::Vector;
  PathResult<Scalar> out;
  const Eigen::Index K = data.lambdas.size();
  out.lambdas = data.lambdas;
  out.weights.resize(d, K);
  out.weights.setFromTriplets(data.entries.begin(), data.entries.end());
  out.biases = Eigen::Map<const Vector>(data.biases.data(), K);
  out.nonzeros = data.nonzeros;
  out.deviance_ratios = Eigen::Map<const Vector>(data.deviance_ratios.data(), K);
  out.passes = data.passes;
  out.converged.assign(data.converged.begin(), data.converged.end());
  out.lambda_max = data.lambda_max;
  out.null_deviance = data.null_deviance;
  return out;
}

/// \brief fit_path on checked targets (the overloads' common part; cross_validate's too).
/// \param caller the name exception messages start with.
/// \param X n x d, dense or compressed sparse.
/// \param targets the checked labels and weights.
/// \param options validated options.
/// \return the path.
/// \throws std::invalid_argument naming `caller` for X or options that do not fit X.
template <class Scalar, class DerivedX>
PathResult<Scalar> fit_path_checked(const char* caller, const Eigen::EigenBase<DerivedX>& X,
                                    const detail::Targets<Scalar>& targets,
                                    const PathOptions<Scalar>& options) {
  const detail::PathSettings<Scalar> settings =
      detail::path_settings(caller, options, X.rows(), X.cols());
  detail::Vector<Scalar> y01, s;
  detail::labels_and_weights(targets, y01, s);
  return detail::with_path_columns<Scalar>(caller, X, [&](const auto& columns) {
    return path_result_of(
        detail::run_path(caller, columns, y01, s, settings, [](Eigen::Index, const auto&) {}),
        X.cols());
  });
}

/// \brief The elastic-net path of logistic regression, glmnet's: coordinate descent with warm
/// starts from lambda_max down the grid, strong rules checked by KKT (see docs/path.md).
/// \param X n x d, one sample per row: dense (either storage order; row-major is read by
/// columns with its row stride) or a compressed sparse matrix (CSC is read in place, CSR is
/// copied once into CSC).
/// \param y n labels in {0, 1}, both present.
/// \param options the penalty, the grid and the tolerance.
/// \return the path: weights, bias, non-zeros, deviance ratio and passes per lambda.
/// \throws std::invalid_argument naming fit_path for bad options, shapes, labels or X.
template <class Scalar, class DerivedX, class DerivedY>
PathResult<Scalar> fit_path(const Eigen::EigenBase<DerivedX>& X,
                            const Eigen::MatrixBase<DerivedY>& y,
                            const PathOptions<Scalar>& options) {
  static constexpr const char* caller = "fit_path";
  options.validate(caller);
  detail::check_kind<Scalar, DerivedX>();
  const detail::Targets<Scalar> targets = detail::unweighted_targets<Scalar>(caller, X.rows(), y);
  return fit_path_checked(caller, X, targets, options);
}

/// \brief The elastic-net path with sample weights (see the other overload).
/// \param X n x d, dense or compressed sparse.
/// \param y n labels in {0, 1}.
/// \param sample_weight n weights s_i, finite and >= 0, with a positive sum.
/// \param options the penalty, the grid and the tolerance.
/// \return the path.
/// \throws std::invalid_argument naming fit_path for bad options, shapes, labels, weights or X.
template <class Scalar, class DerivedX, class DerivedY, class DerivedS>
PathResult<Scalar> fit_path(const Eigen::EigenBase<DerivedX>& X,
                            const Eigen::MatrixBase<DerivedY>& y,
                            const Eigen::MatrixBase<DerivedS>& sample_weight,
                            const PathOptions<Scalar>& options) {
  static constexpr const char* caller = "fit_path";
  options.validate(caller);
  detail::check_kind<Scalar, DerivedX>();
  const detail::Targets<Scalar> targets =
      detail::weighted_targets<Scalar>(caller, X.rows(), y, sample_weight);
  return fit_path_checked(caller, X, targets, options);
}

}  // namespace logistic_neuron
