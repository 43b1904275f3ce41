// cabac/context.hpp — CABAC context variables and the multi-symbol binarisation model.
//
// Context: HEVC's context variable (pStateIdx 0..62, valMps), stored packed as
// one byte p = pStateIdx << 1 | valMps (the index of kStateTable; the layout
// FFmpeg and x265 use too). Default = equiprobable (state 0, MPS 0); built from
// ContextInit by initial_cabac_state() (H.265 9.3.2.2, cabac/state.hpp), from
// (pStateIdx, valMps) or from the packed byte. Precondition pStateIdx <= 62
// (packed <= 125): checked by assert in debug builds; release builds clamp the
// state to 62 (and keep the low bit of valMps), so no out-of-table index exists.
//
// SymbolModel::from_cdf(cdf, precision) binarises a static multi-symbol CDF
// onto bins: a binary tree over the symbol range, each node split at the CDF
// point nearest to half of the node's probability mass (Shannon–Fano style, so
// node probabilities stay near 1/2 where CABAC's states are most precise).
// A symbol is coded as its root-to-leaf path (bin 1 = right = symbols >= split),
// each bin context-coded with the node's FIXED context: the CABAC state
// (pStateIdx, valMps) whose LPS probability minimises the expected code length
// for the node's probability. The context is copied for each bin and never
// adapted, so the model is immutable and shareable (the static-CDF semantics of
// stream.hpp). One symbol costs depth(s) <= ~ -log2 p(s) + 2 bins.
// Accepts 1 <= precision <= 16, cdf.size() >= 2, cdf[0] = 0,
// cdf.back() = 2^precision, non-decreasing (zero-width symbols stay codable,
// at a high cost); anything else is invalid_argument.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/cabac/state.hpp"
#include "entcode/cabac/tables.hpp"
#include "entcode/export.hpp"
#include "entcode/status.hpp"
#include "entcode/stream.hpp"

namespace entcode {
inline namespace v0 {
namespace cabac {

class Context {
 public:
  constexpr Context() noexcept = default;
  constexpr Context(unsigned state, unsigned mps) noexcept
      : packed_(static_cast<Packed>((state > kMaxState ? kMaxState : state) << 1 | (mps & 1))) {
    assert(state <= kMaxState && mps <= 1);
  }
  constexpr explicit Context(CabacState s) noexcept : Context(s.state, s.mps) {}
  constexpr explicit Context(ContextInit init) noexcept : Context(initial_cabac_state(init)) {}
  // From the packed byte p = pStateIdx << 1 | valMps (<= 125).
  static constexpr Context from_packed(unsigned p) noexcept { return Context(p >> 1, p & 1); }

  [[nodiscard]] constexpr unsigned state() const noexcept { return packed() >> 1; }
  [[nodiscard]] constexpr unsigned mps() const noexcept { return packed() & 1u; }
  // The packed form p = state << 1 | mps (0..125), the coders' table index.
  [[nodiscard]] constexpr unsigned packed() const noexcept { return static_cast<unsigned>(packed_); }
  constexpr void set_packed(unsigned p) noexcept { packed_ = static_cast<Packed>(p); }

  friend constexpr bool operator==(Context, Context) noexcept = default;

 private:
  // An enum, not a char type: stores to contexts cannot alias the coders'
  // registers, so the compiler keeps range/offset in registers across bins.
  enum class Packed : std::uint8_t {};
  Packed packed_{};
};

class ENTCODE_API SymbolModel {
 public:
  // A tree node; a child >= 0 is a node index, < 0 is the leaf ~symbol.
  struct Node {
    std::uint32_t split;    // first symbol of the right (bin 1) child
    std::int32_t child[2];
    Context ctx;            // fixed context of this node's bin
  };

  static Result<SymbolModel> from_cdf(std::span<const std::uint32_t> cdf, unsigned precision);

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  // The root: a node index, or ~0 (symbol 0) for a one-symbol alphabet.
  [[nodiscard]] std::int32_t root() const noexcept { return nodes_.empty() ? ~0 : 0; }
  [[nodiscard]] const Node& node(std::int32_t i) const noexcept { return nodes_[static_cast<std::size_t>(i)]; }

 private:
  std::vector<Node> nodes_;
  std::size_t size_ = 0;
};

// The fixed context minimising the expected cost of a bin that is 1 with probability p1.
ENTCODE_API Context context_for_probability(double p1) noexcept;

}  // namespace cabac
}  // namespace v0
}  // namespace entcode
