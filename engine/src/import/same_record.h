// Whether a row an import read is the record already stored under its id
// (a re-import: skipped as a duplicate) or a different record colliding
// with that id (a failure). Only the fields a record keeps for life are
// compared: an order's status and refunds, an interaction's resolution
// (when the row gives none) and a customer's contact and profile fields
// change after the import through the API.
#ifndef CUSTDB_IMPORT_SAME_RECORD_H_
#define CUSTDB_IMPORT_SAME_RECORD_H_

#include <cstdint>
#include <string>

#include "custdb/types.h"

namespace custdb {
namespace import {

// The first field in which `row` and `stored` differ, as
// "amount_minor: 3000 stored, 2500 in the row"; empty if none does.
// `row_owner` is the stored owner of the row's customer (merges move
// records to the survivor); `base_currency` stands for an empty currency.
std::string OrderDifference(const Order& row, uint64_t row_owner,
                            const Order& stored,
                            const std::string& base_currency);
std::string InteractionDifference(const Interaction& row, uint64_t row_owner,
                                  const Interaction& stored);

// The kAlreadyExists failure for a row colliding with a stored record:
// "<field>: <id> is already stored with different content (<difference>)".
Status Collision(const std::string& field, uint64_t id,
                 const std::string& difference);

}  // namespace import
}  // namespace custdb

#endif  // CUSTDB_IMPORT_SAME_RECORD_H_
