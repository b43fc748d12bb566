// FileSource on zlib's gz* functions.
#include "import/file_source.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <utility>

namespace custdb {
namespace import {
namespace {

gzFile AsGz(void* file) { return static_cast<gzFile>(file); }

}  // namespace

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return Status::IOError(path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::IOError(path + ": is a directory, not a file");
  }
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Status::IOError(path + ": cannot open: " +
                           (errno != 0 ? std::strerror(errno) : "zlib error"));
  }
  gzbuffer(file, 1u << 18);
  return std::unique_ptr<FileSource>(
      new FileSource(path, file, static_cast<uint64_t>(st.st_size)));
}

FileSource::~FileSource() { gzclose(AsGz(file_)); }

ByteSource FileSource::Bytes() {
  return [this](char* buf, size_t capacity) -> Result<size_t> {
    const unsigned want =
        static_cast<unsigned>(capacity < INT_MAX ? capacity : INT_MAX);
    const int n = gzread(AsGz(file_), buf, want);
    if (n < 0) {
      int errnum = 0;
      const char* message = gzerror(AsGz(file_), &errnum);
      std::string why = errnum == Z_ERRNO ? std::strerror(errno) : message;
      return Status::IOError(path_ + ": read failed: " + why);
    }
    if (n == 0) {
      // gzread reports a truncated gzip stream only through gzerror.
      int errnum = 0;
      const char* message = gzerror(AsGz(file_), &errnum);
      if (errnum != Z_OK) {
        return Status::IOError(path_ + ": read failed: " + message);
      }
    }
    return static_cast<size_t>(n);
  };
}

uint64_t FileSource::bytes_read() const {
  const z_off_t offset = gzoffset(AsGz(file_));
  return offset < 0 ? 0 : static_cast<uint64_t>(offset);
}

}  // namespace import
}  // namespace custdb
