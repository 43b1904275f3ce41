#!/usr/bin/env bash
# exports_test.sh — the shared library exports entcode's public API only (hidden visibility
# + ENTCODE_API, include/entcode/export.hpp): no symbol of a `detail` namespace, an anonymous
# namespace or lib-internal code (hevc_intra's, the kernels'), and entcode::version() is
# there (so an empty table or a broken nm cannot pass). Usage: exports_test.sh libentcode.so
set -euo pipefail
syms=$(nm -DC --defined-only "$1" | sed -E 's/^[0-9a-f]+ [A-Za-z] //')
grep -qx 'entcode::v0::version()' <<< "$syms" || { echo "entcode::version() is not exported"; exit 1; }
bad=$(grep -E '::detail::|anonymous namespace|::kernels?::|hevc_intra' <<< "$syms" || true)
if [ -n "$bad" ]; then
  echo "internal symbols exported:"
  echo "$bad"
  exit 1
fi
echo "exports: $(wc -l <<< "$syms") symbols, none internal"
