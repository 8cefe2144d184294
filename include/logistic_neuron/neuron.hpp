/// \file neuron.hpp
/// \brief `logistic_neuron::LogisticNeuron<Scalar>`: binary logistic regression as a neural
/// network of one neuron. Include `<logistic_neuron/logistic_neuron.hpp>` to have everything.
///
/// \code
/// #include <logistic_neuron/logistic_neuron.hpp>
///
/// Eigen::MatrixXd X(4, 1);            // n x d: one sample per row
/// X << 0.0, 1.0, 2.0, 3.0;
/// Eigen::VectorXd y(4);               // n labels in {0, 1}
/// y << 0, 0, 1, 1;
/// logistic_neuron::LogisticNeuron<double> neuron;
/// logistic_neuron::FitOptions<double> options;
/// options.l2 = 0.1;
/// const auto result = neuron.fit(X, y, options);
/// Eigen::VectorXi labels = neuron.predict(X);
/// \endcode
#pragma once

#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "base/config.hpp"
#include "base/model.hpp"
#include "base/options.hpp"
#include "base/result.hpp"
#include "base/text.hpp"
#include "base/threads.hpp"
#include "detail/fit.hpp"
#include "detail/kernel.hpp"
#include "detail/kinds.hpp"
#include "detail/logistic.hpp"
#include "detail/model_format.hpp"
#include "detail/online.hpp"
#include "detail/targets.hpp"
#include "detail/validate.hpp"
#include "export.hpp"
#include "io.hpp"

namespace logistic_neuron {

/// Binary logistic regression as one neuron: z = X w + b, a = sigmoid(z), class 1 iff a > 0.5.
///
/// Data layout, everywhere: X is n_samples x n_features, one sample per row, of this Scalar:
/// any dense Eigen matrix (column- or row-major, a Map over your buffer, a block), or a
/// compressed sparse one (Eigen::SparseMatrix by rows or by columns with any index type, or a
/// Map or Ref of one), bound without copying; y holds n_samples labels in {0, 1}. Weights and
/// bias are kept apart. Every solver and option works on both; sparse X by rows is the fast one
/// for gradient descent and L-BFGS.
///
/// The neuron holds its Model (weights, bias and optional metadata) and the calls a user makes
/// on it; saving, loading and exporting are free functions (io.hpp, export.hpp) that the members
/// of the same names forward to.
///
/// Every member that takes data checks it first and throws before changing anything: a fit that
/// throws (or whose callback throws) leaves the neuron as it was.
///
/// A neuron moved from (by construction or by assignment) has no parameters, as a
/// default-constructed one: has_parameters() is false and the calls that need parameters throw.
///
/// \tparam Scalar float, double (the default) or long double.
template <class Scalar = double>
class LogisticNeuron {
  static_assert(detail::is_supported_scalar_v<Scalar>,
                "logistic_neuron::LogisticNeuron<Scalar>: Scalar must be float, double or long "
                "double");

 public:
  /// The scalar type of weights, data and results.
  using scalar_type = Scalar;
  /// A column vector of Scalar.
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

  /// A neuron with no features yet: it must be fitted before it can predict.
  LogisticNeuron() = default;

  /// A neuron with n_features zero weights and a zero bias (it predicts probability 0.5).
  /// \param n_features the number of features, >= 1.
  /// \throws std::invalid_argument if n_features < 1.
  explicit LogisticNeuron(Eigen::Index n_features) {
    if (n_features < 1) {
      throw std::invalid_argument("LogisticNeuron::LogisticNeuron: n_features must be >= 1, got " +
                                  std::to_string(n_features));
    }
    m_model.weights = Vector::Zero(n_features);
  }

  /// A neuron with the given parameters.
  /// \param weights one weight per feature: at least one, all finite.
  /// \param bias a finite bias.
  /// \throws std::invalid_argument if weights is empty or a parameter is not finite.
  LogisticNeuron(Vector weights, Scalar bias) {
    detail::check_model("LogisticNeuron::LogisticNeuron", weights, bias, {}, Vector(), Vector());
    m_model.weights = std::move(weights);
    m_model.bias = bias;
  }

  /// Fits w and b by minimising J (see FitOptions) with options.solver: gradient descent (the
  /// default), Newton or L-BFGS, on the features as given or internally standardized
  /// (options.standardize), with options.class_weight multiplying the sample weights.
  ///
  /// Starts from zeros, or from the current parameters when options.warm_start is set and the
  /// neuron has them. Stops as FitResult::stop_reason says; the neuron keeps the parameters whose
  /// cost FitResult::cost reports.
  /// \param X n_samples x n_features, finite, not empty.
  /// \param y n_samples labels, each 0 or 1 (any arithmetic scalar type), as a vector.
  /// \param options see FitOptions; checked before anything else.
  /// \return what the fit did.
  /// \throws std::invalid_argument for empty X, mismatched sizes, a y that is not a vector, a
  ///   label that is not 0 or 1, a non-finite entry of X, X at a scale below what the solvers
  ///   carry (root mean square under 2^-(max_exponent - 24) of Scalar: about 1e-301 for double,
  ///   5e-32 for float), invalid options, or (with warm_start) a feature count that does not
  ///   match the neuron. Nothing changes when it throws.
  template <class DerivedX, class DerivedY>
  FitResult<Scalar> fit(const Eigen::EigenBase<DerivedX>& X, const Eigen::MatrixBase<DerivedY>& y,
                        const FitOptions<Scalar>& options = {}) {
    static constexpr const char* caller = "LogisticNeuron::fit";
    options.validate(caller);
    detail::check_kind<Scalar, DerivedX>();
    detail::require_non_empty(caller, X);
    detail::Targets<Scalar> targets = detail::unweighted_targets<Scalar>(caller, X.rows(), y);
    detail::apply_class_weight(caller, options.class_weight, targets);
    return fit_checked(X, targets, options);
  }

  /// Fits with per-sample weights s_i >= 0: J = (1/S) sum_i s_i loss_i + (l2/2)||w||^2 with
  /// S = sum_i s_i, so scaling every weight by one factor changes nothing.
  /// \param X n_samples x n_features, finite, not empty.
  /// \param y n_samples labels in {0, 1}.
  /// \param sample_weight n_samples finite weights >= 0, not all zero.
  /// \param options see FitOptions.
  /// \return what the fit did.
  /// \throws std::invalid_argument as fit(X, y, options), and for bad sample weights.
  template <class DerivedX, class DerivedY, class DerivedS>
  FitResult<Scalar> fit(const Eigen::EigenBase<DerivedX>& X, const Eigen::MatrixBase<DerivedY>& y,
                        const Eigen::MatrixBase<DerivedS>& sample_weight,
                        const FitOptions<Scalar>& options = {}) {
    static constexpr const char* caller = "LogisticNeuron::fit";
    options.validate(caller);
    detail::check_kind<Scalar, DerivedX>();
    detail::require_non_empty(caller, X);
    detail::Targets<Scalar> targets =
        detail::weighted_targets<Scalar>(caller, X.rows(), y, sample_weight);
    detail::apply_class_weight(caller, options.class_weight, targets);
    return fit_checked(X, targets, options);
  }

  /// One online step on a batch of rows (X, y) as they arrive: a mini-batch stochastic gradient
  /// step, AdaGrad's per-coordinate schedule with a proximal step for an L1 part and the
  /// polynomial-decay average of the iterates (docs/stream.md, detail/online.hpp), on J_b, the
  /// cost a full fit with these options would minimise over the batch alone: the penalty (l2,
  /// lambda, alpha, penalty_factors), class weights, reduction and fit_intercept of FitOptions.
  /// options.learning_rate is AdaGrad's eta (unset: 0.5), about how far, in units where X has
  /// unit scale, the first step moves each coordinate. solver, tolerance, max_epochs, warm_start,
  /// gradient_tolerance, on_epoch and check_separation do not apply to a step; standardize and
  /// balanced class weights need the whole stream and are refused.
  ///
  /// State: between calls the neuron keeps AdaGrad's accumulated squared gradients, its iterate,
  /// the average (which becomes the weights and bias) and the step count (partial_fit_steps()).
  /// The first call after construction, fit(), load() or reset_partial_fit() starts the schedule
  /// afresh from the current parameters (zeros, d from X, for a neuron without parameters).
  /// A batch with another feature count than the neuron's throws: a new neuron starts a stream
  /// of other features. The same batches in the same order give the same bits on any thread
  /// count. X may be dense or sparse, as for fit.
  /// \param X the batch, n_batch x n_features, finite, not empty.
  /// \param y n_batch labels, each 0 or 1.
  /// \param options see above; checked first.
  /// \return epochs 1; cost: J_b at AdaGrad's iterate before the step; learning_rate: eta;
  ///   stop_reason max_epochs (the step was taken) or non_finite (J_b or the step was not finite:
  ///   nothing changed).
  /// \throws std::invalid_argument for invalid or refused options, empty X, mismatched sizes, a
  ///   label that is not 0 or 1, a non-finite entry of X, or a feature count that is not the
  ///   neuron's. Nothing changes when it throws.
  template <class DerivedX, class DerivedY>
  FitResult<Scalar> partial_fit(const Eigen::EigenBase<DerivedX>& X,
                                const Eigen::MatrixBase<DerivedY>& y,
                                const FitOptions<Scalar>& options = {}) {
    static constexpr const char* caller = "LogisticNeuron::partial_fit";
    detail::require_online_options(caller, options);
    detail::check_kind<Scalar, DerivedX>();
    detail::require_non_empty(caller, X);
    detail::Targets<Scalar> targets = detail::unweighted_targets<Scalar>(caller, X.rows(), y);
    detail::apply_class_weight(caller, options.class_weight, targets);
    return detail::online_update(caller, options, m_model, m_online, X, targets);
  }

  /// One online step with per-sample weights s_i >= 0: J_b = (1/S_b) sum_i s_i loss_i + penalty
  /// over the batch, so an integer weight counts as that many copies of its row.
  /// \param X the batch, n_batch x n_features.
  /// \param y n_batch labels in {0, 1}.
  /// \param sample_weight n_batch finite weights >= 0, not all zero.
  /// \param options as partial_fit(X, y, options).
  /// \return as partial_fit(X, y, options).
  /// \throws as partial_fit(X, y, options), and for bad sample weights.
  template <class DerivedX, class DerivedY, class DerivedS>
  FitResult<Scalar> partial_fit(const Eigen::EigenBase<DerivedX>& X,
                                const Eigen::MatrixBase<DerivedY>& y,
                                const Eigen::MatrixBase<DerivedS>& sample_weight,
                                const FitOptions<Scalar>& options = {}) {
    static constexpr const char* caller = "LogisticNeuron::partial_fit";
    detail::require_online_options(caller, options);
    detail::check_kind<Scalar, DerivedX>();
    detail::require_non_empty(caller, X);
    detail::Targets<Scalar> targets =
        detail::weighted_targets<Scalar>(caller, X.rows(), y, sample_weight);
    detail::apply_class_weight(caller, options.class_weight, targets);
    return detail::online_update(caller, options, m_model, m_online, X, targets);
  }

  /// \brief Forgets partial_fit's schedule: the next partial_fit starts afresh from the current
  /// parameters.
  void reset_partial_fit() noexcept { m_online.reset(); }
  /// \brief The steps partial_fit has taken since the schedule last started.
  /// \return 0 after construction, fit(), load() and reset_partial_fit().
  Eigen::Index partial_fit_steps() const noexcept { return m_online.steps; }

  /// The logits z = X w + b.
  /// \param X n_samples x n_features (zero rows give an empty result).
  /// \return n_samples logits.
  /// \throws std::logic_error if the neuron has no parameters; std::invalid_argument if X has the
  ///   wrong number of columns or a non-finite entry.
  template <class DerivedX>
  Vector decision_function(const Eigen::EigenBase<DerivedX>& X) const {
    return logits("LogisticNeuron::decision_function", X);
  }

  /// The probabilities sigmoid(X w + b) of class 1, evaluated without overflow.
  /// \param X n_samples x n_features.
  /// \return n_samples probabilities in [0, 1].
  /// \throws as decision_function.
  template <class DerivedX>
  Vector predict_proba(const Eigen::EigenBase<DerivedX>& X) const {
    Vector z = logits("LogisticNeuron::predict_proba", X);
    for (Eigen::Index i = 0; i < z.size(); ++i) z[i] = detail::sigmoid(z[i]);
    return z;
  }

  /// Class labels: 1 where sigmoid(X w + b) > threshold (strictly), else 0.
  /// \param X n_samples x n_features.
  /// \param threshold in [0, 1]; default 0.5.
  /// \return n_samples labels in {0, 1}.
  /// \throws as decision_function; std::invalid_argument if threshold is outside [0, 1] or NaN.
  template <class DerivedX>
  Eigen::VectorXi predict(const Eigen::EigenBase<DerivedX>& X,
                          Scalar threshold = Scalar(0.5)) const {
    static constexpr const char* caller = "LogisticNeuron::predict";
    if (detail::is_nan_bits(threshold) || !(threshold >= 0 && threshold <= 1)) {
      throw std::invalid_argument(detail::prefix(caller) + "threshold must be in [0, 1], got " +
                                  detail::to_text(threshold));
    }
    const Vector z = logits(caller, X);
    Eigen::VectorXi labels(z.size());
    for (Eigen::Index i = 0; i < z.size(); ++i)
      labels[i] = detail::sigmoid(z[i]) > threshold ? 1 : 0;
    return labels;
  }

  /// J at the current parameters: the mean binary cross-entropy, computed from the logits, plus
  /// (l2/2)||w||^2.
  /// \param X n_samples x n_features, finite, not empty.
  /// \param y n_samples labels in {0, 1}.
  /// \param l2 the L2 strength to include; default 0.
  /// \return J.
  /// \throws std::logic_error if the neuron has no parameters; std::invalid_argument for bad X, y
  ///   or l2.
  template <class DerivedX, class DerivedY>
  Scalar cost(const Eigen::EigenBase<DerivedX>& X, const Eigen::MatrixBase<DerivedY>& y,
              Scalar l2 = 0) const {
    static constexpr const char* caller = "LogisticNeuron::cost";
    // the gradient's pass without X^T r: the same bits as gradient()'s J, X read once
    const Scalar J = on_dataset(caller, X, y, l2, [&](const auto& data) {
      return detail::value_at(data, m_model.weights, m_model.bias, l2, num_threads());
    });
    require_finite_cost(caller, detail::is_finite_bits(J));
    return J;
  }

  /// The gradient of J at the current parameters: dJ/dw = X^T (a - y) / n + l2 w and
  /// dJ/db = sum (a - y) / n.
  /// \param X n_samples x n_features, finite, not empty.
  /// \param y n_samples labels in {0, 1}.
  /// \param l2 the L2 strength to include; default 0.
  /// \return dJ/dw and dJ/db.
  /// \throws as cost.
  template <class DerivedX, class DerivedY>
  Gradient<Scalar> gradient(const Eigen::EigenBase<DerivedX>& X,
                            const Eigen::MatrixBase<DerivedY>& y, Scalar l2 = 0) const {
    Gradient<Scalar> g;
    evaluate("LogisticNeuron::gradient", X, y, l2, g.weights, g.bias);
    return g;
  }

  /// \brief The weights w.
  /// \return one weight per feature (empty before the neuron has parameters).
  const Vector& weights() const noexcept { return m_model.weights; }
  /// \brief The bias b.
  /// \return the bias (0 before the neuron has parameters).
  Scalar bias() const noexcept { return m_model.bias; }
  /// \brief The number of features d the weights expect.
  /// \return d, the size of weights() (0 before the neuron has parameters).
  Eigen::Index n_features() const noexcept { return m_model.weights.size(); }
  /// \brief Whether the neuron has parameters.
  /// \return true once it is fitted, loaded, or constructed with a feature count or weights;
  ///         false before that and for a neuron moved from.
  bool has_parameters() const noexcept { return m_model.weights.size() > 0; }
  /// \brief The whole model: parameters and metadata.
  /// \return the weights, bias, feature names and recorded standardization.
  const Model<Scalar>& model() const noexcept { return m_model; }

  /// \brief The feature names, saved and loaded with the model.
  /// \return one name per feature, or empty (the default); a fit on a different number of
  ///         features clears them.
  const std::vector<std::string>& feature_names() const noexcept { return m_model.feature_names; }

  /// Sets the feature names (an empty vector clears them).
  /// \param names n_features() names, each 1 to max_feature_name_length bytes, without control
  ///   characters and without a space at either end.
  /// \throws std::logic_error if the neuron has no parameters; std::invalid_argument for a wrong
  ///   count or a bad name. Nothing changes when it throws.
  void set_feature_names(std::vector<std::string> names) {
    static constexpr const char* caller = "LogisticNeuron::set_feature_names";
    require_parameters(caller);
    detail::check_model(caller, m_model.weights, m_model.bias, names, m_model.feature_means,
                        m_model.feature_scales);
    m_model.feature_names.swap(names);
  }

  /// \brief The per-feature means of a standardization x' = (x - mean) / scale recorded with the
  /// model. The neuron does not apply it: decision_function() and the rest take
  /// X as the weights expect it. It is metadata that save() and load() carry, so that whoever
  /// loads the model can prepare raw features the same way. A fit on a different number of
  /// features clears it.
  /// \return one mean per feature, or empty (the default).
  const Vector& feature_means() const noexcept { return m_model.feature_means; }
  /// \brief The per-feature scales of the recorded standardization (see feature_means()).
  /// \return one scale (> 0) per feature, or empty (the default).
  const Vector& feature_scales() const noexcept { return m_model.feature_scales; }

  /// Records a standardization x' = (x - mean) / scale with the model (two empty vectors clear
  /// it); see feature_means().
  /// \param means n_features() finite means.
  /// \param scales n_features() finite scales > 0.
  /// \throws std::logic_error if the neuron has no parameters; std::invalid_argument for wrong
  ///   sizes or values. Nothing changes when it throws.
  void set_standardization(Vector means, Vector scales) {
    static constexpr const char* caller = "LogisticNeuron::set_standardization";
    require_parameters(caller);
    detail::check_model(caller, m_model.weights, m_model.bias, m_model.feature_names, means,
                        scales);
    m_model.feature_means.swap(means);
    m_model.feature_scales.swap(scales);
  }

  /// \brief Sets the parameters as a fit leaves them (fit() itself, and the fits of mpi.hpp and
  /// stream.hpp, end here): the weights and the bias replace the model's; the feature names and
  /// the recorded standardization stay when the number of features does and are dropped
  /// otherwise; partial_fit() starts afresh from the new parameters.
  /// \param weights one weight per feature: at least one, all finite.
  /// \param bias a finite bias.
  /// \throws std::invalid_argument if weights is empty or a parameter is not finite. Nothing
  ///   changes when it throws.
  void set_parameters(Vector weights, Scalar bias) {
    detail::check_model("LogisticNeuron::set_parameters", weights, bias, {}, Vector(), Vector());
    if (weights.size() != m_model.weights.size()) {
      // Names and standardization describe the old features: drop them.
      m_model.feature_names.clear();
      m_model.feature_means.resize(0);
      m_model.feature_scales.resize(0);
    }
    m_model.weights.swap(weights);
    m_model.bias = bias;
    m_online.reset();
  }

  /// Writes the model in the text format of io.hpp (write_model): numbers with max_digits10
  /// digits, so load() gives back the same bits.
  /// \param out the stream; its locale and format flags do not matter.
  /// \throws std::logic_error if the neuron has no parameters; std::runtime_error naming
  ///   LogisticNeuron::save if the stream fails (or throws).
  void save(std::ostream& out) const {
    require_parameters("LogisticNeuron::save");
    write_model(out, m_model, "LogisticNeuron::save");
  }

  /// Writes the model to a file (created or truncated); see save(std::ostream&).
  /// \param path the file.
  /// \throws std::logic_error if the neuron has no parameters; std::runtime_error naming
  ///   LogisticNeuron::save and the path if the file cannot be opened or written.
  void save(const std::string& path) const {
    require_parameters("LogisticNeuron::save");
    write_model(path, m_model, "LogisticNeuron::save");
  }

  /// Reads a model written by save() (read_model, io.hpp), replacing the parameters, the feature
  /// names and the standardization. A file saved with another Scalar type is converted as io.hpp
  /// describes. Reads up to and including the model's "end" line.
  /// \param in the stream.
  /// \throws FormatError (a std::runtime_error) naming the line and what was wrong, for anything
  ///   malformed. Strong guarantee: the file is parsed fully before anything changes.
  void load(std::istream& in) {
    m_model = read_model<Scalar>(in, "LogisticNeuron::load");
    m_online.reset();
  }

  /// Reads a model from a file; see load(std::istream&).
  /// \param path the file.
  /// \throws as load(std::istream&), the FormatError's message naming the path too
  ///   ("LogisticNeuron::load: \"<path>\": line N: ..."); std::runtime_error naming
  ///   LogisticNeuron::load and the path if the file cannot be opened.
  void load(const std::string& path) {
    m_model = read_model<Scalar>(path, "LogisticNeuron::load");
    m_online.reset();
  }

  /// Writes a self-contained C++ header that predicts as this neuron does (export_cpp,
  /// export.hpp).
  /// \param out the stream to write to.
  /// \param name the prefix of every generated name (a C identifier; see export_cpp).
  /// \throws std::logic_error if the neuron has no parameters; std::invalid_argument for a bad
  ///   name (nothing is written then); std::runtime_error if the stream fails.
  void export_cpp(std::ostream& out, const std::string& name) const {
    static constexpr const char* caller = "LogisticNeuron::export_cpp";
    require_parameters(caller);
    logistic_neuron::export_cpp(out, m_model, name, caller);
  }

 private:
  void require_parameters(const char* caller) const {
    if (!has_parameters()) {
      throw std::logic_error(detail::prefix(caller) +
                             "the neuron has no parameters yet; call fit() first, or construct "
                             "it with a feature count or weights");
    }
  }

  /// Runs the fit on checked targets, then commits the parameters (no throw after that point).
  template <class DerivedX>
  FitResult<Scalar> fit_checked(const Eigen::EigenBase<DerivedX>& X,
                                const detail::Targets<Scalar>& targets,
                                const FitOptions<Scalar>& options) {
    static constexpr const char* caller = "LogisticNeuron::fit";
    const bool warm = options.warm_start && has_parameters();
    if (warm) detail::require_features(caller, n_features(), X.cols());
    Vector w = warm ? m_model.weights : Vector::Zero(X.cols());
    Scalar b = warm ? m_model.bias : Scalar(0);
    const int threads = options.threads > 0 ? options.threads : num_threads();
    FitResult<Scalar> result = detail::with_kind<Scalar>(caller, X, [&](const auto& kind) {
      const int exponent = detail::require_finite(caller, kind);
      detail::require_fit_scale<Scalar>(caller, exponent);
      return detail::fit_data(detail::InMemory(kind, targets, exponent), options, threads, w, b);
    });
    if (detail::keepable(result, w, b)) set_parameters(std::move(w), b);
    return result;
  }

  /// z = X w + b, every entry a number: a non-finite entry of X is an error, and a logit that
  /// overflows (finite X and parameters whose products exceed the range of Scalar) is computed
  /// again in a wider type and rounded to +-infinity, so that its probability is exactly 0 or 1.
  template <class DerivedX>
  Vector logits(const char* caller, const Eigen::EigenBase<DerivedX>& X) const {
    detail::check_kind<Scalar, DerivedX>();
    require_parameters(caller);
    detail::require_features(caller, n_features(), X.cols());
    return detail::with_kind<Scalar>(caller, X, [&](const auto& kind) {
      Vector z;
      detail::forward_pass(detail::InMemory(kind), m_model.weights, m_model.bias, z, num_threads());
      if (!detail::all_finite_bits(z)) {
        detail::require_finite(caller, kind);  // names a non-finite entry of X, if there is one
        detail::repair_kind_logits(caller, kind, m_model.weights, m_model.bias, z);
      }
      return z;
    });
  }

  template <class DerivedX, class DerivedY>
  Scalar evaluate(const char* caller, const Eigen::EigenBase<DerivedX>& X,
                  const Eigen::MatrixBase<DerivedY>& y, Scalar l2, Vector& gw, Scalar& gb) const {
    const Scalar J = on_dataset(caller, X, y, l2, [&](const auto& data) {
      return detail::evaluate_at(data, m_model.weights, m_model.bias, l2, num_threads(), gw, gb);
    });
    require_finite_cost(caller, detail::is_finite_bits(J) && detail::all_finite_bits(gw) &&
                                    detail::is_finite_bits(gb));
    return J;
  }

  /// Checks the arguments of cost and gradient (parameters, X, y, l2), then returns f(data)
  /// for the in-memory dataset of X and y.
  template <class DerivedX, class DerivedY, class F>
  Scalar on_dataset(const char* caller, const Eigen::EigenBase<DerivedX>& X,
                    const Eigen::MatrixBase<DerivedY>& y, Scalar l2, const F& f) const {
    detail::check_kind<Scalar, DerivedX>();
    require_parameters(caller);
    detail::require_non_empty(caller, X);
    detail::require_features(caller, n_features(), X.cols());
    detail::require_penalty(caller, "l2", l2);
    const detail::Targets<Scalar> targets = detail::unweighted_targets<Scalar>(caller, X.rows(), y);
    return detail::with_kind<Scalar>(caller, X, [&](const auto& kind) {
      const int exponent = detail::require_finite(caller, kind);
      return f(detail::InMemory(kind, targets, exponent));
    });
  }

  /// Throws std::overflow_error unless `finite` (the cost, and the gradient where computed).
  static void require_finite_cost(const char* caller, bool finite) {
    if (finite) return;
    throw std::overflow_error(detail::prefix(caller) +
                              "the cost or its gradient overflows at these parameters (X w + b "
                              "exceeds the range of the scalar type); expected parameters of a "
                              "scale that X can carry");
  }

  Model<Scalar> m_model{};
  detail::OnlineState<Scalar> m_online{};  // partial_fit's schedule
};

}  // namespace logistic_neuron
