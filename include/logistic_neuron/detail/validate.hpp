/// \file validate.hpp
/// \brief Checks of user input, each written once, with messages that name the call, what was
/// expected and what came (internal).
#pragma once

#include <cmath>
#include <iomanip>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/text.hpp"

namespace logistic_neuron {
namespace detail {

inline std::string prefix(const char* caller) { return std::string(caller) + ": "; }

/// X must have at least one row and one column.
template <class Derived>
void require_non_empty(const char* caller, const Eigen::EigenBase<Derived>& X) {
  if (X.rows() == 0 || X.cols() == 0) {
    throw std::invalid_argument(prefix(caller) + "X is empty (" + std::to_string(X.rows()) +
                                " rows x " + std::to_string(X.cols()) +
                                " columns); expected at least one sample and one feature");
  }
}

/// `v` (called `name` in the message) must be a vector: one row or one column.
template <class Derived>
void require_vector(const char* caller, const char* name, const Eigen::EigenBase<Derived>& v) {
  if (v.rows() != 1 && v.cols() != 1) {
    throw std::invalid_argument(prefix(caller) + name + " is a " + std::to_string(v.rows()) +
                                " x " + std::to_string(v.cols()) +
                                " matrix; expected a vector (one row or one column)");
  }
}

/// The scale exponent of n x d values whose squares sum to sum_squares: E = round(log2 of their
/// root mean square), 0 for all zeros. The solvers work in units of 2^E (problem.hpp).
inline int scale_exponent(long double sum_squares, Eigen::Index n, Eigen::Index d) {
  if (!(sum_squares > 0) || n == 0 || d == 0) return 0;
  const long double mean =
      sum_squares / (static_cast<long double>(n) * static_cast<long double>(d));
  return static_cast<int>(std::lround(0.5L * std::log2(mean)));
}

/// Every entry of X (any kind of X) must be finite: returns the scale exponent of X (see
/// scale_exponent); else throws, naming the first entry that is not finite. The check reads
/// bit patterns, so it holds under -ffast-math too.
template <class Kind>
int require_finite(const char* caller, const Kind& X) {
  long double sum_squares = 0;
  if (X.scan(sum_squares)) return scale_exponent(sum_squares, X.rows(), X.cols());
  const auto bad = X.first_non_finite();
  throw std::invalid_argument(prefix(caller) + "X(" + std::to_string(bad.row) + ", " +
                              std::to_string(bad.col) + ") is " + to_text(bad.value) +
                              "; expected finite values");
}

/// The largest |E| of a scale exponent (see scale_exponent) that the solvers' units of 2^E carry:
/// problem.hpp's scale_factor keeps f = 2^-E within 2^-(max_exponent - 24) and
/// 2^(max_exponent - 24) of Scalar (about 1e-301 to 1e301 for double, 5e-32 to 2e31 for float).
template <class Scalar>
inline constexpr int max_fit_scale_exponent = std::numeric_limits<Scalar>::max_exponent - 24;

/// A fit needs X's scale exponent E >= -max_fit_scale_exponent: below it the solvers' units
/// stop following X (f is clamped), so the features shrink in them towards 0, and the step 1/L,
/// the Hessian and the separation check see a problem that is not the user's (measured: gradient
/// descent "converging" at w = 0, cost 0.693 against an optimum of 0.435, for double X near
/// 1e-305 and float X near 1e-36; Newton "converging" at 0.687 near 1e-310). Says so instead of
/// fitting. Above +max_fit_scale_exponent the units are clamped too, but the features then grow
/// in them, which the solvers carry until a sum overflows: the fit ends non_finite or at the
/// optimum (measured), so large scales are not refused here.
/// \throws std::invalid_argument naming the caller, X's root mean square and the range.
template <class Scalar>
void require_fit_scale(const char* caller, int exponent) {
  constexpr int bound = max_fit_scale_exponent<Scalar>;
  if (exponent >= -bound) return;
  // 2^e to two digits, in long double (whose range holds every exponent of every Scalar).
  auto power = [](int e) {
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << std::setprecision(2) << std::ldexp(1.0L, e);
    return out.str();
  };
  throw std::invalid_argument(
      prefix(caller) + "X's root mean square is about 2^" + std::to_string(exponent) + " = " +
      power(exponent) + "; expected at least 2^-" + std::to_string(bound) + " = " + power(-bound) +
      " for this scalar type; multiply X by a power of 2 or 10 that brings it "
      "into range (the fitted weights then scale by its inverse)");
}

/// X must have as many columns as the neuron has features.
inline void require_features(const char* caller, Eigen::Index expected, Eigen::Index got) {
  if (expected != got) {
    throw std::invalid_argument(prefix(caller) + "X has " + std::to_string(got) +
                                " columns (features) but the neuron has " +
                                std::to_string(expected) + " features");
  }
}

/// A penalty strength `name` must be finite and >= 0.
template <class Scalar>
void require_penalty(const char* caller, const char* name, Scalar value) {
  if (!is_finite_bits(value) || !(value >= 0)) {
    throw std::invalid_argument(prefix(caller) + name + " must be finite and >= 0, got " +
                                to_text(value));
  }
}

/// Entry i of the labels `name` must be 0 or 1; returns true for 1.
template <class Label>
bool require_label(const char* caller, const char* name, Eigen::Index i, const Label& label) {
  // The bit-pattern check first: under -ffast-math a NaN may compare equal to 0.
  if (is_finite_bits(label)) {
    if (label == 0) return false;
    if (label == 1) return true;
  }
  throw std::invalid_argument(prefix(caller) + name + "[" + std::to_string(i) + "] is " +
                              to_text(label) + "; expected a label 0 or 1");
}

/// Sample weights: a vector of `n` entries (`what_n` says what n counts, e.g. "X has 5 rows
/// (samples)"), each finite and >= 0, not all zero, with a finite sum. Returns them as W and
/// their sum in `total` (each weight converted to W, then to Total, then added).
template <class W, class Total, class DerivedS>
Vector<W> checked_weights(const char* caller, const std::string& what_n, Eigen::Index n,
                          const Eigen::MatrixBase<DerivedS>& s, Total& total) {
  require_vector(caller, "sample_weight", s);
  if (s.size() != n) {
    throw std::invalid_argument(prefix(caller) + what_n + " but sample_weight has " +
                                std::to_string(s.size()) + " entries");
  }
  Vector<W> weight(n);
  total = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto value = s.derived().coeff(i);
    if (!(is_finite_bits(value) && value >= 0)) {
      throw std::invalid_argument(prefix(caller) + "sample_weight[" + std::to_string(i) + "] is " +
                                  to_text(value) + "; expected a finite weight >= 0");
    }
    weight[i] = static_cast<W>(value);
    total += static_cast<Total>(weight[i]);
  }
  if (!(total > 0)) {
    throw std::invalid_argument(prefix(caller) +
                                "sample_weight sums to 0; expected at least one positive weight");
  }
  if (!is_finite_bits(total)) {
    throw std::invalid_argument(prefix(caller) + "sample_weight sums to " + to_text(total) +
                                "; expected a finite sum");
  }
  return weight;
}

}  // namespace detail
}  // namespace logistic_neuron
