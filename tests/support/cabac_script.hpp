// cabac_script.hpp — random sequences of CABAC operations, run through the fast
// coders (include/entcode/cabac/) and the textbook transcription (cabac_textbook.hpp),
// shared by test_cabac.cpp and test_slow_cabac.cpp.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "cabac_textbook.hpp"
#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"

namespace cabac_script {

enum class Kind : std::uint8_t { bin, bypass, bypass_one, terminate };

struct Op {
  Kind kind;
  std::uint8_t ctx;   // context index (bin)
  std::uint8_t n;     // bypass: number of bins
  std::uint32_t value;  // the bin / bypass bits / terminate bin
};

struct Script {
  std::vector<entcode::ContextInit> inits;
  std::vector<Op> ops;
};

// `count` operations over `contexts` contexts with random initialisation and
// per-context bin probabilities; one in `end_every` terminates are 1 (a codeword end).
inline Script random_script(std::mt19937_64& rng, std::size_t count, int contexts = 64, unsigned end_every = 50) {
  Script s;
  std::vector<double> p1(static_cast<std::size_t>(contexts));
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  for (auto& p : p1) {
    const double u = uni(rng);
    p = u < 0.1 ? 0.5 : (u < 0.55 ? 0.005 + 0.2 * uni(rng) : 0.995 - 0.2 * uni(rng));
    s.inits.push_back({static_cast<std::uint8_t>(rng() % 256), static_cast<int>(rng() % 52)});
  }
  s.ops.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned r = rng() % 100;
    Op op{};
    if (r < 72) {
      op.kind = Kind::bin;
      op.ctx = static_cast<std::uint8_t>(rng() % static_cast<unsigned>(contexts));
      op.value = uni(rng) < p1[op.ctx];
    } else if (r < 84) {
      op.kind = Kind::bypass;
      op.n = static_cast<std::uint8_t>(rng() % 33);
      op.value = op.n == 0 ? 0 : static_cast<std::uint32_t>(rng() >> (64 - op.n));
    } else if (r < 96) {
      op.kind = Kind::bypass_one;
      op.value = rng() & 1;
    } else {
      op.kind = Kind::terminate;
      op.value = rng() % end_every == 0;
    }
    s.ops.push_back(op);
  }
  return s;
}

inline std::vector<entcode::cabac::Context> fast_contexts(const Script& s) {
  std::vector<entcode::cabac::Context> c;
  for (auto init : s.inits) c.emplace_back(init);
  return c;
}
inline std::vector<textbook::Ctx> textbook_contexts(const Script& s) {
  std::vector<textbook::Ctx> c;
  for (auto init : s.inits) {
    const auto st = entcode::initial_cabac_state(init);
    c.push_back({st.state, st.mps});
  }
  return c;
}

inline std::vector<std::byte> encode_fast(const Script& s) {
  entcode::cabac::CabacEncoder enc;
  auto ctx = fast_contexts(s);
  for (const Op& op : s.ops) {
    switch (op.kind) {
      case Kind::bin: enc.encode_bin(ctx[op.ctx], static_cast<int>(op.value)); break;
      case Kind::bypass: enc.encode_bypass(op.value, op.n); break;
      case Kind::bypass_one: enc.encode_bypass_bits(op.value, 1); break;
      case Kind::terminate: enc.encode_terminate(static_cast<int>(op.value)); break;
    }
  }
  return enc.finish().value();
}

inline std::vector<std::byte> encode_textbook(const Script& s) {
  textbook::Encoder enc;
  auto ctx = textbook_contexts(s);
  bool ended = false;  // the last coding operation was a terminate of 1
  for (const Op& op : s.ops) {
    switch (op.kind) {
      case Kind::bin: enc.bin(ctx[op.ctx], static_cast<int>(op.value)); break;
      case Kind::bypass:
        for (int i = op.n - 1; i >= 0; --i) enc.bypass(static_cast<int>((op.value >> i) & 1));
        break;
      case Kind::bypass_one: enc.bypass(static_cast<int>(op.value)); break;
      case Kind::terminate: enc.terminate(static_cast<int>(op.value)); break;
    }
    if (op.kind != Kind::bypass || op.n != 0) ended = op.kind == Kind::terminate && op.value;
  }
  if (!ended) enc.terminate(1);  // what CabacEncoder::finish() does
  return enc.bytes();
}

inline std::vector<std::uint32_t> decode_fast(std::span<const std::byte> bytes, const Script& s, entcode::errc* status) {
  entcode::cabac::CabacDecoder dec(bytes);
  auto ctx = fast_contexts(s);
  std::vector<std::uint32_t> out;
  out.reserve(s.ops.size());
  for (const Op& op : s.ops) {
    switch (op.kind) {
      case Kind::bin: out.push_back(static_cast<std::uint32_t>(dec.decode_bin(ctx[op.ctx]))); break;
      case Kind::bypass: out.push_back(dec.decode_bypass(op.n)); break;
      case Kind::bypass_one: out.push_back(static_cast<std::uint32_t>(dec.decode_bypass())); break;
      case Kind::terminate: out.push_back(static_cast<std::uint32_t>(dec.decode_terminate())); break;
    }
  }
  *status = dec.finish();
  return out;
}

inline std::vector<std::uint32_t> decode_textbook(std::span<const std::byte> bytes, const Script& s, bool* clean) {
  textbook::Decoder dec(bytes);
  auto ctx = textbook_contexts(s);
  std::vector<std::uint32_t> out;
  out.reserve(s.ops.size());
  for (const Op& op : s.ops) {
    switch (op.kind) {
      case Kind::bin: out.push_back(static_cast<std::uint32_t>(dec.bin(ctx[op.ctx]))); break;
      case Kind::bypass: {
        std::uint32_t v = 0;
        for (int i = 0; i < op.n; ++i) v = v << 1 | static_cast<std::uint32_t>(dec.bypass());
        out.push_back(v);
        break;
      }
      case Kind::bypass_one: out.push_back(static_cast<std::uint32_t>(dec.bypass())); break;
      case Kind::terminate: out.push_back(static_cast<std::uint32_t>(dec.terminate())); break;
    }
  }
  *clean = dec.clean();
  return out;
}

inline std::vector<std::uint32_t> expected_values(const Script& s) {
  std::vector<std::uint32_t> v;
  v.reserve(s.ops.size());
  for (const Op& op : s.ops) v.push_back(op.value);
  return v;
}

}  // namespace cabac_script
