// Internal to src/policy: builds Values from elements the caller already
// holds in Rego order, skipping the sort (set algebra, the JSON reader).
// Passing unsorted or duplicated elements breaks every lookup on the result.
#pragma once

#include <cstdint>
#include <vector>

#include "policy/value.h"

namespace sluice::policy {

class ValueAccess {
 public:
  // An array (tag kArrayTag) or set (kSetTag) cell holding `elems` as given.
  static Value Sequence(uint8_t tag, std::vector<Value> elems);
  // `sorted_unique` ascending with no two equal elements.
  static Value SortedSet(std::vector<Value> sorted_unique);
  // Keys ascending with no two equal keys.
  static Value SortedObject(std::vector<ObjectEntry> sorted_unique);
};

}  // namespace sluice::policy
