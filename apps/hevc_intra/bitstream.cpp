// bitstream.cpp — Annex-B NAL framing and emulation prevention (see bitstream.hpp).
#include "bitstream.hpp"

namespace hevc_intra {

void append_nal(std::vector<std::uint8_t>& out, NalType type, std::span<const std::uint8_t> rbsp) {
  out.insert(out.end(), {0, 0, 0, 1});
  out.push_back(static_cast<std::uint8_t>(static_cast<int>(type) << 1));  // forbidden 0, type, layer id 0 (MSB)
  out.push_back(1);                                                       // layer id 0, TemporalId + 1 = 1
  int zeros = 0;
  for (const std::uint8_t b : rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push_back(3);
      zeros = 0;
    }
    out.push_back(b);
    zeros = b == 0 ? zeros + 1 : 0;
  }
  if (zeros > 0) out.push_back(3);  // an RBSP must not end in 0x00 (cabac_zero_word rule)
}

namespace {
// Position just after the next 00 00 01 at or after `from`, or size if none.
std::size_t next_start_code(std::span<const std::uint8_t> s, std::size_t from) {
  for (std::size_t i = from; i + 2 < s.size(); ++i)
    if (s[i] == 0 && s[i + 1] == 0 && s[i + 2] == 1) return i + 3;
  return s.size();
}
}  // namespace

entcode::Result<std::vector<NalUnit>> split_nal_units(std::span<const std::uint8_t> stream) {
  std::vector<NalUnit> units;
  std::size_t pos = next_start_code(stream, 0);
  if (pos >= stream.size()) return entcode::errc::corrupt;
  while (pos < stream.size()) {
    const std::size_t next = next_start_code(stream, pos);
    std::size_t end = next == stream.size() ? next : next - 3;
    while (end > pos && stream[end - 1] == 0) --end;  // trailing_zero_8bits / the next 4-byte start code
    if (end - pos < 2 || (stream[pos] & 0x80) != 0) return entcode::errc::corrupt;
    NalUnit nal{(stream[pos] >> 1) & 0x3f, {}};
    int zeros = 0;
    for (std::size_t i = pos + 2; i < end; ++i) {
      if (zeros >= 2 && stream[i] == 3) {
        zeros = 0;
        continue;
      }
      nal.rbsp.push_back(stream[i]);
      zeros = stream[i] == 0 ? zeros + 1 : 0;
    }
    units.push_back(std::move(nal));
    pos = next;
  }
  return units;
}

}  // namespace hevc_intra
