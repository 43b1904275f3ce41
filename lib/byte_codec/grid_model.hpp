// byte_codec/grid_model.hpp — the grid form of a byte codec model (lib-internal;
// doc/format.md "Byte codec container", **Model**, q >= 1).
//
// Every member's frequency but one lies on the grid f = ceil(16 g^2 / q), g >= 1,
// and is stored as its index g (order-r exp-Golomb code of g - 1, bits MSB first);
// the member with the most counts (named by its rank) takes 2^p minus the others.
// Why: a frequency estimated from c counts needs a relative precision of only
// ~3.5 / sqrt(c) (finer costs more table bits than it saves in code length). The
// grid's relative step, 2 / g = 8 / sqrt(q f), shrinks as 1 / sqrt(f) as that
// optimum does, so one q fits a whole model: q ~ 5.3 n / 2^p for n counts.
// Invariants: 1 <= q <= kMaxGridQ; 1 <= g <= kMaxGridIndex; r <= kMaxCodeOrder (exp_golomb.hpp); the
// padding bits of the last byte are 0. Readers record any defect (`corrupt`, or
// `truncated` past the input) in the ByteReader and never read past it.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "entcode/byte_io.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

inline constexpr std::uint32_t kMaxGridQ = std::uint32_t{1} << 24;
inline constexpr std::uint32_t kMaxGridIndex = std::uint32_t{1} << 16;

// The grid's frequency of index g.
constexpr std::uint64_t grid_frequency(std::uint64_t g, std::uint32_t q) noexcept {
  return (16 * g * g + q - 1) / q;
}

// Grid q with its frequencies computed without dividing (a model search
// evaluates them for every member on several grids; a reader for every member).
class Grid {
 public:
  explicit Grid(std::uint32_t q) noexcept : q_(q), inverse_(1.0 / q), root_(std::sqrt(static_cast<double>(q)) / 4) {}
  double root() const noexcept { return root_; }
  // grid_frequency(g, q) exactly for g <= kMaxGridIndex, q <= kMaxGridQ: the
  // product is within 2^-52 (16 g^2 / q) <= 2^-16 / q of 16 g^2 / q, whose
  // distance to the next integer below is 0 or >= 1 / q, so its floor is the
  // ceiling or one less, which the test mends. (Signed conversions: unsigned
  // 64-bit ones are branches on x86-64.)
  std::int64_t frequency(std::int64_t g) const noexcept {
    const std::int64_t scaled = 16 * g * g;
    const auto f = static_cast<std::int64_t>(static_cast<double>(scaled) * inverse_);
    return f * q_ < scaled ? f + 1 : f;
  }
  // The index whose frequency is nearest (in ratio) to the ideal x = root_x^2, and that frequency.
  struct Point {
    std::int64_t index, frequency;
  };
  Point nearest(double x, double root_x) const noexcept {
    const std::int64_t low = std::max<std::int64_t>(1, static_cast<std::int64_t>(root_x * root_));
    const std::int64_t f_low = frequency(low), f_high = frequency(low + 1);
    return x * x <= static_cast<double>(f_low) * static_cast<double>(f_high) ? Point{low, f_low} : Point{low + 1, f_high};
  }
  // The smallest index with g's frequency f: g itself unless 16 (2g - 1) < q
  // (a step below one unit), where the writer stores the smallest of several.
  std::int64_t smallest(std::int64_t g, std::int64_t f) const noexcept {
    if (g == 1 || 16 * (2 * g - 1) >= q_) return g;
    const std::int64_t below = q_ * (f - 1);  // the smallest g with 16 g^2 > below
    auto low = static_cast<std::int64_t>(std::sqrt(static_cast<double>(below) / 16));
    while (low > 0 && 16 * low * low > below) --low;
    while (16 * low * low <= below) ++low;
    return std::max<std::int64_t>(low, 1);
  }

 private:
  std::int64_t q_;
  double inverse_, root_;  // 1 / q, sqrt(q) / 4 (g ~ sqrt(x) sqrt(q) / 4)
};

// How an order-0 model's frequencies are stored: exactly (q = 0) or on grid q,
// every member's frequency but the rest's by its grid index.
struct ModelForm {
  std::uint32_t q = 0;
  std::array<std::uint32_t, 256> index{};  // by symbol (grid form)
};

// The encoder's order-0 model of `counts` (whose empirical entropy is
// `entropy_bits`, bits_of_counts') at `precision` (<= 12): freqs gets 256
// frequencies summing to 2^precision, `form` how to store them: exactly
// (normalise's frequencies, rans/normalise.hpp), or the grid whose form
// (table bytes + code length) is smallest, when that is smaller.
void order0_model(const std::uint32_t* counts, double entropy_bits, unsigned precision, std::vector<std::uint32_t>& freqs,
                  ModelForm& form);

// The grid form of `freq` (k >= 2 members): u8 rank of its rest member (the
// first largest), u8 r, the k - 1 codes of the others' form.index, zero padding.
void put_grid(SpanWriter& w, const std::uint32_t* freq, const ModelForm& form);
// Reads it for the k >= 2 members in `present` into freq (zeroed elsewhere);
// frequencies must sum to 2^precision with the rest >= 1 (`corrupt` otherwise).
void get_grid(ByteReader& r, const std::array<bool, 256>& present, unsigned k, std::uint32_t q, unsigned precision,
              std::uint32_t* freq);

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
