// Frames: aligned storage, the length prefix, verification and error
// responses.
#include "protocol/frame.h"

#include <cstring>
#include <string>

namespace custdb {
namespace protocol {

Frame::Frame(size_t size) : words_(new uint64_t[(size + 7) / 8]), size_(size) {}

Frame Frame::FromBuilder(const flatbuffers::FlatBufferBuilder& builder) {
  Frame frame(builder.GetSize());
  std::memcpy(frame.data(), builder.GetBufferPointer(), builder.GetSize());
  return frame;
}

uint32_t PayloadLength(const uint8_t* prefix) {
  return static_cast<uint32_t>(prefix[0]) |
         static_cast<uint32_t>(prefix[1]) << 8 |
         static_cast<uint32_t>(prefix[2]) << 16 |
         static_cast<uint32_t>(prefix[3]) << 24;
}

namespace {

template <typename Root>
Result<const Root*> VerifyFrame(const Frame& frame, const char* what) {
  if (frame.size() < kPrefixBytes + 8) {
    return Status::InvalidArgument(std::string(what) + " frame of " +
                                   std::to_string(frame.size()) +
                                   " bytes is too short");
  }
  uint32_t length = PayloadLength(frame.data());
  if (length != frame.size() - kPrefixBytes) {
    return Status::InvalidArgument(
        std::string(what) + " frame length " + std::to_string(length) +
        " does not match its " + std::to_string(frame.size() - kPrefixBytes) +
        " payload bytes");
  }
  if (!flatbuffers::BufferHasIdentifier(frame.data(), wire::RequestIdentifier(),
                                        /*size_prefixed=*/true)) {
    return Status::InvalidArgument(std::string(what) +
                                   " frame lacks the file identifier \"" +
                                   wire::RequestIdentifier() + "\"");
  }
  flatbuffers::Verifier verifier(frame.data(), frame.size());
  if (!verifier.VerifySizePrefixedBuffer<Root>(wire::RequestIdentifier())) {
    return Status::InvalidArgument(std::string(what) +
                                   " frame fails FlatBuffers verification");
  }
  return flatbuffers::GetSizePrefixedRoot<Root>(frame.data());
}

}  // namespace

Result<const wire::Request*> VerifyRequest(const Frame& frame) {
  return VerifyFrame<wire::Request>(frame, "request");
}

Result<const wire::Response*> VerifyResponse(const Frame& frame) {
  return VerifyFrame<wire::Response>(frame, "response");
}

void StampRequestId(Frame* request, uint64_t id) {
  auto* root =
      flatbuffers::GetMutableSizePrefixedRoot<wire::Request>(request->data());
  const_cast<wire::RequestHeader*>(root->header())->mutate_id(id);
}

Frame EncodeError(uint64_t id, const Status& status) {
  flatbuffers::FlatBufferBuilder builder(64 + status.message().size());
  wire::RequestHeader header(id);
  auto message = builder.CreateString(status.message());
  wire::ResponseBuilder response(builder);
  response.add_header(&header);
  response.add_code(static_cast<uint8_t>(status.code()));
  response.add_message(message);
  builder.FinishSizePrefixed(response.Finish(), wire::RequestIdentifier());
  return Frame::FromBuilder(builder);
}

}  // namespace protocol
}  // namespace custdb
