// consumer.cpp — round-trips a small buffer through entcode's rANS reference,
// as a program that links the installed library would.
#include <entcode/entcode.hpp>  // the umbrella header: every public header compiles for a consumer
#include <entcode/version.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main() {
  using namespace entcode;
  const std::vector<std::uint8_t> data{'h', 'e', 'l', 'l', 'o', ' ', 'r', 'a', 'n', 's'};
  std::vector<std::uint64_t> counts(256, 0);
  for (auto b : data) ++counts[b];
  auto model = rans::SymbolModel::from_counts(counts, 12);
  if (!model) return 1;
  std::vector<std::byte> buf(rans::reference::interleaved_bound(data.size(), 4));
  auto size = rans::reference::encode_bytes(data, *model, 4, buf);
  if (!size) return 1;
  std::vector<std::uint8_t> back(data.size());
  const errc e = rans::reference::decode_bytes(std::span(buf).first(*size), *model, 4, back);
  if (e != errc::ok || back != data) return 1;
  const std::string header_version = std::to_string(ENTCODE_VERSION_MAJOR) + "." + std::to_string(ENTCODE_VERSION_MINOR) +
                                     "." + std::to_string(ENTCODE_VERSION_PATCH);
  if (header_version != version()) return 1;  // the header and the linked library agree
  std::printf("consumer: entcode %s, %zu bytes -> %zu bytes, round trip ok\n", version(), data.size(), *size);
  return 0;
}
