#!/usr/bin/env bash
# pip_install_test.sh — the README's Python install, from a copy of the source tree
# (no build directories): a venv over the interpreter's system site packages (Debian
# 12's python refuses pip installs into itself, PEP 668), `pip install
# --no-build-isolation --no-index` (meson-python, pybind11 and NumPy from Debian,
# no package index), then, outside the tree and with no PYTHONPATH: the package is
# the venv's, `import entcode.compressai` works, `__version__` is the project's, the
# stubs and py.typed are installed, and a CompressAI-mode round trip (with escapes)
# decodes its symbols. Fails naming the Debian package when a tool is missing
# (scripts/bootstrap.sh installs them).
# Usage: pip_install_test.sh <python> <source root> <project version>
set -euo pipefail
py=$1 root=$2 version=$3
unset PYTHONPATH
for m in mesonpy:python3-mesonpy venv:python3-venv ensurepip:python3-venv; do
  "$py" -c "import ${m%%:*}" 2>/dev/null || { echo "pip_install_test: $py lacks ${m%%:*} (Debian: ${m##*:})"; exit 1; }
done
command -v patchelf >/dev/null || { echo "pip_install_test: patchelf missing (Debian: patchelf; meson-python needs it)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
tar -C "$root" --exclude='./build*' --exclude='./.git' --exclude='./.mesonpy*' --exclude='./.venv' -cf - . | tar -C "$work/src" -xf -
"$py" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --no-build-isolation --no-index "$work/src" > "$work/pip.log" 2>&1 ||
  { tail -40 "$work/pip.log"; echo "pip_install_test: pip install failed"; exit 1; }

cd "$work"
"$work/venv/bin/python" - "$work/venv" "$version" <<'PY'
import os, sys
venv, version = sys.argv[1], sys.argv[2]
import entcode
import entcode.compressai as cai
pkg = os.path.dirname(os.path.realpath(entcode.__file__))
assert pkg.startswith(os.path.realpath(venv)), f"entcode imported from {pkg}, not the venv"
assert entcode.__version__ == version, (entcode.__version__, version)
for name in ("py.typed", "__init__.pyi", "compressai.pyi"):
    assert os.path.exists(os.path.join(pkg, name)), f"{name} not installed in {pkg}"
cdfs = [[0, 20000, 50000, 65535, 65536]]
symbols = [0, 1, 2, 1, 0, -3, 7, 2, 0, 40000]
indexes = [0] * len(symbols)
stream = cai.RansEncoder().encode_with_indexes(symbols, indexes, cdfs, [5], [0])
assert isinstance(stream, bytes) and len(stream) > 0
assert cai.RansDecoder().decode_with_indexes(stream, indexes, cdfs, [5], [0]) == symbols
print(f"pip_install_test: entcode {entcode.__version__} from {pkg}: import, stubs and a round trip ok")
PY
