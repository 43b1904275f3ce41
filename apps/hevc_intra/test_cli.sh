#!/usr/bin/env bash
# test_cli.sh — hevc_intra's command line: y4m in and out, raw input rules (--size
# required, whole frames only, --frames limits), strict option values and combinations,
# unsupported y4m inputs (chroma format, bit depth, interlace) and streams (profile, NAL
# types) refused with the reason, "-" for stdin/stdout, --help on stdout. Usage: test_cli.sh path/to/hevc_intra
set -u
HEVC=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
pass=0 failed=0
check() {  # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then pass=$((pass + 1)); else failed=$((failed + 1)); echo "FAIL: $what"; fi
}
expect_fail() {  # description, pattern, command: exit 1, message matching pattern
  local what=$1 pattern=$2 err rc
  shift 2
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  if [ $rc -eq 1 ] && grep -q -- "$pattern" <<< "$err"; then pass=$((pass + 1))
  else failed=$((failed + 1)); echo "FAIL: $what (rc=$rc: $err)"; fi
}

"$HEVC" --pattern natural --size 32x16 --frames 3 --source-out src.yuv -o ref.hevc
"$HEVC" --pattern natural --size 32x16 --frames 3 --source-out src.y4m -o ref2.hevc
check "y4m source: a header and 3 frames" bash -c 'head -c 10 src.y4m | grep -q "^YUV4MPEG2 " &&
  [ "$(stat -c %s src.y4m)" = $(( $(head -n 1 src.y4m | wc -c) + 3 * (6 + 768) )) ]'
check "raw input with --size" bash -c '"$1" -i src.yuv --size 32x16 -o a.hevc && cmp -s a.hevc ref.hevc' _ "$HEVC"
check "y4m input carries its size" bash -c '"$1" -i src.y4m -o b.hevc && cmp -s b.hevc ref.hevc' _ "$HEVC"
check "stdin and stdout" bash -c '"$1" -i - --size 32x16 -o - < src.yuv | cmp -s - ref.hevc' _ "$HEVC"
check "decode to y4m equals the y4m source" bash -c '"$1" --decode ref.hevc -o out.y4m && cmp -s out.y4m src.y4m' _ "$HEVC"
check "decode from stdin to stdout" bash -c '"$1" --decode - -o - < ref.hevc | cmp -s - src.yuv' _ "$HEVC"
check "--frames limits -i" bash -c '"$1" -i src.y4m --frames 1 -o one.hevc && "$1" --decode one.hevc -o one.yuv &&
  [ "$(stat -c %s one.yuv)" = 768 ]' _ "$HEVC"
expect_fail "raw input without --size" "needs --size" "$HEVC" -i src.yuv -o x.hevc
expect_fail "size not dividing the file" "whole number" "$HEVC" -i src.yuv --size 30x16 -o x.hevc
expect_fail "--qp abc" "expects a number" "$HEVC" --qp abc -o x.hevc
expect_fail "--qp 52" "expects a number" "$HEVC" --qp 52 -o x.hevc
expect_fail "--size junk" "WxH" "$HEVC" --size 32 -o x.hevc
expect_fail "value missing" "needs a value" "$HEVC" -o
expect_fail "unknown option" "unknown option" "$HEVC" --frobnicate -o x.hevc
expect_fail "missing input" "No such file" "$HEVC" -i nothing.yuv --size 32x16 -o x.hevc
y4m_fails() {  # description, y4m header, expected message: the header is refused with that reason
  printf '%s\nFRAME\n' "$2" > bad.y4m
  expect_fail "$1" "$3" "$HEVC" -i bad.y4m -o x.hevc
}
y4m_fails "4:4:4 y4m" "YUV4MPEG2 W32 H16 C444" "C444: only 8-bit 4:2:0"
y4m_fails "mono y4m" "YUV4MPEG2 W32 H16 Cmono" "Cmono: only 8-bit 4:2:0"
y4m_fails "10-bit y4m" "YUV4MPEG2 W32 H16 C420p10" "C420p10: 10-bit samples are not supported"
y4m_fails "interlaced y4m" "YUV4MPEG2 W32 H16 It C420jpeg" "interlaced y4m (It)"
y4m_fails "odd y4m size" "YUV4MPEG2 W31 H16 C420jpeg" "31x16 is odd"
y4m_fails "y4m without a size" "YUV4MPEG2 C420jpeg" "without W and H"
y4m_fails "bad y4m width" "YUV4MPEG2 W3x H16" "bad y4m width 'W3x'"
expect_fail "--size contradicting y4m" "contradicts the y4m header's 32x16" "$HEVC" -i src.y4m --size 64x16 -o x.hevc
check "--size agreeing with y4m" "$HEVC" -i src.y4m --size 32x16 -o x.hevc
expect_fail "odd --size" "is odd" "$HEVC" --size 33x16 -o x.hevc
expect_fail "option twice" "-o given twice" "$HEVC" -o a.hevc -o b.hevc
expect_fail "stray argument" "unexpected argument 'extra'" "$HEVC" -o x.hevc extra
expect_fail "-i with --pattern" "exclude each other" "$HEVC" -i src.y4m --pattern flat -o x.hevc
expect_fail "encode option with --decode" "--qp is an encode option" "$HEVC" --decode ref.hevc --qp 30 -o x.yuv
expect_fail "--sign-hiding without --qp" "needs --qp" "$HEVC" --sign-hiding -o x.hevc
expect_fail "--stats with -o -" "not with -o -" "$HEVC" --stats -o -
check "--stats reports a y4m input's size" bash -c '"$1" -i src.y4m --stats -o x.hevc | grep -q "^3 frames 32x16:"' _ "$HEVC"
# Streams using what hevc_intra does not write: the reason names the feature.
/usr/bin/python3 - ref.hevc main10.hevc trail.hevc <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
sps = data.index(b"\x00\x00\x01\x42\x01") + 5  # SPS NAL header (type 33)
data[sps + 1] = 0x02  # general_profile_idc 2 (Main 10)
open(sys.argv[2], "wb").write(data)
open(sys.argv[3], "wb").write(open(sys.argv[1], "rb").read() + b"\x00\x00\x01\x02\x01\x80")  # a TRAIL_R NAL
PY
expect_fail "Main 10 stream" "SPS general_profile_idc: 2 (hevc_intra reads only 1)" "$HEVC" --decode main10.hevc -o x.yuv
expect_fail "NAL unit type 1" "NAL unit type 1 (hevc_intra reads VPS, SPS, PPS and IDR_W_RADL only)" \
  "$HEVC" --decode trail.hevc -o x.yuv
head -c 40 ref.hevc > cut.hevc
expect_fail "truncated stream" "decode failed: " "$HEVC" --decode cut.hevc -o x.yuv
head -c 500 src.y4m > short.y4m
expect_fail "truncated y4m" "truncated" "$HEVC" -i short.y4m -o x.hevc
check "--help on stdout, exit 0" bash -c '"$1" --help | grep -q "^usage: hevc_intra"' _ "$HEVC"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
