// isa.hpp — x86 SIMD instruction-set levels, CPU detection and the ENTCODE_ISA override.
//
// Levels are cumulative: scalar < sse2 < avx2 < avx512.
//   sse2   : SSE2 (every x86-64 CPU)
//   avx2   : AVX2 + BMI1 + BMI2 + POPCNT (+ OS support for YMM state)
//   avx512 : AVX-512 F + BW + DQ + VL + CD (x86-64-v4; + OS support for ZMM state)
// best_isa() is detected once (thread-safe static). selected_isa() reads the
// environment variable ENTCODE_ISA=scalar|sse2|avx2|avx512 on every call (so
// tests may change it) and falls back to best_isa() when it is unset or empty:
// invalid_argument for an unknown name, unsupported_isa when the CPU lacks it.
//
// Pattern for per-ISA kernels (lib/rans, lib/gaussian):
//  1. Put the kernel in its own translation unit lib/<dir>/kernels_<isa>.cpp,
//     compiled into a static library with that ISA's flags only
//     (`entcode_isa_args[isa]` from lib/rans/meson.build) and
//     `override_options: ['optimization=2']`; append it to entcode_kernel_libs.
//  2. The kernel TU exposes one non-inline function returning a table of
//     function pointers (e.g. `const Kernels* kernels_avx2() noexcept`) and
//     shares no inline SIMD code with baseline TUs (an inline function compiled
//     with -mavx512f in one TU could be picked by the linker for all: ODR).
//  3. A dispatcher TU compiled for the baseline picks the table with the
//     library's one dispatch helper (lib/simd/dispatch.hpp).
// On non-x86 builds only Isa::scalar is supported.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "entcode/export.hpp"
#include "entcode/status.hpp"

namespace entcode {
inline namespace v0 {

enum class Isa : std::uint8_t { scalar = 0, sse2 = 1, avx2 = 2, avx512 = 3 };

inline constexpr Isa kAllIsas[] = {Isa::scalar, Isa::sse2, Isa::avx2, Isa::avx512};

// "scalar", "sse2", "avx2", "avx512".
ENTCODE_API const char* to_string(Isa isa) noexcept;
// Inverse of to_string (exact, lower case); nullopt for anything else.
ENTCODE_API std::optional<Isa> parse_isa(std::string_view name) noexcept;

// True when this CPU (and OS) can run code of that level.
ENTCODE_API bool isa_supported(Isa isa) noexcept;
// The highest supported level (detected once).
ENTCODE_API Isa best_isa() noexcept;
// ENTCODE_ISA if set (checked), else best_isa().
ENTCODE_API Result<Isa> selected_isa() noexcept;

}  // namespace v0
}  // namespace entcode
