// stream_backends.hpp — the backends every front-end test runs on.
//
// A BackendPair names an Encoder/Decoder pair modelling stream.hpp's concepts
// and a printable name; ENTCODE_STREAM_BACKENDS lists them all for Catch2's
// TEMPLATE_TEST_CASE, so adding a backend here adds it to every templated test.
#pragma once

#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "entcode/stream.hpp"

namespace entcode::test {

template <class E, class D>
struct BackendPair {
  static_assert(Backend<E, D>);
  using Enc = E;
  using Dec = D;
};

struct RansBackend : BackendPair<rans::StreamEncoder, rans::StreamDecoder> {
  static constexpr const char* name = "rANS";
};

struct CabacBackend : BackendPair<cabac::CabacEncoder, cabac::CabacDecoder> {
  static constexpr const char* name = "CABAC";
};

}  // namespace entcode::test

#define ENTCODE_STREAM_BACKENDS entcode::test::RansBackend, entcode::test::CabacBackend
