// Internal to src/policy: a compact JSON Schema validator (drafts 4, 6 and
// 7) that behaves as gojsonschema does for json.verify_schema and
// json.match_schema: the same keyword checks, error types, field paths and
// message texts.
//
// Supported keywords: type, enum, const, $ref (to "#" and JSON pointers
// into the same document), allOf, anyOf, oneOf, not, if/then/else,
// dependencies, properties, patternProperties, additionalProperties,
// required, propertyNames, min/maxProperties, items, additionalItems,
// contains, min/maxItems, uniqueItems, min/maxLength, pattern, multipleOf,
// minimum, maximum, exclusiveMinimum, exclusiveMaximum (draft 4 booleans or
// draft 6 numbers). `format` is not checked; remote references are errors.
//
// A compiled JsonSchema is immutable and may be shared between threads.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "policy/value.h"

namespace sluice::policy::internal {

// One failed check, as gojsonschema's ResultError: type "invalid_type",
// field "id" or "(root)" (a dotted path below the root), and the
// description "Invalid type. Expected: integer, given: string".
struct SchemaError {
  std::string type;
  std::string field;
  std::string description;
};

class JsonSchema {
 public:
  // Fails with gojsonschema's message on a schema it would reject (an
  // unknown type name, a non-numeric bound, a bad pattern, a dangling $ref).
  static Result<JsonSchema> Compile(const Value& schema);

  // Empty when the document is valid.
  std::vector<SchemaError> Validate(const Value& document) const;

 private:
  Value root_;
};

}  // namespace sluice::policy::internal
