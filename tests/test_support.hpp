/// \file test_support.hpp
/// \brief Shared helpers of the test suite: seeded data, per-type tolerances, an independent
/// long-double reference of the cost and gradient, central finite differences, exception checks.
///
/// The reference is written directly from DESIGN.md's formulas, in long double, with plain loops
/// and std::log1p / std::exp, and shares no code with the library:
///   z_i = x_i . w + b,  softplus(z) = max(z, 0) + log1p(exp(-|z|))
///   J   = (1/S) sum_i s_i [softplus(z_i) - y_i z_i] + (l2/2) ||w||^2
///   dJ/dw = (1/S) X^T (s o (a - y)) + l2 w,  dJ/db = (1/S) sum_i s_i (a_i - y_i)
/// (S = sum_i s_i for the mean cost, S = 1 for the summed cost.)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <typeinfo>

#include <Eigen/Core>
#include <doctest/doctest.h>

#include <logistic_neuron/logistic_neuron.hpp>

namespace test_support {

namespace ln = logistic_neuron;
using Index = Eigen::Index;
using LD = long double;

template <class T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

// ---------------------------------------------------------------------------------------------
// Seeded random numbers. std::mt19937's output is fixed by the standard; the conversions to
// uniform and normal values are written here, so the data is the same with every standard
// library.

class Random {
 public:
  explicit Random(std::uint32_t seed) : m_engine(seed) {}

  /// Uniform in (0, 1).
  double uniform() {
    return (static_cast<double>(m_engine()) + 0.5) / 4294967296.0;
  }

  /// Standard normal (Box-Muller).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::mt19937 m_engine;
};

/// An n x d matrix of standard normal entries times scale.
template <class T>
Matrix<T> random_matrix(Index n, Index d, std::uint32_t seed, double scale = 1.0) {
  Random random(seed);
  Matrix<T> X(n, d);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) X(i, j) = static_cast<T>(scale * random.normal());
  }
  return X;
}

/// A vector of n standard normal entries times scale.
template <class T>
Vector<T> random_vector(Index n, std::uint32_t seed, double scale = 1.0) {
  return random_matrix<T>(n, 1, seed, scale);
}

/// Labels drawn from a logistic model: y_i = 1 with probability sigmoid(x_i . w_true + b_true),
/// so the data is not separable and the unregularised optimum is finite.
template <class T>
Vector<T> logistic_labels(const Matrix<T>& X, std::uint32_t seed, double b_true = 0.0) {
  Random random(seed);
  Vector<double> w_true(X.cols());
  for (Index j = 0; j < X.cols(); ++j) w_true[j] = random.normal();
  Vector<T> y(X.rows());
  for (Index i = 0; i < X.rows(); ++i) {
    double z = b_true;
    for (Index j = 0; j < X.cols(); ++j) z += static_cast<double>(X(i, j)) * w_true[j];
    y[i] = random.uniform() < 1.0 / (1.0 + std::exp(-z)) ? T(1) : T(0);
  }
  return y;
}

/// A dataset and a random parameter point.
template <class T>
struct Problem {
  Matrix<T> X;
  Vector<T> y;
  Vector<T> w;
  T b;
};

template <class T>
Problem<T> make_problem(Index n, Index d, std::uint32_t seed, double b_true = 0.0) {
  Problem<T> p;
  p.X = random_matrix<T>(n, d, seed);
  p.y = logistic_labels<T>(p.X, seed + 1, b_true);
  p.w = random_vector<T>(d, seed + 2, 0.5);
  p.b = static_cast<T>(0.5 * Random(seed + 3).normal());
  return p;
}

// ---------------------------------------------------------------------------------------------
// Per-type tolerances.

template <class T>
constexpr T eps() {
  return std::numeric_limits<T>::epsilon();
}

/// Relative tolerance for one evaluation of the cost or gradient against the long-double
/// reference: a few hundred ulps of T (sums over up to a few hundred terms, exp and log).
template <class T>
LD evaluation_tolerance() {
  return 256 * static_cast<LD>(eps<T>());
}

/// Tolerance of a central finite difference of the library's own cost in T: the step is
/// h = eps^(1/3) (balancing truncation h^2 and rounding eps/h), so the error is ~ eps^(2/3).
template <class T>
LD finite_difference_step() {
  return std::cbrt(static_cast<LD>(eps<T>()));
}
template <class T>
LD finite_difference_tolerance() {
  return 20 * std::pow(static_cast<LD>(eps<T>()), LD(2) / 3);
}

/// Bound on the gradient norm at a fitted optimum: gradient descent is stopped there by
/// rounding, which leaves a gradient of a few hundred ulps times the scale of X^T r.
template <class T>
LD optimum_gradient_bound() {
  return std::is_same_v<T, float> ? LD(2e-5) : 1000 * static_cast<LD>(eps<T>());
}

/// |a - b| <= tol * max(scale, |b|), with scale >= 1 the size of the terms that were summed.
inline bool close(LD a, LD b, LD tol, LD scale = 1) {
  return std::abs(a - b) <= tol * std::max(scale, std::abs(b));
}

/// Relative closeness for a single term whose true value may lie below T's smallest normal number:
/// then T can only hold it to within that number (e.g. exp(-1e4) is 0 in float and double).
template <class T>
bool close_or_underflow(LD a, LD b, LD tol) {
  const LD tiny = static_cast<LD>(std::numeric_limits<T>::min());
  return close(a, b, tol, 0) || (std::abs(b) < tiny && std::abs(a - b) <= tiny);
}

// ---------------------------------------------------------------------------------------------
// The independent reference, in long double.

struct Reference {
  LD cost = 0;
  Vector<LD> gw;
  LD gb = 0;
  LD cost_scale = 0;        ///< (1/S) sum s_i (|softplus(z_i)| + |y_i z_i|) + (l2/2)|w|^2
  Vector<LD> gw_scale;      ///< (1/S) sum s_i |x_ij| + l2 |w_j|: size of the terms behind gw_j
};

inline LD softplus(LD z) { return std::max(z, LD(0)) + std::log1p(std::exp(-std::abs(z))); }

inline LD sigmoid(LD z) {
  // The branch whose exp cannot overflow.
  if (z >= 0) return 1 / (1 + std::exp(-z));
  const LD e = std::exp(z);
  return e / (1 + e);
}

/// J and its gradient, from DESIGN.md's formulas. s empty = unit sample weights; sum = the
/// summed cost (no division by S).
template <class MX, class VY, class VW>
Reference reference(const MX& X, const VY& y, const VW& w, LD b, LD l2 = 0,
                    const Vector<LD>& s = Vector<LD>(), bool sum = false) {
  const Index n = X.rows(), d = X.cols();
  Reference r;
  r.gw = Vector<LD>::Zero(d);
  r.gw_scale = Vector<LD>::Zero(d);
  LD loss = 0, loss_scale = 0, gb = 0, total = 0;
  for (Index i = 0; i < n; ++i) {
    const LD si = s.size() ? s[i] : LD(1);
    const LD yi = static_cast<LD>(y[i]);
    LD z = b;
    for (Index j = 0; j < d; ++j) z += static_cast<LD>(X(i, j)) * static_cast<LD>(w[j]);
    // For y = 1 the identities softplus(z) - z = softplus(-z) and sigmoid(z) - 1 = -sigmoid(-z)
    // avoid the cancellation that would lose all digits of a tiny loss at large z.
    loss += si * (yi == 1 ? softplus(-z) : softplus(z) - yi * z);
    loss_scale += si * (softplus(z) + std::abs(yi * z));
    const LD residual = si * (yi == 1 ? -sigmoid(-z) : sigmoid(z) - yi);
    gb += residual;
    for (Index j = 0; j < d; ++j) {
      r.gw[j] += static_cast<LD>(X(i, j)) * residual;
      r.gw_scale[j] += si * std::abs(static_cast<LD>(X(i, j)));
    }
    total += si;
  }
  const LD scale = sum ? LD(1) : 1 / total;
  LD w2 = 0;
  for (Index j = 0; j < d; ++j) w2 += static_cast<LD>(w[j]) * static_cast<LD>(w[j]);
  r.cost = scale * loss + l2 / 2 * w2;
  r.cost_scale = scale * loss_scale + l2 / 2 * w2;
  r.gb = scale * gb;
  for (Index j = 0; j < d; ++j) {
    r.gw[j] = scale * r.gw[j] + l2 * static_cast<LD>(w[j]);
    r.gw_scale[j] = scale * r.gw_scale[j] + l2 * std::abs(static_cast<LD>(w[j]));
  }
  return r;
}

/// The Euclidean norm of (gw, gb).
inline LD norm(const Vector<LD>& gw, LD gb) {
  LD s = gb * gb;
  for (Index j = 0; j < gw.size(); ++j) s += gw[j] * gw[j];
  return std::sqrt(s);
}

/// Central finite difference (f(x + h) - f(x - h)) / (x_plus - x_minus), where x_plus and
/// x_minus are x +- h rounded to T, so the step is the one the function really saw.
template <class T, class F>
LD central_difference(const F& f, T x, LD h) {
  const T plus = static_cast<T>(static_cast<LD>(x) + h);
  const T minus = static_cast<T>(static_cast<LD>(x) - h);
  return (static_cast<LD>(f(plus)) - static_cast<LD>(f(minus))) /
         (static_cast<LD>(plus) - static_cast<LD>(minus));
}

// ---------------------------------------------------------------------------------------------
// The state of a neuron, compared bit for bit (value and sign of zero; long double's padding
// bytes are not compared).

template <class T>
struct State {
  Vector<T> weights;
  T bias;
  bool has_parameters;
  Index n_features;
};

template <class T>
State<T> state_of(const ln::LogisticNeuron<T>& neuron) {
  return State<T>{neuron.weights(), neuron.bias(), neuron.has_parameters(), neuron.n_features()};
}

template <class T>
bool same_bits(T a, T b) {
  return (a == b && std::signbit(a) == std::signbit(b)) || (std::isnan(a) && std::isnan(b));
}

template <class T>
bool same_bits(const Vector<T>& a, const Vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (Index i = 0; i < a.size(); ++i) {
    if (!same_bits(a[i], b[i])) return false;
  }
  return true;
}

template <class T>
bool same_state(const State<T>& a, const State<T>& b) {
  return a.has_parameters == b.has_parameters && a.n_features == b.n_features &&
         same_bits(a.bias, b.bias) && same_bits(a.weights, b.weights);
}

/// Runs f, which must throw exactly E (not a type derived from it) with a message that contains
/// every string in parts. Returns the message ("" if nothing was thrown).
template <class E, class F>
std::string check_throws(const F& f, std::initializer_list<const char*> parts) {
  std::string message;
  bool thrown = false, right_type = false;
  try {
    f();
  } catch (const std::exception& e) {
    thrown = true;
    right_type = typeid(e) == typeid(E);
    message = e.what();
  }
  CHECK_MESSAGE(thrown, "expected an exception of type ", typeid(E).name());
  if (thrown) {
    CHECK_MESSAGE(right_type, "wrong exception type; message: ", message);
    for (const char* part : parts) {
      CHECK_MESSAGE(message.find(part) != std::string::npos, "message \"", message,
                    "\" does not contain \"", part, "\"");
    }
  }
  return message;
}

}  // namespace test_support
