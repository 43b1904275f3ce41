// simd/inline.hpp — forced inlining and compile-time unrolling for SIMD kernels.
//
// Everything per vector must inline (gcc -O2 otherwise calls out, e.g. the
// gather) and per-row loops over a fixed number of vectors must unroll so the
// states stay in registers.
// Include ONLY from a kernels_<isa>.cpp compiled for that ISA: everything
// here lives in an anonymous namespace so no SIMD-compiled inline function can
// be merged with a baseline one (one-definition rule; see entcode/isa.hpp).
#pragma once

#include <type_traits>
#include <utility>

#define ENTCODE_KERNEL_INLINE __attribute__((always_inline)) inline
#define ENTCODE_KERNEL_LAMBDA __attribute__((always_inline))

namespace entcode {
inline namespace v0 {
namespace simd {
namespace {

// f(std::integral_constant<unsigned, k>) for k = 0 .. K-1, fully unrolled, so
// per-vector state arrays indexed by k stay in registers (a loop GCC declines
// to unroll keeps them in memory: a store-to-load round trip per step).
template <unsigned K, class F>
ENTCODE_KERNEL_INLINE void unroll(F&& f) {
  [&]<unsigned... I>(std::integer_sequence<unsigned, I...>) ENTCODE_KERNEL_LAMBDA {
    (f(std::integral_constant<unsigned, I>{}), ...);
  }(std::make_integer_sequence<unsigned, K>{});
}

}  // namespace
}  // namespace simd
}  // namespace v0
}  // namespace entcode
