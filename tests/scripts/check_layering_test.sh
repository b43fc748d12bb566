#!/usr/bin/env bash
# scripts/check-layering passes on the tree and fails, naming the file and
# the include, on a copy with a wrong-way include in each layer; and fails,
# naming the file, on a copy where a file outside the allowed ones names
# RocksDB.
set -euo pipefail
src=$1/engine/src
check=$1/scripts/check-layering
bash "$check" "$src" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for case in "storage/keys.cc query/cursor.h" "api/status.cc storage/keys.h" \
            "tiering/derive.cc write/write_txn.h" "write/write_txn.cc query/cursor.h" \
            "verify/verify.cc engine_impl.h" "import/csv_reader.cc storage/keys.h"; do
  set -- $case
  rm -rf "$work/src" && cp -r "$src" "$work/src"
  sed -i "1a #include \"$2\"" "$work/src/$1"
  if out=$(bash "$check" "$work/src" 2>&1); then
    echo "FAIL: $1 including $2 passed"; exit 1
  fi
  grep -qF "$1 includes \"$2\"" <<<"$out" || { echo "FAIL: $out"; exit 1; }
done
for case in "customer_reads.cc rocksdb::ReadOptions ro;" \
            "query/churn_watch.cc #include <rocksdb/db.h>" \
            "write/merge_erase.cc rocksdb::Status s;" \
            "tiering/rescorer.cc namespace rocksdb { class DB; }"; do
  file=${case%% *} line=${case#* }
  rm -rf "$work/src" && cp -r "$src" "$work/src"
  printf '%s\n' "$line" >>"$work/src/$file"
  if out=$(bash "$check" "$work/src" 2>&1); then
    echo "FAIL: $file naming RocksDB passed"; exit 1
  fi
  grep -qF "check-layering: $file:" <<<"$out" || { echo "FAIL: $out"; exit 1; }
  grep -qF "may use RocksDB" <<<"$out" || { echo "FAIL: $out"; exit 1; }
done
# The allowed files may.
rm -rf "$work/src" && cp -r "$src" "$work/src"
for file in storage/keys.cc write/write_txn.h query/index_scan.cc \
            customer_cache.h; do
  printf '%s\n' "// rocksdb::Slice" >>"$work/src/$file"
done
bash "$check" "$work/src" >/dev/null
echo "check-layering catches every wrong-way include and RocksDB use tried"
