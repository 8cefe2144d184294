/// \file coordinate_descent.hpp
/// \brief Coordinate descent on the quadratic approximation of J, with active sets and warm
/// starts (glmnet's and newGLMNET's scheme), for the elastic net; the column views it reads X
/// through (internal).
///
/// The problem, with sw_i = s_i / S (mean cost) or s_i (sum), y_i in {0, 1}, z = X w + b:
///   J(w, b) = sum_i sw_i [softplus(z_i) - y_i z_i] + sum_j (ridge_j / 2) w_j^2 + lasso_j |w_j|
/// Outer (Newton) iteration at (w, b): p_i = sigmoid(z_i), v_i = sw_i p_i (1 - p_i),
/// r_i = sw_i (y_i - p_i); the quadratic model of the data term in a step (dw, db), with
/// dz = X dw + db, is  -sum_i r_i dz_i + (1/2) sum_i v_i dz_i^2.  Coordinate descent minimises
/// the model plus the penalty exactly one coordinate at a time, keeping the model's residual
/// rho_i = r_i - v_i dz_i up to date:
///   c_j = sum_i x_ij rho_i,  xv_j = sum_i v_i x_ij^2,
///   w_j <- soft_threshold(xv_j w_j + c_j, lasso_j) / (xv_j + ridge_j)     (exact zeros)
///   b   <- b + sum_i rho_i / sum_i v_i                                     (unpenalised)
/// sweeping the working set W (the features ever non-zero, those the strong rule or a KKT
/// violation let in, the unpenalised ones) once, then its non-zero members until they settle,
/// then W again, until no coordinate of W moves by more than the inner tolerance. A backtracking
/// line search on J along the step (Armijo, with newGLMNET's decrease
/// Delta = -r . dz + P(w + dw) - P(w)) keeps J falling. Then one pass over all columns computes
/// the gradient g_j = -sum_i x_ij r_i at the new point and the KKT residual of every coordinate:
/// |g_j + ridge_j w_j + lasso_j sign(w_j)| where w_j != 0, max(|g_j| - lasso_j, 0) where
/// w_j = 0, |sum_i r_i| for the bias. Features outside W that violate it join W. A column
/// outside W with w_j = 0 whose bound on |g_j| is at most lasso_j is not read: since the gradient
/// was last read exactly at r', |g_j - g'_j| <= ||x_j|| ||r - r'|| (Cauchy-Schwarz), and the
/// drift ||r - r'|| is summed over the steps (plus a rounding margin), so a skipped column cannot
/// violate its condition; the KKT result is the same as a full pass's. The solve ends
/// when the largest residual is <= the tolerance (the true optimality condition of J, not a
/// change in the iterates), when a step no longer changes anything (rounding), or at the cap of
/// passes. One pass is one sweep of coordinate updates (over W or its non-zero part) or one
/// gradient pass, as glmnet counts them.
///
/// Column access: dense X column-major reads each column as a contiguous vector; dense X
/// row-major reads it with the row stride (no copy; slower, every entry of a column is on its
/// own cache line). Sparse X is read by columns (CSC) directly; CSR X is copied once into CSC
/// (O(nnz) memory) by the callers, which say so.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "../base/config.hpp"
#include "../base/options.hpp"
#include "../base/result.hpp"
#include "dense.hpp"
#include "gradient_descent.hpp"
#include "logistic.hpp"
#include "pool.hpp"
#include "problem.hpp"
#include "progress.hpp"
#include "separation.hpp"
#include "sparse.hpp"

namespace logistic_neuron {
namespace detail {

/// Dense X read by columns: x_ij = data[i row_step + j col_step].
template <class Scalar>
class DenseColumns {
 public:
  using scalar_type = Scalar;

  DenseColumns(const Scalar* data, Eigen::Index rows, Eigen::Index cols, Eigen::Index row_step,
               Eigen::Index col_step) noexcept
      : m_data(data), m_rows(rows), m_cols(cols), m_row_step(row_step), m_col_step(col_step) {}

  /// The columns of a dense Eigen matrix (or Ref) with unit inner stride.
  template <class Matrix>
  static DenseColumns of(const Matrix& X) noexcept {
    if constexpr (Matrix::IsRowMajor) {
      return DenseColumns(X.data(), X.rows(), X.cols(), X.outerStride(), 1);
    } else {
      return DenseColumns(X.data(), X.rows(), X.cols(), 1, X.outerStride());
    }
  }

  Eigen::Index rows() const noexcept { return m_rows; }
  Eigen::Index cols() const noexcept { return m_cols; }
  /// The entries a read of column j touches: every row.
  Eigen::Index stored(Eigen::Index) const noexcept { return m_rows; }

  /// sum_i x_ij u_i.
  Accum<Scalar> dot(Eigen::Index j, const Scalar* u) const {
    const Scalar* x = m_data + j * m_col_step;
    if (m_row_step == 1) {
      // In Accum (double for float): a float sum of n products loses n eps of the gradient.
      if constexpr (std::is_same_v<Scalar, Accum<Scalar>>) return kernel_dot(x, u, m_rows);
      const Eigen::Map<const Vector<Scalar>> u_map(u, m_rows);
      return column(x).template cast<Accum<Scalar>>().dot(u_map.template cast<Accum<Scalar>>());
    }
    Accum<Scalar> sum = 0;
    for (Eigen::Index i = 0; i < m_rows; ++i) sum += Accum<Scalar>(x[i * m_row_step]) * u[i];
    return sum;
  }

  /// The three sums of coordinate j in one read of its column: out = (x_j . rho, x_j . v,
  /// sum_i v_i x_ij^2).
  void moments(Eigen::Index j, const Scalar* rho, const Scalar* v, Accum<Scalar>* out) const {
    const Scalar* x = m_data + j * m_col_step;
    if constexpr (std::is_same_v<Scalar, Accum<Scalar>>) {
      if (m_row_step == 1) return kernel_cd_moments(x, rho, v, m_rows, out);
    }
    Accum<Scalar> c = 0, m = 0, q = 0;
    for (Eigen::Index i = 0; i < m_rows; ++i) {
      const Accum<Scalar> xi = x[i * m_row_step], xv = xi * Accum<Scalar>(v[i]);
      c += xi * Accum<Scalar>(rho[i]);
      m += xv;
      q += xv * xi;
    }
    out[0] = c;
    out[1] = m;
    out[2] = q;
  }

  /// rho -= delta (v o x_j).
  void update(Eigen::Index j, Scalar delta, const Scalar* v, Scalar* rho) const {
    const Scalar* x = m_data + j * m_col_step;
    if (m_row_step == 1) return kernel_cd_update(x, delta, v, rho, m_rows);
    for (Eigen::Index i = 0; i < m_rows; ++i) rho[i] -= delta * x[i * m_row_step] * v[i];
  }

  /// update(j, ...), then dot(next, rho): the same bits, in one read of rho where the columns
  /// are contiguous and the sums are in Scalar (the sweep's next coordinate reads rho as the
  /// update writes it).
  Accum<Scalar> update_dot(Eigen::Index j, Scalar delta, const Scalar* v, Scalar* rho,
                           Eigen::Index next) const {
    if constexpr (std::is_same_v<Scalar, Accum<Scalar>>) {
      if (m_row_step == 1) {
        return kernel_cd_update_dot(m_data + j * m_col_step, delta, v, rho,
                                    m_data + next * m_col_step, m_rows);
      }
    }
    update(j, delta, v, rho);
    return dot(next, rho);
  }

  /// update(j, ...), then moments(next, rho, v, out): the same bits, in one read of rho and v
  /// where update_dot fuses them.
  void update_moments(Eigen::Index j, Scalar delta, const Scalar* v, Scalar* rho, Eigen::Index next,
                      Accum<Scalar>* out) const {
    if constexpr (std::is_same_v<Scalar, Accum<Scalar>>) {
      if (m_row_step == 1) {
        return kernel_cd_update_moments(m_data + j * m_col_step, delta, v, rho,
                                        m_data + next * m_col_step, m_rows, out);
      }
    }
    update(j, delta, v, rho);
    moments(next, rho, v, out);
  }

  /// z += a x_j.
  void add_to(Eigen::Index j, Scalar a, Scalar* z) const {
    const Scalar* x = m_data + j * m_col_step;
    if (m_row_step == 1) {
      Eigen::Map<Vector<Scalar>>(z, m_rows) += a * column(x);
      return;
    }
    for (Eigen::Index i = 0; i < m_rows; ++i) z[i] += a * x[i * m_row_step];
  }

  /// f(i, x_ij) for every row i of column j, in increasing i.
  template <class F>
  void for_column(Eigen::Index j, const F& f) const {
    const Scalar* x = m_data + j * m_col_step;
    for (Eigen::Index i = 0; i < m_rows; ++i) f(i, x[i * m_row_step]);
  }

  /// sum_i x_ij^2.
  Accum<Scalar> squared_norm(Eigen::Index j) const {
    const Scalar* x = m_data + j * m_col_step;
    Accum<Scalar> sum = 0;
    for (Eigen::Index i = 0; i < m_rows; ++i)
      sum += Accum<Scalar>(x[i * m_row_step]) * x[i * m_row_step];
    return sum;
  }

  /// True when column j takes one value on the rows with u_i > 0 (or has no such rows);
  /// `positive` counts those rows (unused here).
  bool constant_on(Eigen::Index j, const Scalar* u, Eigen::Index /*positive*/) const {
    const Scalar* x = m_data + j * m_col_step;
    bool seen = false;
    Scalar first = 0;
    for (Eigen::Index i = 0; i < m_rows; ++i) {
      if (!(u[i] > 0)) continue;
      const Scalar xi = x[i * m_row_step];
      if (!seen) {
        first = xi;
        seen = true;
      } else if (xi != first) {
        return false;
      }
    }
    return true;
  }

 private:
  Eigen::Map<const Vector<Scalar>> column(const Scalar* x) const {
    return Eigen::Map<const Vector<Scalar>>(x, m_rows);
  }

  const Scalar* m_data;
  Eigen::Index m_rows, m_cols, m_row_step, m_col_step;
};

/// Sparse X compressed by columns (CSC), read column by column: a view of the arrays.
template <class Scalar, class StorageIndex>
class SparseColumns {
 public:
  using scalar_type = Scalar;

  /// \param counts the entries per column of an uncompressed matrix, or null.
  SparseColumns(Eigen::Index rows, Eigen::Index cols, const StorageIndex* outer,
                const StorageIndex* inner, const Scalar* values,
                const StorageIndex* counts) noexcept
      : m_rows(rows), m_cols(cols), m_outer(outer), m_inner(inner), m_values(values),
        m_counts(counts) {}

  /// The columns of a column-major Eigen sparse matrix (or Map of one).
  template <class Matrix>
  static SparseColumns of(const Matrix& X) noexcept {
    return SparseColumns(X.rows(), X.cols(), X.outerIndexPtr(), X.innerIndexPtr(), X.valuePtr(),
                         X.isCompressed() ? nullptr : X.innerNonZeroPtr());
  }

  Eigen::Index rows() const noexcept { return m_rows; }
  Eigen::Index cols() const noexcept { return m_cols; }
  /// The entries a read of column j touches: its stored ones.
  Eigen::Index stored(Eigen::Index j) const noexcept { return end(j) - begin(j); }

  /// sum_i x_ij u_i: four partial sums (entry k into sum k mod 4, from the column's start),
  /// so that the additions do not wait on one another; the order depends on the column alone.
  Accum<Scalar> dot(Eigen::Index j, const Scalar* u) const {
    using Acc = Accum<Scalar>;
    Acc s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    Eigen::Index k = begin(j);
    const Eigen::Index e = end(j);
    for (; k + 4 <= e; k += 4) {
      s0 += Acc(m_values[k]) * u[m_inner[k]];
      s1 += Acc(m_values[k + 1]) * u[m_inner[k + 1]];
      s2 += Acc(m_values[k + 2]) * u[m_inner[k + 2]];
      s3 += Acc(m_values[k + 3]) * u[m_inner[k + 3]];
    }
    for (; k < e; ++k) s0 += Acc(m_values[k]) * u[m_inner[k]];
    return (s0 + s1) + (s2 + s3);
  }

  /// out = (x_j . rho, x_j . v, sum_i v_i x_ij^2), in one read of the column.
  /// Two partial sums each (entry k into sum k mod 2), as in dot.
  void moments(Eigen::Index j, const Scalar* rho, const Scalar* v, Accum<Scalar>* out) const {
    using Acc = Accum<Scalar>;
    Acc c[2] = {0, 0}, m[2] = {0, 0}, q[2] = {0, 0};
    Eigen::Index k = begin(j);
    const Eigen::Index e = end(j);
    const auto add = [&](Eigen::Index at, int lane) {
      const Eigen::Index i = m_inner[at];
      const Acc x = m_values[at], xv = x * Acc(v[i]);
      c[lane] += x * Acc(rho[i]);
      m[lane] += xv;
      q[lane] += xv * x;
    };
    for (; k + 2 <= e; k += 2) {
      add(k, 0);
      add(k + 1, 1);
    }
    if (k < e) add(k, 0);
    out[0] = c[0] + c[1];
    out[1] = m[0] + m[1];
    out[2] = q[0] + q[1];
  }

  /// rho -= delta (v o x_j).
  void update(Eigen::Index j, Scalar delta, const Scalar* v, Scalar* rho) const {
    for (Eigen::Index k = begin(j), e = end(j); k < e; ++k) {
      const Eigen::Index i = m_inner[k];
      rho[i] -= delta * v[i] * m_values[k];
    }
  }

  /// update(j, ...), then dot(next, rho) (two reads: the columns share no rows in general).
  Accum<Scalar> update_dot(Eigen::Index j, Scalar delta, const Scalar* v, Scalar* rho,
                           Eigen::Index next) const {
    update(j, delta, v, rho);
    return dot(next, rho);
  }

  /// update(j, ...), then moments(next, rho, v, out).
  void update_moments(Eigen::Index j, Scalar delta, const Scalar* v, Scalar* rho, Eigen::Index next,
                      Accum<Scalar>* out) const {
    update(j, delta, v, rho);
    moments(next, rho, v, out);
  }

  /// z += a x_j.
  void add_to(Eigen::Index j, Scalar a, Scalar* z) const {
    for (Eigen::Index k = begin(j), e = end(j); k < e; ++k) z[m_inner[k]] += a * m_values[k];
  }

  /// f(i, x_ij) for the stored entries of column j, in their order (increasing i).
  template <class F>
  void for_column(Eigen::Index j, const F& f) const {
    for (Eigen::Index k = begin(j), e = end(j); k < e; ++k)
      f(Eigen::Index(m_inner[k]), m_values[k]);
  }

  /// sum_i x_ij^2 over the stored entries.
  Accum<Scalar> squared_norm(Eigen::Index j) const {
    Accum<Scalar> sum = 0;
    for (Eigen::Index k = begin(j), e = end(j); k < e; ++k) {
      sum += Accum<Scalar>(m_values[k]) * m_values[k];
    }
    return sum;
  }

  /// True when column j takes one value on the `positive` rows with u_i > 0: implicit zeros
  /// count, so only a column that is empty on them, or stored and equal on every one of them,
  /// is. O(entries of the column).
  bool constant_on(Eigen::Index j, const Scalar* u, Eigen::Index positive) const {
    Eigen::Index stored = 0;
    bool seen = false;
    Scalar first = 0;
    for (Eigen::Index k = begin(j), e = end(j); k < e; ++k) {
      if (!(u[m_inner[k]] > 0)) continue;
      ++stored;
      if (!seen) {
        first = m_values[k];
        seen = true;
      } else if (m_values[k] != first) {
        return false;
      }
    }
    return stored == 0 || stored == positive || first == Scalar(0);
  }

 private:
  Eigen::Index begin(Eigen::Index j) const noexcept { return m_outer[j]; }
  Eigen::Index end(Eigen::Index j) const noexcept {
    return m_counts ? Eigen::Index(m_outer[j]) + m_counts[j] : Eigen::Index(m_outer[j + 1]);
  }

  Eigen::Index m_rows, m_cols;
  const StorageIndex* m_outer;
  const StorageIndex* m_inner;
  const Scalar* m_values;
  const StorageIndex* m_counts;
};

/// z = X w + b over the columns of X (DenseColumns or SparseColumns), z sized to X's rows: one
/// read of the columns whose weight is not 0, in increasing j.
template <class Columns>
void set_affine(const Columns& X, const Vector<typename Columns::scalar_type>& w,
                typename Columns::scalar_type b, Vector<typename Columns::scalar_type>& z) {
  z.setConstant(X.rows(), b);
  for (Eigen::Index j = 0; j < w.size(); ++j) {
    if (w[j] != 0) X.add_to(j, w[j], z.data());
  }
}

/// The elastic-net penalty of one solve: sum_j (ridge_j / 2) w_j^2 + lasso_j |w_j|; frozen
/// features (frozen_j != 0) stay at 0; the bias is fitted or stays 0.
template <class Scalar>
struct CdPenalty {
  Vector<Scalar> ridge;               ///< ridge_j >= 0
  Vector<Scalar> lasso;               ///< lasso_j >= 0
  std::vector<unsigned char> frozen;  ///< empty, or one flag per feature
  bool fit_intercept = true;

  bool is_frozen(Eigen::Index j) const noexcept {
    return !frozen.empty() && frozen[static_cast<std::size_t>(j)] != 0;
  }
  /// Coordinate j's term of P: (ridge_j / 2) w_j^2 + lasso_j |w_j|.
  Accum<Scalar> term(Eigen::Index j, Scalar w_j) const {
    if (w_j == 0) return 0;
    const Accum<Scalar> wj = w_j;
    return Accum<Scalar>(ridge[j]) / 2 * wj * wj + Accum<Scalar>(lasso[j]) * std::abs(wj);
  }
  /// P(w).
  Accum<Scalar> value(const Vector<Scalar>& w) const {
    Accum<Scalar> sum = 0;
    for (Eigen::Index j = 0; j < w.size(); ++j) sum += term(j, w[j]);
    return sum;
  }
};

/// How a solve ended.
enum class CdStatus {
  converged,   ///< every KKT residual <= the tolerance
  stalled,     ///< a step changed nothing (J at its minimum to rounding), or the line search
               ///< found no decrease
  max_passes,  ///< the cap of passes
  stopped,     ///< the caller's callback asked to stop
  non_finite   ///< J turned non-finite at the start
};

/// Coordinate descent over the columns of X (DenseColumns or SparseColumns) with labels y in
/// {0, 1} and weights sw (see the file comment). Keeps its point (w, b, z) and working set
/// between solves: warm starts along a path.
template <class Columns>
class CoordinateDescent {
 public:
  using Scalar = typename Columns::scalar_type;
  using Acc = Accum<Scalar>;

  /// \param X the columns (must outlive the solver), \param y the labels in {0, 1},
  /// \param sw the per-sample weights of the loss (s_i / S for the mean cost).
  CoordinateDescent(const Columns& X, Vector<Scalar> y, Vector<Scalar> sw)
      : m_X(X), m_y(std::move(y)), m_sw(std::move(sw)), m_n(X.rows()), m_d(X.cols()),
        m_in_set(static_cast<std::size_t>(X.cols()), 0) {
    m_sign = (Scalar(1) - Scalar(2) * m_y.array()).matrix();  // t_i = 1 - 2 y_i
    m_w = Vector<Scalar>::Zero(m_d);
    m_z = Vector<Scalar>::Zero(m_n);
    m_gradient = Vector<Acc>::Zero(m_d);
    m_stamp.assign(static_cast<std::size_t>(m_d), -std::numeric_limits<Acc>::infinity());
  }

  /// Moves to (w, b): z = X w + b (one pass over the non-zero columns), p, v, r and the loss.
  void start(const Vector<Scalar>& w, Scalar b) {
    m_w = w;
    m_b = b;
    set_affine(m_X, w, b, m_z);
    refresh();
    m_gradient_valid = false;
  }

  /// Threads for the passes that are independent across features (the gradient, the
  /// curvatures): results do not depend on it. Default 1.
  void set_threads(int threads) noexcept { m_threads = threads > 1 ? threads : 1; }

  /// Puts into the working set every feature j outside it with |g_j| >= threshold(j) at the
  /// current point (an infinite threshold leaves j out): g_j is read only where its bound (see
  /// complete_gradient) reaches the threshold, so the set is the one exact gradients give.
  template <class Threshold>
  void include_reaching(const Threshold& threshold) {
    if (!m_gradient_valid) full_gradient();
    sync_drift();
    m_rest.clear();
    for (Eigen::Index j = 0; j < m_d; ++j) {
      if (!included(j) && gradient_bound(j) >= threshold(j)) m_rest.push_back(j);
    }
    for_features(m_rest, [&](Eigen::Index j) {
      if (m_stamp[static_cast<std::size_t>(j)] != m_drift) exact_gradient(j);
    });
    for (const Eigen::Index j : m_rest) {
      if (std::abs(m_gradient[j]) >= threshold(j)) include(j);
    }
  }

  /// Puts feature j into the working set.
  void include(Eigen::Index j) {
    if (m_in_set[static_cast<std::size_t>(j)]) return;
    m_in_set[static_cast<std::size_t>(j)] = 1;
    m_set.push_back(j);
  }
  bool included(Eigen::Index j) const { return m_in_set[static_cast<std::size_t>(j)] != 0; }

  const Vector<Scalar>& weights() const noexcept { return m_w; }
  Scalar bias() const noexcept { return m_b; }
  /// z = X w + b at the current point.
  const Vector<Scalar>& logits() const noexcept { return m_z; }
  /// The data term's gradient dJ/dw_j = -sum_i x_ij r_i at the current point, every entry exact
  /// after a solve with check_all (a solve without it leaves the entries of the features whose
  /// KKT condition a bound proved stale: see include_reaching).
  const Vector<Acc>& data_gradient() {
    if (!m_gradient_valid) full_gradient();
    return m_gradient;
  }
  /// dJ/db of the data term: -sum_i r_i.
  Acc bias_gradient() const { return -m_r.template cast<Acc>().sum(); }
  /// sum_i sw_i [softplus(z_i) - y_i z_i] at the current point.
  Acc loss() const noexcept { return m_loss; }
  /// Passes over X so far (sweeps and gradient passes).
  Eigen::Index passes() const noexcept { return m_passes; }

  /// The largest KKT residual at the current point (see the file comment), frozen features
  /// excluded; the gradient must be current.
  Acc kkt_residual(const CdPenalty<Scalar>& penalty) const {
    Acc worst = penalty.fit_intercept ? std::abs(bias_gradient()) : Acc(0);
    for (Eigen::Index j = 0; j < m_d; ++j) {
      if (penalty.is_frozen(j)) continue;
      worst = std::max(worst, residual(penalty, j));
    }
    return worst;
  }

  /// The subgradient of J of least norm (d + 1 entries, the bias last); gradient current.
  Vector<Scalar> minimum_subgradient(const CdPenalty<Scalar>& penalty) const {
    Vector<Scalar> s(m_d + 1);
    for (Eigen::Index j = 0; j < m_d; ++j) {
      const Acc smooth = m_gradient[j] + Acc(penalty.ridge[j]) * m_w[j];
      const Acc t = penalty.lasso[j];
      s[j] = penalty.is_frozen(j) ? Scalar(0)
             : m_w[j] > 0         ? static_cast<Scalar>(smooth + t)
             : m_w[j] < 0         ? static_cast<Scalar>(smooth - t)
                                  : static_cast<Scalar>(soft_threshold(smooth, t));
    }
    s[m_d] = penalty.fit_intercept ? static_cast<Scalar>(bias_gradient()) : Scalar(0);
    return s;
  }

  /// Minimises J with `penalty` from the current point, until every KKT residual is <=
  /// tolerance (see the file comment) or the passes reach max_passes. on_iterate(*this) is
  /// called at the start and after every outer iteration; it returns true to stop. With
  /// check_all, every outer iteration ends with the gradient of every feature (for callers that
  /// report it); else only the working set's, and all features are checked when the working set
  /// satisfies its KKT conditions (glmnet's order: one full pass a lambda, as a rule).
  template <class OnIterate>
  CdStatus solve(const CdPenalty<Scalar>& penalty, Acc tolerance, Eigen::Index max_passes,
                 const OnIterate& on_iterate, bool check_all = true) {
    if (!m_gradient_valid) full_gradient();
    if (!is_finite_bits(m_loss)) return CdStatus::non_finite;
    Acc kkt = admit_violators(penalty);
    if (on_iterate(*this)) return CdStatus::stopped;
    // The residual stops falling only at rounding level: three outer iterations without a new
    // best end the solve.
    Acc best = kkt;
    int without_progress = 0;
    for (;;) {
      if (kkt <= tolerance) return CdStatus::converged;
      if (m_passes >= max_passes) return CdStatus::max_passes;
      const Acc inner = std::max(tolerance / 2, kkt / 10);
      if (!newton_step(penalty, inner, max_passes)) return CdStatus::stalled;
      const std::size_t set_size = m_set.size();
      if (check_all) {
        full_gradient();
        kkt = admit_violators(penalty);
      } else {
        kkt = working_set_residual(penalty);
        if (kkt <= tolerance) {
          if (!m_gradient_valid) complete_gradient(penalty);
          kkt = admit_violators(penalty);
        }
      }
      if (on_iterate(*this)) return CdStatus::stopped;
      if (kkt < best || m_set.size() != set_size) {  // progress, or a larger working set
        best = kkt;
        without_progress = 0;
      } else if (++without_progress >= 3) {
        if (!m_gradient_valid) {  // only the working set's is current (check_all is false)
          complete_gradient(penalty);
          kkt = admit_violators(penalty);
        }
        return kkt <= tolerance ? CdStatus::converged : CdStatus::stalled;
      }
    }
  }

 private:
  /// Coordinate j's KKT residual.
  Acc residual(const CdPenalty<Scalar>& penalty, Eigen::Index j) const {
    const Acc smooth = m_gradient[j] + Acc(penalty.ridge[j]) * m_w[j];
    const Acc t = penalty.lasso[j];
    if (m_w[j] > 0) return std::abs(smooth + t);
    if (m_w[j] < 0) return std::abs(smooth - t);
    return std::max(std::abs(smooth) - t, Acc(0));
  }

  /// Adds the features outside the working set whose KKT condition fails; returns the largest
  /// residual. (The scan calls nothing, so that its maximum stays in a register; the rare
  /// violators are admitted in a second scan.)
  Acc admit_violators(const CdPenalty<Scalar>& penalty) {
    Acc worst = penalty.fit_intercept ? std::abs(bias_gradient()) : Acc(0);
    bool violated = false;
    for (Eigen::Index j = 0; j < m_d; ++j) {
      if (penalty.is_frozen(j)) continue;
      const Acc res = residual(penalty, j);
      violated = violated || (res > 0 && !included(j));
      worst = std::max(worst, res);
    }
    for (Eigen::Index j = 0; violated && j < m_d; ++j) {
      if (!penalty.is_frozen(j) && !included(j) && residual(penalty, j) > 0) include(j);
    }
    return worst;
  }

  /// p_i, v_i = sw_i p_i (1 - p_i), r_i = sw_i (y_i - p_i) and the loss at z.
  void refresh() {
    m_r.resize(m_n);
    m_v.resize(m_n);
    m_r_moved = true;
    m_loss = loss_of(m_z.data(), m_r.data(), m_v.data());
  }

  /// The loss sum_i sw_i [softplus(z_i) - y_i z_i] at logits z, with the residuals
  /// r_i = sw_i (y_i - a_i) and curvatures v_i = sw_i a_i (1 - a_i) (r and v sized to the rows):
  /// the library's vectorised logistic step (which gives sw_i (a_i - y_i)), block by block, the
  /// blocks' sums added in Acc.
  Acc loss_of(const Scalar* z, Scalar* r, Scalar* v) const {
    constexpr Eigen::Index block = 256;
    Acc loss = 0;
    for (Eigen::Index i0 = 0; i0 < m_n; i0 += block) {
      const Eigen::Index rows = std::min(block, m_n - i0);
      Scalar* out = r + i0;
      loss += Acc(kernel_logistic_curvature(z + i0, m_sign.data() + i0, m_sw.data() + i0, rows, out,
                                            v + i0));
      for (Eigen::Index k = 0; k < rows; ++k) out[k] = -out[k];
    }
    return loss;
  }

  /// g_j = -sum_i x_ij r_i for the working set only (the rest goes stale, unless the set holds
  /// every feature: the gradient is then complete); returns its largest KKT residual (and the
  /// bias's), frozen features aside. One pass over the working set's columns.
  Acc working_set_residual(const CdPenalty<Scalar>& penalty) {
    Acc worst = penalty.fit_intercept ? std::abs(bias_gradient()) : Acc(0);
    sync_drift();
    for_features(m_set, [&](Eigen::Index j) { exact_gradient(j); });
    for (const Eigen::Index j : m_set) {
      if (!penalty.is_frozen(j)) worst = std::max(worst, residual(penalty, j));
    }
    m_gradient_valid = static_cast<Eigen::Index>(m_set.size()) == m_d;
    ++m_passes;
    return worst;
  }

  /// g_j = -sum_i x_ij r_i for every feature: one pass.
  void full_gradient() {
    if (static_cast<Eigen::Index>(m_all.size()) != m_d) {
      m_all.resize(static_cast<std::size_t>(m_d));
      for (Eigen::Index j = 0; j < m_d; ++j) m_all[static_cast<std::size_t>(j)] = j;
    }
    sync_drift();
    for_features(m_all, [&](Eigen::Index j) { exact_gradient(j); });
    m_gradient_valid = true;
    ++m_passes;
  }

  /// Completes the gradient over the features outside the working set, whose own gradient
  /// working_set_residual has just made current, as far as their KKT conditions need it: one
  /// pass over the other columns, less those whose condition a bound proves. For w_j = 0 the
  /// condition is |g_j| <= lasso_j, and g_j last read at r' bounds g_j at r:
  ///   |g_j(r)| <= |g_j(r')| + ||x_j|| ||r - r'|| <= |g_j(r')| + ||x_j|| (D(r) - D(r'))
  /// (Cauchy-Schwarz, then the triangle inequality along the drift D, the length of the path of
  /// r through the points where gradients were read). Such a feature keeps its stale g_j, whose
  /// residual max(|g_j(r')| - lasso_j, 0) is the exact one, 0; its bound grows with D until it
  /// is read again. The column norms cost one pass, the first time.
  void complete_gradient(const CdPenalty<Scalar>& penalty) {
    sync_drift();
    if (m_norm.empty()) {
      m_norm.resize(static_cast<std::size_t>(m_d));
      for (Eigen::Index j = 0; j < m_d; ++j) {
        m_norm[static_cast<std::size_t>(j)] = std::sqrt(m_X.squared_norm(j));
      }
      ++m_passes;
    }
    m_rest.clear();
    for (Eigen::Index j = 0; j < m_d; ++j) {
      if (included(j) || penalty.is_frozen(j)) continue;
      if (m_w[j] == 0 && gradient_bound(j) <= Acc(penalty.lasso[j])) continue;
      m_rest.push_back(j);
    }
    for_features(m_rest, [&](Eigen::Index j) { exact_gradient(j); });
    m_gradient_valid = true;
    ++m_passes;
  }

  /// g_j = -sum_i x_ij r_i at the current point, stamped with the drift (see complete_gradient;
  /// sync_drift must have run since r last moved).
  void exact_gradient(Eigen::Index j) {
    m_gradient[j] = -m_X.dot(j, m_r.data());
    m_stamp[static_cast<std::size_t>(j)] = m_drift;
  }

  /// Brings the drift D to the current r: D += ||r - r_last||, r_last the r of the last call.
  void sync_drift() {
    if (!m_r_moved) return;
    if (m_r_last.size() == m_n) {
      m_drift +=
          std::sqrt((m_r.template cast<Acc>() - m_r_last.template cast<Acc>()).squaredNorm());
    }
    m_r_last = m_r;
    m_r_scale = std::max(m_r_scale, std::sqrt(m_r.template cast<Acc>().squaredNorm()));
    m_r_moved = false;
  }

  /// An upper bound of |g_j| at the current point (sync_drift must have run): |g_j| itself
  /// when it was read there, else the bound of complete_gradient, widened by the rounding of
  /// the two dots (1e-10 ||x_j|| max ||r||, far above it).
  Acc gradient_bound(Eigen::Index j) const {
    const std::size_t k = static_cast<std::size_t>(j);
    const Acc g = std::abs(m_gradient[j]);
    if (m_stamp[k] == m_drift) return g;
    const Acc unknown = std::numeric_limits<Acc>::infinity();
    if (m_norm.empty() || m_stamp[k] == -unknown) return unknown;  // never read, or no norms
    return g + m_norm[k] * ((m_drift - m_stamp[k]) + Acc(1e-10) * m_r_scale);
  }

  /// Runs f(j) for every j of `features`, on up to threads() threads, each a contiguous share of
  /// the list. f writes only what belongs to j, so nothing depends on the thread count; one
  /// thread when the work (the entries of the columns: n a dense one, its stored entries a
  /// sparse one) would not pay for waking the others.
  template <class F>
  void for_features(const std::vector<Eigen::Index>& features, const F& f) const {
    const Eigen::Index count = static_cast<Eigen::Index>(features.size());
    constexpr Eigen::Index min_parallel_work = Eigen::Index(1) << 16;
    if (m_threads <= 1 || count < 2 || work(features, min_parallel_work) < min_parallel_work) {
      for (const Eigen::Index j : features) f(j);
      return;
    }
    const Eigen::Index shares = std::min<Eigen::Index>(count, 4 * Eigen::Index(m_threads));
    ThreadPool::instance().run(shares, m_threads, [&](Eigen::Index c, int) {
      for (Eigen::Index k = count * c / shares; k < count * (c + 1) / shares; ++k) {
        f(features[static_cast<std::size_t>(k)]);
      }
    });
  }

  /// The entries of the columns of `features`, counted up to `enough`.
  Eigen::Index work(const std::vector<Eigen::Index>& features, Eigen::Index enough) const {
    Eigen::Index sum = 0;
    for (std::size_t k = 0; k < features.size() && sum < enough; ++k) {
      sum += m_X.stored(features[k]);
    }
    return sum;
  }

  /// One sweep of coordinate updates over `features` and the bias; returns the largest
  /// (curvature_j + ridge_j) |delta_j| (the model's residual the update removed). A move whose
  /// residual is at most `negligible` is not made (newton_step passes 0 to its first sweep and a
  /// tenth of the inner tolerance to the later ones): the sweeps stop once every move is below
  /// the inner tolerance anyway, and such a move costs a pass over its column for no progress
  /// the solve asks for (on the sparse benchmark's path, 65 % of the entries the updates read).
  ///
  /// With a bias the features are centred implicitly at their v-weighted means
  /// m_j = sum_i v_i x_ij / sum_i v_i (as glmnet centres them): a step delta on w_j moves the
  /// bias by -m_j delta, so z moves by delta (x_j - m_j), which is v-orthogonal to the bias's
  /// direction. A column with a large mean then no longer crawls against the bias. The model
  /// residual is rho = rhohat - shift v, with rhohat = r - v o (X dw) updated sparsely and
  /// shift = db the bias's total move; then
  ///   c_j = sum_i (x_ij - m_j) rho_i = x_j . rhohat - m_j sum(rhohat),
  ///   curvature_j = sum_i v_i (x_ij - m_j)^2 = xv_j - m_j sum_i v_i x_ij,
  ///   the bias's step: sum(rho) / sum(v) = (sum(rhohat) - shift sum(v)) / sum(v).
  ///
  /// A feature's curvature and mean are formed in the same read of its column as its first c_j
  /// of the outer iteration (they do not depend on rho). An update and the next coordinate's
  /// sums share one read of rho (Columns::update_dot, update_moments).
  Acc sweep(const std::vector<Eigen::Index>& features, const CdPenalty<Scalar>& penalty,
            Acc negligible) {
    Acc largest = 0;
    const bool centred = penalty.fit_intercept && m_v_sum > 0;
    Acc sums[3];
    bool ahead = false;  // sums (and a new curvature) hold features[at], formed by an update
    for (std::size_t at = 0; at < features.size(); ++at) {
      const Eigen::Index j = features[at];
      const std::size_t k = static_cast<std::size_t>(j);
      if (!ahead) {
        if (m_known[k]) {
          sums[0] = m_X.dot(j, m_rho.data());
        } else {
          m_X.moments(j, m_rho.data(), m_v.data(), sums);
          set_curvature(k, sums[1], sums[2], centred);
        }
      }
      ahead = false;
      const Acc dot = sums[0];
      const Acc curvature = m_xv[k];
      const Acc denominator = curvature + Acc(penalty.ridge[j]);
      if (!(denominator > 0)) continue;  // an empty (or constant) column: w_j stays
      const Acc c = dot - m_mean[k] * m_rho_sum;
      const Scalar wj = m_w[j];
      const Scalar next = static_cast<Scalar>(
          soft_threshold<Acc>(curvature * wj + c, Acc(penalty.lasso[j])) / denominator);
      const Scalar delta = next - wj;
      const Acc moved = denominator * std::abs(Acc(delta));
      if (moved <= negligible) continue;  // (NaN moves on, to be caught as non-finite)
      m_w[j] = next;
      if (at + 1 < features.size()) {
        const Eigen::Index after = features[at + 1];
        const std::size_t k_after = static_cast<std::size_t>(after);
        if (m_known[k_after]) {
          sums[0] = m_X.update_dot(j, delta, m_v.data(), m_rho.data(), after);
        } else {
          m_X.update_moments(j, delta, m_v.data(), m_rho.data(), after, sums);
          set_curvature(k_after, sums[1], sums[2], centred);
        }
        ahead = true;
      } else {
        m_X.update(j, delta, m_v.data(), m_rho.data());
      }
      m_rho_sum -= Acc(delta) * m_xv_sum[k];
      m_shift -= m_mean[k] * Acc(delta);
      largest = std::max(largest, moved);
    }
    if (penalty.fit_intercept && m_v_sum > 0) {
      const Acc delta = (m_rho_sum - m_shift * m_v_sum) / m_v_sum;
      m_shift += delta;
      largest = std::max(largest, m_v_sum * std::abs(delta));
    }
    ++m_passes;
    return largest;
  }

  /// Feature k's curvature from s = sum_i v_i x_ik and q = sum_i v_i x_ik^2: centred at its
  /// v-weighted mean m_k = s / sum(v) with a bias (q - m_k s), else q.
  void set_curvature(std::size_t k, Acc s, Acc q, bool centred) {
    m_known[k] = 1;
    if (centred) {
      m_xv_sum[k] = s;
      m_mean[k] = s / m_v_sum;
      m_xv[k] = std::max(q - m_mean[k] * s, Acc(0));
    } else {
      m_xv_sum[k] = 0;
      m_mean[k] = 0;
      m_xv[k] = q;
    }
  }

  /// The working set's non-zero and unpenalised features.
  std::vector<Eigen::Index> active(const CdPenalty<Scalar>& penalty) const {
    std::vector<Eigen::Index> out;
    for (const Eigen::Index j : m_set) {
      if (m_w[j] != 0 || penalty.lasso[j] == 0) out.push_back(j);
    }
    return out;
  }

  /// Minimises the quadratic model over the working set to `inner`, then line-searches J
  /// along the step and moves there. Returns false when no step was taken.
  bool newton_step(const CdPenalty<Scalar>& penalty, Acc inner, Eigen::Index max_passes) {
    m_rho = m_r;
    m_v_sum = m_v.template cast<Acc>().sum();
    m_rho_sum = m_r.template cast<Acc>().sum();
    m_shift = 0;
    const std::size_t d = static_cast<std::size_t>(m_d);
    if (m_known.size() != d) {
      m_xv.assign(d, Acc(0));
      m_xv_sum.assign(d, Acc(0));
      m_mean.assign(d, Acc(0));
      m_known.assign(d, 0);
    }
    std::vector<Eigen::Index> set;
    for (const Eigen::Index j : m_set) {
      if (!penalty.is_frozen(j)) set.push_back(j);
      m_known[static_cast<std::size_t>(j)] = 0;  // its curvature comes with the first sweep
    }
    std::vector<Scalar> w_old(set.size());
    for (std::size_t k = 0; k < set.size(); ++k) w_old[k] = m_w[set[k]];
    const Scalar b_old = m_b;
    // The first sweep makes every move, however small: each coordinate gets its exact move once
    // a step (a weight on its way to 0 reaches it; one below the rounding floor still counts
    // once), and the line search gets a step whenever the model has one. Measured: skipping in
    // the first sweep too left weights of 2e-6 that glmnet has at 0 on the lasso without a bias.
    for (Acc negligible = 0;; negligible = inner / 10) {
      if (!(sweep(set, penalty, negligible) > inner) || m_passes >= max_passes) break;
      std::vector<Eigen::Index> nonzero = active(penalty);
      while (m_passes < max_passes && sweep(nonzero, penalty, inner / 10) > inner) {
      }
    }
    return line_search(penalty, set, w_old, b_old);
  }

  /// Backtracking on J(old + t step), t = 1, 1/2, ...: accepts the first t with
  /// J(t) - J(0) <= 1e-3 t Delta (+ rounding), Delta = -r . dz + P(w_new) - P(w_old) < 0.
  /// Only the coordinates of `set` (whose old values are w_old) and the bias moved, so the
  /// change of J is the loss's plus that of the set's penalty terms: O(|set|) work besides
  /// the rows, whatever d.
  bool line_search(const CdPenalty<Scalar>& penalty, const std::vector<Eigen::Index>& set,
                   const std::vector<Scalar>& w_old, Scalar b_old) {
    // The bias moved by the sweeps' shift; dz = X dw + shift.
    m_b = static_cast<Scalar>(Acc(b_old) + m_shift);
    const Scalar b_step = m_b - b_old;
    std::vector<Scalar> step(set.size());
    bool moved = b_step != 0;
    Acc penalty_old = 0, penalty_new = 0;
    for (std::size_t k = 0; k < set.size(); ++k) {
      step[k] = m_w[set[k]] - w_old[k];
      moved = moved || step[k] != 0;
      penalty_old += penalty.term(set[k], w_old[k]);
      penalty_new += penalty.term(set[k], m_w[set[k]]);
    }
    if (!moved) return false;
    // dz = X dw + shift: one read of the columns that moved
    m_dz.setConstant(m_n, static_cast<Scalar>(m_shift));
    for (std::size_t k = 0; k < set.size(); ++k) {
      if (step[k] != 0) m_X.add_to(set[k], step[k], m_dz.data());
    }
    const Acc decrease =
        -m_r.template cast<Acc>().dot(m_dz.template cast<Acc>()) + penalty_new - penalty_old;
    const Acc slack = Acc(16) * std::numeric_limits<Scalar>::epsilon() * (m_loss + penalty_old);
    Vector<Scalar> z(m_n);
    m_r_next.resize(m_n);
    m_v_next.resize(m_n);
    Scalar t = 1;
    for (int trial = 0; trial < 40; ++trial, t /= 2) {
      // w(t) = w_old + t step over the set (the full step, t = 1, is m_w itself)
      const auto at = [&](std::size_t k) {
        return trial == 0 ? m_w[set[k]] : w_old[k] + t * step[k];
      };
      Acc penalty_t = penalty_new;
      if (trial > 0) {
        penalty_t = 0;
        for (std::size_t k = 0; k < set.size(); ++k) penalty_t += penalty.term(set[k], at(k));
      }
      z = m_z + t * m_dz;
      // the residuals and curvatures at z come with its loss: kept if z is taken
      const Acc loss_t = loss_of(z.data(), m_r_next.data(), m_v_next.data());
      const Acc change = (loss_t - m_loss) + (penalty_t - penalty_old);
      if (is_finite_bits(change) &&
          change <= Acc(1e-3) * Acc(t) * std::min(decrease, Acc(0)) + slack) {
        const Scalar b_t = trial == 0 ? m_b : b_old + t * b_step;
        bool changed = b_t != b_old;
        for (std::size_t k = 0; k < set.size() && !changed; ++k) changed = at(k) != w_old[k];
        if (!changed) break;  // t has shrunk below rounding: no step
        for (std::size_t k = 0; k < set.size(); ++k) m_w[set[k]] = at(k);
        m_b = b_t;
        m_z.swap(z);
        m_r.swap(m_r_next);
        m_v.swap(m_v_next);
        m_r_moved = true;
        m_loss = loss_t;
        m_gradient_valid = false;
        return true;
      }
    }
    for (std::size_t k = 0; k < set.size(); ++k) m_w[set[k]] = w_old[k];
    m_b = b_old;
    return false;
  }

  const Columns& m_X;
  Vector<Scalar> m_y, m_sw, m_sign;
  Eigen::Index m_n, m_d;
  Vector<Scalar> m_w;
  Scalar m_b = 0;
  Vector<Scalar> m_z, m_v, m_r, m_rho, m_dz;
  Vector<Scalar> m_r_next, m_v_next;  // r and v at the line search's trial point
  Vector<Acc> m_gradient;
  bool m_gradient_valid = false;
  Acc m_loss = 0;
  Acc m_v_sum = 0;
  Acc m_rho_sum = 0;                   // sum_i rhohat_i
  Acc m_shift = 0;                     // the bias's move in this outer iteration
  std::vector<Acc> m_xv;               // curvature_j (centred with a bias)
  std::vector<Acc> m_xv_sum;           // sum_i v_i x_ij
  std::vector<Acc> m_mean;             // m_j
  std::vector<unsigned char> m_known;  // m_xv, m_xv_sum, m_mean are this outer iteration's
  std::vector<unsigned char> m_in_set;
  std::vector<Eigen::Index> m_set;
  std::vector<Eigen::Index> m_all;   // 0, 1, ..., d - 1 (for full_gradient)
  std::vector<Eigen::Index> m_rest;  // the features outside the working set (complete_gradient)
  std::vector<Acc> m_norm;           // ||x_j||, from the first complete_gradient
  std::vector<Acc> m_stamp;          // the drift D when g_j was last read
  Acc m_drift = 0;                   // D: the length of r's path through the sync points
  Acc m_r_scale = 0;                 // the largest ||r|| at a sync point
  Vector<Scalar> m_r_last;           // r at the last sync point
  bool m_r_moved = true;             // r changed since the last sync point
  Eigen::Index m_passes = 0;
  int m_threads = 1;
};

/// Calls f(columns) with the columns of dense X (a view: column-major contiguous, row-major
/// strided).
template <class Scalar, int Order, class F>
decltype(auto) with_columns(const DenseX<Scalar, Order>& X, F&& f) {
  return f(DenseColumns<Scalar>::of(X.matrix()));
}

/// Calls f(columns) with the columns of sparse X: a CSC copy of its entries (O(nnz) memory;
/// LogisticNeuron::fit sees X only through its kind, whose arrays it does not view by columns).
template <class Scalar, int Order, class StorageIndex, class F>
decltype(auto) with_columns(const SparseX<Scalar, Order, StorageIndex>& X, F&& f) {
  std::vector<Eigen::Triplet<Scalar, StorageIndex>> entries;
  entries.reserve(static_cast<std::size_t>(X.entries()));
  X.for_entries(0, X.rows(), [&](Eigen::Index i, Eigen::Index j, Scalar x) {
    entries.emplace_back(static_cast<StorageIndex>(i), static_cast<StorageIndex>(j), x);
  });
  Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex> csc(X.rows(), X.cols());
  csc.setFromTriplets(entries.begin(), entries.end());
  return f(SparseColumns<Scalar, StorageIndex>::of(csc));
}

/// The elastic-net penalty of FitOptions as coordinate descent takes it (on w itself).
template <class Scalar>
CdPenalty<Scalar> cd_penalty_of(const FitOptions<Scalar>& options, Eigen::Index d) {
  PenaltySpec<Scalar> spec = penalty_of(options, d);
  CdPenalty<Scalar> penalty;
  penalty.ridge = std::move(spec.ridge);
  penalty.lasso =
      spec.lasso.size() ? std::move(spec.lasso) : Vector<Scalar>(Vector<Scalar>::Zero(d));
  penalty.fit_intercept = spec.fit_intercept;
  return penalty;
}

/// Solver::coordinate_descent for LogisticNeuron::fit on one in-memory piece of rows: epochs
/// are passes (sweeps and gradient passes); each outer iteration is an accepted iterate
/// (on_epoch, cost_history, the tolerance rule on J, gradient_tolerance on the least-norm
/// subgradient with respect to (w, b)); it also stops converged when an outer step changes
/// nothing or the subgradient stops falling (the optimum to rounding).
template <class Data, class Piece, class Columns>
FitResult<typename Data::scalar_type> coordinate_descent_piece(
    const Data& data, const Piece& piece, const Columns& columns,
    const FitOptions<typename Data::scalar_type>& options, int threads,
    Vector<typename Data::scalar_type>& w, typename Data::scalar_type& b) {
  using Scalar = typename Data::scalar_type;
  const Eigen::Index n = data.rows(), d = data.cols();
  const Accum<Scalar> scale = options.reduction == CostReduction::mean
                                  ? Accum<Scalar>(1) / data.total_weight()
                                  : Accum<Scalar>(1);
  Vector<Scalar> y(n), sw(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    y[i] = piece.sign[i] < 0 ? Scalar(1) : Scalar(0);  // t_i = 1 - 2 y_i
    sw[i] = static_cast<Scalar>(scale *
                                (piece.weight ? Accum<Scalar>(piece.weight[i]) : Accum<Scalar>(1)));
  }
  const CdPenalty<Scalar> penalty = cd_penalty_of(options, d);
  // The separation check observes the iterates as a Problem in unscaled coordinates: theta = (w, b).
  const Problem<Data> problem(data, penalty_of(options, d), options.reduction, threads,
                              Coordinates::unscaled, nullptr);
  const bool check = separation_check_applies(options);
  SeparationRecorder<Problem<Data>> recorder(problem);
  Progress<Scalar> progress(options, check ? &recorder : nullptr);
  if (!options.fit_intercept) b = 0;
  CoordinateDescent<Columns> solver(columns, std::move(y), std::move(sw));
  solver.set_threads(threads);
  solver.start(w, b);
  for (Eigen::Index j = 0; j < d; ++j) {
    if (w[j] != 0 || penalty.lasso[j] == 0) solver.include(j);
  }
  Vector<Scalar> theta(d + 1);
  bool stopped_by_rule = false;
  const CdStatus status = solver.solve(
      penalty, Accum<Scalar>(options.gradient_tolerance), options.max_epochs, [&](auto& state) {
        progress.result().epochs = state.passes();
        const Scalar J = static_cast<Scalar>(state.loss() + penalty.value(state.weights()));
        theta.head(d) = state.weights();
        theta[d] = state.bias();
        if (!is_finite_bits(J)) return false;
        stopped_by_rule = progress.accept(J, state.minimum_subgradient(penalty), Scalar(1), theta);
        return stopped_by_rule;
      });
  progress.result().epochs = solver.passes();
  if (!stopped_by_rule) {
    progress.stop(status == CdStatus::max_passes   ? StopReason::max_epochs
                  : status == CdStatus::non_finite ? StopReason::non_finite
                                                   : StopReason::converged);
  }
  if (status != CdStatus::non_finite) {
    w = solver.weights();
    b = solver.bias();
  }
  FitResult<Scalar> result = progress.result();
  if (check) result.separation = check_separation(data, w, b, recorder, threads);
  return result;
}

/// Solver::coordinate_descent over a dataset held in this process's memory as one piece.
/// \throws std::invalid_argument naming LogisticNeuron::fit for X spread over processes or
/// streamed in pieces.
template <class Data>
FitResult<typename Data::scalar_type> coordinate_descent_fit(
    const Data& data, const FitOptions<typename Data::scalar_type>& options, int threads,
    Vector<typename Data::scalar_type>& w, typename Data::scalar_type& b) {
  using Scalar = typename Data::scalar_type;
  const std::string refusal =
      "LogisticNeuron::fit: Solver::coordinate_descent reads X by columns and needs all of X in "
      "this process's memory; X spread over processes or streamed in blocks needs another solver "
      "(lbfgs, newton_cg, gradient_descent)";
  if (data.reduction() != nullptr) throw std::invalid_argument(refusal);
  FitResult<Scalar> result;
  bool seen = false;
  data.for_each_piece([&](const auto& piece) {
    if (seen || piece.X.rows() != data.rows()) throw std::invalid_argument(refusal);
    seen = true;
    result = with_columns(piece.X, [&](const auto& columns) {
      return coordinate_descent_piece(data, piece, columns, options, threads, w, b);
    });
  });
  return result;
}

}  // namespace detail
}  // namespace logistic_neuron
