// FileSource: the bytes of a plain or gzip-compressed file, through zlib.
#ifndef CUSTDB_IMPORT_FILE_SOURCE_H_
#define CUSTDB_IMPORT_FILE_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "custdb/status.h"
#include "import/csv_reader.h"

namespace custdb {
namespace import {

// zlib's gzread reads gzip files and passes plain files through, so one
// reader serves both. Not thread-safe.
class FileSource {
 public:
  // kIOError naming `path` if it cannot be opened.
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path);
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  // A ByteSource reading this file; valid while the FileSource lives.
  // Read errors (e.g. a truncated .gz) are kIOError naming the file.
  ByteSource Bytes();

  // Bytes of the file consumed so far and its size, for progress.
  uint64_t bytes_read() const;
  uint64_t bytes_total() const { return bytes_total_; }

 private:
  FileSource(std::string path, void* file, uint64_t bytes_total)
      : path_(std::move(path)), file_(file), bytes_total_(bytes_total) {}

  std::string path_;
  void* file_;  // gzFile; kept opaque so zlib.h stays out of this header
  uint64_t bytes_total_;
};

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_FILE_SOURCE_H_
