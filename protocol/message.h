// Finishing request and response frames: the one place the Request and
// Response roots are built for the Store operations (session.cc keeps its
// own for the session messages).
#ifndef CUSTDB_PROTOCOL_MESSAGE_H_
#define CUSTDB_PROTOCOL_MESSAGE_H_

#include <cstdint>

#include "protocol/frame.h"

namespace custdb {
namespace protocol {

// A request for operation `type` with id 0 (the transport stamps it).
template <typename Op>
Frame FinishRequest(flatbuffers::FlatBufferBuilder& builder, wire::Op type,
                    flatbuffers::Offset<Op> op) {
  wire::RequestHeader header(0);
  wire::RequestBuilder request(builder);
  request.add_header(&header);
  request.add_op_type(type);
  request.add_op(op.Union());
  builder.FinishSizePrefixed(request.Finish(), wire::RequestIdentifier());
  return Frame::FromBuilder(builder);
}

// An ok response to request `id` carrying `result` as member `type`.
template <typename R>
Frame FinishResult(flatbuffers::FlatBufferBuilder& builder, uint64_t id,
                   wire::Result type, flatbuffers::Offset<R> result) {
  wire::RequestHeader header(id);
  wire::ResponseBuilder response(builder);
  response.add_header(&header);
  response.add_result_type(type);
  response.add_result(result.Union());
  builder.FinishSizePrefixed(response.Finish(), wire::RequestIdentifier());
  return Frame::FromBuilder(builder);
}

}  // namespace protocol
}  // namespace custdb

#endif  // CUSTDB_PROTOCOL_MESSAGE_H_
