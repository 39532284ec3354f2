// Internals of the Go text/template engine (go_template.h): the tokens
// (go_template_lex.cc), the parse tree (go_template_parse.cc), the runtime
// values and their Go formatting (go_template_values.cc, _printf.cc), the
// builtin functions (go_template_funcs.cc) and the executor
// (go_template_exec.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policy/value.h"

namespace sluice::policy::gotmpl {

// ---- Lexer (go_template_lex.cc) -------------------------------------------

// A lexing or parsing error at byte `pos` of the template; ParseTemplate
// turns it into Go's message.
struct ParseError {
  size_t pos;
  std::string message;
};

struct Token {
  enum class Kind { kField, kVariable, kDot, kIdent, kString, kRawString, kChar, kNumber, kLeftParen,
                    kRightParen, kPipe, kComma, kDeclare, kAssign, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  size_t pos = 0;
  bool spaced = false;  // whitespace before it
};

// A run of text, or an action: its tokens (ending with kEnd) and source.
struct Item {
  bool is_text = false;
  std::string text;  // text, or the action source between delimiters
  std::vector<Token> tokens;
  size_t pos = 0;
};

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The template's items, in order. Throws ParseError.
std::vector<Item> Lex(std::string_view source);
// Go's strconv.Unquote of a "..." or '...' literal at `pos`. Throws ParseError.
std::string Unquote(std::string_view quoted, size_t pos);

// ---- Parse tree -----------------------------------------------------------

struct Pipeline;

// One operand of a command.
struct Operand {
  enum class Kind { kDot, kField, kVariable, kNil, kBool, kNumber, kString, kFunction, kPipe };
  Kind kind = Kind::kDot;
  std::string name;                // kVariable ("$x"), kFunction, kString (decoded), kNumber (text)
  bool boolean = false;            // kBool
  std::vector<std::string> chain;  // field names after the operand (.a.b)
  std::shared_ptr<Pipeline> pipe;  // kPipe
  std::string text;                // the source text, for error messages
  size_t pos = 0;                  // its offset in the template
};

struct Command {
  std::vector<Operand> args;
  size_t pos = 0;
  std::string text;
};

struct Pipeline {
  std::vector<std::string> decl;  // variables declared ($x := ...) or assigned
  bool is_assign = false;         // `=` rather than `:=`
  std::vector<Command> cmds;
  size_t pos = 0;
};

struct Node {
  enum class Kind { kText, kAction, kIf, kRange, kWith, kBreak, kContinue, kTemplate };
  Kind kind = Kind::kText;
  std::string text;  // kText: the text; otherwise the action's source
  Pipeline pipe;     // kAction, kIf, kRange, kWith; kTemplate (no commands: nil dot)
  std::vector<Node> list, else_list;
  size_t pos = 0;
  std::string name;  // kTemplate: the template called
};

// A parsed template: its body and the templates it defines ({{define}},
// {{block}}; a later definition of a name replaces an earlier one). The
// body is also defined, as "template" (OPA's name for it).
struct Tree {
  std::map<std::string, std::vector<Node>> templates;
};
inline constexpr std::string_view kRootName = "template";

// Parses the template; errors are Go's parse messages with the
// "template: template:<line>: " prefix.
Result<Tree> ParseTemplate(std::string_view source);

// ---- Runtime values -------------------------------------------------------

// A Go value as text/template sees it (see go_template.h for the model).
struct TVal {
  enum class T { kMissing, kNil, kBool, kInt, kFloat, kString, kNumber, kArray, kMap };
  T t = T::kMissing;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // kString, kNumber (json.Number text)
  Value v;        // kArray (array or set), kMap (object)

  static TVal Missing() { return {}; }
  static TVal Nil() { return Make(T::kNil); }
  static TVal Bool(bool x) { TVal r = Make(T::kBool); r.b = x; return r; }
  static TVal Int(int64_t x) { TVal r = Make(T::kInt); r.i = x; return r; }
  static TVal Float(double x) { TVal r = Make(T::kFloat); r.f = x; return r; }
  static TVal Str(std::string x) { TVal r = Make(T::kString); r.s = std::move(x); return r; }
  static TVal Make(T t) { TVal r; r.t = t; return r; }
  // The JSON-decoded form of a Rego value.
  static TVal From(const Value& value);

  // Go's string kind (string and json.Number).
  bool IsStringKind() const { return t == T::kString || t == T::kNumber; }
  // Absent or nil: an invalid reflect.Value after unwrapping the interface.
  bool IsInvalid() const { return t == T::kMissing || t == T::kNil; }
};

// Elements of an array value, keys and values of a map value.
std::vector<TVal> Elements(const TVal& array);
std::vector<std::pair<std::string, TVal>> Entries(const TVal& map);

// The Go type name, as in error messages ("string", "json.Number",
// "[]interface {}", "map[string]interface {}").
std::string_view GoTypeName(const TVal& v);
// fmt.Sprint of one value (%v).
std::string FormatV(const TVal& v);
// Go's strconv.FormatFloat(f, 'g', -1, 64), which %v uses.
std::string FormatFloatG(double f);
// text/template's truth: false for false, 0, "", empty collections, nil.
bool Truth(const TVal& v);

// fmt.Sprint, fmt.Sprintln and fmt.Sprintf of template values.
std::string Sprint(std::span<const TVal> args);
std::string Sprintln(std::span<const TVal> args);
std::string Sprintf(std::string_view format, std::span<const TVal> args);

// ---- Functions ------------------------------------------------------------

// An execution error; the executor adds the location prefix.
struct ExecError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool IsFunction(std::string_view name);
// and / or are evaluated by the executor (they short-circuit); the rest here.
// Throws ExecError with Go's message ("error calling index: ...").
TVal CallFunction(std::string_view name, std::span<const TVal> args);

}  // namespace sluice::policy::gotmpl
