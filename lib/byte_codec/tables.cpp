// byte_codec/tables.cpp — frequency headers of the byte codec's blocks (see
// tables.hpp and doc/format.md "Byte codec container").
#include "tables.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "entcode/rans/interleaved.hpp"
#include "../rans/kernels.hpp"
#include "../rans/nonzero_symbols.hpp"
#include "exp_golomb.hpp"
#include "grid_model.hpp"
#include "models.hpp"
#include "stream.hpp"

namespace entcode {
inline namespace v0 {
namespace byte_codec::detail {

using rans::ByteTables;

namespace {

// --- frequency headers ----------------------------------------------------------
// A symbol set (k members), in the shortest of four forms, by its first byte h:
// h < 31: the k = h + 1 members as ascending bytes; 31 <= h < 254: R = h - 30
// runs of consecutive members, each u8 gap (absent symbols before it, >= 1
// after the first run) and u8 (length - 1); h = 254: coded runs, u8 (R - 1),
// u8 orders (bits 0-3: r_gap, 4-7: r_len, each <= kMaxRunOrder), then per run
// the exp-Golomb codes (exp_golomb.hpp) of its gap (less 1 after the first run)
// and length - 1, zero padding; h = 255: a 32-byte bitmap.
// A model: its symbol set, then (2 members or more) varint q: q = 0, varint(freq - 1)
// for each symbol but the last, whose frequency is 2^p minus the others'; q >= 1,
// the grid form (grid_model.hpp).
constexpr unsigned kMaxListed = 31;
constexpr unsigned kRunsBase = 31;
constexpr unsigned kCodedRunsForm = 254;
constexpr unsigned kBitmapForm = 255;
constexpr unsigned kMaxRuns = kCodedRunsForm - kRunsBase;
constexpr unsigned kMaxRunOrder = 8;  // gaps and lengths are < 256

struct Run {
  unsigned first, length;
};

// The runs of consecutive members (at most 128).
unsigned runs_of(const std::array<bool, 256>& present, std::array<Run, 128>& runs) {
  unsigned r = 0;
  for (unsigned s = 0; s < 256;) {
    if (!present[s]) {
      ++s;
      continue;
    }
    const unsigned first = s;
    while (s < 256 && present[s]) ++s;
    runs[r++] = {first, s - first};
  }
  return r;
}

// The coded-runs form's gap and length values: gaps less 1 after the first run.
struct RunValues {
  std::array<std::uint32_t, 128> gaps, lengths;
  Order gap_order, length_order;
};
RunValues run_values(const std::array<Run, 128>& runs, unsigned r) {  // r >= 1
  RunValues v{};
  for (unsigned i = 0, next = 0; i < r; next = runs[i].first + runs[i].length, ++i) {
    v.gaps[i] = runs[i].first - next - (i > 0 ? 1 : 0);
    v.lengths[i] = runs[i].length - 1;
  }
  v.gap_order = best_order(v.gaps.data(), r);  // values < 256: orders <= kMaxRunOrder
  v.length_order = best_order(v.lengths.data(), r);
  return v;
}

template <class Writer>
void put_symbol_set(Writer& w, const std::array<bool, 256>& present, unsigned k) {
  std::array<Run, 128> runs;
  const unsigned r = runs_of(present, runs);
  const RunValues coded = run_values(runs, r);
  const unsigned list_cost = k <= kMaxListed ? k : 256, runs_cost = r <= kMaxRuns ? 2 * r : 256,
                 coded_cost = 2 + (coded.gap_order.bits + coded.length_order.bits + 7) / 8;
  if (list_cost <= runs_cost && list_cost <= coded_cost && list_cost <= 32) {
    w.put_u8(static_cast<std::uint8_t>(k - 1));
    for (unsigned s = 0; s < 256; ++s)
      if (present[s]) w.put_u8(static_cast<std::uint8_t>(s));
    return;
  }
  if (runs_cost <= coded_cost && runs_cost < 32) {
    w.put_u8(static_cast<std::uint8_t>(kRunsBase + r - 1));
    for (unsigned i = 0, next = 0; i < r; next = runs[i].first + runs[i].length, ++i) {
      w.put_u8(static_cast<std::uint8_t>(runs[i].first - next));
      w.put_u8(static_cast<std::uint8_t>(runs[i].length - 1));
    }
    return;
  }
  if (coded_cost < 32) {
    w.put_u8(static_cast<std::uint8_t>(kCodedRunsForm));
    w.put_u8(static_cast<std::uint8_t>(r - 1));
    w.put_u8(static_cast<std::uint8_t>(coded.gap_order.r | coded.length_order.r << 4));
    BitSink bits(w);
    for (unsigned i = 0; i < r; ++i) {
      bits.put_code(coded.gaps[i], coded.gap_order.r);
      bits.put_code(coded.lengths[i], coded.length_order.r);
    }
    return bits.flush();
  }
  w.put_u8(static_cast<std::uint8_t>(kBitmapForm));
  for (unsigned byte = 0; byte < 32; ++byte) {
    std::uint8_t b = 0;
    for (unsigned bit = 0; bit < 8; ++bit) b = static_cast<std::uint8_t>(b | (present[byte * 8 + bit] ? 1u << bit : 0u));
    w.put_u8(b);
  }
}

// The coded-runs form after its h byte into present; the number of members, 0 on error (recorded in r).
unsigned get_coded_runs(ByteReader& r, std::array<bool, 256>& present) {
  const unsigned runs = r.get_u8() + 1u, orders = r.get_u8();
  const unsigned gap_order = orders & 15, length_order = orders >> 4;
  if (!r.ok()) return 0;
  if (runs > 128 || gap_order > kMaxRunOrder || length_order > kMaxRunOrder) {
    r.fail(errc::corrupt);
    return 0;
  }
  BitSource bits(r);
  unsigned k = 0;
  for (unsigned i = 0, s = 0; i < runs; ++i) {
    std::uint64_t gap = 0, length = 0;
    errc e = bits.get_code(gap_order, gap);
    if (e == errc::ok) e = bits.get_code(length_order, length);
    if (e == errc::ok && s + gap + (i > 0 ? 1 : 0) + length + 1 > 256) e = errc::corrupt;  // a run past symbol 255
    if (e != errc::ok) {
      r.fail(e);
      return 0;
    }
    s += static_cast<unsigned>(gap) + (i > 0 ? 1 : 0);
    std::fill(present.begin() + s, present.begin() + s + static_cast<unsigned>(length) + 1, true);
    s += static_cast<unsigned>(length) + 1;
    k += static_cast<unsigned>(length) + 1;
  }
  bits.finish();
  return r.ok() ? k : 0;
}

// Returns the number of symbols, 0 on error (recorded in r).
unsigned get_symbol_set(ByteReader& r, std::array<bool, 256>& present) {
  present.fill(false);
  const unsigned h = r.get_u8();
  unsigned k = 0;
  if (h < kMaxListed) {
    int last = -1;
    for (unsigned i = 0; i <= h; ++i) {
      const int s = r.get_u8();
      if (!r.ok()) return 0;
      if (s <= last) {
        r.fail(errc::corrupt);
        return 0;
      }
      present[static_cast<unsigned>(s)] = true;
      last = s;
    }
    return h + 1;
  }
  if (h == kCodedRunsForm) return get_coded_runs(r, present);
  if (h < kBitmapForm) {
    for (unsigned i = 0, s = 0; i < h - kRunsBase + 1; ++i) {
      const unsigned gap = r.get_u8(), length = r.get_u8() + 1u;
      if (!r.ok()) return 0;
      if ((i > 0 && gap == 0) || s + gap + length > 256) {  // runs are maximal and end by symbol 255
        r.fail(errc::corrupt);
        return 0;
      }
      s += gap;
      std::fill(present.begin() + s, present.begin() + s + length, true);
      s += length;
      k += length;
    }
    return k;
  }
  const auto bits = r.get_bytes(32);
  if (!r.ok()) return 0;
  for (unsigned s = 0; s < 256; ++s) {
    present[s] = ((std::to_integer<unsigned>(bits[s / 8]) >> (s % 8)) & 1) != 0;
    k += present[s];
  }
  if (k == 0) r.fail(errc::corrupt);
  return k;
}

template <class Writer>
void put_model_to(Writer& w, const std::uint32_t* freq, const ModelForm& form) {
  std::array<bool, 256> present{};
  unsigned k = 0, last = 0;
  for (unsigned s = 0; s < 256; ++s)
    if (freq[s] != 0) {
      present[s] = true;
      ++k;
      last = s;
    }
  put_symbol_set(w, present, k);
  if (k < 2) return;
  w.put_varint(form.q);
  if (form.q != 0) return put_grid(w, freq, form);
  for (unsigned s = 0; s < last; ++s)
    if (freq[s] != 0) w.put_varint(freq[s] - 1);
}

}  // namespace

void put_model(SpanWriter& w, const std::uint32_t* freq, const ModelForm& form) { put_model_to(w, freq, form); }

void get_model(ByteReader& r, std::uint32_t* freq, unsigned precision) {
  std::array<bool, 256> present{};
  const unsigned k = get_symbol_set(r, present);
  if (k == 0) return;
  const std::uint64_t grid_q = k < 2 ? 0 : r.get_varint();
  if (grid_q > kMaxGridQ) return r.fail(errc::corrupt);
  if (grid_q != 0) return get_grid(r, present, k, static_cast<std::uint32_t>(grid_q), precision, freq);
  const std::uint32_t total = 1u << precision;
  std::uint32_t sum = 0;
  unsigned seen = 0;
  for (unsigned s = 0; s < 256; ++s) {
    if (!present[s]) continue;
    if (++seen == k) {  // the last symbol takes the rest
      if (sum >= total) return r.fail(errc::corrupt);
      freq[s] = total - sum;
      return;
    }
    const std::uint64_t f = r.get_varint() + 1;
    if (!r.ok()) return;
    if (f >= total || sum + f >= total) return r.fail(errc::corrupt);
    freq[s] = static_cast<std::uint32_t>(f);
    sum += freq[s];
  }
}

namespace {

// --- order-1 frequency tables --------------------------------------------------
// Serialised tables T: the symbol set of the used contexts, the symbol set of the
// alphabet (the bytes with a non-zero frequency in some context), then per used context
// u8 (p - q) and its q-bit frequencies over the alphabet's members in increasing order:
// f >= 1 as byte f (f < 128) or as 0x80 | f >> 8, f & 0xff; a run of r zero frequencies
// as 0, r - 1. A context ends as soon as its frequencies sum to 2^q (no trailing zero
// run), or before the alphabet's last member, which takes the rest (version 12: the
// most frequent quality score is usually the last, 1-2 bytes a context). The block
// stores T in a section, order-0 rANS coded (a kTablesLanes-lane stream,
// kTablesPrecision) when that is smaller, so readers can skip it and parse it once.
// The section's mode byte says how (bit 0) and whether T omits the alphabet
// (bits 1-2, AlphabetForm): it is usually the used contexts, or they less
// context 0 (the lanes' starts' context), and a set costs ~6 bytes of a 16 KiB
// block of binned quality strings.
constexpr std::size_t kMaxTables = 2 * 33 + 256 * 2 * 256;  // largest T
constexpr unsigned kTablesPrecision = 12;
constexpr unsigned kTablesLanes = 16;  // T is mostly a few KiB: the fewest lanes' states
enum class TablesMode : std::uint8_t { raw = 0, order0 = 1 };
enum class AlphabetForm : std::uint8_t { listed = 0, contexts = 1, contexts_less_0 = 2 };
constexpr unsigned kAlphabetFormShift = 1;
constexpr std::uint8_t mode_byte(TablesMode mode, AlphabetForm form) noexcept {
  return static_cast<std::uint8_t>(static_cast<unsigned>(mode) | static_cast<unsigned>(form) << kAlphabetFormShift);
}

// How T gives the alphabet of contexts `used`.
AlphabetForm alphabet_form(const std::array<bool, 256>& used, const std::array<bool, 256>& alphabet) noexcept {
  if (alphabet == used) return AlphabetForm::contexts;
  std::array<bool, 256> less_0 = used;
  less_0[0] = false;
  return used[0] && alphabet == less_0 ? AlphabetForm::contexts_less_0 : AlphabetForm::listed;
}

// The members of a symbol set, in increasing order, and each member's rank.
struct Alphabet {
  std::array<std::uint8_t, 256> member{}, rank{};
  unsigned size = 0;
  explicit Alphabet(const std::array<bool, 256>& present) noexcept {
    for (unsigned s = 0; s < 256; ++s)
      if (present[s]) {
        rank[s] = static_cast<std::uint8_t>(size);
        member[size++] = static_cast<std::uint8_t>(s);
      }
  }
};

// One context's frequencies over the alphabet: only its own symbols are visited
// (listed branch-free first), the alphabet members between them become zero runs.
void put_freq_runs(SpanWriter& w, const std::uint32_t* scaled, unsigned down, const Alphabet& a) {
  std::uint8_t symbols[256];
  const unsigned k = rans::detail::nonzero_symbols(scaled, symbols);
  w.put_u8(static_cast<std::uint8_t>(down));
  for (unsigned i = 0, next = 0; i < k; ++i) {  // next: the alphabet rank the stream is at
    const unsigned r = a.rank[symbols[i]], f = scaled[symbols[i]] >> down;
    if (r > next) {
      w.put_u8(0);
      w.put_u8(static_cast<std::uint8_t>(r - next - 1));
    }
    if (r + 1 == a.size) return;  // the alphabet's last member takes the rest
    if (f >= 128) w.put_u8(static_cast<std::uint8_t>(0x80 | f >> 8));
    w.put_u8(static_cast<std::uint8_t>(f >= 128 ? f & 0xff : f));
    next = r + 1;
  }
}

void get_freq_runs(ByteReader& r, std::uint32_t* f, unsigned precision, const Alphabet& a) {
  const unsigned up = r.get_u8();
  if (up > precision) return r.fail(errc::corrupt);
  const std::uint32_t total = 1u << (precision - up);
  for (std::uint32_t i = 0, sum = 0; sum < total && r.ok();) {
    if (i == a.size) return r.fail(errc::corrupt);  // the alphabet ended before the total
    if (i + 1 == a.size) {  // the last member takes the rest (>= 1)
      f[a.member[i]] = (total - sum) << up;
      return;
    }
    const std::uint32_t b = r.get_u8();
    if (b == 0) {
      const unsigned run = r.get_u8() + 1u;
      if (run > a.size - i) return r.fail(errc::corrupt);
      i += run;
      continue;
    }
    const std::uint32_t v = b < 128 ? b : (b & 0x7f) << 8 | r.get_u8();
    if (v < 128 && b >= 128) return r.fail(errc::corrupt);  // one canonical form per value
    if (v > total - sum) return r.fail(errc::corrupt);
    f[a.member[i++]] = v << up;
    sum += v;
  }
}

// T order-0 coded into w (mode byte on), or false when that is not smaller
// than T (w then has no room for it, or more than 1 + T bytes).
bool put_coded_tables(SpanWriter& w, std::span<const std::uint8_t> t, AlphabetForm form_of_alphabet, Isa isa) {
  std::uint32_t counts[256];
  count_order0(t, counts, isa);
  std::vector<std::uint32_t> freqs;
  ModelForm form;
  order0_model(counts, bits_of_counts(counts, 256), kTablesPrecision, freqs, form);
  const std::size_t tail = tail_for(t, freqs.data(), 0, kTablesPrecision, kTablesLanes);
  const auto tables = ByteTables::build(freqs, 1, kTablesPrecision, ByteTables::Use::encode);
  if (!tables) return false;
  w.put_u8(mode_byte(TablesMode::order0, form_of_alphabet));
  put_model_to(w, freqs.data(), form);
  if (w.error() != errc::ok) return false;
  const auto size = encode_stream(0, t, tail, *tables, w.remaining(), isa, kTablesLanes);
  if (!size) return false;
  w.reserve(*size);  // the stream is already there
  return w.size() < 1 + t.size();
}

}  // namespace

void put_order1_tables(SpanWriter& w, const std::vector<std::uint32_t>& freqs,
                       const std::array<std::uint8_t, 256>& bits, const std::uint32_t* bytes, unsigned precision,
                       Isa isa, std::vector<std::byte>& scratch) {
  scratch.resize(std::max(scratch.size(), 2 * kMaxTables + 1));  // T, then its coded form if smaller
  SpanWriter t(std::span<std::byte>(scratch).first(kMaxTables));
  std::array<bool, 256> used{}, present{};
  std::array<std::uint32_t, 256> any{};  // OR of the used contexts' frequencies
  unsigned k = 0;
  for (unsigned c = 0; c < 256; ++c) {
    const std::uint32_t* f = freqs.data() + std::size_t{c} * 256;
    used[c] = context_possible(bytes, c) && !context_unused(f);
    k += used[c];
    if (used[c])
      for (unsigned s = 0; s < 256; ++s) any[s] |= f[s];
  }
  for (unsigned s = 0; s < 256; ++s) present[s] = any[s] != 0;
  const Alphabet alphabet(present);
  const AlphabetForm form = alphabet_form(used, present);
  put_symbol_set(t, used, k);
  if (form == AlphabetForm::listed) put_symbol_set(t, present, alphabet.size);
  for (unsigned c = 0; c < 256; ++c)
    if (used[c]) put_freq_runs(t, freqs.data() + std::size_t{c} * 256, precision - bits[c], alphabet);
  const auto tb = std::span(reinterpret_cast<const std::uint8_t*>(scratch.data()), t.size());
  SpanWriter coded(std::span<std::byte>(scratch).subspan(kMaxTables, kMaxTables + 1));
  const bool is_coded = put_coded_tables(coded, tb, form, isa);
  w.put_varint(varint_size(tb.size()) + (is_coded ? coded.size() : 1 + tb.size()));
  w.put_varint(tb.size());
  if (is_coded) {
    w.put_bytes(std::span(scratch).subspan(kMaxTables, coded.size()));
  } else {
    w.put_u8(mode_byte(TablesMode::raw, form));
    w.put_bytes(std::as_bytes(tb));
  }
}

// Parses a whole (present) tables section; any defect in it is `corrupt`.
errc parse_order1_tables(std::span<const std::byte> section, std::uint32_t* freqs, unsigned precision, Isa isa,
                         rans::ByteTables::Support& support, SectionScratch& scratch) {
  ByteReader s(section);
  const std::uint64_t size = s.get_varint();
  const unsigned mode_bits = s.get_u8();
  const auto mode = static_cast<TablesMode>(mode_bits & 1);
  const auto form = static_cast<AlphabetForm>(mode_bits >> kAlphabetFormShift);
  if (!s.ok() || size == 0 || size > kMaxTables || form > AlphabetForm::contexts_less_0) return errc::corrupt;
  std::span<const std::byte> t;
  if (mode == TablesMode::raw) {
    t = s.get_bytes(static_cast<std::size_t>(size));
  } else {
    std::uint32_t f[256] = {};
    get_model(s, f, kTablesPrecision);
    if (!s.ok()) return errc::corrupt;
    if (scratch.tables.assign(f, 1, kTablesPrecision, ByteTables::Use::decode) != errc::ok) return errc::corrupt;
    scratch.bytes.resize(static_cast<std::size_t>(size));
    if (decode_stream(0, s.get_bytes(s.remaining()), scratch.tables, scratch.bytes, isa, kTablesLanes) != errc::ok)
      return errc::corrupt;
    t = std::as_bytes(std::span(scratch.bytes));
  }
  if (!s.ok() || s.remaining() != 0) return errc::corrupt;
  ByteReader r(t);
  support = {};
  get_symbol_set(r, support.contexts);
  if (form == AlphabetForm::listed) {
    get_symbol_set(r, support.symbols);
  } else {
    support.symbols = support.contexts;
    if (form == AlphabetForm::contexts_less_0) {
      if (!support.contexts[0] || std::count(support.contexts.begin(), support.contexts.end(), true) < 2)
        return errc::corrupt;  // that alphabet would be empty
      support.symbols[0] = false;
    }
  }
  const Alphabet alphabet(support.symbols);
  for (unsigned c = 0; c < 256 && r.ok(); ++c)
    if (support.contexts[c]) get_freq_runs(r, freqs + std::size_t{c} * 256, precision, alphabet);
  return r.ok() && r.remaining() == 0 ? errc::ok : errc::corrupt;
}

}  // namespace byte_codec::detail
}  // namespace v0
}  // namespace entcode
