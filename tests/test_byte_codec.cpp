// test_byte_codec.cpp — CRC32C vectors, the byte codec container: exact bytes of
// small frames, round trips over orders / sizes / block boundaries / ISAs,
// identical output on every ISA, bound(), and hostile input (truncation, bit
// flips, bad headers, size caps).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string_view>
#include <tuple>
#include <vector>

#include "entcode/crc32c.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/rans/interleaved.hpp"
#include "byte_codec/grid_model.hpp"
#include "byte_codec/models.hpp"
#include "byte_codec/runs.hpp"
#include "byte_codec/stream.hpp"
#include "byte_codec/tables.hpp"
#include "rans/compact_states.hpp"
#include "rans/step.hpp"

using namespace entcode;
namespace bc = entcode::byte_codec;

namespace {

using Bytes = std::vector<std::uint8_t>;
using Frame = std::vector<std::byte>;
constexpr std::size_t H = bc::kFrameHeaderSize;                  // a frame's first block starts here
constexpr std::size_t kVersionAt = std::size(bc::kMagic);        // the version byte, then the descriptor

Bytes text_like(std::size_t n, std::uint32_t seed) {
  static constexpr std::string_view kWords[] = {"the ", "rans ", "coder ", "entropy ", "of ", "a ", "stream\n",
                                                "interleaved ", "byte ", "and ", "order ", "1 ", "context, "};
  std::mt19937 rng(seed);
  Bytes v;
  while (v.size() < n)
    for (char c : kWords[rng() % std::size(kWords)]) v.push_back(static_cast<std::uint8_t>(c));
  v.resize(n);
  return v;
}

Bytes geometric(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::geometric_distribution<int> g(0.16);
  Bytes v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(std::min(g(rng), 255));
  return v;
}

// Each byte the previous plus 1 + a geometric step: order 1 codes it in ~3
// bits a byte, order 0 (a near-uniform marginal) in ~8.
Bytes markov(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::geometric_distribution<int> g(0.16);
  Bytes v(n);
  for (std::size_t i = 1; i < n; ++i) v[i] = static_cast<std::uint8_t>(v[i - 1] + 1 + g(rng));
  return v;
}

Bytes random_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

Frame bytes_of(std::initializer_list<int> v) {
  Frame f;
  for (int b : v) f.push_back(static_cast<std::byte>(b));
  return f;
}

std::vector<Isa> machine_isas() {
  std::vector<Isa> v;
  for (Isa isa : kAllIsas)
    if (isa_supported(isa)) v.push_back(isa);
  return v;
}

}  // namespace

TEST_CASE("crc32c: standard check value, hardware == table, incremental", "[crc32c]") {
  const std::string_view check = "123456789";
  const auto bytes = std::as_bytes(std::span(check.data(), check.size()));
  REQUIRE(crc32c(bytes) == 0xE3069283u);
  REQUIRE(crc32c_portable(bytes) == 0xE3069283u);
  REQUIRE(crc32c({}) == 0);
  const Bytes zeros(32, 0);  // RFC 3720 B.4: 32 bytes of zeros
  REQUIRE(crc32c(std::as_bytes(std::span(zeros))) == 0x8A9136AAu);
  const Bytes data = random_bytes(10007, 1);
  const auto all = std::as_bytes(std::span(data));
  for (std::size_t cut : {0, 1, 7, 8, 9, 5000, 10007})
    REQUIRE(crc32c(all.subspan(cut), crc32c(all.first(cut))) == crc32c_portable(all));
}

TEST_CASE("byte codec: exact bytes of tiny frames", "[byte_codec]") {
  bc::Options o;
  // Descriptor 6: block_log2 22 - 16, no CRC.
  REQUIRE(*bc::compress({}, o) == bytes_of({'E', 'C', 12, 6, 0}));
  const Bytes one{'A'};
  // A run block flagged last (0x80 | 2), raw_size - 1 = 0, no end marker.
  REQUIRE(*bc::compress(one, o) == bytes_of({'E', 'C', 12, 6, 0x82, 0, 'A'}));
  // What a streaming writer may write instead: the block unflagged, then the end marker.
  REQUIRE(*bc::decompress(bytes_of({'E', 'C', 12, 6, 2, 0, 'A', 0}), 1) == one);
  const Bytes two{'A', 'B'};  // coding cannot win: a raw block
  REQUIRE(*bc::compress(two, o) == bytes_of({'E', 'C', 12, 6, 0x81, 1, 'A', 'B'}));
  o.checksum = true;
  o.block_log2 = 16;
  // Descriptor 0x10: CRC flag, block_log2 16; CRC32C("A") = 0xE16DCDEE, little endian after the end byte.
  REQUIRE(*bc::compress(one, o) == bytes_of({'E', 'C', 12, 0x10, 0x82, 0, 'A', 0xEE, 0xCD, 0x6D, 0xE1}));
}

TEST_CASE("byte codec: round trips, bound, block kinds, identical output per ISA", "[byte_codec]") {
  const auto isas = machine_isas();
  const std::size_t block = std::size_t{1} << 16;
  // 255 / 256 / 257: around the smallest seeded stream (lib/byte_codec/stream.hpp).
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{33}, std::size_t{255},
                        std::size_t{256}, std::size_t{257}, std::size_t{4095},
                        std::size_t{4096}, block - 1, block, block + 1, 3 * block + 100}) {
    for (int kind = 0; kind < 4; ++kind) {
      const Bytes data = kind == 0 ? text_like(n, 1) : kind == 1 ? geometric(n, 2) : kind == 2 ? random_bytes(n, 3) : Bytes(n, 9);
      for (unsigned order : {0u, 1u}) {
        for (bool checksum : {false, true}) {
          CAPTURE(n, kind, order, checksum);
          bc::Options o;
          o.order = order;
          o.checksum = checksum;
          o.block_log2 = 16;
          o.isa = Isa::scalar;
          const auto ref = bc::compress(data, o);
          REQUIRE(ref.ok());
          REQUIRE(ref->size() <= bc::bound(n, o));
          for (Isa isa : isas) {
            o.isa = isa;
            REQUIRE(*bc::compress(data, o) == *ref);
            const auto back = bc::decompress(*ref, n, isa);
            REQUIRE(back.ok());
            REQUIRE(*back == data);
          }
          Bytes into(n + 5, 0xEE);
          REQUIRE(*bc::decompress(*ref, into) == n);
          REQUIRE(std::equal(data.begin(), data.end(), into.begin()));
          const auto info = bc::inspect(*ref);
          REQUIRE(info.ok());
          REQUIRE(info->content_size == n);
          REQUIRE(info->frame_size == ref->size());
          if (n > 0 && kind == 3) REQUIRE(info->blocks[static_cast<int>(bc::BlockKind::run)] == (n + block - 1) / block);
          if (n > 4096 && kind == 2) REQUIRE(info->blocks[static_cast<int>(bc::BlockKind::raw)] > 0);
          if (n >= 4096 && kind == 0)
            REQUIRE(info->blocks[static_cast<int>(order == 0 ? bc::BlockKind::order0 : bc::BlockKind::order1)] > 0);
        }
      }
    }
  }
}

TEST_CASE("byte codec: order 1 beats order 0 on text, both beat raw", "[byte_codec]") {
  const Bytes data = text_like(200000, 7);
  bc::Options o0, o1;
  o1.order = 1;
  const auto s0 = bc::compress(data, o0)->size();
  const auto s1 = bc::compress(data, o1)->size();
  REQUIRE(s0 < data.size() / 2);
  REQUIRE(s1 < s0);
}

TEST_CASE("byte codec: hostile frames", "[byte_codec]") {
  bc::Options o;
  o.order = 1;
  o.checksum = true;
  o.block_log2 = 16;
  const Bytes data = text_like(150000, 9);
  const Frame good = *bc::compress(data, o);
  const std::size_t n = data.size();

  SECTION("every prefix is truncated") {
    for (std::size_t cut = 0; cut < good.size(); cut += 1 + cut / 50) {
      CAPTURE(cut);
      REQUIRE(bc::decompress(std::span(good).first(cut), n).error() == errc::truncated);
    }
    REQUIRE(bc::decompress(std::span(good).first(good.size() - 1), n).error() == errc::truncated);
  }
  SECTION("headers") {
    Frame f = good;
    f[0] = std::byte{'X'};
    REQUIRE(bc::decompress(f, n).error() == errc::bad_header);
    REQUIRE(bc::decompress(bytes_of({'P', 'K', 3, 4, 20, 0, 0, 0}), n).error() == errc::bad_header);
    f = good;
    f[kVersionAt] = std::byte{2};  // version 2 (varint order-1 models) is no longer read
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{3};  // nor version 3 (unseeded streams, u32 stream sizes)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{4};  // nor version 4 (symbol sets without the run form)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{5};  // nor version 5 (64 lanes in every block)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{6};  // nor version 6 (raw seeds)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{7};  // nor version 7 (order-1 tables over all 256 symbols, trailing zero runs)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{8};  // nor version 8 (exact frequencies only)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{9};  // nor version 9 (16-bit seeds, flags and block_log2 bytes, stream byte)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{10};  // nor version 10 (24-bit seeds), nor its frames, magic "ECRB" (version byte 'R')
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 'R', 'B', 10, 6, 0}), n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(bytes_of({'E', 'C', 'R', 'B', 10, 6, 0})).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{11};  // nor version 11 (order-1 tables wrote every context's last member)
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    REQUIRE(bc::inspect(f).error() == errc::unsupported_version);
    f[kVersionAt] = std::byte{13};
    REQUIRE(bc::decompress(f, n).error() == errc::unsupported_version);
    f = good;
    f[kVersionAt + 1] = std::byte{0x30};  // an unknown flag
    REQUIRE(bc::decompress(f, n).error() == errc::bad_header);
    f[kVersionAt + 1] = std::byte{0x80};
    REQUIRE(bc::decompress(f, n).error() == errc::bad_header);
    f[kVersionAt + 1] = std::byte{11};  // block_log2 27
    REQUIRE(bc::decompress(f, n).error() == errc::bad_header);
    f[kVersionAt + 1] = std::byte{0x1a};  // block_log2 26 is read (and then the blocks)
    REQUIRE(bc::decompress(f, n).error() != errc::bad_header);
  }
  SECTION("size caps and junk") {
    REQUIRE(bc::decompress(good, n - 1).error() == errc::too_large);
    Bytes small(n - 1);
    REQUIRE(bc::decompress(good, small).error() == errc::output_too_small);
    Frame longer = good;
    longer.push_back(std::byte{0});
    REQUIRE(bc::decompress(longer, n).error() == errc::corrupt);
    // A run block claiming more than the block size (raw_size - 1 = 2^16), and one of exactly it.
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 2, 0xff, 0xff, 0x03, 'A', 0}), 1u << 30).value() == Bytes(1u << 16, 'A'));
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 2, 0x81, 0x80, 0x04, 'A', 0}), 1u << 30).error() ==
            errc::corrupt);
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 9, 1, 'A', 0}), 10).error() == errc::corrupt);
    // Parameter bits on a run, raw or end block.
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 2 | 8, 1, 'A', 0}), 10).error() == errc::corrupt);
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 1 | 0x40, 1, 'A', 0}), 10).error() == errc::corrupt);
    // A flagged end marker; bytes after a flagged last block (not another frame's: corrupt).
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 2, 0, 'A', 0x80}), 10).error() == errc::corrupt);
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 0x82, 0, 'A', 0}), 10).error() == errc::corrupt);
    REQUIRE(bc::decompress(bytes_of({'E', 'C', 12, 0, 2, 1, 'A', 0x20}), 10).error() == errc::corrupt);
    bc::Options plain = o;  // no CRC: the end marker is the last byte; flipped to an unknown kind
    plain.checksum = false;
    Frame end = *bc::compress(data, plain);
    end.back() = std::byte{0xff};
    REQUIRE(bc::decompress(end, n).error() == errc::corrupt);
    Frame crc = good;
    crc.back() ^= std::byte{1};
    REQUIRE(bc::decompress(crc, n).error() == errc::checksum_mismatch);
  }
  SECTION("bit flips never crash and never return wrong data silently") {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 300; ++trial) {
      Frame f = good;
      f[rng() % f.size()] ^= std::byte{static_cast<std::uint8_t>(1u << (rng() % 8))};
      const auto r = bc::decompress(f, n);
      if (r.ok()) REQUIRE(*r == data);  // only possible if the flip hit a don't-care bit
      for (Isa isa : machine_isas()) REQUIRE(bc::decompress(f, n, isa).error() == r.error());
    }
  }
}

TEST_CASE("byte codec: streaming pieces agree with the frame API", "[byte_codec]") {
  bc::Options o;
  o.block_log2 = 16;
  Bytes data = geometric(100000, 4);
  std::fill_n(data.begin() + 70000, 9000, std::uint8_t{200});  // a run split off the second chunk
  Frame frame(bc::kFrameHeaderSize);
  bc::write_frame_header(o, std::span<std::byte, bc::kFrameHeaderSize>(frame.data(), bc::kFrameHeaderSize));
  Frame marked = frame;  // a streaming writer that learns of the end late: the end marker
  for (std::size_t off = 0; off < data.size(); off += 65536) {
    const auto block = std::span(data).subspan(off, std::min<std::size_t>(65536, data.size() - off));
    Frame out(bc::block_bound(block.size()));
    out.resize(*bc::compress_chunk(block, out, o, off + block.size() == data.size()));
    frame.insert(frame.end(), out.begin(), out.end());
    out.resize(bc::block_bound(block.size()));
    out.resize(*bc::compress_chunk(block, out, o));
    marked.insert(marked.end(), out.begin(), out.end());
  }
  marked.push_back(std::byte{0});
  REQUIRE(frame == *bc::compress(data, o));
  REQUIRE(marked.size() == frame.size() + 1);
  REQUIRE(*bc::decompress(marked, data.size()) == data);
  REQUIRE(bc::inspect(frame)->blocks[static_cast<unsigned>(bc::BlockKind::run)] == 1);
  const auto header = bc::read_frame_header(frame);
  REQUIRE(header.ok());
  const auto ext = bc::peek_block(std::span(frame).subspan(bc::kFrameHeaderSize), *header);
  REQUIRE(ext.ok());
  REQUIRE(ext->raw_size == 65536);
  REQUIRE(bc::peek_block(std::span(frame).subspan(bc::kFrameHeaderSize, ext->encoded_size - 1), *header).error() ==
          errc::truncated);
  Bytes out(65536);
  REQUIRE(bc::decompress_block(std::span(frame).subspan(bc::kFrameHeaderSize, ext->encoded_size), out, *header) == errc::ok);
  REQUIRE(std::equal(out.begin(), out.end(), data.begin()));
  bc::Options bad;
  bad.order = 2;
  REQUIRE(bc::compress(data, bad).error() == errc::invalid_argument);
  bad = o;
  bad.isa = Isa::avx512;
  if (!isa_supported(Isa::avx512)) REQUIRE(bc::compress(data, bad).error() == errc::unsupported_isa);
}

// The maximal runs of one byte of at least kMinSplitRun bytes, by brute force.
std::vector<std::pair<std::size_t, std::size_t>> long_runs(const Bytes& v) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  for (std::size_t i = 0, j = 0; i < v.size(); i = j) {
    for (j = i; j < v.size() && v[j] == v[i]; ++j) {
    }
    if (j - i >= bc::detail::kMinSplitRun) runs.emplace_back(i, j);
  }
  return runs;
}

TEST_CASE("byte codec: long runs of one byte are found exactly", "[byte_codec]") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    Bytes v(std::size_t{20000} + rng() % 60000);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng() % 3);  // short natural runs
    for (int k = 0; k < 4; ++k) {  // planted runs around the threshold, anywhere (also at the ends)
      const std::size_t len = std::array<std::size_t, 5>{4095, 4096, 4097, 6000, 20000}[rng() % 5];
      const std::size_t at = trial % 7 == 0 && k == 0 ? 0 : trial % 7 == 1 && k == 0 ? v.size() - len : rng() % (v.size() - len);
      std::fill_n(v.begin() + static_cast<std::ptrdiff_t>(at), len, static_cast<std::uint8_t>(rng() % 4));
    }
    std::vector<std::pair<std::size_t, std::size_t>> found;
    for (auto run = bc::detail::next_long_run(v, 0); run.size() != 0; run = bc::detail::next_long_run(v, run.end))
      found.emplace_back(run.begin, run.end);
    REQUIRE(found == long_runs(v));
  }
  REQUIRE(bc::detail::next_long_run(Bytes(4095, 7), 0).size() == 0);
  REQUIRE(bc::detail::next_long_run(Bytes(4096, 7), 0).size() == 4096);
  REQUIRE(bc::detail::next_long_run(Bytes(10000, 7), 3000).begin == 3000);  // from inside a run: its rest
}

TEST_CASE("byte codec: long runs become run blocks when they cost bytes in a coded block", "[byte_codec]") {
  const auto blocks = [](const Frame& f, bc::BlockKind kind) { return bc::inspect(f)->blocks[static_cast<unsigned>(kind)]; };
  bc::Options o;
  o.block_log2 = 17;
  // A run of a byte the text lacks: split off at order 0; the text on both sides codes
  // as blocks of its own. Order 1 keeps one block (a second tables section costs more).
  Bytes data = text_like(30000, 1);
  data.insert(data.end(), 20000, 'Q');
  const Bytes after = text_like(30000, 2);
  data.insert(data.end(), after.begin(), after.end());
  for (unsigned order : {0u, 1u}) {
    o.order = order;
    const Frame f = *bc::compress(data, o);
    CAPTURE(order);
    REQUIRE(blocks(f, bc::BlockKind::run) == (order == 0 ? 1u : 0u));
    REQUIRE(blocks(f, order == 0 ? bc::BlockKind::order0 : bc::BlockKind::order1) == (order == 0 ? 2u : 1u));
    REQUIRE(*bc::decompress(f, data.size()) == data);
    Frame whole(bc::block_bound(data.size()));  // the same chunk as one block
    whole.resize(*bc::compress_block(data, whole, o));
    if (order == 0) REQUIRE(f.size() + 4000 < whole.size() + bc::kFrameHeaderSize);
    else REQUIRE(f.size() == whole.size() + bc::kFrameHeaderSize);
  }
  // A run of the byte that dominates anyway costs ~0.07 bits a byte: left in its block.
  std::mt19937 rng(3);
  Bytes skewed(60000, 'A');
  for (auto& b : skewed)
    if (rng() % 20 == 0) b = static_cast<std::uint8_t>('B' + rng() % 8);
  std::fill_n(skewed.begin() + 20000, 5000, std::uint8_t{'A'});
  o.order = 0;
  REQUIRE(bc::detail::next_long_run(skewed, 0).size() >= 5000);
  const Frame f = *bc::compress(skewed, o);
  REQUIRE(blocks(f, bc::BlockKind::run) == 0);
  REQUIRE(blocks(f, bc::BlockKind::order0) == 1);
  // Runs of 4 KiB of a different byte each between single bytes: every run worth its
  // block (~5 bits a byte in the chunk), every piece a block of its own, and the
  // frame still within bound(n) (the runs pay for the pieces' headers).
  Bytes v;
  for (unsigned k = 0; v.size() < 100000; ++k) {
    v.insert(v.end(), bc::detail::kMinSplitRun, static_cast<std::uint8_t>(k * 37));
    v.push_back(static_cast<std::uint8_t>(rng()));
  }
  for (unsigned log2 : {16u, 17u}) {
    o.block_log2 = log2;
    Frame exact(bc::bound(v.size(), o));
    const auto size = bc::compress(v, exact, o);
    REQUIRE(size.ok());
    exact.resize(*size);
    REQUIRE(blocks(exact, bc::BlockKind::run) >= 20);
    REQUIRE(*bc::decompress(exact, v.size()) == v);
  }
}

TEST_CASE("byte codec: order-1 tables section, raw and coded", "[byte_codec]") {
  bc::Options o;
  o.order = 1;
  // Few contexts: T is a few bytes and stays raw (mode bit 0 clear); its
  // alphabet {'A', 'B'} is the used contexts {0, 'A', 'B'} less 0 (form 2 in bits 1-2).
  Bytes ab;
  for (int i = 0; i < 3000; ++i) ab.insert(ab.end(), {'A', 'B', 'B'});
  const Frame f = *bc::compress(ab, o);
  // header H, descriptor (kind | lane index << 3 | (12 - p) << 5), raw_size varint (2 bytes), section_size, t_size, mode
  REQUIRE(f[H] == std::byte{static_cast<std::uint8_t>(bc::BlockKind::order1) | 2 << 3 | 2 << 5 | 0x80});  // p = 10, 16 lanes, last
  const std::size_t mode = H + 5;
  REQUIRE(std::to_integer<int>(f[H + 3]) < 128);
  REQUIRE(std::to_integer<int>(f[H + 4]) < 128);
  REQUIRE(f[mode] == std::byte{2 << 1});
  REQUIRE(*bc::decompress(f, ab.size()) == ab);
  for (int bad : {1, 6, 7, 255}) {  // coded flag on a raw T, alphabet form 3, other bits
    Frame g = f;
    g[mode] = std::byte{static_cast<std::uint8_t>(bad)};
    REQUIRE(bc::decompress(g, ab.size()).error() == errc::corrupt);
  }
  Frame g = f;
  g[H + 4] = std::byte{0};  // t_size 0
  REQUIRE(bc::decompress(g, ab.size()).error() == errc::corrupt);
  // T starts with the used contexts {0, 'A', 'B'} as a list; no alphabet.
  const std::size_t t0 = mode + 1;
  REQUIRE(Frame(f.begin() + t0, f.begin() + t0 + 4) == bytes_of({2, 0, 'A', 'B'}));
  // The alphabet listed instead (form 0, what any T may do): `members` after the context set.
  auto with_listed_alphabet = [&](std::initializer_list<int> members) {
    Frame h = f;
    h[mode] = std::byte{0};
    const Frame set = bytes_of(members);
    h.insert(h.begin() + t0 + 4, set.begin(), set.end());
    for (std::size_t at : {H + 3, H + 4}) h[at] = std::byte{static_cast<std::uint8_t>(std::to_integer<std::size_t>(h[at]) + set.size())};
    return h;
  };
  REQUIRE(*bc::decompress(with_listed_alphabet({1, 'A', 'B'}), ab.size()) == ab);
  // Without 'B' in the alphabet, context 'A' (always followed by 'B') ends below its total.
  REQUIRE(bc::decompress(with_listed_alphabet({0, 'A'}), ab.size()).error() == errc::corrupt);
  // Byte 0 in the content: the alphabet is the used contexts themselves (form 1).
  Bytes zab;
  for (int i = 0; i < 3000; ++i) zab.insert(zab.end(), {0, 'A', 'B'});
  const Frame z = *bc::compress(zab, o);
  REQUIRE(z[mode] == std::byte{1 << 1});
  REQUIRE(*bc::decompress(z, zab.size()) == zab);
  // Many contexts: T is coded (mode 1) and still decodes on every ISA.
  const Bytes text = markov(100000, 11);
  const Frame t = *bc::compress(text, o);  // 256 contexts of ~40 symbols
  // descriptor, raw_size (3 varint bytes), section_size (2), t_size (2), mode
  REQUIRE(t[H] == std::byte{static_cast<std::uint8_t>(bc::BlockKind::order1) | 2 << 5 | 0x80});  // p = 10, 64 lanes: it codes to over half its size
  REQUIRE(std::to_integer<int>(t[H + 4]) >= 128);
  REQUIRE(std::to_integer<int>(t[H + 6]) >= 128);
  REQUIRE((t[H + 8] & std::byte{1}) == std::byte{1});
  for (Isa isa : machine_isas()) REQUIRE(*bc::decompress(t, text.size(), isa) == text);
}

TEST_CASE("byte codec: order-1 tables imply each context's last alphabet member", "[byte_codec]") {
  // Contexts 'a' and 'b' at p = 10 over the alphabet {'a', 'b', 'c'} (listed: it is not the
  // used contexts): 'a' -> b 1000, c 24; 'b' -> a 1024. Hand-computed T: the context set
  // (list of 2), the alphabet (one run: 31, 'a', length - 1), then per context u8 (p - q) = 0 and its
  // frequencies: 'a' a zero run of 1 (0, 0), b = 1000 (0x83 0xE8), c implied (the last
  // member takes 1024 - 1000); 'b' a = 1024 (0x84 0x00), then the total is reached.
  constexpr unsigned p = 10;
  std::vector<std::uint32_t> freqs(256 * 256, 0);
  freqs['a' * 256 + 'b'] = 1000;
  freqs['a' * 256 + 'c'] = 24;
  freqs['b' * 256 + 'a'] = 1024;
  std::array<std::uint8_t, 256> bits{};
  bits.fill(p);
  std::array<std::uint32_t, 256> bytes{};
  bytes['a'] = bytes['b'] = bytes['c'] = 1;
  Frame section(1024);
  SpanWriter w(section);
  std::vector<std::byte> scratch;
  bc::detail::put_order1_tables(w, freqs, bits, bytes.data(), p, Isa::scalar, scratch);
  section.resize(w.size());
  const Frame t = bytes_of({1, 'a', 'b', 31, 'a', 2, 0, 0, 0, 0x83, 0xE8, 0, 0x84, 0x00});
  Frame expected = bytes_of({static_cast<int>(2 + t.size()), static_cast<int>(t.size()), 0});  // section size, t_size, mode raw
  expected.insert(expected.end(), t.begin(), t.end());
  REQUIRE(section == expected);
  auto parse = [&](const Frame& s, std::vector<std::uint32_t>& out) {
    rans::ByteTables::Support support;
    bc::detail::SectionScratch section_scratch;
    out.assign(256 * 256, 0);
    return bc::detail::parse_order1_tables(std::span(s).subspan(1), out.data(), p, Isa::scalar, support, section_scratch);
  };
  std::vector<std::uint32_t> back;
  REQUIRE(parse(section, back) == errc::ok);
  REQUIRE(back == freqs);
  // T cut short in the last context (before its last frequency byte): corrupt.
  Frame cut = section;
  cut.pop_back();
  for (std::size_t at : {0, 1}) cut[at] = std::byte{static_cast<std::uint8_t>(std::to_integer<int>(cut[at]) - 1)};
  REQUIRE(parse(cut, back) == errc::corrupt);
  // Writing the last member's frequency anyway (version 11's form) leaves a byte where the
  // next context's u8 (p - q) is read (24 > p): corrupt, one form per model.
  Frame explicit_last = section;
  explicit_last.insert(explicit_last.begin() + 3 + 11, std::byte{24});
  explicit_last[0] = std::byte{static_cast<std::uint8_t>(std::to_integer<int>(explicit_last[0]) + 1)};
  explicit_last[1] = std::byte{static_cast<std::uint8_t>(std::to_integer<int>(explicit_last[1]) + 1)};
  REQUIRE(parse(explicit_last, back) == errc::corrupt);
  // A zero run over the last member leaves the context below its total: corrupt.
  const Frame zeros = bytes_of({1, 'a', 'b', 2, 'a', 'b', 'c', 0, 0, 0, 0x83, 0xE8, 0, 0, 2});  // 'b': a run of 3
  Frame bad = bytes_of({static_cast<int>(2 + zeros.size()), static_cast<int>(zeros.size()), 0});
  bad.insert(bad.end(), zeros.begin(), zeros.end());
  REQUIRE(parse(bad, back) == errc::corrupt);
}

TEST_CASE("byte codec: skewed order-1 blocks below 1 MiB search a finer precision", "[byte_codec]") {
  // HiFi-like quality strings: '~' 97%, dips of ~60 other scores. At 10 bits each rare
  // (context, score) pair floors at 1/1024 and '~' loses several % of its mass; such a
  // block codes to < 1.5 bits a byte, so it searches 11 and 12 bits (1% / 2% excess).
  // Text (> 1.5 bits a byte) stays at 10 below 1 MiB.
  std::mt19937 rng(5);
  Bytes hifi;
  while (hifi.size() < (std::size_t{256} << 10)) {
    if (rng() % 100 < 97) {
      hifi.push_back('~');
    } else {  // a dip of 1-6 scores around Q5-Q60 (Phred + 33)
      const int v = 5 + static_cast<int>(rng() % 56);
      for (unsigned k = 1 + rng() % 6; k-- > 0;) hifi.push_back(static_cast<std::uint8_t>(33 + std::max(1, v + static_cast<int>(rng() % 7) - 3)));
    }
  }
  const Bytes text = text_like(std::size_t{256} << 10, 3);
  bc::Options o;
  o.order = 1;
  auto precision_of = [&](const Bytes& data) {
    const Frame f = *bc::compress(data, o);
    REQUIRE((f[H] & std::byte{7}) == std::byte{static_cast<std::uint8_t>(bc::BlockKind::order1)});
    REQUIRE(*bc::decompress(f, data.size()) == data);
    return 12 - (std::to_integer<unsigned>(f[H]) >> 5 & 3);
  };
  REQUIRE(precision_of(hifi) > 10);
  REQUIRE(precision_of(text) == 10);
}

TEST_CASE("byte codec: one reused Context codes like fresh ones, across orders and sizes", "[byte_codec]") {
  // A Context keeps tables from the previous block: a stale entry would change
  // the output or break the round trip when the next block is smaller, of the
  // other order, or has other symbols.
  bc::Context ctx;
  const Bytes inputs[] = {text_like(300000, 1), geometric(20000, 2), random_bytes(70000, 3), text_like(5000, 4),
                          geometric(200000, 5)};
  for (unsigned order : {1u, 0u, 1u}) {
    for (const Bytes& data : inputs) {
      bc::Options o;
      o.order = order;
      Frame reused(bc::bound(data.size(), o));
      reused.resize(*bc::compress(ctx, data, reused, o));
      bc::Context fresh;
      Frame once(bc::bound(data.size(), o));
      once.resize(*bc::compress(fresh, data, once, o));
      REQUIRE(reused == once);
      REQUIRE(reused == *bc::compress(data, o));
      Bytes back(data.size());
      REQUIRE(bc::decompress(ctx, reused, back).value() == data.size());
      REQUIRE(back == data);
    }
  }
  bc::Context moved = std::move(ctx);
  const Bytes data = text_like(100000, 6);
  bc::Options o;
  o.order = 1;
  Frame frame(bc::bound(data.size(), o));
  frame.resize(*bc::compress(moved, data, frame, o));
  Bytes back(data.size());
  REQUIRE(bc::decompress(moved, frame, back).ok());
  REQUIRE(back == data);
}

TEST_CASE("byte codec: symbol sets in list, run, coded-run and bitmap form", "[byte_codec]") {
  // An order-0 block's model starts at byte H + 3 (header, descriptor, 2-byte raw size).
  auto model_of = [](const Bytes& data) {
    bc::Options o;
    const Frame f = *bc::compress(data, o);
    REQUIRE((f[H] & std::byte{7}) == std::byte{3});
    REQUIRE(*bc::decompress(f, data.size()) == data);
    return f;
  };
  Bytes runs;  // '\n' and 'a'..'z': two runs, 4 bytes instead of a 27-byte list
  for (std::size_t i = 0; i < 3000; ++i) runs.push_back(i % 40 == 39 ? '\n' : static_cast<std::uint8_t>('a' + (i * 7 + i / 13) % 26));
  Frame f = model_of(runs);
  REQUIRE(std::vector<std::byte>(f.begin() + H + 3, f.begin() + H + 8) == bytes_of({31 + 1, 10, 0, 'a' - 11, 25}));
  Bytes listed;  // 3 scattered symbols: the list (3 bytes) beats 3 runs (6)
  for (std::size_t i = 0; i < 3000; ++i) listed.push_back("\x05\x50\xa0"[(i * i + i / 7) % 3]);
  f = model_of(listed);
  REQUIRE(std::vector<std::byte>(f.begin() + H + 3, f.begin() + H + 7) == bytes_of({2, 0x05, 0x50, 0xa0}));
  Bytes spread = text_like(5000, 9);  // all 256 symbols: one run from 0
  for (unsigned b = 0; b < 256; ++b) spread[b * 19] = static_cast<std::uint8_t>(b);
  f = model_of(spread);
  REQUIRE(std::vector<std::byte>(f.begin() + H + 3, f.begin() + H + 6) == bytes_of({31, 0, 255}));
  Bytes every_other;  // 128 runs: the bitmap
  for (std::size_t i = 0; i < 5000; ++i) every_other.push_back(static_cast<std::uint8_t>(2 * ((i * 131 + i / 3) % 128)));
  f = model_of(every_other);
  REQUIRE(f[H + 3] == std::byte{255});
  REQUIRE(f[H + 4] == std::byte{0x55});
  Bytes pairs;  // 'a'+3i, 'a'+3i+1 for i < 10: 10 runs of 2, coded (hand-computed: gaps 97 then
                // 0 at order 2, lengths - 1 = 1 at order 1: 00001100101 11, then 10011 nine times)
  for (std::size_t i = 0; i < 3000; ++i) pairs.push_back(static_cast<std::uint8_t>('a' + 3 * ((i * 7 + i / 11) % 10) + i % 2));
  f = model_of(pairs);
  REQUIRE(std::vector<std::byte>(f.begin() + H + 3, f.begin() + H + 14) ==
          bytes_of({254, 9, 0x12, 0x0c, 0xbc, 0xe7, 0x39, 0xce, 0x73, 0x9c, 0xc0}));
  auto with_byte = [&](std::size_t at, unsigned v) {
    Frame g = model_of(pairs);
    g[at] = std::byte(v);
    return bc::inspect(g).error();
  };
  REQUIRE(with_byte(H + 4, 128) == errc::corrupt);       // 129 runs: more than 256 symbols hold
  REQUIRE(with_byte(H + 5, 0x19) == errc::corrupt);      // gap order 9
  REQUIRE(with_byte(H + 13, 0xc1) == errc::corrupt);      // a padding bit
  Frame past = model_of(pairs);  // one run: gap 200, length 100 (order 0: 0000000 11001001, 000000 1100100)
  past[H + 4] = std::byte{0};
  past[H + 5] = std::byte{0};
  std::copy_n(bytes_of({0x01, 0x92, 0x06, 0x40}).begin(), 4, past.begin() + H + 6);
  REQUIRE(bc::inspect(past).error() == errc::corrupt);
  for (std::size_t cut = H + 4; cut < H + 14; ++cut) {  // inside the coded-run set: truncated
    CAPTURE(cut);
    const Frame whole = model_of(pairs);
    REQUIRE(bc::inspect(std::span(whole).first(cut)).error() == errc::truncated);
  }
  // Hostile run forms (inspect parses order-0 models): a second run without a gap, a run passing symbol 255.
  REQUIRE(bc::inspect(f = model_of(runs)).ok());
  f[H + 6] = std::byte{0};  // the gap before 'a'..'z': 0 after the first run
  REQUIRE(bc::inspect(f).error() == errc::corrupt);
  REQUIRE(bc::decompress(f, runs.size()).error() == errc::corrupt);
  f = model_of(runs);
  f[H + 7] = std::byte{250};  // 'a' + 251 > 256
  REQUIRE(bc::inspect(f).error() == errc::corrupt);
}

TEST_CASE("byte codec: grid models, hand-computed bytes and hostile forms", "[byte_codec]") {
  // 'a' 100, 'b' the rest (3971), 'c' 25 at p = 12 on grid q = 16 (f = g^2): g - 1 = 9, 4.
  // Orders 1..4 all take 10 bits, the first wins: 9 -> 00 101 1, 4 -> 0 11 0;
  // 0010110110 padded: 0x2D 0x80.
  std::array<std::uint32_t, 256> freq{};
  freq['a'] = 100;
  freq['b'] = 3971;
  freq['c'] = 25;
  const Frame expected = bytes_of({31, 'a', 2, 16, 1, 1, 0x2D, 0x80});  // 'a'..'c': one run
  bc::detail::ModelForm form;
  form.q = 16;
  form.index['a'] = 10;
  form.index['c'] = 5;
  Frame out(64);
  SpanWriter w(out);
  bc::detail::put_model(w, freq.data(), form);
  out.resize(w.size());
  REQUIRE(out == expected);
  auto read = [](const Frame& m, std::array<std::uint32_t, 256>& f) {
    f.fill(0);
    ByteReader r(m);
    bc::detail::get_model(r, f.data(), 12);
    return r.ok() && r.remaining() == 0 ? errc::ok : r.ok() ? errc::corrupt : r.error();
  };
  std::array<std::uint32_t, 256> back{};
  REQUIRE(read(expected, back) == errc::ok);
  REQUIRE(back == freq);
  auto with = [&](std::size_t at, unsigned v) {
    Frame m = expected;
    m[at] = std::byte(v);
    return read(m, back);
  };
  REQUIRE(with(4, 3) == errc::corrupt);     // the rest's rank past the 3 members
  REQUIRE(with(5, 17) == errc::corrupt);    // order past 16
  REQUIRE(with(7, 0x81) == errc::corrupt);  // padding bits not zero
  REQUIRE(with(6, 0) == errc::truncated);   // 0000000010000000: the second code's zeros run past the input
  REQUIRE(with(3, 1) == errc::ok);          // q = 1: g = 10 -> f = 1600, g = 5 -> 400 (rest 2096)
  REQUIRE(back['a'] == 1600);
  Frame big = expected;  // but q = 1 with g = 17 (f = 4624 > 2^12) is corrupt
  big[3] = std::byte{1};
  big[5] = std::byte{0};  // order 0: 17 - 1 = 16 -> 0000 10001, then 4: 00 101
  big[6] = std::byte{0x08};
  big[7] = std::byte{0xA0};
  REQUIRE(read(big, back) == errc::corrupt);
  Frame zeros = expected;  // 17 zeros before a code's 1 (order 0): corrupt
  zeros[5] = std::byte{0};
  zeros[6] = std::byte{0};
  zeros[7] = std::byte{0};
  zeros.push_back(std::byte{0x40});
  REQUIRE(read(zeros, back) == errc::corrupt);
  Frame huge_q = bytes_of({31, 'a', 2, 0x81, 0x80, 0x80, 0x08, 1, 1, 0x2D, 0x80});  // q = 2^24 + 1
  REQUIRE(read(huge_q, back) == errc::corrupt);
  for (std::size_t cut = 1; cut < expected.size(); ++cut) {
    CAPTURE(cut);
    REQUIRE(read(Frame(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(cut)), back) == errc::truncated);
  }
}

TEST_CASE("byte codec: the grid's division-free frequencies equal the formula", "[byte_codec]") {
  for (const std::uint32_t q : {1u, 2u, 3u, 7u, 16u, 21u, 170u, 1357u, 65537u, bc::detail::kMaxGridQ - 1, bc::detail::kMaxGridQ}) {
    const bc::detail::Grid grid(q);
    for (std::uint64_t g = 1; g <= bc::detail::kMaxGridIndex; ++g)
      if (static_cast<std::uint64_t>(grid.frequency(static_cast<std::int64_t>(g))) != bc::detail::grid_frequency(g, q))
        FAIL("q " << q << " g " << g);
  }
}

TEST_CASE("byte codec: order-0 models keep the smaller form", "[byte_codec]") {
  auto form_bytes = [](const std::uint32_t* f, const bc::detail::ModelForm& form) {
    Frame m(1024);
    SpanWriter w(m);
    bc::detail::put_model(w, f, form);
    return w.size();
  };
  auto code_bits = [](const std::uint32_t* counts, const std::uint32_t* f) {
    double bits = 0;
    for (unsigned s = 0; s < 256; ++s)
      if (counts[s] != 0) bits += counts[s] * (12 - std::log2(static_cast<double>(f[s])));
    return bits;
  };
  // Text at 16 KiB and geometric bytes at 64 KiB have too many members for
  // exact varints to pay; 1 MiB of text may take either form.
  for (const auto& [data, grid_wins] : {std::pair{text_like(16384, 3), true}, std::pair{geometric(65536, 5), true},
                                        std::pair{text_like(1 << 20, 4), false}}) {
    std::uint32_t counts[256];
    bc::detail::count_order0(data, counts, Isa::scalar);
    std::vector<std::uint32_t> exact;
    std::array<std::uint8_t, 256> bits{};
    bc::detail::normalise(counts, 1, 12, exact, bits);
    std::vector<std::uint32_t> grid;
    bc::detail::ModelForm form;
    bc::detail::order0_model(counts, bc::detail::bits_of_counts(counts, 256), 12, grid, form);
    CAPTURE(data.size(), form.q);
    if (grid_wins) REQUIRE(form.q != 0);
    std::uint32_t sum = 0;
    for (unsigned s = 0; s < 256; ++s) {
      REQUIRE((grid[s] != 0) == (counts[s] != 0));
      sum += grid[s];
    }
    REQUIRE(sum == 4096);
    const double chosen = 8.0 * static_cast<double>(form_bytes(grid.data(), form)) + code_bits(counts, grid.data()),
                 exact_size = 8.0 * static_cast<double>(form_bytes(exact.data(), {})) + code_bits(counts, exact.data());
    if (form.q != 0) REQUIRE(chosen < exact_size);
    if (form.q == 0) REQUIRE(grid == exact);
    Frame m(1024);
    SpanWriter w(m);
    bc::detail::put_model(w, grid.data(), form);
    m.resize(w.size());
    ByteReader r(m);
    std::array<std::uint32_t, 256> back{};
    bc::detail::get_model(r, back.data(), 12);
    REQUIRE((r.ok() && r.remaining() == 0));
    REQUIRE(std::equal(back.begin(), back.end(), grid.begin()));
  }
  // Two symbols: one varint beats q, rank, order and a code.
  std::uint32_t counts[256] = {};
  counts['x'] = 1000;
  counts['y'] = 3000;
  std::vector<std::uint32_t> exact;
  std::array<std::uint8_t, 256> bits{};
  bc::detail::normalise(counts, 1, 12, exact, bits);
  std::vector<std::uint32_t> kept;
  bc::detail::ModelForm form;
  form.q = 99;
  bc::detail::order0_model(counts, bc::detail::bits_of_counts(counts, 256), 12, kept, form);
  REQUIRE(form.q == 0);
  REQUIRE(kept == exact);
}

TEST_CASE("byte codec: reused ByteTables hold the same slots as fresh ones", "[byte_codec]") {
  // A reused object refills only the contexts whose use changed: every slot a
  // decoder can reach (unused contexts' fill, the entries a context's fill
  // spills into the next) must still equal a fresh build's, also after blocks
  // of other precisions, or corrupt streams would decode differently after
  // other blocks.
  std::mt19937 rng(7);
  rans::ByteTables reused;
  for (int round = 0; round < 40; ++round) {
    const unsigned p = round % 5 == 0 ? 1 + rng() % 3 : 8 + rng() % 5;
    std::vector<std::uint32_t> freqs(256 * 256, 0);
    for (unsigned c = 0; c < 256; ++c) {
      if (rng() % 4 != 0) continue;  // about a quarter of the contexts used, a different set each round
      std::uint32_t left = 1u << p;
      for (unsigned s = rng() % 256; left > 0; s = (s + 1 + rng() % 7) % 256) {
        const std::uint32_t f = std::min(left, 1 + static_cast<std::uint32_t>(rng() % 37));
        freqs[c * 256 + s] += f;
        left -= f;
      }
    }
    REQUIRE(reused.assign(freqs, 256, p, rans::ByteTables::Use::decode) == errc::ok);
    const auto fresh = rans::ByteTables::build(freqs, 256, p, rans::ByteTables::Use::decode);
    REQUIRE(fresh);
    for (std::size_t c = 0; c < 256; ++c)
      REQUIRE(std::equal(reused.slots(c), reused.slots(c) + (1u << p), fresh->slots(c)));
  }
}

TEST_CASE("byte codec: order-0 counts on every ISA, few distinct bytes by compares", "[byte_codec]") {
  // models.cpp count_order0: bytes of a first 1 KiB sample counted by compares
  // (rans/kernels.hpp CountFew) while at most 16; bytes that turn up later join
  // them (in any chunk, the last partial one too) or, past 16, end it.
  auto naive = [](const Bytes& src) {
    std::array<std::uint32_t, 256> c{};
    for (const std::uint8_t b : src) ++c[b];
    return c;
  };
  std::mt19937 rng(31);
  auto few = [&](std::size_t n, unsigned symbols) {
    Bytes v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(70 - 9 * (rng() % symbols));
    return v;
  };
  std::vector<Bytes> inputs = {Bytes{}, few(100, 3), few(1024, 4), few(1025, 4), few(70000, 1), few(70001, 5),
                               few(50000, 16), few(50000, 17), text_like(30000, 2)};
  for (const std::size_t at : {std::size_t{1024}, std::size_t{1024 + 64 * 7}, std::size_t{40000}, std::size_t{69999}}) {
    Bytes late = few(70000, 4);
    late[at] = 255;  // a fifth byte after the sample
    inputs.push_back(late);
  }
  Bytes many = few(90000, 8);
  for (unsigned i = 0; i < 20; ++i) many[2000 + 3000 * i] = static_cast<std::uint8_t>(200 + i);  // past 16, one by one
  inputs.push_back(many);
  for (const Bytes& src : inputs)
    for (const Isa isa : machine_isas()) {
      CAPTURE(src.size(), to_string(isa));
      std::array<std::uint32_t, 256> counts;
      counts.fill(7);  // overwritten
      bc::detail::count_order0(src, counts.data(), isa);
      REQUIRE(counts == naive(src));
    }
}

TEST_CASE("byte codec: order-0 model counts of large blocks from a sample, every byte kept", "[byte_codec]") {
  // models.cpp order0_model_counts: from 256 KiB, many distinct bytes: half the
  // block (a quarter from 1 MiB, an eighth from 4 MiB) in pieces at varying
  // offsets, counted 2 (4, 8) times, and 1 for each byte they missed (found by
  // set lookups on every ISA). Smaller blocks and few distinct bytes: the
  // block's counts.
  auto naive = [](const Bytes& src) {
    std::array<std::uint32_t, 256> c{};
    for (const std::uint8_t b : src) ++c[b];
    return c;
  };
  auto with_rare_bytes = [](Bytes text) {
    for (const std::size_t at : {std::size_t{5000}, text.size() * 2 / 3, text.size() - 1}) text[at] = 0xf0;
    text[text.size() * 3 / 5 + 1] = 0xf1;
    return text;
  };
  auto periodic = [](std::size_t n) {  // records of 1 KiB: 256 'a' .. 'p', then 768 bytes of 'q' .. 'z'
    Bytes p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(i % 1024 < 256 ? 'a' + i % 16 : 'q' + i % 10);
    return p;
  };
  // Half sampled (256 KiB .. 1 MiB), a quarter (1 .. 4 MiB), an eighth (from 4 MiB).
  const Bytes sampled[] = {with_rare_bytes(text_like(300000, 9)),           periodic(std::size_t{512} << 10),
                           with_rare_bytes(text_like(std::size_t{3} << 19, 9)), periodic(std::size_t{1} << 20),
                           with_rare_bytes(text_like((std::size_t{4} << 20) + 999, 9)), periodic(std::size_t{5} << 20)};
  for (const Isa isa : machine_isas()) {
    CAPTURE(to_string(isa));
    std::array<std::uint32_t, 256> counts;
    for (const Bytes& exact : {text_like(250000, 3), Bytes(std::size_t{1} << 21, 'x')}) {
      bc::detail::order0_model_counts(exact, counts.data(), isa);
      REQUIRE(counts == naive(exact));
    }
    for (std::size_t i = 0; i < std::size(sampled); ++i) {
      const Bytes& big = sampled[i];
      const bool is_periodic = i % 2 == 1;
      CAPTURE(big.size(), is_periodic);
      bc::detail::order0_model_counts(big, counts.data(), isa);
      const auto all = naive(big);
      std::uint64_t n = 0, n_a = 0, all_a = 0;
      for (unsigned b = 0; b < 256; ++b) {
        REQUIRE((counts[b] != 0) == (all[b] != 0));  // every byte of the block, no other
        n += counts[b];
        if (b >= 'a' && b < 'a' + 16) {
          n_a += counts[b];
          all_a += all[b];
        }
      }
      if (isa != Isa::scalar && isa != Isa::sse2) {  // sampled (else the counts themselves)
        REQUIRE(counts != all);
        REQUIRE(n > big.size() * 9 / 10);
        REQUIRE(n < big.size() * 11 / 10);
      }
      // Periodic records are not sampled at one phase: 'a'..'p' are a quarter of the bytes.
      if (is_periodic) {
        REQUIRE(n_a * 100 > n * 15);
        REQUIRE(n_a * 100 < n * 35);
        REQUIRE(all_a * 4 == big.size());
      }
    }
  }
}

TEST_CASE("byte codec: order-1 counts of every lane count and tail from one pair count", "[byte_codec]") {
  // The reference: each lane's segment of src less its tail counted on its own
  // (its first byte after context 0), then the rest after its predecessor.
  auto naive = [](const Bytes& src, unsigned lanes, std::size_t tail) {
    std::vector<std::uint32_t> c(256 * 256, 0);
    const std::size_t m = (src.size() - tail) / lanes;
    for (std::size_t i = 0; i < src.size(); ++i) {
      const bool starts_segment = i < lanes * m ? i % m == 0 : i == 0;
      ++c[(starts_segment ? 0 : src[i - 1] * 256u) + src[i]];
    }
    return c;
  };
  // Long runs (counted at once, runs.hpp) at the start, inside, back to back and at the end.
  auto with_runs = [](std::initializer_list<Bytes> parts) {
    Bytes v;
    for (const Bytes& p : parts) v.insert(v.end(), p.begin(), p.end());
    return v;
  };
  const Bytes runs_small = with_runs({Bytes(5000, '#'), markov(3000, 5), Bytes(4096, 'x'), Bytes(6000, 'y'), markov(7, 6)});
  const Bytes runs_large = with_runs({markov(70000, 7), Bytes(200000, '#'), markov(1000, 8), Bytes(4100, 0)});
  // Mostly repeats of a few bytes (binned quality strings): counted by ranks
  // while there are at most 16 distinct bytes (models.cpp SmallAlphabetPairs),
  // recounted in full when a 17th turns up, early or last.
  auto repeats = [](std::size_t n, unsigned symbols, std::uint32_t seed) {
    std::mt19937 rng(seed);
    Bytes v;
    while (v.size() < n) v.insert(v.end(), std::min<std::size_t>(1 + rng() % 20, n - v.size()), static_cast<std::uint8_t>(33 + 7 * (rng() % symbols)));
    return v;
  };
  const Bytes binned = repeats(50001, 4, 1), sixteen = repeats(70000, 16, 2), seventeen = repeats(30000, 17, 3);
  Bytes late = repeats(20000, 16, 4);
  late.back() = 255;
  const Bytes binned_runs = with_runs({repeats(3001, 5, 5), Bytes(5000, '#'), repeats(999, 5, 6), Bytes(4096, 'F')});
  // 16 values ranked before a long run, then a 17th first seen where the span
  // after the run starts its second half (fuzz: its rank was used unchecked).
  Bytes before = repeats(3001, 16, 8), after = repeats(2001, 16, 9);
  before.back() = after.front() = 40;
  Bytes seventeenth_mid = with_runs({before, Bytes(5000, 33), after});
  const std::size_t first = before.size() + 5000;
  seventeenth_mid[first + (seventeenth_mid.size() - first) / 2 - 1] = 250;
  // One counting table below 128 KiB, two from there (models.cpp): both sizes here.
  for (const Bytes& src : {text_like(5000, 1), markov(4097, 2), random_bytes(70001, 3), markov(200001, 4), Bytes(9000, 0),
                           Bytes{7}, runs_small, runs_large, binned, sixteen, seventeen, late, binned_runs, repeats(300000, 3, 7),
                           seventeenth_mid}) {
    std::vector<std::uint32_t> pairs(256 * 256, 0), spare;
    bc::detail::count_pairs(src, pairs, spare);
    REQUIRE(pairs == naive(src, 1, 0));
    for (const unsigned lanes : {16u, 32u, 64u})
      for (const std::size_t tail : {std::size_t{0}, std::size_t{1}, src.size() / 3, src.size() - 1}) {
        std::vector<std::uint32_t> counts = pairs;
        bc::detail::move_lane_starts(src, lanes, tail, counts, false);
        REQUIRE(counts == naive(src, lanes, tail));
        bc::detail::move_lane_starts(src, lanes, tail, counts, true);
        REQUIRE(counts == pairs);
      }
  }
}

TEST_CASE("byte codec: order 1 on data without order-1 structure writes order 0", "[byte_codec]") {
  bc::Options o0, o1;
  o1.order = 1;
  // (Below 256 KiB, where an order-0 request counts every byte as order 1 does.)
  for (const std::size_t n : {16384u, 65536u, 250000u}) {
    const Bytes iid = geometric(n, 12);
    const Frame f1 = *bc::compress(iid, o1);
    REQUIRE(f1 == *bc::compress(iid, o0));  // the order-0 block, byte for byte
    REQUIRE(bc::inspect(f1)->blocks[static_cast<unsigned>(bc::BlockKind::order0)] == 1);
    const Bytes m = markov(n, 13);  // order 1 wins by far: kept
    const Frame g1 = *bc::compress(m, o1);
    REQUIRE(bc::inspect(g1)->blocks[static_cast<unsigned>(bc::BlockKind::order1)] == 1);
    REQUIRE(g1.size() < bc::compress(m, o0)->size());
    REQUIRE(*bc::decompress(f1, n) == iid);
    REQUIRE(*bc::decompress(g1, n) == m);
  }
}

// Order 1 asked: the encoder codes only the block of the smaller size estimate,
// so where order 0 and order 1 come close (bytes that follow the previous one
// with probability w, else are drawn alone) an estimate that misses what the
// other order saves would keep the larger.
TEST_CASE("byte codec: order 1 asked never writes more than order 0, also where the two are close", "[byte_codec]") {
  bc::Options o0, o1;
  o1.order = 1;
  bool order0_kept = false, order1_kept = false;
  // (Below 256 KiB: larger order-0 requests model a sample, models.cpp order0_model_counts.)
  for (const std::size_t n : {std::size_t{65536}, std::size_t{250000}})
    for (double w = 0; w < 0.3; w += n < 200000 ? 0.01 : 0.005) {
      std::mt19937 rng(static_cast<std::uint32_t>(n + 1000 * w));
      std::geometric_distribution<int> step(0.16);
      std::bernoulli_distribution follows(w);
      Bytes v(n);
      for (std::size_t i = 1; i < n; ++i)
        v[i] = static_cast<std::uint8_t>(follows(rng) ? v[i - 1] + 1 + step(rng) : std::min(step(rng), 255));
      const Frame f1 = *bc::compress(v, o1), f0 = *bc::compress(v, o0);
      CAPTURE(n, w, f1.size(), f0.size());
      REQUIRE(f1.size() <= f0.size());
      REQUIRE(*bc::decompress(f1, n) == v);
      const bool order1 = bc::inspect(f1)->blocks[static_cast<unsigned>(bc::BlockKind::order1)] != 0;
      (order1 ? order1_kept : order0_kept) = true;
    }
  REQUIRE(order0_kept);  // the sweep crosses over
  REQUIRE(order1_kept);
}

TEST_CASE("byte codec: the order-1 tail guess from pair counts covers the model's tail", "[byte_codec]") {
  // block.cpp draft_order1 models the block once with the guess when the
  // model's own tail (tail_for) is not longer: the guess is that length under
  // the counts' ideal costs plus a margin, never shorter than what a model of
  // the same counts needs, and not much longer. Text; text ending in 8 KiB of a
  // nearly constant pattern (a binary's zero padding: 12 bytes a lane are far
  // too few there); geometric bytes.
  Bytes padded = text_like(60000, 21);
  for (std::size_t i = 0; i < 8192; ++i) padded.push_back(i % 397 == 0 ? 'x' : static_cast<std::uint8_t>(i % 2));
  const Bytes sources[] = {text_like(65536, 20), padded, geometric(200000, 22)};
  for (const Bytes& src : sources) {
    std::vector<std::uint32_t> pairs(256 * 256, 0), spare, freqs;
    bc::detail::count_pairs(src, pairs, spare);
    std::array<std::uint32_t, 256> bytes{};
    for (const std::uint8_t b : src) ++bytes[b];
    std::array<std::uint8_t, 256> bits{};
    bc::detail::normalise(pairs.data(), 256, 12, freqs, bits, bytes.data(), nullptr);
    for (const unsigned lanes : rans::detail::kLaneCounts) {
      CAPTURE(src.size(), lanes);
      const std::size_t guess = bc::detail::order1_tail_guess(src, pairs.data(), bytes.data(), lanes);
      const std::size_t needed = bc::detail::tail_for(src, freqs.data(), 1, 12, lanes);
      REQUIRE(guess % bc::detail::tail_unit(lanes) == 0);
      REQUIRE(guess >= needed);
      REQUIRE(guess <= needed + needed / 4 + bc::detail::tail_unit(lanes));
      if (&src == &sources[1]) REQUIRE(needed > 12 * lanes);
    }
  }
}

TEST_CASE("byte codec: a tail grows past 64 bytes a lane only while it codes", "[byte_codec]") {
  // 'A' at 4095/4096 codes ~0.00035 bits a byte: 1 MiB of it could never fill
  // the seeds. The tail keeps its first chunk (64 bytes a lane) and stops at the
  // second, which codes far below one bit per 64 bytes (stream.hpp).
  std::vector<std::uint32_t> freqs(256, 0);
  freqs['A'] = 4095;
  freqs['B'] = 1;
  Bytes flat(std::size_t{1} << 20, 'A');
  flat[1000] = 'B';
  for (const unsigned lanes : rans::detail::kLaneCounts) {
    CAPTURE(lanes);
    REQUIRE(bc::detail::tail_for(flat, freqs.data(), 0, 12, lanes) == bc::detail::kTailChunkPerLane * lanes);
  }
  // 'B' every 64 bytes (6 bits, 'A' ~0.023): ~7.4 bits per 64 bytes, so every
  // chunk pays and the tail is the usual one, the shortest that codes
  // kSeedBitsPerLane bits a lane (what random seed bits give the lanes' starts).
  Bytes sparse = flat;
  for (std::size_t i = 0; i < sparse.size(); i += 64) sparse[i] = 'B';
  freqs['A'] = 4032;
  freqs['B'] = 64;
  for (const unsigned lanes : rans::detail::kLaneCounts) {
    CAPTURE(lanes);
    std::size_t expected = 0;
    for (double bits = 0; bits < static_cast<double>(bc::detail::kSeedBitsPerLane * lanes); ++expected)
      bits += sparse[sparse.size() - 1 - expected] == 'B' ? 6 : 12 - std::log2(4032.0);
    REQUIRE(expected > 2 * bc::detail::kTailChunkPerLane * lanes);
    // Rounded up to tail_unit(lanes) bytes; tail_for sums table log2s (float): over
    // ~10^4 bytes it may stop one byte apart.
    const std::size_t got = bc::detail::tail_for(sparse, freqs.data(), 0, 12, lanes);
    REQUIRE(got % bc::detail::tail_unit(lanes) == 0);
    REQUIRE(got + 1 >= expected);
    REQUIRE(got <= expected + bc::detail::tail_unit(lanes));
  }
}

TEST_CASE("byte codec: compact state code (hand-computed bytes), read from any bits", "[byte_codec]") {
  namespace rd = rans::detail;
  // L: e = 0 and 16 zero bits; 2^32 - 1: e = 15 and 31 ones; 0x12345: e = 0 and
  // 0x2345 LSB first. 75 bits, 5 zero bits of padding.
  const std::vector<std::uint32_t> states = {0x10000, 0xffffffff, 0x12345};
  std::array<std::byte, rd::compact_states_max_bytes(3)> out{};
  REQUIRE(rd::compact_state_bits(states) == 75);
  REQUIRE(rd::write_compact_states(states, out.data()) == 10);
  REQUIRE(std::vector(out.begin(), out.begin() + 10) == bytes_of({0x00, 0x00, 0xf0, 0xff, 0xff, 0xff, 0x7f, 0x28, 0x1a, 0x01}));
  std::vector<std::uint32_t> back(3);
  const auto as_u8 = [](std::span<const std::byte> b) { return std::span(reinterpret_cast<const std::uint8_t*>(b.data()), b.size()); };
  REQUIRE(rd::read_compact_states(as_u8(std::span(out).first(10)), back) == 75);
  REQUIRE(back == states);
  // Any bits are states >= L: random bytes read back as themselves, and past
  // the input the reader sees zeros (all-zero bits: L, 20 bits each).
  std::mt19937 rng(7);
  std::vector<std::uint8_t> noise(rd::compact_states_max_bytes(64));
  for (auto& b : noise) b = static_cast<std::uint8_t>(rng());
  std::vector<std::uint32_t> x(64);
  const std::size_t bits = rd::read_compact_states(noise, x);
  REQUIRE(bits == rd::compact_state_bits(x));
  REQUIRE(bits > 64 * 20);
  std::vector<std::byte> again(noise.size());
  const std::size_t n = rd::write_compact_states(x, again.data());
  REQUIRE(n == (bits + 7) / 8);
  for (std::size_t i = 0; i + 1 < n; ++i) REQUIRE(std::to_integer<std::uint8_t>(again[i]) == noise[i]);
  REQUIRE(rd::read_compact_states({}, x) == 64 * 20);
  REQUIRE(std::all_of(x.begin(), x.end(), [](std::uint32_t s) { return s == rans::step::kStateLow; }));
}

TEST_CASE("byte codec: seeded streams (tail coder, compact states), per lane count and ISA, and their checks",
          "[byte_codec]") {
  // lib/byte_codec/stream.hpp: the last `tail` bytes are coded by one scalar state
  // whose words seed the lanes; the lanes' states are bit-packed (exponent + bits below the top one).
  namespace rd = rans::detail;
  const Bytes data = text_like(20000, 3);
  std::vector<std::uint64_t> counts(256);
  for (const std::uint8_t b : data) ++counts[b];
  const auto freqs = rans::normalize_frequencies(counts, 12);
  REQUIRE(freqs.ok());
  const auto tables = rans::ByteTables::build(*freqs, 1, 12);
  REQUIRE(tables.ok());
  for (const unsigned lanes : rd::kLaneCounts) {
    DYNAMIC_SECTION("lanes " << lanes) {
      // About 1.5 lanes + 1 words of tail code (text_like: ~3.5 bits a byte).
      const std::size_t tail = bc::detail::tail_for(data, freqs->data(), 0, 12, lanes);
      REQUIRE(tail > 5 * lanes);
      REQUIRE(tail < 9 * lanes);
      Frame seeded(rans::encoded_bound(data.size()) + 64);
      seeded.resize(*bc::detail::encode_stream(0, data, tail, *tables, seeded, Isa::scalar, lanes));
      Frame plain(rans::encoded_bound(data.size()));  // all of it, unseeded
      plain.resize(*rd::encode_order0_unchecked(data, *tables, plain, Isa::scalar, {}, lanes));
      // An unseeded lane writes 32 bits for ~8.5 of content (its state less L), a
      // seeded one about its content: ~3 bytes a lane less, for a 1-byte tail length.
      CAPTURE(seeded.size(), plain.size());
      REQUIRE(seeded.size() + 5 * lanes / 2 < plain.size());
      for (Isa isa : machine_isas()) {
        Frame again(seeded.size() + 64);
        again.resize(*bc::detail::encode_stream(0, data, tail, *tables, again, isa, lanes));
        REQUIRE(again == seeded);
        Bytes back(data.size());
        REQUIRE(bc::detail::decode_stream(0, seeded, *tables, back, isa, lanes) == errc::ok);
        REQUIRE(back == data);
      }
      Bytes back(data.size());
      for (std::size_t cut : {std::size_t{0}, std::size_t{3}, seeded.size() / 2, seeded.size() - 1})
        REQUIRE(bc::detail::decode_stream(0, std::span(seeded).first(cut), *tables, back, Isa::scalar, lanes) != errc::ok);
      Frame bad = seeded;
      bad[0] = std::byte{0xff};  // tail length varint: longer than the content
      bad.insert(bad.begin() + 1, {std::byte{0xff}, std::byte{0x7f}});
      REQUIRE(bc::detail::decode_stream(0, bad, *tables, back, Isa::scalar, lanes) == errc::corrupt);
      // The stored words follow the lanes' stream: one byte more or less is corrupt,
      // and so is a word more (the tail would not use it).
      bad = seeded;
      bad.push_back(std::byte{0});
      REQUIRE(bc::detail::decode_stream(0, bad, *tables, back, Isa::scalar, lanes) == errc::corrupt);
      bad.push_back(std::byte{0});
      REQUIRE(bc::detail::decode_stream(0, bad, *tables, back, Isa::scalar, lanes) == errc::corrupt);
      // The lanes' states, bit-packed (doc/format.md) after the tail length:
      // walked here by hand to the header's padding; a padding bit set is corrupt.
      ByteReader fields(seeded);
      (void)fields.get_varint();
      const std::size_t header = fields.position();
      auto bits_at = [&](std::size_t bit, unsigned n) {
        std::uint32_t v = 0;
        for (unsigned i = 0; i < n; ++i, ++bit) v |= (std::to_integer<std::uint32_t>(seeded[header + bit / 8]) >> (bit % 8) & 1) << i;
        return v;
      };
      std::size_t end = 0;
      for (unsigned lane = 0; lane < lanes; ++lane) end += 4 + 16 + bits_at(end, 4);
      if (end % 8 != 0) {
        bad = seeded;
        bad[header + end / 8] |= std::byte{0x80};
        REQUIRE(bc::detail::decode_stream(0, bad, *tables, back, Isa::scalar, lanes) == errc::corrupt);
      }
      // Decoded with another lane count, the stream is rejected.
      for (const unsigned other : rd::kLaneCounts)
        if (other != lanes) REQUIRE(bc::detail::decode_stream(0, seeded, *tables, back, Isa::scalar, other) != errc::ok);
      // The seed bits start with the tail coder's final state; the lanes' starts
      // are those bits read in the compact code. A tail of 0 bytes (t = 0)
      // over seed bits x_T = L (00 00 01 00) and zeros decodes.
      std::vector<std::uint8_t> seed_bits(rd::compact_states_max_bytes(lanes), 0);
      seed_bits[2] = 1;
      auto with_seed = [&] {
        std::vector<std::uint32_t> starts(lanes);
        (void)rd::read_compact_states(seed_bits, starts);
        Frame f = bytes_of({0});
        Frame lanes_only(rans::encoded_bound(data.size()));
        lanes_only.resize(*rd::encode_order0_unchecked(data, *tables, lanes_only, Isa::scalar, starts, lanes));
        f.insert(f.end(), lanes_only.begin(), lanes_only.end());
        return bc::detail::decode_stream(0, f, *tables, back, Isa::scalar, lanes);
      };
      REQUIRE(with_seed() == errc::ok);
      REQUIRE(back == data);
      seed_bits[5] = 1;  // a seed word the tail coder does not use must be zero
      REQUIRE(with_seed() == errc::corrupt);
      seed_bits[5] = 0;
      seed_bits[2] = 0;  // x_T = 0 < L
      REQUIRE(with_seed() == errc::corrupt);
      seed_bits[2] = 2;  // x_T = 2L: the empty tail does not end at L
      REQUIRE(with_seed() == errc::corrupt);
      // Starts anywhere in [L, 2^32) come back from the lanes' end states on every ISA.
      std::vector<std::uint32_t> starts(lanes);
      for (unsigned k = 0; k < lanes; ++k) starts[k] = k % 3 == 0 ? 0xffffffffu - k : rans::step::kStateLow + 977u * k * k * k;
      Frame wide(rans::encoded_bound(data.size()) + 64);
      wide.resize(*rd::encode_order0_unchecked(data, *tables, wide, Isa::scalar, starts, lanes));
      for (Isa isa : machine_isas()) {
        std::vector<std::uint32_t> got(lanes);
        REQUIRE(rd::decode_order0(wide, *tables, back, isa, got, lanes).value() == wide.size());
        REQUIRE(got == starts);
        REQUIRE(back == data);
      }
      // A tail of 0 (all seeds zero) and of all the content the unit allows code
      // too; a tail off the unit (a byte a lane) is refused.
      const std::size_t unit = bc::detail::tail_unit(lanes);
      Frame off(rans::encoded_bound(data.size()) + 2 * data.size());
      REQUIRE(bc::detail::encode_stream(0, data, unit + 1, *tables, off, Isa::scalar, lanes).error() == errc::invalid_argument);
      for (const std::size_t t : {std::size_t{0}, data.size() / unit * unit}) {
        Frame f(rans::encoded_bound(data.size()) + 2 * data.size());
        f.resize(*bc::detail::encode_stream(0, data, t, *tables, f, Isa::scalar, lanes));
        REQUIRE(bc::detail::decode_stream(0, f, *tables, back, Isa::scalar, lanes) == errc::ok);
        REQUIRE(back == data);
      }
    }
  }
}

TEST_CASE("byte codec: lane count per block in the stream byte", "[byte_codec]") {
  // doc/format.md: a rANS block's descriptor holds the lane index (64, 32, 16,
  // 48 lanes) in bits 3-4; the encoder picks lanes_for(its coded size).
  namespace rd = rans::detail;
  REQUIRE(bc::detail::lanes_for(1000, 2501) == 16);  // codes to under 2/5: 16 lanes
  REQUIRE(bc::detail::lanes_for(1000, 2500) == 32);
  // From 64 KiB: 64 lanes, whatever the block codes to.
  REQUIRE(bc::detail::lanes_for(1000, bc::detail::kMinRawWide) == 64);
  REQUIRE(bc::detail::lanes_for(1000, bc::detail::kMinRawWide - 1) == 32);
  // Blocks coding to at least half their size: 64 lanes from kMinRawDense64Lanes (32 KiB).
  REQUIRE(bc::detail::lanes_for(bc::detail::kMinRawDense64Lanes / 2, bc::detail::kMinRawDense64Lanes) == 64);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMinRawDense64Lanes / 2 - 1, bc::detail::kMinRawDense64Lanes) == 48);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMinRawDense64Lanes / 2, bc::detail::kMinRawDense64Lanes - 2) == 48);
  // ... and from kMinRawVeryDense64Lanes (16 KiB), blocks coding to at least 2/3 of it.
  constexpr std::size_t very_dense = bc::detail::kMinRawVeryDense64Lanes;
  REQUIRE(bc::detail::lanes_for(2 * very_dense / 3 + 1, very_dense) == 64);
  REQUIRE(bc::detail::lanes_for(2 * very_dense / 3, very_dense) == 48);
  REQUIRE(bc::detail::lanes_for(very_dense, very_dense - 1) == 32);
  // 48 lanes from kMin48Lanes (16 KiB) for blocks coding to at least 1/4 of it, else 32
  // from kMin32Lanes (16 KiB) while they code to kMinCoded32Lanes bytes (the tail seeds
  // 32 lanes in a quarter of that), else 16.
  REQUIRE(bc::detail::lanes_for(bc::detail::kMin48Lanes / 4, bc::detail::kMin48Lanes) == 48);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMin48Lanes / 4 - 1, bc::detail::kMin48Lanes) == 32);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMin48Lanes / 4, bc::detail::kMin48Lanes - 1) == 16);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMinCoded32Lanes, bc::detail::kMin32Lanes) == 32);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMinCoded32Lanes - 1, bc::detail::kMin32Lanes) == 16);
  REQUIRE(bc::detail::lanes_for(bc::detail::kMinCoded32Lanes, bc::detail::kMin32Lanes - 1) == 16);
  // 32 letters (5 bits a byte: codes to ~5/8) or mostly 'A' (codes to ~8%).
  const auto sample = [](std::size_t n, bool letters) {
    std::mt19937 rng(5);
    Bytes v(n, 'A');
    for (auto& b : v)
      if (letters) b = static_cast<std::uint8_t>('a' + rng() % 32);
      else if (rng() % 16 == 0) b = static_cast<std::uint8_t>('B' + rng() % 4);
    return v;
  };
  for (const auto& [n, letters, want] : {std::tuple{std::size_t{5000}, true, 32u}, {std::size_t{20000}, true, 48u},
                                         {std::size_t{50000}, true, 64u},
                                         {std::size_t{100000}, true, 64u},
                                         {std::size_t{50000}, false, 32u}, {std::size_t{100000}, false, 64u}, {std::size_t{2000000}, true, 64u}}) {
    for (unsigned order : {0u, 1u}) {
      CAPTURE(n, letters, order);
      const Bytes data = sample(n, letters);
      bc::Options o;
      o.order = order;
      o.block_log2 = 21;
      const Frame f = *bc::compress(data, o);
      const std::size_t at = bc::kFrameHeaderSize;  // the block's descriptor: lane index in bits 3-4
      REQUIRE((std::to_integer<unsigned>(f[at]) >> 3 & 3) == rd::lane_index(want));
      REQUIRE(*bc::decompress(f, n) == data);
      Frame g = f;
      for (unsigned index = 0; index < 4; ++index) {  // another lane count: the stream does not decode
        if (index == rd::lane_index(want)) continue;
        g[at] = (f[at] & std::byte{0xe7}) | std::byte{static_cast<std::uint8_t>(index << 3)};
        REQUIRE(bc::decompress(g, n).error() == errc::corrupt);
      }
    }
  }
}
