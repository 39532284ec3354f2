// The schema definition language: gqlparser's parser/schema.go.
#include <array>
#include <algorithm>

#include "policy/graphql_parser.h"

namespace sluice::policy::graphql {
namespace internal {
namespace {

constexpr std::array<std::string_view, 19> kDirectiveLocations = {
    "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
    "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT", "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE", "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION"};

class SchemaParser : public Parser {
 public:
  using Parser::Parser;

  void Document(SchemaDocument& doc) {
    while (Peek().kind != Tok::kEof) {
      if (error()) return;
      std::string description;
      if (Peek().kind == Tok::kBlockString || Peek().kind == Tok::kString) {
        description = Next().value;
      }
      if (Peek().kind != Tok::kName) {
        Unexpected();
        return;
      }
      const std::string& word = Peek().value;
      if (word == "scalar" || word == "type" || word == "interface" || word == "union" ||
          word == "enum" || word == "input") {
        doc.definitions.push_back(TypeDefinition(std::move(description), false));
      } else if (word == "schema") {
        doc.schema.push_back(Schema(std::move(description), false));
      } else if (word == "directive") {
        doc.directives.push_back(DirectiveDef(std::move(description)));
      } else if (word == "extend") {
        if (!description.empty()) Unexpected(Prev());
        Extension(doc);
      } else {
        Unexpected();
        return;
      }
    }
  }

 private:
  void Extension(SchemaDocument& doc) {
    ExpectKeyword("extend");
    const std::string& word = Peek().value;
    if (word == "schema") {
      doc.schema_extension.push_back(Schema("", true));
    } else if (word == "scalar" || word == "type" || word == "interface" || word == "union" ||
               word == "enum" || word == "input") {
      doc.extensions.push_back(TypeDefinition("", true));
    } else {
      Unexpected();
    }
  }

  SchemaDefinition Schema(std::string description, bool extension) {
    ExpectKeyword("schema");
    SchemaDefinition def;
    def.pos = PeekPos();
    def.description = std::move(description);
    def.directives = ParseDirectives(true);
    Some(Tok::kBraceL, Tok::kBraceR, [&] {
      OperationTypeDefinition op;
      op.pos = PeekPos();
      op.operation = ParseOperationType();
      Expect(Tok::kColon);
      op.type = ParseName();
      def.operation_types.push_back(std::move(op));
    });
    if (extension && def.directives.empty() && def.operation_types.empty()) Unexpected();
    return def;
  }

  // A type definition, or with `extension` a type extension (no
  // description, and something must be added).
  Definition TypeDefinition(std::string description, bool extension) {
    std::string keyword = Next().value;
    Definition def;
    def.pos = PeekPos();
    def.description = std::move(description);
    def.name = ParseName();
    bool added = false;
    if (keyword == "scalar") {
      def.kind = "SCALAR";
      def.directives = ParseDirectives(true);
      added = !def.directives.empty();
    } else if (keyword == "type" || keyword == "interface") {
      def.kind = keyword == "type" ? "OBJECT" : "INTERFACE";
      // gqlparser reads no `implements` on interface extensions.
      if (!(extension && keyword == "interface")) def.interfaces = ImplementsInterfaces();
      def.directives = ParseDirectives(true);
      def.fields = Fields(false);
      added = !def.interfaces.empty() || !def.directives.empty() || !def.fields.empty();
    } else if (keyword == "union") {
      def.kind = "UNION";
      def.directives = ParseDirectives(true);
      if (Skip(Tok::kEquals)) {
        Skip(Tok::kPipe);
        def.types.push_back(ParseName());
        while (Skip(Tok::kPipe) && !error()) def.types.push_back(ParseName());
      }
      added = !def.directives.empty() || !def.types.empty();
    } else if (keyword == "enum") {
      def.kind = "ENUM";
      def.directives = ParseDirectives(true);
      Some(Tok::kBraceL, Tok::kBraceR, [&] {
        EnumValueDefinition value;
        value.pos = PeekPos();
        value.description = Description();
        value.name = ParseName();
        value.directives = ParseDirectives(true);
        def.enum_values.push_back(std::move(value));
      });
      added = !def.directives.empty() || !def.enum_values.empty();
    } else {
      def.kind = "INPUT_OBJECT";
      def.directives = ParseDirectives(!extension);
      def.fields = Fields(true);
      added = !def.directives.empty() || !def.fields.empty();
    }
    if (extension && !added) Unexpected();
    return def;
  }

  std::string Description() {
    if (Peek().kind != Tok::kBlockString && Peek().kind != Tok::kString) return "";
    return Next().value;
  }

  std::vector<std::string> ImplementsInterfaces() {
    std::vector<std::string> types;
    if (Peek().value != "implements") return types;
    Next();
    Skip(Tok::kAmp);
    types.push_back(ParseName());
    while (Skip(Tok::kAmp) && !error()) types.push_back(ParseName());
    return types;
  }

  // Fields of an object or interface, or (`input`) input fields.
  std::vector<FieldDefinition> Fields(bool input) {
    std::vector<FieldDefinition> fields;
    Some(Tok::kBraceL, Tok::kBraceR, [&] {
      FieldDefinition field;
      field.pos = PeekPos();
      field.description = Description();
      field.name = ParseName();
      if (!input) field.arguments = ArgumentDefs();
      Expect(Tok::kColon);
      field.type = ParseTypeReference();
      if (input && Skip(Tok::kEquals)) field.default_value = ParseValueLiteral(true);
      field.directives = ParseDirectives(true);
      fields.push_back(std::move(field));
    });
    return fields;
  }

  std::vector<ArgumentDefinition> ArgumentDefs() {
    std::vector<ArgumentDefinition> args;
    Some(Tok::kParenL, Tok::kParenR, [&] {
      ArgumentDefinition arg;
      arg.pos = PeekPos();
      arg.description = Description();
      arg.name = ParseName();
      Expect(Tok::kColon);
      arg.type = ParseTypeReference();
      if (Skip(Tok::kEquals)) arg.default_value = ParseValueLiteral(true);
      arg.directives = ParseDirectives(true);
      args.push_back(std::move(arg));
    });
    return args;
  }

  DirectiveDefinition DirectiveDef(std::string description) {
    ExpectKeyword("directive");
    Expect(Tok::kAt);
    DirectiveDefinition def;
    def.pos = PeekPos();
    def.description = std::move(description);
    def.name = ParseName();
    def.arguments = ArgumentDefs();
    if (Peek().kind == Tok::kName && Peek().value == "repeatable") {
      def.is_repeatable = true;
      Skip(Tok::kName);
    }
    ExpectKeyword("on");
    Skip(Tok::kPipe);
    def.locations.push_back(DirectiveLocation());
    while (Skip(Tok::kPipe) && !error()) def.locations.push_back(DirectiveLocation());
    return def;
  }

  std::string DirectiveLocation() {
    Token name = Expect(Tok::kName);
    if (std::find(kDirectiveLocations.begin(), kDirectiveLocations.end(), name.value) !=
        kDirectiveLocations.end()) {
      return name.value;
    }
    Unexpected(name);
    return "";
  }
};

}  // namespace
}  // namespace internal

std::optional<Diagnostic> ParseSchema(std::string_view source, SchemaDocument& out) {
  internal::SchemaParser parser(source);
  out = SchemaDocument{};
  parser.Document(out);
  return parser.error();
}

}  // namespace sluice::policy::graphql
