// cabac_textbook.hpp — a plain, bit-by-bit transcription of HEVC's arithmetic coder
// (ITU-T H.265 9.3.2.5, 9.3.4.3 and the encoder flowcharts: RenormE, PutBit with
// firstBitFlag / bitsOutstanding, EncodeBypass, EncodeTerminate, EncodeFlush).
// Deliberately slow and obvious: the specification the fast coders in
// include/entcode/cabac/ are checked against (tests) and the textbook peer of
// the benchmark. Only the rangeTabLps / transIdxLps constants are shared.
// A terminate bin of 1 ends a codeword: the encoder flushes and pads with zero
// bits to a byte boundary, the decoder skips to that boundary; both restart
// there (HEVC's behaviour after end_of_subset_one_bit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "entcode/cabac/tables.hpp"

namespace textbook {

struct Ctx {
  int state = 0;  // pStateIdx
  int mps = 0;    // valMps
};

inline void update(Ctx& c, bool lps) {
  if (lps) {
    if (c.state == 0) c.mps = 1 - c.mps;
    c.state = entcode::cabac::kTransIdxLps[c.state];
  } else if (c.state < 62) {
    c.state += 1;
  }
}

class Encoder {
 public:
  void bin(Ctx& c, int bin) {
    const int rlps = entcode::cabac::kRangeTabLps[c.state][(range_ >> 6) & 3];
    range_ -= rlps;
    const bool lps = bin != c.mps;
    if (lps) {
      low_ += range_;
      range_ = rlps;
    }
    update(c, lps);
    renorm();
  }
  void bypass(int bin) {
    low_ <<= 1;
    if (bin) low_ += range_;
    if (low_ >= 1024) {
      put_bit(1);
      low_ -= 1024;
    } else if (low_ >= 512) {
      low_ -= 512;
      ++outstanding_;
    } else {
      put_bit(0);
    }
  }
  void terminate(int bin) {
    range_ -= 2;
    if (bin) {
      low_ += range_;
      flush();
    } else {
      renorm();
    }
  }
  // The stream bytes (the caller must have ended with terminate(1)).
  std::vector<std::byte> bytes() const {
    std::vector<std::byte> out(bits_.size() / 8);
    for (std::size_t i = 0; i < bits_.size(); ++i)
      if (bits_[i]) out[i / 8] |= std::byte{static_cast<unsigned char>(0x80 >> (i % 8))};
    return out;
  }

 private:
  void put_bit(int b) {
    if (first_) first_ = false;
    else bits_.push_back(static_cast<std::uint8_t>(b));
    for (; outstanding_ > 0; --outstanding_) bits_.push_back(static_cast<std::uint8_t>(1 - b));
  }
  void renorm() {
    while (range_ < 256) {
      if (low_ < 256) {
        put_bit(0);
      } else if (low_ >= 512) {
        low_ -= 512;
        put_bit(1);
      } else {
        low_ -= 256;
        ++outstanding_;
      }
      range_ <<= 1;
      low_ <<= 1;
    }
  }
  void flush() {
    range_ = 2;
    renorm();
    put_bit((low_ >> 9) & 1);
    bits_.push_back(static_cast<std::uint8_t>((low_ >> 8) & 1));
    bits_.push_back(1);  // ((low >> 7) & 3) | 1: the stop bit
    while (bits_.size() % 8) bits_.push_back(0);
    low_ = 0;
    range_ = 510;
    first_ = true;
    outstanding_ = 0;
  }

  std::uint32_t low_ = 0, range_ = 510;
  int outstanding_ = 0;
  bool first_ = true;
  std::vector<std::uint8_t> bits_;
};

class Decoder {
 public:
  explicit Decoder(std::span<const std::byte> src) : src_(src) { init(); }

  int bin(Ctx& c) {
    const int rlps = entcode::cabac::kRangeTabLps[c.state][(range_ >> 6) & 3];
    range_ -= rlps;
    int bin = c.mps;
    const bool lps = offset_ >= range_;
    if (lps) {
      bin = 1 - c.mps;
      offset_ -= range_;
      range_ = rlps;
    }
    update(c, lps);
    renorm();
    return bin;
  }
  int bypass() {
    offset_ = (offset_ << 1) | read_bit();
    if (offset_ >= range_) {
      offset_ -= range_;
      return 1;
    }
    return 0;
  }
  int terminate() {
    range_ -= 2;
    if (offset_ >= range_) {
      stop_bit_ok_ = stop_bit_ok_ && last_bit_ == 1;
      while (pos_ % 8) stop_bit_ok_ = stop_bit_ok_ && read_bit() == 0;
      if (pos_ < 8 * src_.size()) init();
      return 1;
    }
    renorm();
    return 0;
  }
  // True iff every bit read was inside the input and every stop bit / alignment was right.
  bool clean() const { return !overread_ && stop_bit_ok_ && first_offset_ok_; }

 private:
  void init() {
    range_ = 510;
    offset_ = 0;
    for (int i = 0; i < 9; ++i) offset_ = (offset_ << 1) | read_bit();
    first_offset_ok_ = first_offset_ok_ && offset_ < 510;
  }
  void renorm() {
    while (range_ < 256) {
      range_ <<= 1;
      offset_ = (offset_ << 1) | read_bit();
    }
  }
  std::uint32_t read_bit() {
    if (pos_ >= 8 * src_.size()) {
      overread_ = true;
      ++pos_;
      return last_bit_ = 0;
    }
    last_bit_ = (std::to_integer<std::uint32_t>(src_[pos_ / 8]) >> (7 - pos_ % 8)) & 1;
    ++pos_;
    return last_bit_;
  }

  std::span<const std::byte> src_;
  std::size_t pos_ = 0;
  std::uint32_t range_ = 510, offset_ = 0, last_bit_ = 0;
  bool overread_ = false, stop_bit_ok_ = true, first_offset_ok_ = true;
};

}  // namespace textbook
