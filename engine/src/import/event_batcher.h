// EventBatcher: groups events into Engine::ApplyBatch calls and hands
// each event's status back with the caller's note about its row.
#ifndef CUSTDB_IMPORT_EVENT_BATCHER_H_
#define CUSTDB_IMPORT_EVENT_BATCHER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "custdb/engine.h"
#include "custdb/import.h"
#include "custdb/status.h"

namespace custdb {
namespace import {

// Batch sizes an import accepts (ImportOptions::batch_size).
inline constexpr size_t kMaxBatchSize = 100000;

// kInvalidArgument unless 1 <= batch_size <= kMaxBatchSize.
inline Status CheckBatchSize(size_t batch_size) {
  if (batch_size >= 1 && batch_size <= kMaxBatchSize) return Status::OK();
  return Status::InvalidArgument(
      IsOutside("import.batch_size", batch_size, 1, kMaxBatchSize));
}

// Whether the caller asked the import to stop (ImportOptions::stop).
inline bool StopRequested(const ImportOptions& options) {
  return options.stop != nullptr &&
         options.stop->load(std::memory_order_relaxed);
}

// The status an import returns when it stopped on request.
inline Status Interrupted() {
  return Status::Cancelled(
      "import: interrupted; run the same import again to finish it");
}

// Batches go through the WAL: a batch is one WriteBatch over every column
// family it touches, so replaying the log after a crash restores whole
// batches only. Without the WAL each column family kept what its own
// flushes had reached, and a crash left them at different points (see
// docs/DESIGN-NOTES.md, "Durability of bulk import").
template <typename Note>
class EventBatcher {
 public:
  // Called once per event after its batch is written, in event order;
  // when the commit fails, with the commit's status for every event. The
  // event is the one queued, so that a rejected event can be compared with
  // what is stored.
  using OnResult = std::function<void(const Note& note, const Event& event,
                                      const Status& status)>;

  EventBatcher(Engine* engine, size_t batch_size, OnResult on_result)
      : engine_(engine), batch_size_(batch_size), on_result_(on_result) {}

  // Queues `event`; writes the batch when it is full. Returns non-ok only
  // if a batch could not be committed (nothing of it was written); the
  // caller should stop then.
  Status Add(Event event, Note note) {
    events_.push_back(std::move(event));
    notes_.push_back(std::move(note));
    return events_.size() >= batch_size_ ? Write() : Status::OK();
  }

  // Writes the queued events.
  Status Write() {
    if (events_.empty()) return Status::OK();
    std::vector<Status> statuses;
    Status committed = engine_->ApplyBatch(events_, &statuses);
    if (committed.ok() && statuses.size() != events_.size()) {
      committed = Status::Internal(
          "ApplyBatch returned " + std::to_string(statuses.size()) +
          " statuses for " + std::to_string(events_.size()) + " events");
    }
    if (committed.ok()) written_ += events_.size();
    for (size_t i = 0; i < notes_.size(); ++i) {
      on_result_(notes_[i], events_[i],
                 committed.ok() ? statuses[i] : committed);
    }
    events_.clear();
    notes_.clear();
    return committed;
  }

  // Events written so far.
  size_t written() const { return written_; }

 private:
  Engine* engine_;
  size_t batch_size_;
  OnResult on_result_;
  std::vector<Event> events_;
  std::vector<Note> notes_;
  size_t written_ = 0;
};

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_EVENT_BATCHER_H_
