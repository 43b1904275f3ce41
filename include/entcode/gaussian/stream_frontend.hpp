// gaussian/stream_frontend.hpp — the Gaussian latent coder symbol by symbol over
// the common Encoder/Decoder interface (stream.hpp), so it runs on any backend
// (rANS, CABAC binarised) for comparison with the bulk ECGL path.
//
// Per symbol: encode_symbol(model of its table, bin); for the escape bin, the
// escape's nibbles (gaussian/escape.hpp) as 4-bit bypass values. Decoding
// mirrors it and reports the backend's status, corrupt for impossible escapes,
// invalid_argument for bad indexes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/gaussian/escape.hpp"
#include "entcode/status.hpp"
#include "entcode/stream.hpp"

namespace entcode {
inline namespace v0 {
namespace gaussian {

// One backend symbol model per table.
template <class Model>
Result<std::vector<Model>> make_stream_models(const CdfTables& tables) {
  std::vector<Model> models;
  models.reserve(tables.size());
  for (std::size_t t = 0; t < tables.size(); ++t) {
    auto m = Model::from_cdf(tables.cdf(t), kPrecision);
    if (!m) return m.error();
    models.push_back(std::move(*m));
  }
  return models;
}

template <Encoder E>
errc encode_latents(E& enc, std::span<const typename E::SymbolModel> models, const CdfTables& tables,
                    std::span<const std::int32_t> symbols, std::span<const std::int32_t> indexes) {
  if (symbols.size() != indexes.size() || models.size() != tables.size()) return errc::invalid_argument;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    const auto t = static_cast<std::size_t>(static_cast<std::uint32_t>(indexes[i]));
    if (t >= tables.size()) return errc::invalid_argument;
    const std::int64_t max = tables.max_value(t);
    const std::int64_t v = std::int64_t{symbols[i]} - tables.offset(t);
    if (v >= 0 && v < max) {
      enc.encode_symbol(models[t], static_cast<int>(v));
      continue;
    }
    enc.encode_symbol(models[t], static_cast<int>(max));
    const escape::Nibbles nib = escape::nibbles_of(escape::raw_of(v, static_cast<std::uint32_t>(max)));
    for (unsigned k = 0; k < nib.n; ++k) enc.encode_bypass(nib.v[k], static_cast<int>(escape::kChunkBits));
  }
  return errc::ok;
}

template <Decoder D>
errc decode_latents(D& dec, std::span<const typename D::SymbolModel> models, const CdfTables& tables,
                    std::span<const std::int32_t> indexes, std::span<std::int32_t> out) {
  if (out.size() != indexes.size() || models.size() != tables.size()) return errc::invalid_argument;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto t = static_cast<std::size_t>(static_cast<std::uint32_t>(indexes[i]));
    if (t >= tables.size()) return errc::invalid_argument;
    const std::int64_t max = tables.max_value(t);
    std::int64_t v = dec.decode_symbol(models[t]);
    if (v == max) {
      auto next = [&](std::uint32_t& nibble) {  // the backend's status is checked below
        nibble = dec.decode_bypass(static_cast<int>(escape::kChunkBits));
        return true;
      };
      if (const errc e = escape::read(next, static_cast<std::uint32_t>(max), v); e != errc::ok)
        return dec.status() != errc::ok ? dec.status() : e;
    }
    const std::int64_t value = v + tables.offset(t);
    if (dec.status() != errc::ok) return dec.status();
    if (value < INT32_MIN || value > INT32_MAX) return errc::corrupt;
    out[i] = static_cast<std::int32_t>(value);
  }
  return dec.finish();
}

}  // namespace gaussian
}  // namespace v0
}  // namespace entcode
