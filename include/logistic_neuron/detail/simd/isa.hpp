/// \file isa.hpp
/// \brief Which instruction set the kernels run with, chosen once at run time (internal).
///
/// The hot loops (dense logits and gradients, the elementwise logistic step, the finite check)
/// are compiled for several x86-64 instruction sets in the user's own translation unit, whatever
/// flags it is built with (each inside a target region, see kernels.hpp), and the best one the
/// CPU and operating system support is used: AVX-512 (F and DQ), else AVX2 with FMA, else SSE2.
/// So a build without -march runs as fast as a -march=native one. The environment variable
/// LOGISTIC_NEURON_ISA (sse2, avx2 or avx512) lowers the choice, for testing and benchmarks; an
/// unsupported or unknown value is ignored. Results are bitwise identical for any thread count
/// within one instruction set; between instruction sets they may differ in the last bits.
///
/// Define LOGISTIC_NEURON_NO_DISPATCH to compile only the portable kernels (plain C++ that the
/// compiler vectorises for the flags it is given); they are used on other architectures and
/// compilers too.
#pragma once

#include <cstdlib>
#include <cstring>

namespace logistic_neuron {
namespace detail {

/// Forces a small kernel helper inline (see kernels.ipp).
#if defined(__GNUC__) || defined(__clang__)
#define LOGISTIC_NEURON_KERNEL_INLINE inline __attribute__((always_inline))
#else
#define LOGISTIC_NEURON_KERNEL_INLINE inline
#endif

/// The kernels' instruction sets, from the portable one up.
enum class Isa { portable = 0, sse2 = 1, avx2 = 2, avx512 = 3 };

#if !defined(LOGISTIC_NEURON_NO_DISPATCH) && (defined(__x86_64__) || defined(__i386__)) && \
    (defined(__GNUC__) || defined(__clang__))
#define LOGISTIC_NEURON_X86_DISPATCH 1
#endif

/// The best instruction set this CPU and operating system support (and the environment allows).
inline Isa detect_isa() noexcept {
#ifdef LOGISTIC_NEURON_X86_DISPATCH
  __builtin_cpu_init();
  Isa best = Isa::sse2;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = Isa::avx2;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) best = Isa::avx512;
  if (const char* forced = std::getenv("LOGISTIC_NEURON_ISA")) {
    Isa asked = best;
    if (std::strcmp(forced, "sse2") == 0) asked = Isa::sse2;
    if (std::strcmp(forced, "avx2") == 0) asked = Isa::avx2;
    if (std::strcmp(forced, "avx512") == 0) asked = Isa::avx512;
    if (asked < best) best = asked;
  }
  return best;
#else
  return Isa::portable;
#endif
}

/// The instruction set of this process's kernels (detected once).
inline Isa kernel_isa() noexcept {
  static const Isa isa = detect_isa();
  return isa;
}

/// The name of an instruction set ("portable", "sse2", "avx2", "avx512").
inline const char* isa_name(Isa isa) noexcept {
  switch (isa) {
    case Isa::portable: return "portable";
    case Isa::sse2: return "sse2";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "unknown";
}

}  // namespace detail
}  // namespace logistic_neuron
