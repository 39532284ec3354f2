#include <gtest/gtest.h>

#include <string>

#include "policy/json_schema.h"
#include "policy/value_json.h"

namespace sluice::policy::internal {
namespace {

// The errors of validating `doc` as "type field: description; ...".
std::string Validate(const std::string& schema, const std::string& doc) {
  Result<JsonSchema> s = JsonSchema::Compile(*ParseJson(schema));
  if (!s.ok()) return "compile: " + s.status().message();
  std::string out;
  for (const SchemaError& e : s->Validate(*ParseJson(doc))) {
    if (!out.empty()) out += "; ";
    out += e.type + " " + e.field + ": " + e.description;
  }
  return out;
}

TEST(JsonSchemaTest, TypesCountWholeNumbersAsIntegers) {
  const std::string schema = R"({"properties": {"id": {"type": "integer"}}, "required": ["id"]})";
  EXPECT_EQ(Validate(schema, R"({"id": 5.0})"), "");
  EXPECT_EQ(Validate(schema, R"({"id": "foo"})"),
            "invalid_type id: Invalid type. Expected: integer, given: string");
  EXPECT_EQ(Validate(schema, R"({})"), "required (root): id is required");
  EXPECT_EQ(Validate(R"({"type": ["string", "null"]})", "1.5"),
            "invalid_type (root): Invalid type. Expected: [string null], given: number");
}

TEST(JsonSchemaTest, UnknownTypeNameIsACompileError) {
  EXPECT_EQ(Validate(R"({"type": "unknown"})", "1"),
            "compile: has a primitive type that is NOT VALID -- given: /unknown/ Expected valid values "
            "are:[array boolean integer number null object string]");
  EXPECT_EQ(Validate(R"({"$ref": "#/definitions/missing"})", "1").substr(0, 8), "compile:");
}

TEST(JsonSchemaTest, NestedPathsRefsAndCombinators) {
  const std::string schema = R"({
    "definitions": {"small": {"type": "number", "maximum": 3}},
    "properties": {"xs": {"type": "array", "items": {"$ref": "#/definitions/small"}}},
    "additionalProperties": false
  })";
  EXPECT_EQ(Validate(schema, R"({"xs": [1, 4]})"), "number_lte xs.1: Must be less than or equal to 3");
  EXPECT_EQ(Validate(schema, R"({"y": 1})"),
            "additional_property_not_allowed (root): Additional property y is not allowed");
  EXPECT_EQ(Validate(R"({"enum": ["a", 1]})", R"("b")"),
            R"(enum (root): (root) must be one of the following: "a", 1)");
  EXPECT_EQ(Validate(R"({"not": {"type": "string"}})", R"("b")"),
            "number_not (root): Must not validate the schema (not)");
  EXPECT_EQ(Validate(R"({"exclusiveMinimum": 2})", "2"), "number_gt (root): Must be greater than 2");
}

}  // namespace
}  // namespace sluice::policy::internal
