#!/usr/bin/env bash
# conformance_test.sh — encode a built-in picture with hevc_lossless, decode it with
# DECODER (self = hevc_lossless --decode, ffmpeg, libde265 = libde265-dec265) and
# require the output to be byte-identical to the source frames.
# DECODER = corrupt: truncated and bit-flipped copies must make `--decode` fail cleanly (exit 1).
# Usage: conformance_test.sh HEVC_LOSSLESS DECODER PATTERN WxH FRAMES
# Exit 77 (meson: skipped) when the decoder program is not installed.
set -euo pipefail
enc=$1 decoder=$2 pattern=$3 size=$4 frames=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $decoder in
  ffmpeg) command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; } ;;
  libde265) command -v libde265-dec265 >/dev/null || { echo "SKIP: libde265-dec265 not installed"; exit 77; } ;;
  self | corrupt) ;;
  *) echo "unknown decoder $decoder"; exit 2 ;;
esac

"$enc" --pattern "$pattern" --size "$size" --frames "$frames" --source-out "$work/src.yuv" --stats -o "$work/x.hevc"
if [ "$decoder" = corrupt ]; then
  size=$(stat -c %s "$work/x.hevc")
  for i in $(seq 1 40); do
    cp "$work/x.hevc" "$work/bad.hevc"
    if [ $((i % 2)) -eq 0 ]; then
      truncate -s $((size * i / 41)) "$work/bad.hevc"
    else
      pos=$(( (i * 7919) % size ))
      printf "\\x$(printf %02x $(( ($(od -An -tu1 -j "$pos" -N1 "$work/x.hevc") ^ (1 << (i % 8))) )))" |
        dd of="$work/bad.hevc" bs=1 seek="$pos" conv=notrunc status=none
    fi
    rc=0
    "$enc" --decode "$work/bad.hevc" -o "$work/bad.yuv" 2>/dev/null || rc=$?
    if [ "$rc" -gt 1 ]; then echo "FAIL: decoder crashed (exit $rc) on corrupt copy $i"; exit 1; fi
  done
  echo "OK: 40 corrupt copies decoded or rejected without a crash"
  exit 0
fi
case $decoder in
  self) "$enc" --decode "$work/x.hevc" -o "$work/out.yuv" ;;
  ffmpeg) ffmpeg -v error -nostdin -threads 1 -i "$work/x.hevc" -f rawvideo -pix_fmt yuv420p "$work/out.yuv" ;;
  libde265) libde265-dec265 -q -o "$work/out.yuv" "$work/x.hevc" ;;
esac
if cmp "$work/src.yuv" "$work/out.yuv"; then
  echo "OK: $decoder reproduces $pattern $size x$frames ($(stat -c %s "$work/x.hevc") bytes)"
else
  echo "FAIL: $decoder output differs from the source ($(stat -c %s "$work/src.yuv") vs $(stat -c %s "$work/out.yuv") bytes)"
  exit 1
fi
