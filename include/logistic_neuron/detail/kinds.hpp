/// \file kinds.hpp
/// \brief From the X a user passes to the kind of X the passes run on (internal).
///
/// The public calls take any Eigen X of the model's Scalar: a dense expression (bound through an
/// Eigen::Ref, without a copy when it has unit inner stride) becomes DenseX; a compressed sparse
/// matrix (SparseMatrix, a Map of one, a Ref to one; by rows or by columns; any index type)
/// becomes SparseX, a view of its arrays. with_kind(X, f) makes the view and calls f(kind) while
/// it lives. A new kind of X plugs in here and in nothing above.
#pragma once

#include <type_traits>

#include <Eigen/Core>
#include <Eigen/SparseCore>

#include "../base/config.hpp"
#include "dense.hpp"
#include "sparse.hpp"

namespace logistic_neuron {
namespace detail {

/// True for Eigen sparse expressions.
template <class Derived>
inline constexpr bool is_sparse_v = std::is_base_of_v<Eigen::SparseMatrixBase<Derived>, Derived>;

/// True for sparse matrices in compressed storage (whose arrays a SparseX can view).
template <class Derived>
inline constexpr bool is_compressed_sparse_v =
    std::is_base_of_v<Eigen::SparseCompressedBase<Derived>, Derived>;

/// X must hold the model's Scalar and be a dense expression or a compressed sparse matrix.
template <class Scalar, class Derived>
constexpr void check_kind() {
  static_assert(std::is_same_v<typename Derived::Scalar, Scalar>,
                "logistic_neuron: X must hold the model's Scalar type; convert it with "
                "X.template cast<Scalar>()");
  static_assert(
      std::is_base_of_v<Eigen::MatrixBase<Derived>, Derived> || is_compressed_sparse_v<Derived>,
      "logistic_neuron: X must be a dense Eigen matrix expression or a compressed "
      "sparse matrix (Eigen::SparseMatrix, or a Map or Ref of one); evaluate other "
      "sparse expressions into an Eigen::SparseMatrix first");
}

/// Calls f(kind) with the kind of X that views X, without checking sparse X's indices (for
/// callers that check them where every MPI rank agrees on the outcome: mpi_setup.hpp), and
/// returns what f returns.
template <class Scalar, class Derived, class F>
decltype(auto) with_unchecked_kind(const Eigen::EigenBase<Derived>& X, F&& f) {
  check_kind<Scalar, Derived>();
  if constexpr (is_compressed_sparse_v<Derived>) {
    using Kind = SparseX<Scalar, storage_order_v<Derived>, typename Derived::StorageIndex>;
    const Kind kind = Kind::of(X.derived());
    return f(kind);
  } else {
    const XRef<Scalar, storage_order_v<Derived>> Xr(X.derived());
    const DenseX<Scalar, storage_order_v<Derived>> kind(Xr);
    return f(kind);
  }
}

/// Calls f(kind) with the kind of X that views X, and returns what f returns. Sparse X's indices
/// are checked first (SparseX::require_valid, naming `caller`).
template <class Scalar, class Derived, class F>
decltype(auto) with_kind(const char* caller, const Eigen::EigenBase<Derived>& X, F&& f) {
  return with_unchecked_kind<Scalar>(X, [&](const auto& kind) -> decltype(auto) {
    if constexpr (is_compressed_sparse_v<Derived>) kind.require_valid(caller);
    return f(kind);
  });
}

/// Recomputes the logits that overflowed (see repair_logits in dense.hpp and sparse.hpp).
template <class Scalar, int Order>
void repair_kind_logits(const char* caller, const DenseX<Scalar, Order>& X, const Vector<Scalar>& w,
                        Scalar b, Vector<Scalar>& z) {
  repair_logits(caller, X.matrix(), w, b, z);
}
template <class Scalar, int Order, class StorageIndex>
void repair_kind_logits(const char* caller, const SparseX<Scalar, Order, StorageIndex>& X,
                        const Vector<Scalar>& w, Scalar b, Vector<Scalar>& z) {
  repair_logits(caller, X, w, b, z);
}

}  // namespace detail
}  // namespace logistic_neuron
