// rans/interleaved.cpp — tables, ISA dispatch and the checked scalar edges of the
// interleaved byte coder on 64, 32 or 16 lanes (see rans/interleaved.hpp, kernels.hpp;
// the public functions use kByteCoderLanes).
// Compiled for the baseline ISA; SIMD lives in kernels_<isa>.cpp.
#include "entcode/rans/interleaved.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>

#include "../simd/dispatch.hpp"
#include "compact_states.hpp"
#include "kernels.hpp"
#include "nonzero_symbols.hpp"
#include "step.hpp"

namespace entcode {
inline namespace v0 {
namespace rans {

using detail::valid_lanes;

namespace {

std::size_t header_bytes(bool compact, unsigned lanes) noexcept {
  return compact ? detail::compact_states_max_bytes(lanes) : 4 * std::size_t{lanes};
}

constexpr simd::KernelGetter<detail::Kernels> kKernels[4] = {nullptr, &detail::kernels_sse2, &detail::kernels_avx2,
                                                              &detail::kernels_avx512};

// The decoders' slot lookup on kernels k: the override, else the faster of
// the two on a synthetic order-0 decode (64 lanes, 12 bits, 8 symbols of 512
// slots, 16 KiB from pseudo-random words: 5-20 us a run), best of 5
// alternating runs each; gathers only when at least 10% faster. Timed once per
// process and kernel level (a race times it twice, to the same effect).
using detail::SlotLookup;
std::atomic<int> slot_lookup_forced{-1};

SlotLookup time_slot_lookups(const detail::Kernels& k) noexcept {
  constexpr unsigned kPrecision = 12, kRows = 256, kLanes = detail::kLaneCounts[0];
  struct Buffers {
    std::uint32_t slots[1u << kPrecision];
    std::byte words[kRows * kLanes + detail::kRowSlack];
    std::uint8_t out[kRows * kLanes];
  };
  const std::unique_ptr<Buffers> b(new (std::nothrow) Buffers);  // ~37 KiB, once per process and level
  if (b == nullptr) return SlotLookup::latency;
  for (std::uint32_t i = 0; i < 1u << kPrecision; ++i) b->slots[i] = SimdSlot::pack(i >> 9, 512, i & 511);
  std::uint32_t r = 0x9e3779b9;
  for (auto& w : b->words) {
    r ^= r << 13, r ^= r >> 17, r ^= r << 5;
    w = static_cast<std::byte>(r);
  }
  auto run = [&](SlotLookup lookup) {
    detail::DecCursor c{};
    for (unsigned lane = 0; lane < kLanes; ++lane) c.x[lane] = step::kStateLow + lane * 977;
    c.pos = b->words;
    c.end = b->words + sizeof b->words;
    const auto t0 = std::chrono::steady_clock::now();
    k.by_lanes[static_cast<unsigned>(lookup)][0].dec_o0(b->out, kRows, b->slots, kPrecision, c);
    return std::chrono::steady_clock::now() - t0;
  };
  auto latency = run(SlotLookup::latency), gathers = run(SlotLookup::gathers);
  for (int i = 0; i < 4; ++i) {
    latency = std::min(latency, run(SlotLookup::latency));
    gathers = std::min(gathers, run(SlotLookup::gathers));
  }
  return gathers * 10 < latency * 9 ? SlotLookup::gathers : SlotLookup::latency;
}

SlotLookup slot_lookup(const detail::Kernels& k, Isa level) noexcept {
  if (const int forced = slot_lookup_forced.load(std::memory_order_relaxed); forced >= 0)
    return static_cast<SlotLookup>(forced);
  static std::atomic<int> chosen[4] = {-1, -1, -1, -1};
  std::atomic<int>& c = chosen[static_cast<unsigned>(level)];
  if (const int known = c.load(std::memory_order_relaxed); known >= 0) return static_cast<SlotLookup>(known);
  SlotLookup lookup = SlotLookup::latency;
  const char* env = std::getenv("ENTCODE_SLOT_LOOKUP");
  if (env != nullptr && std::strcmp(env, "gathers") == 0) lookup = SlotLookup::gathers;
  else if (env == nullptr || std::strcmp(env, "latency") != 0) lookup = time_slot_lookups(k);
  c.store(static_cast<int>(lookup), std::memory_order_relaxed);
  return lookup;
}

}  // namespace

void detail::set_slot_lookup(std::optional<SlotLookup> lookup) noexcept {
  slot_lookup_forced.store(lookup ? static_cast<int>(*lookup) : -1, std::memory_order_relaxed);
}

SlotLookup detail::slot_lookup(Isa isa) noexcept {
  const detail::Kernels* k = simd::select(isa, kKernels);
  return k != nullptr ? rans::slot_lookup(*k, simd::kernel_level(isa, kKernels)) : SlotLookup::latency;
}

detail::CountFew detail::count_few_kernel(Isa isa, unsigned k) noexcept {
  const detail::Kernels* kernels = simd::select(isa, kKernels);
  for (unsigned i = 0; kernels != nullptr && i < std::size(detail::kFewSizes); ++i)
    if (k <= detail::kFewSizes[i]) return kernels->count_few[i];
  return nullptr;
}

detail::SkipMembers detail::skip_members_kernel(Isa isa) noexcept {
  const detail::Kernels* kernels = simd::select(isa, kKernels);
  return kernels != nullptr ? kernels->skip_members : nullptr;
}

namespace {

// nullptr: the checked scalar edges code everything.
const detail::LaneKernels* kernels_for(Isa isa, unsigned lanes) noexcept {
  const detail::Kernels* k = simd::select(isa, kKernels);
  if (k == nullptr) return nullptr;
  const SlotLookup lookup = slot_lookup(*k, simd::kernel_level(isa, kKernels));
  return &k->by_lanes[static_cast<unsigned>(lookup)][detail::lane_index(lanes)];
}

// Whether an order-0 model's symbols lie in a window of kEncWindow symbols,
// and `window` filled for it then.
bool enc_window(const ByteTables& tables, detail::EncWindow& window) noexcept {
  unsigned lo = 256, hi = 0;
  for (unsigned s = 0; s < 256; ++s)
    if (tables.freq(0, s) != 0) {
      lo = std::min(lo, s);
      hi = s;
    }
  if (lo == 256) return false;
  window.base = std::min(lo, 256u - detail::kEncWindow);
  if (hi - window.base >= detail::kEncWindow) return false;
  const auto enc = tables.enc();
  for (unsigned i = 0; i < detail::kEncWindow; ++i) {
    window.rcp[i] = enc[window.base + i].rcp;
    window.packed[i] = enc[window.base + i].packed;
  }
  return true;
}

// The few-symbol decoder of k for an order-0 model (and `few` filled for it),
// or nullptr when k has none or the model has more symbols than k's largest.
detail::LaneKernels::DecFew few_symbols_kernel(const detail::LaneKernels& k, const ByteTables& tables,
                                               detail::FewSymbols& few) noexcept {
  if (std::none_of(std::begin(k.dec_o0_few), std::end(k.dec_o0_few), [](auto f) { return f != nullptr; }))
    return nullptr;  // the gathers set, SSE2: no model scan per block
  unsigned size = 0;
  std::uint32_t start = 0;
  for (unsigned s = 0; s < 256; ++s) {
    const std::uint32_t f = tables.freq(0, s);
    if (f == 0) continue;
    if (size == detail::kMaxFewSymbols) return nullptr;
    if (size > 0) few.bound_m1[size - 1] = static_cast<std::int32_t>(start - 1);
    few.entry[size++] = SimdSlot::pack(s, f, 0) - (start << 8);
    start += f;
  }
  if (size == 0) return nullptr;  // an unused context (corrupt input): the slots' entry 0 for every slot
  for (unsigned i = size; i < detail::kMaxFewSymbols; ++i) {
    few.bound_m1[i - 1] = std::numeric_limits<std::int32_t>::max();
    few.entry[i] = 0;
  }
  for (unsigned i = 0; i < std::size(detail::kFewSizes); ++i)
    if (size <= detail::kFewSizes[i] && k.dec_o0_few[i] != nullptr) return k.dec_o0_few[i];
  return nullptr;
}

// --- encoder ---------------------------------------------------------------

class Encoder {
 public:
  // starts: empty (states start at L, a plain stream) or one state in [L, 2^32) a lane (seeded).
  Encoder(std::span<std::byte> dst, std::span<const std::uint32_t> starts, unsigned lanes) noexcept
      : dst_(dst), compact_(!starts.empty()), lanes_(lanes) {
    for (unsigned lane = 0; lane < lanes; ++lane) c_.x[lane] = starts.empty() ? step::kStateLow : starts[lane];
    c_.pos = dst.data() + dst.size();
    // No pointer arithmetic beyond the span (UB, and null for an empty span):
    // a destination without room for the states leaves no room for words either.
    c_.limit = has_room() ? dst.data() + header_bytes(compact_, lanes_) : c_.pos;
  }
  detail::EncCursor& cursor() noexcept { return c_; }
  [[nodiscard]] bool has_room() const noexcept { return dst_.size() >= header_bytes(compact_, lanes_); }
  [[nodiscard]] unsigned lanes() const noexcept { return lanes_; }

  // One checked reference step on `lane`; false when the output is full.
  bool step(unsigned lane, const EncSymbol& s) noexcept {
    std::uint16_t word;
    if (!step::encode(c_.x[lane], s, word)) return true;
    if (c_.pos - c_.limit < 2) return false;
    c_.pos -= 2;
    c_.pos[0] = static_cast<std::byte>(word);
    c_.pos[1] = static_cast<std::byte>(word >> 8);
    return true;
  }

  // Writes the states in front of the words and moves the stream to dst[0].
  std::size_t finish() noexcept {
    const auto states = std::span<const std::uint32_t>(c_.x, lanes_);
    const std::size_t header = compact_ ? (detail::compact_state_bits(states) + 7) / 8 : 4 * std::size_t{lanes_};
    std::byte* const p = c_.pos - header;
    if (compact_) {
      detail::write_compact_states(states, p);
    } else {
      for (unsigned lane = 0; lane < lanes_; ++lane)
        for (unsigned b = 0; b < 4; ++b) p[4 * lane + b] = static_cast<std::byte>(c_.x[lane] >> (8 * b));
    }
    const std::size_t size = static_cast<std::size_t>(dst_.data() + dst_.size() - p);
    std::memmove(dst_.data(), p, size);
    return size;
  }

 private:
  std::span<std::byte> dst_;
  bool compact_;
  unsigned lanes_;
  detail::EncCursor c_{};
};

// --- decoder ---------------------------------------------------------------

class Decoder {
 public:
  // compact: the states of a seeded stream (see header_bytes).
  Decoder(std::span<const std::byte> src, bool compact, unsigned lanes) noexcept
      : start_(src.data()), compact_(compact), lanes_(lanes) {
    c_.pos = src.data();
    c_.end = src.data() + src.size();
  }
  detail::DecCursor& cursor() noexcept { return c_; }
  [[nodiscard]] unsigned lanes() const noexcept { return lanes_; }

  // A kernel stops kRowSlack bytes before the end of the input; run(cursor)
  // then codes on from a zero-padded copy of those bytes, so only what a
  // complete stream cannot fill (the order-1 tail) is left to the scalar
  // steps. False when the kernel took more words than the input holds.
  template <class Kernel>
  bool on_padded_tail(Kernel&& run) noexcept {
    alignas(64) std::byte pad[2 * detail::kRowSlack] = {};
    const auto left = static_cast<std::size_t>(c_.end - c_.pos);
    if (left >= detail::kRowSlack) return true;  // the kernel stopped for another reason
    std::memcpy(pad, c_.pos, left);
    const std::byte* const real = c_.pos;
    const std::byte* const real_end = c_.end;
    c_.pos = pad;
    c_.end = pad + left + detail::kRowSlack;  // rows run while pos <= pad + left; one uses <= 2 kMaxLanes bytes
    run(c_);
    const auto used = static_cast<std::size_t>(c_.pos - pad);
    c_.pos = real + std::min(used, left);
    c_.end = real_end;
    return used <= left;
  }

  errc start() noexcept {
    if (!compact_) {
      if (static_cast<std::size_t>(c_.end - c_.pos) < 4 * std::size_t{lanes_}) return errc::truncated;
      for (unsigned lane = 0; lane < lanes_; ++lane, c_.pos += 4) {
        std::uint32_t x = 0;
        for (unsigned b = 0; b < 4; ++b) x |= std::to_integer<std::uint32_t>(c_.pos[b]) << (8 * b);
        if (step::needs_word(x)) return errc::corrupt;
        c_.x[lane] = x;
      }
      return errc::ok;
    }
    return unpack_states();
  }

  // One checked step on `lane` with a packed slot table of one context.
  bool step(unsigned lane, const std::uint32_t* slots, unsigned precision, std::uint8_t& sym) noexcept {
    std::uint32_t& x = c_.x[lane];
    const std::uint32_t e = slots[x & ((1u << precision) - 1)];
    sym = static_cast<std::uint8_t>(SimdSlot::symbol(e));
    x = SimdSlot::freq(e) * (x >> precision) + SimdSlot::bias(e);
    if (!step::needs_word(x)) return true;
    if (c_.end - c_.pos < 2) return false;
    x = step::shift_in(x, std::to_integer<std::uint32_t>(c_.pos[0]) | std::to_integer<std::uint32_t>(c_.pos[1]) << 8);
    c_.pos += 2;
    return true;
  }

  // The end checks: a plain stream's states are L and its words end the
  // input; a seeded stream's states (any in [L, 2^32): the encoder's starts)
  // go to `ends`, and bytes may follow its words. Returns the bytes of the
  // stream used.
  [[nodiscard]] Result<std::size_t> finish(std::span<std::uint32_t> ends) const noexcept {
    for (unsigned lane = 0; lane < lanes_; ++lane) {
      const std::uint32_t x = c_.x[lane];
      if (ends.empty() ? x != step::kStateLow : x < step::kStateLow) return errc::corrupt;
      if (!ends.empty()) ends[lane] = x;
    }
    if (ends.empty() && c_.pos != c_.end) return errc::corrupt;
    return static_cast<std::size_t>(c_.pos - start_);
  }

  // The compact header (detail::write_compact_states): states >= L by
  // construction; a byte missing is `truncated`, padding bits that are not
  // zero `corrupt`.
  errc unpack_states() noexcept {
    const auto avail = static_cast<std::size_t>(c_.end - c_.pos);
    const auto in = std::span(reinterpret_cast<const std::uint8_t*>(c_.pos), avail);
    const std::size_t bits = detail::read_compact_states(in, std::span(c_.x, lanes_));
    const std::size_t bytes = (bits + 7) / 8;
    if (bytes > avail) return errc::truncated;
    c_.pos += bytes;
    return bits % 8 != 0 && (in[bytes - 1] >> (bits % 8)) != 0 ? errc::corrupt : errc::ok;  // the padding
  }

 private:
  const std::byte* start_;
  bool compact_;
  unsigned lanes_;
  detail::DecCursor c_{};
};

bool o0_codable(std::span<const std::uint8_t> data, const ByteTables& t) noexcept {
  bool seen[256] = {};
  for (const std::uint8_t b : data) seen[b] = true;
  for (unsigned s = 0; s < 256; ++s)
    if (seen[s] && t.freq(0, s) == 0) return false;
  return true;
}

// Order-1 symbol i of the reference order (see interleaved.hpp) on `lanes`
// lanes: data index and context.
struct O1Map {
  std::size_t n;
  unsigned lanes;
  std::size_t m = n / lanes;
  [[nodiscard]] std::size_t index(std::size_t i) const noexcept { return i < lanes * m ? (i % lanes) * m + i / lanes : i; }
  [[nodiscard]] std::size_t context_index(std::size_t i) const noexcept {  // n when the context is 0
    if (i < lanes * m) return i / lanes == 0 ? n : index(i) - 1;
    return i == 0 ? n : i - 1;
  }
};

bool o1_codable(std::span<const std::uint8_t> data, const ByteTables& t, const O1Map& map) noexcept {
  bool seen[256][256] = {};
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::size_t c = map.context_index(i);
    seen[c == data.size() ? 0 : data[c]][data[map.index(i)]] = true;
  }
  for (unsigned c = 0; c < 256; ++c)
    for (unsigned s = 0; s < 256; ++s)
      if (seen[c][s] && t.freq(c, s) == 0) return false;
  return true;
}

// Slot entries of one symbol: `first` (bias 0) then bias 1, 2, ... (SimdSlot), n >= 1.
// Written 4 at a time (short runs would mispredict an exact loop); the overshoot of
// up to kSlotOvershoot entries lands in the next symbol's slots, filled after this
// one, or in the padding at the end of the table.
constexpr std::size_t kSlotOvershoot = 3;
// The four entries advance together (one vector add and store a step: an
// order-1 decode of text in 1 MiB blocks spent ~9% here computing each).
void fill_slots(std::uint32_t* slots, std::uint32_t first, std::uint32_t n) noexcept {
  std::uint32_t e[4] = {first, first + (1u << 8), first + (2u << 8), first + (3u << 8)};
  for (std::uint32_t k = 0; k < n; k += 4)
    for (std::uint32_t j = 0; j < 4; ++j) {
      slots[k + j] = e[j];
      e[j] += 4u << 8;
    }
}

// make_enc_symbol(start, freq, p) is make_enc_symbol(0, freq, p) with start added
// to the bias: the 64-bit divisions are done once per process for every
// precision (256 contexts have up to 65536 entries to fill per block, and a
// 16 KiB order-0 block spent ~3% of its encoding in the divisions). Indexed
// by freq; immutable after the thread-safe first use (~8k entries, 131 KiB).
const EncSymbol* enc_symbols(unsigned precision) {
  static const auto table = [] {
    std::array<std::vector<EncSymbol>, ByteTables::kMaxPrecision + 1> t;
    for (unsigned p = 1; p <= ByteTables::kMaxPrecision; ++p)
      for (std::uint32_t f = 0; f <= 1u << p; ++f) t[p].push_back(make_enc_symbol(0, std::max(f, 1u), p));
    return t;
  }();
  return table[precision].data();
}

}  // namespace

// --- tables ------------------------------------------------------------------

Result<ByteTables> ByteTables::build(std::span<const std::uint32_t> freqs, unsigned contexts, unsigned precision,
                                     Use use) {
  ByteTables t;
  if (const errc e = t.assign(freqs, contexts, precision, use); e != errc::ok) return e;
  return t;
}

void ByteTables::mark_dirty(std::size_t first, std::size_t count) noexcept {
  for (std::size_t k = first >> kCleanChunkLog2; k <= (first + count - 1) >> kCleanChunkLog2; ++k) dirty_[k] = true;
}

// The unused-context entry in slots [first, first + count): whole dirty chunks
// zeroed and marked clean; a range within a chunk (precision < kCleanChunkLog2)
// zeroed without marking it, as the rest of its chunk may still be dirty.
void ByteTables::clean(std::size_t first, std::size_t count) noexcept {
  static_assert(SimdSlot::pack(0, 1, 0) == 0);
  constexpr std::size_t chunk = std::size_t{1} << kCleanChunkLog2;
  if (count < chunk) {
    if (dirty_[first >> kCleanChunkLog2]) std::fill_n(slots_.data() + first, count, SimdSlot::pack(0, 1, 0));
    return;
  }
  for (std::size_t k = first >> kCleanChunkLog2; k < (first + count) >> kCleanChunkLog2; ++k)
    if (dirty_[k]) {
      std::fill_n(slots_.data() + (k << kCleanChunkLog2), chunk, SimdSlot::pack(0, 1, 0));
      dirty_[k] = false;
    }
}

errc ByteTables::assign(std::span<const std::uint32_t> freqs, unsigned contexts, unsigned precision, Use use) {
  return assign_support(freqs, contexts, precision, use, nullptr);
}

errc ByteTables::assign(std::span<const std::uint32_t> freqs, unsigned precision, Use use, const Support& support) {
  return assign_support(freqs, 256, precision, use, &support);
}

// The symbols rows may hold under a Support: listed when they are few (loops
// over the ~40 symbols of quality strings beat whole rows: order-1 decode of
// 16 KiB calls ~10% faster), else a mask of whole rows (vectorised loops: rows
// of machine code hold most of the 256 symbols, and indexed loops over them
// made its 16 KiB order-1 decode ~20% slower).
struct ByteTables::Alphabet {
  static constexpr unsigned kMaxListed = 128;
  explicit Alphabet(const Support& support) noexcept {
    for (unsigned s = 0; s < 256; ++s) {
      keep[s] = support.symbols[s] ? ~0u : 0u;
      symbol[size] = static_cast<std::uint8_t>(s);
      size += support.symbols[s];
    }
  }
  [[nodiscard]] bool listed() const noexcept { return size <= kMaxListed; }
  // The symbols of `row` with a non-zero frequency, in order.
  unsigned present(const std::uint32_t* row, std::uint8_t (&out)[256]) const noexcept {
    if (!listed()) return detail::nonzero_symbols(row, out);
    unsigned n = 0;
    for (unsigned i = 0; i < size; ++i) {
      out[n] = symbol[i];
      n += row[symbol[i]] != 0;
    }
    return n;
  }
  std::uint32_t keep[256];
  std::uint8_t symbol[256];
  unsigned size = 0;
};

// freq_ = freqs outside the zeros `alphabet`'s support implies (when given);
// only rows that change are written.
void ByteTables::copy_freqs(std::span<const std::uint32_t> freqs, const Support* support, const Alphabet* alphabet) {
  if (support == nullptr) {
    freq_.assign(freqs.begin(), freqs.end());
    freq_rows_.fill(true);
    return;
  }
  if (freq_.size() != freqs.size()) {
    freq_.assign(freqs.size(), 0);
    freq_rows_.fill(false);
  }
  for (std::size_t c = 0; c < 256; ++c) {
    std::uint32_t* row = freq_.data() + c * 256;
    const std::uint32_t* from = freqs.data() + c * 256;
    const bool read = support->contexts[c];
    if (read && !alphabet->listed()) {
      for (unsigned s = 0; s < 256; ++s) row[s] = from[s] & alphabet->keep[s];
    } else if (read || freq_rows_[c]) {
      std::memset(row, 0, 256 * sizeof(std::uint32_t));
      for (unsigned i = 0; read && i < alphabet->size; ++i) row[alphabet->symbol[i]] = from[alphabet->symbol[i]];
    }
    freq_rows_[c] = read;
  }
}

errc ByteTables::assign_support(std::span<const std::uint32_t> freqs, unsigned contexts, unsigned precision, Use use,
                                const Support* support) {
  if ((contexts != 1 && contexts != 256) || precision < 1 || precision > kMaxPrecision ||
      freqs.size() != std::size_t{contexts} * 256)
    return errc::invalid_argument;
  const std::uint32_t total = 1u << precision;
  ByteTables& t = *this;
  t.precision_ = precision;
  t.contexts_ = contexts;
  const auto unusable = [&t] {  // can neither encode nor decode
    t.ref_enc_.clear();
    t.enc_.clear();
    t.slots_.clear();
  };
  const bool want_enc = (static_cast<unsigned>(use) & static_cast<unsigned>(Use::encode)) != 0;
  const bool want_dec = (static_cast<unsigned>(use) & static_cast<unsigned>(Use::decode)) != 0;
  std::optional<Alphabet> alphabet;
  if (support != nullptr) alphabet.emplace(*support);
  const EncSymbol* by_freq = nullptr;
  try {  // std::bad_alloc: no tables sized for other parameters are left usable
    t.copy_freqs(freqs, support, alphabet ? &*alphabet : nullptr);
    // resize() keeps the capacity of a reused object: no allocation, no page faults.
    t.ref_enc_.resize(want_enc ? freqs.size() : 0);
    t.enc_.resize(want_enc ? freqs.size() : 0);
    const std::size_t slot_count = want_dec ? (std::size_t{contexts} << kMaxPrecision) + kSlotOvershoot : 0;
    // The unused-context entry is 0, which resize() writes into new slots: clean.
    t.slots_.resize(slot_count);
    t.dirty_.resize((slot_count >> kCleanChunkLog2) + 1, false);
    by_freq = want_enc ? enc_symbols(precision) : nullptr;
  } catch (const std::bad_alloc&) {
    unusable();
    throw;
  }
  // With a support, the masked copy (rows outside it are unused contexts, whatever freqs holds).
  const std::uint32_t* const rows = support == nullptr ? freqs.data() : t.freq_.data();
  for (unsigned c = 0; c < contexts; ++c) {
    const std::uint32_t* f = rows + std::size_t{c} * 256;
    const std::size_t first = std::size_t{c} << precision;
    // 32-bit sums (a decoder checks all 256 rows of every order-1 block: 64-bit
    // widening adds were ~1/3 of this function there). They cannot wrap once every
    // frequency is below 2^(precision + 1) (sum < 2^21), which `any` checks; one
    // above the total then makes the sum pass it.
    std::uint32_t sum = 0, any = 0;
    if (alphabet && alphabet->listed()) {
      for (unsigned i = 0; support->contexts[c] && i < alphabet->size; ++i) {
        sum += f[alphabet->symbol[i]];
        any |= f[alphabet->symbol[i]];
      }
    } else if (support == nullptr || support->contexts[c]) {
      for (unsigned s = 0; s < 256; ++s) {
        sum += f[s];
        any |= f[s];
      }
    }
    if (any >> (precision + 1) != 0) sum = total + 1;  // a frequency that alone passes the total
    std::uint32_t* slots = want_dec ? t.slots_.data() + first : nullptr;
    if (sum == 0) {  // unused context (only reached by corrupt input): byte 0, x -> x >> p, any precision
      if (want_dec) t.clean(first, total);
      continue;
    }
    if (want_dec) t.mark_dirty(first, total + kSlotOvershoot);  // the fill may spill into the next context
    if (sum != total) {
      unusable();
      return errc::invalid_argument;
    }
    std::uint8_t present[256];
    const unsigned n = alphabet ? alphabet->present(f, present) : detail::nonzero_symbols(f, present);
    std::uint32_t start = 0;
    for (unsigned i = 0; i < n; ++i) {
      const unsigned s = present[i];
      const std::size_t k = std::size_t{c} * 256 + s;
      if (want_enc) {
        EncSymbol e = by_freq[f[s]];
        e.bias += start;
        t.ref_enc_[k] = e;
        t.enc_[k] = SimdEncSymbol{e.rcp_freq, SimdEncSymbol::pack(e.bias, e.cmpl_freq, e.rcp_shift)};
      }
      if (want_dec) fill_slots(slots + start, SimdSlot::pack(s, f[s], 0), f[s]);
      start += f[s];
    }
  }
  return errc::ok;
}

Isa kernel_isa(Isa requested) noexcept { return simd::kernel_level(requested, kKernels); }

// --- order 0 -------------------------------------------------------------------

Result<std::size_t> encode_order0(std::span<const std::uint8_t> data, const ByteTables& tables,
                                  std::span<std::byte> dst, Isa isa) {
  if (tables.contexts() != 1 || !tables.can_encode() || !o0_codable(data, tables)) return errc::invalid_argument;
  return detail::encode_order0_unchecked(data, tables, dst, isa, {}, kByteCoderLanes);
}

Result<std::size_t> detail::encode_order0_unchecked(std::span<const std::uint8_t> data, const ByteTables& tables,
                                                    std::span<std::byte> dst, Isa isa,
                                                    std::span<const std::uint32_t> starts, unsigned lanes) {
  if (!valid_lanes(lanes)) return errc::invalid_argument;
  Encoder enc(dst, starts, lanes);
  if (!enc.has_room()) return errc::output_too_small;
  const auto ref = tables.reference_enc();
  const std::size_t n = data.size();
  const std::size_t rows = n / lanes;
  for (std::size_t i = n; i-- > rows * lanes;)
    if (!enc.step(static_cast<unsigned>(i % lanes), ref[data[i]])) return errc::output_too_small;
  std::size_t left = rows;
  if (const auto* k = kernels_for(isa, lanes)) {
    detail::EncWindow window;
    left = k->enc_o0_window != nullptr && enc_window(tables, window)
               ? k->enc_o0_window(data.data(), rows, window, tables.precision(), enc.cursor())
               : k->enc_o0(data.data(), rows, tables.enc().data(), tables.precision(), enc.cursor());
  }
  for (std::size_t i = left * lanes; i-- > 0;)
    if (!enc.step(static_cast<unsigned>(i % lanes), ref[data[i]])) return errc::output_too_small;
  return enc.finish();
}

errc decode_order0(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out, Isa isa) {
  return detail::decode_order0(src, tables, out, isa, {}, kByteCoderLanes).error();
}

Result<std::size_t> detail::decode_order0(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out,
                          Isa isa, std::span<std::uint32_t> ends, unsigned lanes) {
  if (tables.contexts() != 1 || !tables.can_decode() || !valid_lanes(lanes)) return errc::invalid_argument;
  Decoder dec(src, !ends.empty(), lanes);
  if (const errc e = dec.start(); e != errc::ok) return e;
  const std::size_t n = out.size();
  const std::size_t rows = n / lanes;
  std::size_t done = 0;
  if (const auto* k = kernels_for(isa, lanes)) {
    detail::FewSymbols few;
    const auto dec_few = few_symbols_kernel(*k, tables, few);
    auto run = [&](detail::DecCursor& c) {
      std::uint8_t* at = out.data() + done * lanes;
      done += dec_few != nullptr ? dec_few(at, rows - done, few, tables.precision(), c)
                                 : k->dec_o0(at, rows - done, tables.slots(), tables.precision(), c);
    };
    run(dec.cursor());
    if (done < rows && !dec.on_padded_tail(run)) return errc::truncated;
  }
  for (std::size_t i = done * lanes; i < n; ++i)
    if (!dec.step(static_cast<unsigned>(i % lanes), tables.slots(), tables.precision(), out[i])) return errc::truncated;
  return dec.finish(ends);
}

// --- order 1 -------------------------------------------------------------------

Result<std::size_t> encode_order1(std::span<const std::uint8_t> data, const ByteTables& tables,
                                  std::span<std::byte> dst, Isa isa) {
  if (tables.contexts() != 256 || !tables.can_encode() || !o1_codable(data, tables, O1Map{data.size(), kByteCoderLanes}))
    return errc::invalid_argument;
  return detail::encode_order1_unchecked(data, tables, dst, isa, {}, kByteCoderLanes);
}

Result<std::size_t> detail::encode_order1_unchecked(std::span<const std::uint8_t> data, const ByteTables& tables,
                                                    std::span<std::byte> dst, Isa isa,
                                                    std::span<const std::uint32_t> starts, unsigned lanes) {
  if (!valid_lanes(lanes)) return errc::invalid_argument;
  const std::size_t n = data.size();
  const O1Map map{n, lanes};
  Encoder enc(dst, starts, lanes);
  if (!enc.has_room()) return errc::output_too_small;
  const auto ref = tables.reference_enc();
  auto ref_step = [&](std::size_t i) {
    const std::size_t c = map.context_index(i);
    const unsigned ctx = c == n ? 0 : data[c];
    return enc.step(static_cast<unsigned>(i % lanes), ref[ctx * 256 + data[map.index(i)]]);
  };
  const std::size_t m = map.m;
  std::size_t i = n;
  // The tail by the reference, rows 1 .. m - 1 by the kernel, row 0 (context 0) by the reference.
  const std::size_t j_hi = std::max<std::size_t>(m, 1);
  for (; i > j_hi * lanes; --i)
    if (!ref_step(i - 1)) return errc::output_too_small;
  if (const auto* k = kernels_for(isa, lanes); k != nullptr && j_hi > 1)
    i = k->enc_o1(data.data(), m, 1, j_hi, tables.enc().data(), tables.precision(), enc.cursor()) * lanes;
  for (; i > 0; --i)
    if (!ref_step(i - 1)) return errc::output_too_small;
  return enc.finish();
}

errc decode_order1(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out, Isa isa) {
  return detail::decode_order1(src, tables, out, isa, {}, kByteCoderLanes).error();
}

Result<std::size_t> detail::decode_order1(std::span<const std::byte> src, const ByteTables& tables, std::span<std::uint8_t> out,
                          Isa isa, std::span<std::uint32_t> ends, unsigned lanes) {
  if (tables.contexts() != 256 || !tables.can_decode() || !valid_lanes(lanes)) return errc::invalid_argument;
  Decoder dec(src, !ends.empty(), lanes);
  if (const errc e = dec.start(); e != errc::ok) return e;
  const std::size_t n = out.size();
  const O1Map map{n, lanes};
  const unsigned p = tables.precision();
  auto ref_step = [&](std::size_t i) {
    const std::size_t c = map.context_index(i);
    const std::uint32_t* slots = tables.slots(c == n ? 0u : out[c]);
    return dec.step(static_cast<unsigned>(i % lanes), slots, p, out[map.index(i)]);
  };
  std::size_t i = 0;
  const std::size_t first_rows = map.m > 0 ? lanes : 0;  // row 0 (context 0) by the reference
  for (; i < first_rows; ++i)
    if (!ref_step(i)) return errc::truncated;
  if (const auto* k = kernels_for(isa, lanes); k != nullptr && map.m > 1) {
    std::size_t j = 1;
    auto run = [&](detail::DecCursor& c) { j = k->dec_o1(out.data(), map.m, j, map.m, tables.slots(), p, c); };
    run(dec.cursor());
    if (j < map.m && !dec.on_padded_tail(run)) return errc::truncated;
    i = j * lanes;
  }
  for (; i < n; ++i)
    if (!ref_step(i)) return errc::truncated;
  return dec.finish(ends);
}

}  // namespace rans
}  // namespace v0
}  // namespace entcode
