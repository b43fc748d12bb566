// Page cursors: encoding, decoding and the check against their query.
#include "query/cursor.h"

namespace custdb {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string EncodeCursor(CursorKind kind, std::string_view position) {
  std::string raw(1, static_cast<char>(kind));
  raw.append(position);
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xf]);
  }
  return out;
}

bool DecodeCursor(std::string_view cursor, CursorKind kind,
                  std::string* position) {
  if (cursor.size() < 2 || cursor.size() % 2 != 0) return false;
  std::string raw;
  raw.reserve(cursor.size() / 2);
  for (size_t i = 0; i < cursor.size(); i += 2) {
    int hi = HexValue(cursor[i]), lo = HexValue(cursor[i + 1]);
    if (hi < 0 || lo < 0) return false;
    raw.push_back(static_cast<char>(hi << 4 | lo));
  }
  if (static_cast<uint8_t>(raw[0]) != static_cast<uint8_t>(kind)) return false;
  *position = raw.substr(1);
  return true;
}

}  // namespace custdb
