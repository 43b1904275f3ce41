#!/usr/bin/env bash
# test_cli.sh — the entcode CLI against doc/cli.md: round trips (files, pipes, every ISA,
# threads), zstd's file rules (suffixes, keep/--rm, overwrite refusal, output == input,
# FIFOs, devices, symlinks, modes), cleanup on errors, SIGINT/SIGTERM and a full disk
# (RLIMIT_FSIZE), terminals (via script(1)), concatenated frames, -t, exit codes.
# Usage: test_cli.sh path/to/entcode [path/to/libshort_io.so]
# With the second argument, also round trips through short reads/writes and EINTR (short_io.cpp).
set -u
ENTCODE=$(realpath "$1")
SHORT_IO=${2:+$(realpath "$2")}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
pass=0 failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() {  # description, then a command that must succeed
  local what=$1
  shift
  if "$@"; then ok; else bad "$what"; fi
}
expect_fail() {  # description, pattern, then a command that must exit 1 with one line matching pattern
  local what=$1 pattern=$2
  shift 2
  local err rc
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  if [ $rc -eq 1 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s' "$err" | grep -q -- "$pattern"; then ok
  else bad "$what (rc=$rc: $err)"; fi
}
no_temp() { ! ls -a "$dir" "$@" | grep -q entcode-tmp; }

: > empty
printf 'x' > one
head -c 300000 /dev/urandom > random
for i in $(seq 1 20000); do echo "line $i of the entcode cli test, with some text"; done > medium
cat "$ENTCODE" > binary

# --- round trips -------------------------------------------------------------------------
roundtrip() {  # name file [compress options...]
  local name=$1 file=$2
  shift 2
  check "round trip $name $*" bash -c '"$1" compress -q "${@:4}" -o "$2.ec" "$3" && "$1" decompress -q -o "$2.out" "$2.ec" &&
    cmp -s "$3" "$2.out"' _ "$ENTCODE" "$name" "$file" "$@"
  check "pipe $name $*" bash -c '"$1" "${@:3}" < "$2" | "$1" -d | cmp -s "$2" -' _ "$ENTCODE" "$file" "$@"
}
for f in empty one random medium binary; do
  roundtrip "$f-o0" "$f"
  roundtrip "$f-o1" "$f" -1 --check
  roundtrip "$f-small-blocks" "$f" --order 1 --block-log2 16
done
for isa in scalar sse2 avx2 avx512; do
  if ENTCODE_ISA=$isa "$ENTCODE" -q -o isa.ec medium 2>/dev/null; then
    check "ENTCODE_ISA=$isa stream" bash -c '"$1" -dc isa.ec | cmp -s medium -' _ "$ENTCODE"
    rm -f isa.ec
  fi
done
cat medium random medium > big
"$ENTCODE" -q -1 --check --block-log2 16 -c big > t1.ec
for t in 2 3 0; do
  "$ENTCODE" -q -1 --check --block-log2 16 -T$t -c big > t$t.ec
  check "-T$t output identical to -T1" cmp -s t1.ec t$t.ec
done
check "-T4 round trip" bash -c '"$1" -dc t1.ec | cmp -s big -' _ "$ENTCODE"
# order 0 splits long runs off into run blocks (lib/byte_codec/runs.hpp): same frame on any thread count
{ cat medium; head -c 30000 /dev/zero | tr '\0' Q; cat medium; } > runs
"$ENTCODE" -q --block-log2 16 -c runs > r1.ec
"$ENTCODE" -q --block-log2 16 -T3 -c runs > r3.ec
check "order 0 with a long run: -T3 output identical to -T1" cmp -s r1.ec r3.ec
check "order 0 with a long run: run blocks" bash -c '"$1" -lv r1.ec | grep -q "[1-9][0-9]* run"' _ "$ENTCODE"
check "order 0 with a long run: round trip" bash -c '"$1" -dc r1.ec | cmp -s runs -' _ "$ENTCODE"

# --- names, keep, --rm, overwrite ----------------------------------------------------------
cp medium m
check "FILE -> FILE.ec, input kept" bash -c '"$1" -q m && [ -f m.ec ] && [ -f m ]' _ "$ENTCODE"
expect_fail "decompress refuses to overwrite" "already exists" "$ENTCODE" -d m.ec
echo keep > m
expect_fail "compress refuses to overwrite" "already exists" "$ENTCODE" m
check "refused output untouched" [ "$(cat m)" = keep ]
check "-f overwrites" bash -c '"$1" -qdf m.ec && cmp -s m medium' _ "$ENTCODE"
check "--rm removes the input after success" bash -c 'rm m.ec && "$1" -q --rm m && [ ! -e m ] && [ -f m.ec ]' _ "$ENTCODE"
check "-d --rm" bash -c '"$1" -qd --rm m.ec && [ ! -e m.ec ] && cmp -s m medium' _ "$ENTCODE"
expect_fail "unknown suffix" "unknown suffix" "$ENTCODE" -d medium
expect_fail "output is the input" "input file itself" "$ENTCODE" -f -o medium medium
ln medium hardlink
expect_fail "output is the input (hard link)" "input file itself" "$ENTCODE" -d -f -o hardlink medium
check "input intact after refusals" cmp -s medium hardlink
expect_fail "output is a directory" "is a directory" "$ENTCODE" -o "$dir" medium
expect_fail "input is a directory" "is a directory" "$ENTCODE" -c "$dir"
expect_fail "-o with two inputs" "one input" "$ENTCODE" -o x.ec one medium
chmod 640 one
"$ENTCODE" -q one
check "output mode copied from the input" [ "$(stat -c %a one.ec)" = 640 ]

# --- special outputs and symlinks ------------------------------------------------------------
check "-o /dev/null writes, /dev/null stays a device" bash -c '"$1" -q -o /dev/null medium && [ -c /dev/null ]' _ "$ENTCODE"
mkfifo fifo
timeout 60 cat fifo > from-fifo &  # a writer that refuses the FIFO fails the check below, not hangs
reader=$!
check "FIFO output written directly" "$ENTCODE" -q -o fifo medium
wait $reader
check "FIFO still a FIFO, data complete" bash -c '[ -p fifo ] && "$1" -dc from-fifo | cmp -s medium -' _ "$ENTCODE"
ln -s medium link
expect_fail "symlink input refused without -f" "symbolic link" "$ENTCODE" -c link
check "symlink input followed with -f" bash -c '"$1" -qf -c link | "$1" -d | cmp -s medium -' _ "$ENTCODE"
echo old > target.ec
ln -s target.ec link.ec
expect_fail "symlink output: exists" "already exists" "$ENTCODE" -o link.ec medium
check "-f writes through an output symlink" bash -c '"$1" -qf -o link.ec medium && [ -L link.ec ] &&
  "$1" -dc target.ec | cmp -s medium -' _ "$ENTCODE"
ln -s nowhere dangling.ec
expect_fail "dangling output symlink" "dangling" "$ENTCODE" -o dangling.ec medium

# --- errors: messages, cleanup, exit codes ------------------------------------------------------
"$ENTCODE" -q --check -o m.ec medium
size=$(stat -c %s m.ec)
head -c $((size - 1)) m.ec > truncated.ec
head -c $((size / 2)) m.ec > half.ec
cp m.ec corrupt.ec
mid=$(od -An -tu1 -j $((size / 2)) -N1 m.ec)  # flip every bit of the middle byte
printf "\\x$(printf %02x $((mid ^ 255)))" | dd of=corrupt.ec bs=1 seek=$((size / 2)) conv=notrunc status=none
cat m.ec one > trailing.ec
expect_fail "truncated" "truncated" "$ENTCODE" -d -o t.out truncated.ec
expect_fail "half" "truncated" "$ENTCODE" -d -o t.out half.ec
expect_fail "corrupt" "corrupt\|checksum" "$ENTCODE" -d -o t.out corrupt.ec
expect_fail "foreign" "bad header" "$ENTCODE" -d -o t.out binary
expect_fail "empty" "empty input" "$ENTCODE" -d -o t.out empty
expect_fail "trailing data" "not an entcode frame" "$ENTCODE" -d -o t.out trailing.ec
expect_fail "-t finds corruption" "corrupt\|checksum" "$ENTCODE" -t corrupt.ec
expect_fail "missing input" "No such file" "$ENTCODE" -o t.ec does-not-exist
expect_fail "info foreign" "bad header" "$ENTCODE" info random
check "a failed decompress leaves no output" [ ! -e t.out ]
echo keep > keep
"$ENTCODE" -qdf -o keep corrupt.ec 2>/dev/null
check "a failed run keeps an existing output" [ "$(cat keep)" = keep ]
check "no temporary left" no_temp
"$ENTCODE" -q one does-not-exist medium -c > two.ec 2>/dev/null
check "exit 1 when one file fails, the others done" bash -c '[ $? -eq 1 ] || true; "$1" -dc two.ec | cmp -s <(cat one medium) -' _ "$ENTCODE"
"$ENTCODE" -q one does-not-exist -c > /dev/null 2>&1
check "exit status 1 after a failed file" [ $? -eq 1 ]
expect_fail "ENTCODE_ISA=foo" "ENTCODE_ISA=foo" env ENTCODE_ISA=foo "$ENTCODE" -o isa-foo.ec medium
check "ENTCODE_ISA=foo wrote nothing" [ ! -e isa-foo.ec ]
expect_fail "unknown option" "unknown option" "$ENTCODE" --frobnicate medium
expect_fail "bad -T" "expects a number" "$ENTCODE" -T x medium
expect_fail "bad --order" "expects a number" "$ENTCODE" --order 2 medium
check "--version on stdout" bash -c '"$1" --version | grep -q "^entcode [0-9]*\.[0-9]*\.[0-9]*"' _ "$ENTCODE"
check "--help on stdout, exit 0" bash -c '"$1" --help | grep -q "^usage: entcode"' _ "$ENTCODE"
check "-- ends the options" bash -c 'cp one ./-q && "$1" -q -- -q && [ -f ./-q.ec ]' _ "$ENTCODE"

# --- concatenated frames, -t, info, summary -------------------------------------------------------
"$ENTCODE" -q -c one > cat.ec
"$ENTCODE" -q -1 --check -c medium >> cat.ec
check "concatenated frames decode" bash -c '"$1" -dc cat.ec | cmp -s <(cat one medium) -' _ "$ENTCODE"
check "-t accepts a good file, writes nothing" bash -c '"$1" -q -t cat.ec && [ ! -e cat ]' _ "$ENTCODE"
check "info lists every frame" bash -c '[ "$("$1" info cat.ec | grep -c "^cat.ec: entcode")" = 2 ] &&
  "$1" -l cat.ec | grep -q "content       $(stat -c %s medium) bytes"' _ "$ENTCODE"
check "summary line" bash -c 'rm -f one.ec && "$1" one 2>&1 >/dev/null | grep -q "^one: 1 -> [0-9]* bytes (.*%, .* MB/s) -> one.ec$"' _ "$ENTCODE"
check "-q: no summary" bash -c 'rm -f one.ec && [ -z "$("$1" -q one 2>&1)" ]' _ "$ENTCODE"
check "bench reads stdin for -" bash -c 'head -c 4096 medium | "$1" bench -r 1 - | grep -q "^-: 4096 bytes"' _ "$ENTCODE"
expect_fail "bench on a directory" "directory" "$ENTCODE" bench -r 1 "$dir"

# --- signals and a full disk -------------------------------------------------------------------------
for sig in INT TERM; do
  rm -f sig.ec
  (head -c 2000000 random; sleep 10) | "$ENTCODE" -q --block-log2 16 -o sig.ec &
  pid=$!
  sleep 1
  kill -$sig $pid
  wait $pid
  rc=$?
  check "SIG$sig: killed by the signal (rc $rc)" [ $rc -gt 128 ]
  check "SIG$sig: no partial output, no temporary" bash -c '[ ! -e sig.ec ] && ! ls -a | grep -q entcode-tmp'
done
head -c 3000000 /dev/urandom > incompressible
err=$(ulimit -f 1024; "$ENTCODE" -o full.ec incompressible 2>&1)
rc=$?
check "file size limit: exit 1 with the errno text ($err)" bash -c '[ '$rc' -eq 1 ] && grep -q "File too large" <<< "$1"' _ "$err"
check "file size limit: nothing left behind" bash -c '[ ! -e full.ec ] && ! ls -a | grep -q entcode-tmp'

# --- short reads and writes, EINTR (LD_PRELOAD shim: 1..13 bytes a call) -----------------------------
if [ -n "$SHORT_IO" ]; then
  head -c 40000 medium > short_in
  for opts in "" "-1 --check" "-T2 --block-log2 16"; do
    # shellcheck disable=SC2086
    LD_PRELOAD=$SHORT_IO "$ENTCODE" $opts -c < short_in > short.ec 2>/dev/null
    check "short I/O: compress ($opts) gives the same frame" bash -c \
      "\"$ENTCODE\" $opts -c < short_in | cmp -s - short.ec"
    check "short I/O: decompress ($opts) restores the input" bash -c \
      "LD_PRELOAD=$SHORT_IO \"$ENTCODE\" -dc < short.ec 2>/dev/null | cmp -s - short_in"
  done
  LD_PRELOAD=$SHORT_IO "$ENTCODE" -q short_in -o short_file.ec 2>/dev/null
  check "short I/O: file to file" bash -c "\"$ENTCODE\" -dc short_file.ec | cmp -s - short_in"
fi

# --- terminals (script(1) gives the program a pseudo-terminal) ------------------------------------------
if command -v script >/dev/null; then
  out=$(script -qec "$ENTCODE -c one" /dev/null)
  check "compressed data refused on a terminal ($out)" grep -q "is a terminal" <<< "$out"
  out=$(script -qec "$ENTCODE -dc m.ec" /dev/null | head -c 100)
  check "decompressed text allowed on a terminal" grep -q "line 1 of" <<< "$out"
  out=$(script -qec "(head -c 200000 random; sleep 0.5; head -c 200000 random) | $ENTCODE --block-log2 16 -c > tty.ec" /dev/null)
  check "progress on a terminal for a pipe" grep -q "MB/s" <<< "$out"
fi

echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]
