// entcode.hpp — the whole public API in one include (each header is one concept; see
// doc/api.md for which to use for which job). Including the individual headers
// instead keeps compile times down.
#pragma once

#include "entcode/byte_io.hpp"
#include "entcode/cabac/context.hpp"
#include "entcode/cabac/decoder.hpp"
#include "entcode/cabac/encoder.hpp"
#include "entcode/cabac/tables.hpp"
#include "entcode/crc32c.hpp"
#include "entcode/export.hpp"
#include "entcode/gaussian/cdf_tables.hpp"
#include "entcode/gaussian/compressai_stream.hpp"
#include "entcode/gaussian/gaussian_conditional.hpp"
#include "entcode/gaussian/stream_frontend.hpp"
#include "entcode/hevc/contexts.hpp"
#include "entcode/hevc/residual.hpp"
#include "entcode/hevc/residual_backends.hpp"
#include "entcode/hevc/scan.hpp"
#include "entcode/isa.hpp"
#include "entcode/byte_codec.hpp"
#include "entcode/rans/interleaved.hpp"
#include "entcode/rans/model.hpp"
#include "entcode/rans/reference.hpp"
#include "entcode/rans/stream_coder.hpp"
#include "entcode/status.hpp"
#include "entcode/stream.hpp"
#include "entcode/version.hpp"
