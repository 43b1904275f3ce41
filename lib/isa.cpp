// isa.cpp — CPU feature detection and the ENTCODE_ISA override (see isa.hpp).
// Compiled for the baseline ISA: it only asks the CPU, it runs no SIMD code.
#include "entcode/isa.hpp"

#include <cstdlib>

namespace entcode {
inline namespace v0 {

namespace {

#if defined(__x86_64__) || defined(__i386__)
// __builtin_cpu_supports checks CPUID and, for AVX/AVX-512, the OS-enabled
// XSAVE state (XGETBV), so a feature reported here is safe to execute.
bool detect(Isa isa) noexcept {
  __builtin_cpu_init();
  switch (isa) {
    case Isa::scalar: return true;
    case Isa::sse2: return __builtin_cpu_supports("sse2");
    case Isa::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
             __builtin_cpu_supports("popcnt");
    case Isa::avx512:
      return detect(Isa::avx2) && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("avx512cd");
  }
  return false;
}
#else
bool detect(Isa isa) noexcept { return isa == Isa::scalar; }
#endif

}  // namespace

const char* to_string(Isa isa) noexcept {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::sse2: return "sse2";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "unknown";
}

std::optional<Isa> parse_isa(std::string_view name) noexcept {
  for (const Isa isa : kAllIsas)
    if (name == to_string(isa)) return isa;
  return std::nullopt;
}

bool isa_supported(Isa isa) noexcept {
  static const bool supported[4] = {detect(Isa::scalar), detect(Isa::sse2), detect(Isa::avx2), detect(Isa::avx512)};
  const auto i = static_cast<std::size_t>(isa);
  return i < 4 && supported[i];
}

Isa best_isa() noexcept {
  static const Isa best = [] {
    Isa b = Isa::scalar;
    for (const Isa isa : kAllIsas)
      if (isa_supported(isa)) b = isa;
    return b;
  }();
  return best;
}

Result<Isa> selected_isa() noexcept {
  const char* env = std::getenv("ENTCODE_ISA");
  if (env == nullptr || *env == '\0') return best_isa();
  const auto isa = parse_isa(env);
  if (!isa) return errc::invalid_argument;
  if (!isa_supported(*isa)) return errc::unsupported_isa;
  return *isa;
}

}  // namespace v0
}  // namespace entcode
