#include "policy/graphql.h"

#include <gtest/gtest.h>

#include "policy/graphql_rules.h"
#include "policy/value_json.h"

namespace sluice::policy::graphql {
namespace {

std::string ParseQueryError(std::string_view src) {
  QueryDocument doc;
  auto err = ParseQuery(src, doc);
  if (!err) return "ok";
  return err->message + " @" + std::to_string(err->pos.line) + ":" + std::to_string(err->pos.column);
}

std::string ParseSchemaError(std::string_view src) {
  SchemaDocument doc;
  auto err = ParseSchema(src, doc);
  if (!err) return "ok";
  return err->message + " @" + std::to_string(err->pos.line) + ":" + std::to_string(err->pos.column);
}

std::string SchemaError(std::string_view src) {
  SchemaDocument doc;
  if (auto err = ParseSchema(src, doc)) return "parse: " + err->message;
  Schema schema;
  auto err = ValidateSchema(doc, schema);
  return err ? err->message : "ok";
}

std::string QueryError(std::string_view schema_src, std::string_view query_src) {
  SchemaDocument schema_doc;
  QueryDocument query;
  if (ParseSchema(schema_src, schema_doc) || ParseQuery(query_src, query)) return "parse error";
  Schema schema;
  if (auto err = ValidateSchema(schema_doc, schema)) return "schema: " + err->message;
  auto err = ValidateQuery(schema, query);
  return err ? err->message + " @" + std::to_string(err->pos.line) + ":" + std::to_string(err->pos.column) : "ok";
}

TEST(GraphqlTest, QuerySyntaxErrorsAsGqlparserReportsThem) {
  EXPECT_EQ(ParseQueryError("{"), "Expected Name, found <EOF> @1:2");
  EXPECT_EQ(ParseQueryError("notanoperation { a }"), "Unexpected Name \"notanoperation\" @1:1");
  EXPECT_EQ(ParseQueryError("query { a(x: ) }"), "Unexpected ) @1:14");
  EXPECT_EQ(ParseQueryError("{ a }\n{ b }"), "ok");
}

TEST(GraphqlTest, DeepNestingIsASyntaxErrorNotACrash) {
  // The selection set is one level, so the 500th bracket (column 507) is too deep.
  std::string deep = "{ f(a: " + std::string(100000, '[') + std::string(100000, ']') + ") }";
  EXPECT_EQ(ParseQueryError(deep), "Exceeded the maximum nesting depth of 500 @1:507");
  EXPECT_EQ(ParseQueryError("{ f(a: [[[1]]]) { g { h } } }"), "ok");
}

TEST(GraphqlTest, LexerErrorsSurfaceAsInvalidTokens) {
  // The lexer's own message is lost unless the parser consumes the token.
  EXPECT_EQ(ParseSchemaError("\"\"\"\r"), "Unexpected <Invalid> @2:1");
  EXPECT_EQ(ParseSchemaError("type T { f: Int } ?"), "Unexpected <Invalid> @1:19");
}

TEST(GraphqlTest, BlockStringsLoseCommonIndentation) {
  SchemaDocument doc;
  ASSERT_FALSE(ParseSchema("\"\"\"\n    first\n      second\n  \"\"\"\nscalar S", doc));
  ASSERT_EQ(doc.definitions.size(), 1u);
  EXPECT_EQ(doc.definitions[0].description, "first\n  second");
}

TEST(GraphqlTest, QueryValuesArePrunedLikeOpa) {
  QueryDocument doc;
  ASSERT_FALSE(ParseQuery("query Q($v: [Int!]) { f(a: $v, b: [1, \"s\"]) { g } }", doc));
  EXPECT_EQ(ToJson(QueryToValue(doc)),
            R"({"Operations":[{"Name":"Q","Operation":"query","SelectionSet":[{"Alias":"f","Arguments":[)"
            R"({"Name":"a","Value":{"ExpectedTypeHasDefault":false,"Kind":0,"Raw":"v"}},)"
            R"({"Name":"b","Value":{"Children":[{"Name":"","Value":{"ExpectedTypeHasDefault":false,"Kind":1,"Raw":"1"}},)"
            R"({"Name":"","Value":{"ExpectedTypeHasDefault":false,"Kind":3,"Raw":"s"}}],)"
            R"("ExpectedTypeHasDefault":false,"Kind":8,"Raw":""}}],"Name":"f","SelectionSet":[{"Alias":"g","Name":"g"}]}],)"
            R"("VariableDefinitions":[{"Type":{"Elem":{"NamedType":"Int","NonNull":true},"NamedType":"","NonNull":false},)"
            R"("Used":false,"Variable":"v"}]}]})");
}

TEST(GraphqlTest, SchemaValuesRoundTrip) {
  SchemaDocument doc;
  ASSERT_FALSE(ParseSchema("type Query { f(x: Int = 1): [String!] @deprecated }\nextend type Query { g: Int }",
                           doc));
  Value v = SchemaToValue(doc);
  SchemaDocument back;
  ASSERT_FALSE(SchemaFromValue(v, back));
  EXPECT_EQ(SchemaToValue(back), v);
}

TEST(GraphqlTest, DecodingRejectsWrongJsonTypes) {
  SchemaDocument doc;
  Result<Value> v = ParseJson(R"({"Definitions": [{"Name": 1}]})");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(SchemaFromValue(*v, doc).has_value());
}

TEST(GraphqlTest, SchemaValidation) {
  EXPECT_EQ(SchemaError("type Query { a: Int }"), "ok");
  EXPECT_EQ(SchemaError("extend type Query { a: Int }"), "ok");  // extends a type it creates
  EXPECT_EQ(SchemaError("type Query { a: Missing }"), "Undefined type Missing.");
  EXPECT_EQ(SchemaError("type A { a: Int }\ntype A { b: Int }"), "Cannot redeclare type A.");
  EXPECT_EQ(SchemaError("input I { a: Int }\ntype Query { a: I }"),
            "OBJECT Query: field must be one of SCALAR, OBJECT, INTERFACE, UNION, ENUM.");
  EXPECT_EQ(SchemaError("interface I { a: Int }\ntype T implements I { b: Int }"),
            "For T to implement I it must have a field called a.");
  EXPECT_EQ(SchemaError("union U = Int"), "UNION type \"Int\" must be OBJECT.");
  EXPECT_EQ(SchemaError("type Query { a: Int @skip(if: true) }"),
            "Directive skip is not applicable on FIELD_DEFINITION.");
}

constexpr std::string_view kSchema = R"(
  type Query { hero(episode: Episode!): Character  search(text: String): [Character] }
  enum Episode { NEWHOPE EMPIRE }
  type Character { name: String  friends: [Character] }
)";

TEST(GraphqlTest, QueryValidation) {
  EXPECT_EQ(QueryError(kSchema, "query($e: Episode!) { hero(episode: $e) { name } }"), "ok");
  EXPECT_EQ(QueryError(kSchema, "{ hero { name } }"),
            "Field \"hero\" argument \"episode\" of type \"Episode!\" is required, but it was not provided. @1:3");
  EXPECT_EQ(QueryError(kSchema, "{ search { nope } }"),
            "Cannot query field \"nope\" on type \"Character\". Did you mean \"name\"? @1:12");
  EXPECT_EQ(QueryError(kSchema, "{ search { xyz } }"), "Cannot query field \"xyz\" on type \"Character\". @1:12");
  EXPECT_EQ(QueryError(kSchema, "{ search }"),
            "Field \"search\" of type \"[Character]\" must have a selection of subfields. "
            "Did you mean \"search { ... }\"? @1:3");
  EXPECT_EQ(QueryError(kSchema, "query Q($x: String) { search { name } }"),
            "Variable \"$x\" is never used in operation \"Q\". @1:9");
  EXPECT_EQ(QueryError(kSchema, "{ search(text: $t) { name } }"), "Variable \"$t\" is not defined. @1:16");
  // A variable used only inside a spread fragment counts as used.
  EXPECT_EQ(QueryError(kSchema,
                       "query Q($f: Boolean!) { ...F }\nfragment F on Query { search { name @include(if: $f) } }"),
            "ok");
  EXPECT_EQ(QueryError(kSchema, "{ search { name } }\nfragment F on Query { search { name } }"),
            "Fragment \"F\" is never used. @2:1");
  EXPECT_EQ(QueryError(kSchema, "mutation { x }"), "Schema does not support operation type \"mutation\" @1:1");
}

TEST(GraphqlTest, ValueRules) {
  EXPECT_EQ(QueryError(kSchema, "{ hero(episode: JEDI) { name } }"),
            "Value \"JEDI\" does not exist in \"Episode!\" enum. @1:17");
  EXPECT_EQ(QueryError(kSchema, "{ hero(episode: empire) { name } }"),
            "Value \"empire\" does not exist in \"Episode!\" enum. Did you mean the enum value \"EMPIRE\"? @1:17");
  // gqlparser places a string token after its opening quote.
  EXPECT_EQ(QueryError(kSchema, "{ hero(episode: \"EMPIRE\") { name } }"),
            "Enum \"Episode!\" cannot represent non-enum value: \"EMPIRE\". "
            "Did you mean the enum value \"EMPIRE\"? @1:18");
  EXPECT_EQ(QueryError(kSchema, "{ search(text: 3) { name } }"),
            "String cannot represent a non string value: 3 @1:16");
  EXPECT_EQ(QueryError(kSchema, "query($e: Episode) { hero(episode: $e) { name } }"),
            "Variable \"$e\" of type \"Episode\" used in position expecting type \"Episode!\". @1:36");
  // A default value makes a nullable variable acceptable.
  EXPECT_EQ(QueryError(kSchema, "query($e: Episode = EMPIRE) { hero(episode: $e) { name } }"), "ok");
}

TEST(GraphqlTest, SubscriptionsSelectOneField) {
  constexpr std::string_view kSubs = "type Query { a: Int }\ntype Subscription { x: Int  y: Int }";
  EXPECT_EQ(QueryError(kSubs, "subscription S { x }"), "ok");
  EXPECT_EQ(QueryError(kSubs, "subscription S { x ...F }\nfragment F on Subscription { y }"),
            "Subscription \"S\" must select only one top level field. @2:30");
  EXPECT_EQ(QueryError(kSubs, "subscription { __typename }"),
            "Anonymous Subscription must not select an introspection top level field. @1:16");
}

TEST(GraphqlTest, OverlappingFields) {
  EXPECT_EQ(QueryError(kSchema, "{ search { a: name a: friends { name } } }"),
            "Fields \"a\" conflict because \"name\" and \"friends\" are different fields. "
            "Use different aliases on the fields to fetch both if this was intentional. @1:20");
  EXPECT_EQ(QueryError(kSchema, "{ search(text: \"x\") { name } search(text: \"y\") { name } }"),
            "Fields \"search\" conflict because they have differing arguments. "
            "Use different aliases on the fields to fetch both if this was intentional. @1:30");
  EXPECT_EQ(QueryError(kSchema, "{ search { friends { n: name } friends { n: __typename } } }"),
            "Fields \"friends\" conflict because subfields \"n\" conflict because \"name\" and \"__typename\" "
            "are different fields. Use different aliases on the fields to fetch both if this was intentional. @1:32");
  EXPECT_EQ(QueryError(kSchema, "{ search { name ...F } }\nfragment F on Character { name }"), "ok");
}

TEST(GraphqlTest, SuggestionsListTheClosestFirst) {
  EXPECT_EQ(internal::SuggestionList("nme", {"friends", "name", "names", "NME"}),
            (std::vector<std::string>{"name", "NME", "names"}));  // ties keep their order
  EXPECT_EQ(internal::QuotedOrList({"a", "b"}), "\"a\" or \"b\"");
  EXPECT_EQ(internal::QuotedOrList({"a", "b", "c"}, false), "a, b, or c");
}

TEST(GraphqlTest, FragmentRules) {
  EXPECT_EQ(QueryError(kSchema, "{ ...A }\nfragment A on Query { ...B }\nfragment B on Query { ...A }"),
            "Cannot spread fragment \"A\" within itself via \"B\". @3:26");
  EXPECT_EQ(QueryError(kSchema, "{ search { ... on Query { __typename } } }"),
            "Fragment cannot be spread here as objects of type \"Character\" can never be of type \"Query\". @1:16");
  EXPECT_EQ(QueryError(kSchema, "{ search { name @skip(if: true) @skip(if: false) } }"),
            "The directive \"@skip\" can only be used once at this location. @1:34");
}

}  // namespace
}  // namespace sluice::policy::graphql
