#!/usr/bin/env bash
# test_cli.sh — round trips and error handling of the entcode CLI.
# Usage: test_cli.sh path/to/entcode
set -u
ENTCODE=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

roundtrip() {  # name file [compress options...]
  local name=$1 file=$2
  shift 2
  if "$ENTCODE" compress "$@" -o "$dir/$name.ec" "$file" && "$ENTCODE" decompress -o "$dir/$name.out" "$dir/$name.ec" &&
     cmp -s "$file" "$dir/$name.out"; then ok; else bad "round trip $name $*"; fi
  # stdin -> stdout too
  if "$ENTCODE" compress "$@" < "$file" | "$ENTCODE" decompress | cmp -s "$file" -; then ok; else bad "pipe $name $*"; fi
}

: > "$dir/empty"
printf 'x' > "$dir/one"
head -c 300000 /dev/urandom > "$dir/random"
for i in $(seq 1 20000); do echo "line $i of the entcode cli test, with some text"; done > "$dir/medium"
cat "$ENTCODE" > "$dir/binary"

for f in empty one random medium binary; do
  roundtrip "$f-o0" "$dir/$f"
  roundtrip "$f-o1" "$dir/$f" -1 --check
  roundtrip "$f-small-blocks" "$dir/$f" --order 1 --block-log2 16
done
for isa in scalar sse2 avx2 avx512; do
  if ENTCODE_ISA=$isa "$ENTCODE" compress -o "$dir/isa.ec" "$dir/medium" 2>/dev/null; then
    if "$ENTCODE" decompress "$dir/isa.ec" | cmp -s "$dir/medium" -; then ok; else bad "ENTCODE_ISA=$isa stream"; fi
  fi
done

"$ENTCODE" compress --check -o "$dir/m.ec" "$dir/medium"
"$ENTCODE" info "$dir/m.ec" | grep -q "content       $(stat -c %s "$dir/medium") bytes" && ok || bad "info"

expect_fail() {  # description, then a command that must exit 1 with a one-line message
  local what=$1
  shift
  local err
  err=$("$@" 2>&1 >/dev/null)
  local rc=$?
  if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [ -n "$err" ]; then ok; else bad "$what (rc=$rc: $err)"; fi
}
size=$(stat -c %s "$dir/m.ec")
head -c $((size - 1)) "$dir/m.ec" > "$dir/truncated.ec"
head -c $((size / 2)) "$dir/m.ec" > "$dir/half.ec"
cp "$dir/m.ec" "$dir/corrupt.ec"
mid=$(od -An -tu1 -j $((size / 2)) -N1 "$dir/m.ec")  # flip every bit of the middle byte
printf "\\x$(printf %02x $((mid ^ 255)))" | dd of="$dir/corrupt.ec" bs=1 seek=$((size / 2)) conv=notrunc status=none
cat "$dir/m.ec" "$dir/one" > "$dir/trailing.ec"
expect_fail "truncated" "$ENTCODE" decompress -o "$dir/t.out" "$dir/truncated.ec"
expect_fail "half" "$ENTCODE" decompress -o "$dir/t.out" "$dir/half.ec"
expect_fail "corrupt" "$ENTCODE" decompress -o "$dir/t.out" "$dir/corrupt.ec"
expect_fail "foreign" "$ENTCODE" decompress -o "$dir/t.out" "$dir/binary"
expect_fail "empty" "$ENTCODE" decompress -o "$dir/t.out" "$dir/empty"
expect_fail "trailing" "$ENTCODE" decompress -o "$dir/t.out" "$dir/trailing.ec"
expect_fail "missing input" "$ENTCODE" compress -o "$dir/t.ec" "$dir/does-not-exist"
expect_fail "info foreign" "$ENTCODE" info "$dir/random"
expect_fail "bench on a directory" "$ENTCODE" bench -r 1 "$dir"
expect_fail "bench on a missing file" "$ENTCODE" bench -r 1 "$dir/does-not-exist"
head -c 4096 "$dir/medium" | "$ENTCODE" bench -r 1 - | grep -q "^-: 4096 bytes" && ok || bad "bench reads stdin for -"
[ ! -e "$dir/t.out" ] && ok || bad "a failed decompress left an output file"
# A failed run must not clobber an existing good output.
echo keep > "$dir/keep"
"$ENTCODE" decompress -o "$dir/keep" "$dir/corrupt.ec" 2>/dev/null
[ "$(cat "$dir/keep")" = keep ] && ok || bad "existing output clobbered"
ls -a "$dir" | grep -q entcode-tmp && bad "temporary file left behind" || ok

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
