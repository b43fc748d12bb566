#!/usr/bin/env bash
# scripts/check-format passes on formatted C++ and fails, naming the file,
# on a copy of the same code laid out otherwise. It checks the script on a
# scratch tree, not this tree's formatting (scripts/run-tests does that).
# Exits 77 (ctest: skipped) where clang-format is not installed.
set -euo pipefail
root=$1
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$root/.clang-format" "$work/"
mkdir -p "$work/engine/src" "$work/tools"
printf '// Formatted.\nint Add(int a, int b) { return a + b; }\n' >"$work/engine/src/good.cc"
cp "$work/engine/src/good.cc" "$work/tools/good.h"
out=$(bash "$root/scripts/check-format" "$work" 2>&1) || { echo "FAIL: formatted code refused: $out"; exit 1; }
printf '// Not formatted.\nint  Add(int a,int b){return a+b;}\n' >"$work/tools/bad.cc"
if out=$(bash "$root/scripts/check-format" "$work" 2>&1); then
  echo "FAIL: tools/bad.cc passed"; exit 1
fi
grep -qx "  tools/bad.cc" <<<"$out" || { echo "FAIL: tools/bad.cc not named: $out"; exit 1; }
if grep -q "good" <<<"$out"; then echo "FAIL: formatted files named: $out"; exit 1; fi
echo "check-format catches the misformatted file and only it"
