// The standard descriptors a command needs before it opens a database.
#ifndef CUSTDB_TOOLS_STD_STREAMS_H_
#define CUSTDB_TOOLS_STD_STREAMS_H_

namespace custdb {
namespace tools {

// Makes sure descriptors 0, 1 and 2 are open before anything else opens a
// file. A program started with one of them closed (`>&-`, as cron and some
// daemons run things) would otherwise hand that number to the next file it
// opens, and RocksDB's info LOG would receive everything written to "stdout".
//
// Every closed descriptor among 0..2 is reopened on /dev/null, so no later
// file can take it. A closed stdin is harmless and the program goes on; a
// closed stdout or stderr means the caller cannot see results or errors, so
// this returns false (after saying so on stderr when stderr is open) and
// the program must exit with kExitFailure before opening a database.
bool EnsureStandardStreams();

// True once everything written to std::cout has reached the descriptor:
// flushes it and reports whether any write failed (a full disk, /dev/full,
// a closed pipe). Commands print results through std::cout, so main checks
// this before it reports success.
bool StandardOutputWritten();

}  // namespace tools
}  // namespace custdb

#endif  // CUSTDB_TOOLS_STD_STREAMS_H_
