// gaussian/kernels_none.cpp — non-x86 builds: no AVX2 / AVX-512 kernels.
#include "kernels.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {
namespace detail {

const Kernels* kernels_avx2() noexcept { return nullptr; }
const Kernels* kernels_avx512() noexcept { return nullptr; }

}  // namespace detail
}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
