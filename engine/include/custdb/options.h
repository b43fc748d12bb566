// Options for opening a custdb database: plain values, each with its
// default and meaning.
#ifndef CUSTDB_OPTIONS_H_
#define CUSTDB_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace custdb {

struct Options {
  // Directory of the database. Required.
  std::string path;

  // Create the database if `path` holds none. An existing directory that is
  // not empty and holds no custdb database is never taken over.
  bool create_if_missing = true;

  // Fail with kAlreadyExists if a database already exists at `path`.
  bool error_if_exists = false;

  // Open an existing database for reading only, e.g. a backup or snapshot
  // on a read-only file system. Nothing in `path` is created, written or
  // renamed: RocksDB opens it with DB::OpenForReadOnly (no lock file, no
  // LOG: its info log goes nowhere) and the engine neither migrates nor
  // writes meta. Every write (events, channels, policy, rescore, merge,
  // erase, Flush, CompactAll) fails with kFailedPrecondition "database is
  // open read-only". Open fails with kNotFound when `path` holds no
  // database (create_if_missing is ignored), and with kFailedPrecondition
  // when the database needs a write before it can be read: an older schema
  // to migrate, an unfinished creation or tier-index rebuild. Reads see the
  // database as it was when opened.
  bool read_only = false;

  // fsync the write-ahead log on every commit. Off (the default), a process
  // crash loses nothing acknowledged; a power loss may lose the last
  // moments.
  bool sync = false;

  // Size of the block cache shared by every column family.
  size_t block_cache_bytes = 256u << 20;

  // Size of the cache of decoded customers (profile + aggregates) that
  // every write and GetCustomer consult first; 0 disables it.
  size_t customer_cache_bytes = 128u << 20;

  // ISO 4217 code of the database's one currency, fixed at creation. Empty:
  // "USD" on creation, whatever is stored on open. Non-empty on open: must
  // equal the stored one (kInvalidArgument otherwise).
  std::string base_currency;

  // Milliseconds since the Unix epoch, UTC. Empty: the system clock. Tests
  // set it so that results are reproducible.
  std::function<int64_t()> clock_ms;
};

}  // namespace custdb

#endif  // CUSTDB_OPTIONS_H_
