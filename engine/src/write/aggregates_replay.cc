// AggregatesReplay: the write path's aggregate rules fed from histories.
#include "write/aggregates_replay.h"

#include "tiering/aggregate_rules.h"

namespace custdb {

void AggregatesReplay::FeedOrder(const Order& order) {
  if (!status_.ok()) return;
  status_ = AddOrder(order, &aggregates_);
}

void AggregatesReplay::FeedInteraction(const Interaction& interaction) {
  AddInteraction(interaction, &aggregates_);
}

}  // namespace custdb
