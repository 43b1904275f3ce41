// test_gaussian_escape.cpp — the one escape codec (entcode/gaussian/escape.hpp):
// mapping, chunking, nibble order and the decoder's checks, shared by the ECGL
// escape section, the CompressAI-compatible stream and the stream front-end.
#include <catch2/catch.hpp>

#include <climits>
#include <vector>

#include "entcode/gaussian/escape.hpp"

using namespace entcode;
using namespace entcode::gaussian;

namespace {

// Reads one escape from `nibbles`; `used` counts the nibbles taken.
errc read_from(const std::vector<std::uint32_t>& nibbles, std::uint32_t max, std::int64_t& v, std::size_t& used) {
  used = 0;
  auto next = [&](std::uint32_t& n) {
    if (used == nibbles.size()) return false;
    n = nibbles[used++];
    return true;
  };
  return escape::read(next, max, v);
}

}  // namespace

TEST_CASE("escape mapping: raw values, chunk counts, nibble order", "[gaussian][escape]") {
  CHECK(escape::raw_of(-1, 10) == 1);
  CHECK(escape::raw_of(-3, 10) == 5);
  CHECK(escape::raw_of(10, 10) == 0);
  CHECK(escape::raw_of(12, 10) == 4);
  CHECK(escape::chunks_of(0) == 0);
  CHECK(escape::chunks_of(15) == 1);
  CHECK(escape::chunks_of(16) == 2);
  const escape::Nibbles n = escape::nibbles_of(0x1a5);
  REQUIRE(n.n == 4);
  CHECK(n.v[0] == 3);  // count, then least significant chunk first
  CHECK(n.v[1] == 0x5);
  CHECK(n.v[2] == 0xa);
  CHECK(n.v[3] == 0x1);
  CHECK(escape::nibbles_of(0).n == 1);
}

TEST_CASE("escape round trip at the int32 extremes fits kMaxChunks", "[gaussian][escape]") {
  for (const std::int64_t offset : {std::int64_t{INT32_MIN}, std::int64_t{-5}, std::int64_t{0}, std::int64_t{INT32_MAX} - 7}) {
    for (const std::int64_t sym : {std::int64_t{INT32_MIN}, std::int64_t{-1}, std::int64_t{INT32_MAX}}) {
      const std::uint32_t max = 7;
      const std::int64_t v = sym - offset;
      if (v >= 0 && v < max) continue;
      const escape::Nibbles n = escape::nibbles_of(escape::raw_of(v, max));
      REQUIRE(n.n <= 1 + escape::kMaxChunks);
      std::int64_t back = 0;
      std::size_t used = 0;
      REQUIRE(read_from({n.v.begin(), n.v.begin() + n.n}, max, back, used) == errc::ok);
      CHECK(used == n.n);
      CHECK(back == v);
    }
  }
}

TEST_CASE("escape decoder: truncated, too many chunks, non-canonical", "[gaussian][escape]") {
  std::int64_t v = 0;
  std::size_t used = 0;
  CHECK(read_from({}, 4, v, used) == errc::truncated);
  CHECK(read_from({2, 1}, 4, v, used) == errc::truncated);
  CHECK(read_from({10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 4, v, used) == errc::corrupt);
  CHECK(read_from({15, 1}, 4, v, used) == errc::corrupt);  // CompressAI's continuation never fits 32 bits
  CHECK(read_from({2, 1, 0}, 4, v, used) == errc::corrupt);  // a zero top chunk
  REQUIRE(read_from({0}, 4, v, used) == errc::ok);
  CHECK(v == 4);  // raw 0: the first value above the range
  REQUIRE(read_from({1, 3}, 4, v, used) == errc::ok);
  CHECK(v == -2);
}
