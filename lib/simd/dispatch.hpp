// simd/dispatch.hpp — the one runtime ISA choice of every per-ISA kernel family:
// the byte coder's row kernels (lib/rans/kernels.hpp, used by the byte codec)
// and the Gaussian sub-stream kernels (lib/gaussian/kernels.hpp).
//
// Convention (entcode/isa.hpp has the build side):
//  1. kernels_<isa>.cpp, compiled with that ISA's flags only, defines
//     `const K* kernels_<isa>() noexcept` returning its table of function
//     pointers; builds without that ISA define it to return nullptr
//     (kernels_none.cpp), so every getter always exists.
//  2. The family's dispatcher (a baseline TU) lists the getters by Isa, scalar
//     first (nullptr where the family has no kernel of that level, e.g. a
//     scalar driver or no SSE2 kernel), and calls select(isa, getters).
//  3. The Isa of a public call is resolve(the caller's optional Isa): an explicit
//     level must be one this CPU runs (else unsupported_isa), none means
//     selected_isa() (ENTCODE_ISA, else the best level). Internal callers and
//     tests may pass any level to select().
// select() takes the highest level <= isa that is built AND that this CPU runs,
// so asking for a level the CPU lacks falls back instead of faulting.
// Include only from baseline TUs: it runs no SIMD code.
#pragma once

#include <optional>

#include "entcode/isa.hpp"

namespace entcode {
inline namespace v0 {
namespace simd {

template <class K>
using KernelGetter = const K* (*)() noexcept;

// The level select() uses: the highest <= isa whose getter is listed, returns a
// table and whose instructions this CPU runs; scalar when there is none.
template <class K>
Isa kernel_level(Isa isa, const KernelGetter<K> (&by_isa)[4]) noexcept {
  for (auto i = static_cast<unsigned>(isa); i > 0; --i) {
    const auto level = static_cast<Isa>(i);
    if (by_isa[i] != nullptr && isa_supported(level) && by_isa[i]() != nullptr) return level;
  }
  return Isa::scalar;
}

// The kernel table for a call at `isa` (nullptr when the level found is scalar
// and the family lists no scalar getter: the caller's scalar code runs).
template <class K>
const K* select(Isa isa, const KernelGetter<K> (&by_isa)[4]) noexcept {
  const auto level = static_cast<unsigned>(kernel_level(isa, by_isa));
  return by_isa[level] != nullptr ? by_isa[level]() : nullptr;
}

// The Isa of a public call: the caller's explicit one if this CPU runs it, else selected_isa().
inline Result<Isa> resolve(std::optional<Isa> isa) noexcept {
  if (!isa) return selected_isa();
  if (!isa_supported(*isa)) return errc::unsupported_isa;
  return *isa;
}

}  // namespace simd
}  // namespace v0
}  // namespace entcode
