// rans/kernels_none.cpp — non-x86 builds: no SIMD row kernels (the interleaved
// driver's scalar edges code everything; lib/simd/dispatch.hpp).
#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace detail {

const Kernels* kernels_sse2() noexcept { return nullptr; }
const Kernels* kernels_avx2() noexcept { return nullptr; }
const Kernels* kernels_avx512() noexcept { return nullptr; }

}  // namespace detail
}  // namespace rans
}  // namespace v0
}  // namespace entcode
