#!/usr/bin/env bash
# hevc_intra_test.sh — encode a built-in picture with hevc_intra, decode it with
# DECODER (self = hevc_intra --decode, ffmpeg, libde265 = libde265-dec265) and
# require the output to be byte-identical to the source frames (lossless) or, with
# LOSSY = "QP MIN_PSNR [encoder options]", to the encoder's own reconstruction, whose
# luma+chroma PSNR against the source must reach MIN_PSNR dB.
# DECODER = corrupt: truncated and bit-flipped copies must make `--decode` fail cleanly (exit 1).
# Usage: conformance_test.sh HEVC_INTRA DECODER PATTERN WxH FRAMES [LOSSY]
# Exit 77 (meson: skipped) when the decoder program is not installed.
set -euo pipefail
enc=$1 decoder=$2 pattern=$3 size=$4 frames=$5
read -r qp min_psnr lossy_opts <<< "${6:-}" || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $decoder in
  ffmpeg) command -v ffmpeg >/dev/null || { echo "SKIP: ffmpeg not installed"; exit 77; } ;;
  libde265) command -v libde265-dec265 >/dev/null || { echo "SKIP: libde265-dec265 not installed"; exit 77; } ;;
  self | corrupt) ;;
  *) echo "unknown decoder $decoder"; exit 2 ;;
esac

expected=$work/src.yuv
if [ -n "$qp" ]; then
  # shellcheck disable=SC2086  # lossy_opts: several options
  "$enc" --pattern "$pattern" --size "$size" --frames "$frames" --qp "$qp" $lossy_opts --source-out "$work/src.yuv" \
    --recon-out "$work/rec.yuv" --stats -o "$work/x.hevc"
  expected=$work/rec.yuv
  psnr=$(paste <(od -An -v -tu1 -w1 "$work/src.yuv") <(od -An -v -tu1 -w1 "$work/rec.yuv") |
    awk '{ d = $1 - $2; s += d * d; n++ } END { if (s == 0) print 99; else printf "%.2f", 10 * log(65025 * n / s) / log(10) }')
  if ! awk -v p="$psnr" -v m="$min_psnr" 'BEGIN { exit !(p >= m) }'; then
    echo "FAIL: reconstruction PSNR $psnr dB < $min_psnr dB"
    exit 1
  fi
  echo "reconstruction PSNR (Y+Cb+Cr) $psnr dB >= $min_psnr dB"
else
  "$enc" --pattern "$pattern" --size "$size" --frames "$frames" --source-out "$work/src.yuv" --stats -o "$work/x.hevc"
fi
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
if cmp "$expected" "$work/out.yuv"; then
  echo "OK: $decoder reproduces $(basename "$expected" .yuv) of $pattern $size x$frames ($(stat -c %s "$work/x.hevc") bytes)"
else
  echo "FAIL: $decoder output differs from $(basename "$expected") ($(stat -c %s "$expected") vs $(stat -c %s "$work/out.yuv") bytes)"
  exit 1
fi
