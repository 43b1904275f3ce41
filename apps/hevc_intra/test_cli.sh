#!/usr/bin/env bash
# test_cli.sh — hevc_intra's command line: y4m in and out, raw input rules (--size
# required, whole frames only, --frames limits), strict option values, "-" for
# stdin/stdout, --help on stdout. Usage: test_cli.sh path/to/hevc_intra
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
printf 'YUV4MPEG2 W32 H16 C444\nFRAME\n' > bad.y4m
expect_fail "4:4:4 y4m" "only 4:2:0" "$HEVC" -i bad.y4m -o x.hevc
head -c 500 src.y4m > short.y4m
expect_fail "truncated y4m" "truncated" "$HEVC" -i short.y4m -o x.hevc
check "--help on stdout, exit 0" bash -c '"$1" --help | grep -q "^usage: hevc_intra"' _ "$HEVC"

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
