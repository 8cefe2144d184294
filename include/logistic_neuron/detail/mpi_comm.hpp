/// \file mpi_comm.hpp
/// \brief The library's use of MPI at its lowest: datatypes, checked calls, the private
/// communicator of one call (internal). Only the detail/mpi_*.hpp headers include <mpi.h>.
///
/// Every distributed call (mpi.hpp) runs on a duplicate of the user's communicator, so that its
/// messages can never match the user's own, and calls MPI from the calling thread only (the
/// threads of a pass never do): MPI initialised with MPI_THREAD_FUNNELED is enough.
#pragma once

#include <climits>
#include <stdexcept>
#include <string>
#include <type_traits>

#ifndef OMPI_SKIP_MPICXX
/// Open MPI: leave out the deprecated MPI C++ bindings, which the library does not use (unless
/// <mpi.h> was included before with them).
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
/// MPICH: the same.
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <Eigen/Core>

namespace logistic_neuron {
namespace detail {

/// False for every T: lets a static_assert in a discarded branch name the type.
template <class T>
inline constexpr bool mpi_unsupported_type_v = false;

/// The MPI datatype of T: float, double, long double, int, long long or char.
/// \return the datatype.
template <class T>
MPI_Datatype mpi_type() {
  if constexpr (std::is_same_v<T, float>) {
    return MPI_FLOAT;
  } else if constexpr (std::is_same_v<T, double>) {
    return MPI_DOUBLE;
  } else if constexpr (std::is_same_v<T, long double>) {
    return MPI_LONG_DOUBLE;
  } else if constexpr (std::is_same_v<T, int>) {
    return MPI_INT;
  } else if constexpr (std::is_same_v<T, long long>) {
    return MPI_LONG_LONG;
  } else if constexpr (std::is_same_v<T, char>) {
    return MPI_CHAR;
  } else {
    static_assert(mpi_unsupported_type_v<T>, "logistic_neuron::mpi: no MPI datatype for this type");
    return MPI_DATATYPE_NULL;
  }
}

/// Throws std::runtime_error naming the MPI call if `code` is not MPI_SUCCESS. (Under MPI's
/// default error handler, MPI_ERRORS_ARE_FATAL, a failing call aborts the job before it
/// returns; this matters only for communicators whose handler returns errors.)
/// \param code what the call returned.
/// \param call its name.
/// \throws std::runtime_error if the call failed.
inline void mpi_check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
  throw std::runtime_error(std::string("logistic_neuron::mpi: ") + call +
                           " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

/// An element count as the int MPI takes.
/// \param count the count.
/// \return it as an int.
/// \throws std::length_error if it does not fit in an int.
inline int mpi_count(Eigen::Index count) {
  if (count < 0 || count > INT_MAX) {
    throw std::length_error("logistic_neuron::mpi: a message of " + std::to_string(count) +
                            " elements exceeds MPI's int count");
  }
  return static_cast<int>(count);
}

/// The communicator of one distributed call: a duplicate of the user's (MPI_Comm_dup, a
/// collective), freed when the call ends (MPI_Comm_free, also collective: every rank leaves the
/// call together, by return or by the same exception).
class PrivateComm {
 public:
  /// \param comm the user's communicator; MPI must be initialised.
  /// \param caller the name that error messages start with.
  /// \throws std::logic_error if MPI is not initialised (or already finalised) or comm is
  ///   MPI_COMM_NULL.
  PrivateComm(MPI_Comm comm, const char* caller) {
    int initialised = 0, finalised = 0;
    mpi_check(MPI_Initialized(&initialised), "MPI_Initialized");
    mpi_check(MPI_Finalized(&finalised), "MPI_Finalized");
    if (!initialised || finalised) {
      throw std::logic_error(std::string(caller) +
                             ": MPI is not initialised (or already finalised); call "
                             "MPI_Init_thread (MPI_THREAD_FUNNELED) first");
    }
    if (comm == MPI_COMM_NULL) {
      throw std::logic_error(std::string(caller) +
                             ": the communicator is MPI_COMM_NULL; expected one that this "
                             "process belongs to");
    }
    mpi_check(MPI_Comm_dup(comm, &m_comm), "MPI_Comm_dup");
    mpi_check(MPI_Comm_rank(m_comm, &m_rank), "MPI_Comm_rank");
    mpi_check(MPI_Comm_size(m_comm, &m_size), "MPI_Comm_size");
  }
  PrivateComm(const PrivateComm&) = delete;
  PrivateComm& operator=(const PrivateComm&) = delete;
  ~PrivateComm() { MPI_Comm_free(&m_comm); }

  /// The duplicate.
  /// \return the communicator.
  MPI_Comm get() const noexcept { return m_comm; }
  /// This process's rank in it.
  /// \return the rank.
  int rank() const noexcept { return m_rank; }
  /// The number of processes.
  /// \return the size.
  int size() const noexcept { return m_size; }

 private:
  MPI_Comm m_comm = MPI_COMM_NULL;
  int m_rank = 0;
  int m_size = 1;
};

}  // namespace detail
}  // namespace logistic_neuron
