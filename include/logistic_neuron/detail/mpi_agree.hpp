/// \file mpi_agree.hpp
/// \brief How the ranks of a distributed call agree before they compute: one rank's error
/// becomes every rank's, and the call's signature (its name, the scalar type, storage order and
/// columns of X, the options) is compared with rank 0's (internal).
///
/// A check that fails on one rank must not leave the others waiting in a collective: every
/// check that can fail on some ranks only runs locally under try/catch, then one collective
/// (agree) tells every rank which is the lowest rank that failed, and that rank broadcasts the
/// kind and message of its exception, which every rank then throws. Checks of global values
/// (the same bits on every rank) throw directly: they fail on every rank at once.
#pragma once

#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../base/config.hpp"
#include "../base/text.hpp"
#include "model_format.hpp"
#include "mpi_comm.hpp"

namespace logistic_neuron {
namespace detail {

/// The kinds of exception that cross ranks (anything else travels as std::runtime_error).
enum class ErrorKind : int {
  none = 0,
  invalid_argument,
  domain_error,
  length_error,
  out_of_range,
  logic_error,
  overflow_error,
  underflow_error,
  range_error,
  runtime_error,
  bad_alloc
};

/// One rank's exception: its kind and message.
struct RankError {
  ErrorKind kind = ErrorKind::none;  ///< none: no error
  std::string message;               ///< what()
};

/// The exception being handled, as a RankError. Call it inside a catch block.
/// \return its kind and message.
inline RankError current_error() {
  try {
    throw;
  } catch (const std::invalid_argument& e) {
    return {ErrorKind::invalid_argument, e.what()};
  } catch (const std::domain_error& e) {
    return {ErrorKind::domain_error, e.what()};
  } catch (const std::length_error& e) {
    return {ErrorKind::length_error, e.what()};
  } catch (const std::out_of_range& e) {
    return {ErrorKind::out_of_range, e.what()};
  } catch (const std::logic_error& e) {
    return {ErrorKind::logic_error, e.what()};
  } catch (const std::overflow_error& e) {
    return {ErrorKind::overflow_error, e.what()};
  } catch (const std::underflow_error& e) {
    return {ErrorKind::underflow_error, e.what()};
  } catch (const std::range_error& e) {
    return {ErrorKind::range_error, e.what()};
  } catch (const std::runtime_error& e) {
    return {ErrorKind::runtime_error, e.what()};
  } catch (const std::bad_alloc&) {
    return {ErrorKind::bad_alloc, "std::bad_alloc"};
  } catch (const std::exception& e) {
    return {ErrorKind::runtime_error, e.what()};
  } catch (...) {
    return {ErrorKind::runtime_error, "an exception that is not a std::exception"};
  }
}

/// Throws the exception that `error` describes.
/// \param error its kind and message.
[[noreturn]] inline void throw_error(const RankError& error) {
  const std::string& m = error.message;
  switch (error.kind) {
    case ErrorKind::invalid_argument: throw std::invalid_argument(m);
    case ErrorKind::domain_error: throw std::domain_error(m);
    case ErrorKind::length_error: throw std::length_error(m);
    case ErrorKind::out_of_range: throw std::out_of_range(m);
    case ErrorKind::logic_error: throw std::logic_error(m);
    case ErrorKind::overflow_error: throw std::overflow_error(m);
    case ErrorKind::underflow_error: throw std::underflow_error(m);
    case ErrorKind::range_error: throw std::range_error(m);
    case ErrorKind::bad_alloc: throw std::bad_alloc();
    case ErrorKind::none:
    case ErrorKind::runtime_error: break;
  }
  throw std::runtime_error(m);
}

/// Collective: the error of rank `root`, on every rank.
/// \param comm the communicator.
/// \param root the rank whose error is broadcast.
/// \param mine this rank's error (read on `root` only; null: none).
/// \return root's error.
inline RankError broadcast_error(MPI_Comm comm, int root, const RankError* mine) {
  int rank = 0;
  mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  int header[2] = {0, 0};  // kind, message length
  if (rank == root && mine) {
    header[0] = static_cast<int>(mine->kind);
    header[1] = mpi_count(static_cast<Eigen::Index>(mine->message.size()));
  }
  mpi_check(MPI_Bcast(header, 2, MPI_INT, root, comm), "MPI_Bcast");
  RankError error;
  error.kind = static_cast<ErrorKind>(header[0]);
  error.message.resize(static_cast<std::size_t>(header[1]));
  if (rank == root && mine) error.message = mine->message;
  if (header[1] > 0) {
    mpi_check(MPI_Bcast(error.message.data(), header[1], MPI_CHAR, root, comm), "MPI_Bcast");
  }
  return error;
}

/// Collective: the lowest rank whose `failed` is true.
/// \param comm the communicator.
/// \param failed whether this rank failed.
/// \return that rank, or the communicator's size if none failed.
inline int lowest_failing_rank(MPI_Comm comm, bool failed) {
  int rank = 0, size = 1;
  mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  int lowest = failed ? rank : size;
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, &lowest, 1, MPI_INT, MPI_MIN, comm), "MPI_Allreduce");
  return lowest;
}

/// Collective: if some rank has an error, every rank throws the error of the lowest such rank,
/// with its kind and message. Returns when no rank has one.
/// \param comm the communicator.
/// \param mine this rank's error, or null.
inline void agree(MPI_Comm comm, const RankError* mine) {
  int size = 1;
  mpi_check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
  const int root = lowest_failing_rank(comm, mine != nullptr);
  if (root == size) return;
  throw_error(broadcast_error(comm, root, mine));
}

/// Collective: runs checks() on this rank under try/catch, then agree(): either every rank
/// returns or every rank throws the lowest failing rank's exception.
/// \param comm the communicator.
/// \param checks what this rank checks (throws on failure).
template <class Checks>
void agreed_checks(MPI_Comm comm, Checks&& checks) {
  std::optional<RankError> error;
  try {
    checks();
  } catch (...) {
    error = current_error();
  }
  agree(comm, error ? &*error : nullptr);
}

/// FNV-1a, 64 bits, of a string: the canonical text of a long field (penalty factors, the
/// parameters a warm start begins from) compared through its hash.
/// \param text the string.
/// \param hash the hash so far (the FNV offset basis to start).
/// \return the hash of text appended.
inline std::uint64_t fnv1a(const std::string& text, std::uint64_t hash = 14695981039346656037ull) {
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

/// The canonical text of a vector (its size and every entry as to_text writes it: the shortest
/// form that reads back as the same value), hashed.
/// \param v the vector.
/// \return its size and the hash, as text.
template <class Derived>
std::string vector_digest(const Eigen::MatrixBase<Derived>& v) {
  std::uint64_t hash = fnv1a(std::to_string(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i)
    hash = fnv1a(";" + to_text(v.derived().coeff(i)), hash);
  return std::to_string(v.size()) + " entries, digest " + std::to_string(hash);
}

/// What the ranks of a call must agree on, field by field, in canonical text: the call, the
/// scalar type, storage order and columns of X, whether sample weights were passed, and every
/// option that changes the result.
class Signature {
 public:
  /// Adds a field.
  /// \param name what it is, as messages name it ("FitOptions::l2").
  /// \param value its canonical text on this rank.
  /// \param show true to print the values in a mismatch message (false for digests).
  /// \param expected what the message says is expected ("the same options on every rank").
  void add(std::string name, std::string value, bool show, std::string expected) {
    m_fields.push_back(Field{std::move(name), std::move(value), show, std::move(expected)});
  }

  /// The fields' values, one per line.
  /// \return the text.
  std::string text() const {
    std::string out;
    for (const Field& field : m_fields) out += field.value + '\n';
    return out;
  }

  /// The first field whose value differs from rank 0's, as the end of an error message
  /// ("FitOptions::l2 is 0.5 here but 0 on rank 0; expected ...").
  /// \param root_text rank 0's text().
  /// \return the message, or empty if every field agrees.
  std::string mismatch(const std::string& root_text) const {
    std::size_t at = 0;
    for (const Field& field : m_fields) {
      const std::size_t end = root_text.find('\n', at);
      const std::string theirs =
          end == std::string::npos ? std::string() : root_text.substr(at, end - at);
      if (end == std::string::npos || theirs != field.value) {
        if (field.show) {
          return field.name + " is " + field.value + " here but " +
                 (end == std::string::npos ? std::string("absent") : theirs) +
                 " on rank 0; expected " + field.expected;
        }
        return field.name + " differ from rank 0's; expected " + field.expected;
      }
      at = end + 1;
    }
    return {};
  }

 private:
  struct Field {
    std::string name, value;
    bool show = true;
    std::string expected;
  };
  std::vector<Field> m_fields;
};

/// Collective: rank 0's text, on every rank (its length, then its characters).
/// \param comm the communicator.
/// \param mine this rank's text (read on rank 0 only).
/// \return rank 0's text.
inline std::string broadcast_text(MPI_Comm comm, const std::string& mine) {
  int rank = 0;
  mpi_check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
  int length = rank == 0 ? mpi_count(static_cast<Eigen::Index>(mine.size())) : 0;
  mpi_check(MPI_Bcast(&length, 1, MPI_INT, 0, comm), "MPI_Bcast");
  std::string text = rank == 0 ? mine : std::string(static_cast<std::size_t>(length), '\0');
  if (length > 0) mpi_check(MPI_Bcast(text.data(), length, MPI_CHAR, 0, comm), "MPI_Bcast");
  return text;
}

}  // namespace detail
}  // namespace logistic_neuron
