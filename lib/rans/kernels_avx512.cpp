// rans/kernels_avx512.cpp — the interleaved rANS row kernels for avx512
// (instantiates kernel_impl.hpp; compiled with entcode_isa_args['avx512'] only).
#include "kernel_impl.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {
namespace detail {

const Kernels* kernels_avx512() noexcept {
  static constexpr Kernels kTable = kernel_table<xsimd::avx512bw>();
  return &kTable;
}

}  // namespace detail
}  // namespace rans
}  // namespace v0
}  // namespace entcode
