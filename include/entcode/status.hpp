// status.hpp — entcode's error model: `errc` codes, their messages, and `Result<T>`.
//
// Invariants: decoders never throw; every failure is reported as an `errc`.
// `errc` and `Result` are [[nodiscard]]: ignoring a failure is a compile warning.
// `truncated` (the input ended early) and `corrupt` (the input is inconsistent)
// are always told apart. `Result<T>` holds either a value or a non-ok code.
// Reference: doc/api.md (zstd-style error reporting).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "entcode/export.hpp"

namespace entcode {
inline namespace v0 {

enum class [[nodiscard]] errc : std::uint8_t {
  ok = 0,
  truncated,            // input ended before the stream did
  corrupt,              // input is inconsistent (bad state, bad checksum, junk)
  bad_header,           // magic or header fields wrong
  unsupported_version,  // a newer or unknown format version
  too_large,            // a size exceeds a documented limit or what the input can justify
  invalid_argument,     // caller passed something outside the documented domain
  output_too_small,     // destination buffer cannot hold the result
  unsupported_isa,      // ENTCODE_ISA asked for an ISA this CPU lacks
  checksum_mismatch,    // stored CRC32C differs from the decoded data's
  io_error,             // a file or stream operation failed (CLI, examples)
};

// A short, stable, human-readable message for each code.
ENTCODE_API const char* to_string(errc e) noexcept;

// Either a value of T or an error code (never both). T must be movable.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(errc e) : error_(e) {}                  // NOLINT: implicit by design

  [[nodiscard]] bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  [[nodiscard]] errc error() const noexcept { return ok() ? errc::ok : error_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  errc error_ = errc::ok;
};

}  // namespace v0
}  // namespace entcode
