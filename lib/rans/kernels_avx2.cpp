// rans/kernels_avx2.cpp — the interleaved rANS row kernels for avx2
// (instantiates kernel_impl.hpp; compiled with entcode_isa_args['avx2'] only).
#include "kernel_impl.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace detail {

const Kernels* kernels_avx2() noexcept {
  static constexpr Kernels kTable = kernel_table<xsimd::avx2>();
  return &kTable;
}

}  // namespace detail
}  // namespace rans
}  // namespace v0
}  // namespace entcode
