// Frames on the wire (docs/PROTOCOL.md, "Framing"): a 4-byte little-endian
// payload length, then one FlatBuffer (schema/protocol.fbs) holding a
// Request or a Response, with the file identifier "CDB1".
#ifndef CUSTDB_PROTOCOL_FRAME_H_
#define CUSTDB_PROTOCOL_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "custdb/status.h"
#include "custdb_schema/protocol_generated.h"

namespace custdb {
namespace protocol {

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr size_t kPrefixBytes = 4;
// Largest payload a peer accepts, and the smaller limit before Hello.
inline constexpr uint32_t kDefaultMaxFrameBytes = 16u << 20;
inline constexpr uint32_t kMaxPreHelloFrameBytes = 64u << 10;

// One whole frame, prefix included, in 8-byte-aligned storage: the
// FlatBuffers verifier checks the alignment of 64-bit fields, so prefix and
// payload stay together in memory aligned as the builder wrote them.
class Frame {
 public:
  Frame() = default;
  // `size` bytes (prefix included), uninitialised: a reader fills them.
  explicit Frame(size_t size);
  // The finished, size-prefixed buffer of `builder`.
  static Frame FromBuilder(const flatbuffers::FlatBufferBuilder& builder);

  uint8_t* data() { return reinterpret_cast<uint8_t*>(words_.get()); }
  const uint8_t* data() const {
    return reinterpret_cast<const uint8_t*>(words_.get());
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  std::unique_ptr<uint64_t[]> words_;
  size_t size_ = 0;
};

// The payload length a 4-byte prefix announces.
uint32_t PayloadLength(const uint8_t* prefix);

// Verify a whole received frame and return its root. kInvalidArgument
// naming what is wrong (length, identifier, verifier) otherwise; the frame
// must outlive the pointer.
Result<const wire::Request*> VerifyRequest(const Frame& frame);
Result<const wire::Response*> VerifyResponse(const Frame& frame);

// Writes `id` into an encoded request (RequestHeader is a struct, stored
// inline, so this needs no rebuild).
void StampRequestId(Frame* request, uint64_t id);

// A response carrying only `status` (not ok) for request `id`.
Frame EncodeError(uint64_t id, const Status& status);

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_FRAME_H_
