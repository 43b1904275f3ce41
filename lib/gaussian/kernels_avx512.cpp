// placeholder
#include "kernels.hpp"
namespace entcode { inline namespace v0 { namespace gaussian { namespace detail {
const Kernels* kernels_avx512() noexcept { return nullptr; }
}}}}
