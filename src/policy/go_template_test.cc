#include "policy/go_template.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "policy/builtins.h"
#include "policy/value_json.h"

namespace sluice::policy {
namespace {

// The rendered text, or "error: <message>".
std::string Render(std::string_view tmpl, std::string_view json_data) {
  Result<Value> data = ParseJson(json_data);
  EXPECT_TRUE(data.ok());
  Result<std::string> out = RenderGoTemplate(tmpl, *data);
  return out.ok() ? *out : "error: " + out.status().message();
}

TEST(GoTemplateTest, FieldsPrintAsGoFormatsJsonDecodedValues) {
  EXPECT_EQ(Render("{{.a.b}} {{.n}} {{.f}}", R"({"a": {"b": "x"}, "n": 2023, "f": 1.50})"), "x 2023 1.50");
  EXPECT_EQ(Render("{{.l}} {{.m}} {{.z}}", R"({"l": [1, "a", null], "m": {"b": true, "a": [2]}, "z": null})"),
            "[1 a <nil>] map[a:[2] b:true] <no value>");
  EXPECT_EQ(Render("{{.missing}} {{.missing.deeper}}", "{}"), "<undefined> <undefined>");
}

TEST(GoTemplateTest, ControlStructuresAndVariables) {
  EXPECT_EQ(Render("{{range $i, $v := .l}}{{if $i}},{{end}}{{$i}}={{.}}{{end}}", R"({"l": ["a", "b"]})"),
            "0=a,1=b");
  EXPECT_EQ(Render("{{range $k, $v := .}}{{$k}}:{{$v}};{{end}}", R"({"b": 1, "a": 2})"), "a:2;b:1;");
  EXPECT_EQ(Render("{{range .l}}x{{else}}empty{{end}}", R"({"l": []})"), "empty");
  EXPECT_EQ(Render("{{range .l}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", R"({"l": ["a", "b", "c"]})"), "a");
  EXPECT_EQ(Render("{{if .x}}x{{else if .y}}y{{else}}z{{end}}", R"({"y": "1"})"), "y");
  EXPECT_EQ(Render("{{with .a}}{{.b}}{{end}}{{with .none}}no{{else}}else{{end}}", R"({"a": {"b": 1}})"), "1else");
  EXPECT_EQ(Render("{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}} {{$.a}}", R"({"a": "r"})"), "2 r");
  EXPECT_EQ(Render("{{define \"item\"}}<{{.}}>{{end}}{{range .l}}{{template \"item\" .}}{{end}}"
                   "{{block \"b\" .n}}[{{.}}]{{end}}{{template \"b\" 7}}",
                   R"({"l": ["a", "b"], "n": 1})"),
            "<a><b>[1][7]");
  EXPECT_EQ(Render("a  {{- /* note */ -}}  b {{- \" c\" }}", "{}"), "ab c");
}

TEST(GoTemplateTest, Functions) {
  EXPECT_EQ(Render("{{len .l}} {{index .l 1}} {{index .m \"k\"}} {{.s | len}}", R"({"l": [5, 6], "m": {"k": "v"}, "s": "abc"})"),
            "2 6 v 3");
  EXPECT_EQ(Render("{{and 1 0}} {{or 0 \"\" 3}} {{not .t}} {{eq .s \"abc\" \"x\"}} {{lt 1 2}} {{ge 1.5 2.5}}",
                   R"({"t": true, "s": "abc"})"),
            "0 3 false true true false");
  EXPECT_EQ(Render("{{printf \"%s-%d-%5.2f-%q-%v\" .s 42 3.14159 \"q\" .l}}", R"({"s": "x", "l": [1]})"),
            "x-42- 3.14-\"q\"-[1]");
  EXPECT_EQ(Render("{{printf \"%q %q %x\" 65 39 -255}}", "{}"), "'A' '\\'' -ff");
  EXPECT_EQ(Render("{{printf \"%d\" .s}} {{print 1 2 \"a\" 3}}", R"({"s": "x"})"), "%!d(string=x) 1 2a3");
  EXPECT_EQ(Render("{{slice .s 1 3}} {{slice .l 1}} {{slice .l 0 0}}", R"({"s": "abcd", "l": [1, 2, 3]})"),
            "bc [2 3] []");
  EXPECT_EQ(Render("{{html \"<a href='x'>\"}} {{urlquery \"a b&c\"}} {{js \"it's\"}}", "{}"),
            "&lt;a href=&#39;x&#39;&gt; a+b%26c it\\'s");
}

TEST(GoTemplateTest, ErrorsReadLikeGo) {
  EXPECT_EQ(Render("{{.a", "{}"), "error: template: template:1: unclosed action");
  EXPECT_EQ(Render("{{if .a}}", "{}"), "error: template: template:1: unexpected EOF");
  EXPECT_EQ(Render("x\n{{foo}}", "{}"), "error: template: template:2: function \"foo\" not defined");
  EXPECT_EQ(Render("{{$y}}", "{}"), "error: template: template:1: undefined variable \"$y\"");
  EXPECT_EQ(Render("{{end}}", "{}"), "error: template: template:1: unexpected {{end}}");
  EXPECT_EQ(Render("{{3 | 4}}", "{}"), "error: template: template:1: non executable command in pipeline stage 2");
  EXPECT_EQ(Render("{{range .s}}{{end}}", R"({"s": "str"})"),
            "error: template: template:1:8: executing \"template\" at <.s>: range can't iterate over str");
  EXPECT_EQ(Render("{{slice .l 2 1}}", R"({"l": [1, 2]})"),
            "error: template: template:1:2: executing \"template\" at <slice .l 2 1>: error calling slice: "
            "invalid slice index: 2 > 1");
  EXPECT_EQ(Render("{{template \"x\"}}", "{}"),
            "error: template: template:1:11: executing \"template\" at <{{template \"x\"}}>: template \"x\" not defined");
  EXPECT_EQ(Render("{{define \"r\"}}{{template \"r\"}}{{end}}{{template \"r\"}}", "{}"),
            "error: template: template:1:25: executing \"r\" at <{{template \"r\"}}>: "
            "exceeded maximum template depth (1000)");
  // JSON numbers are json.Number strings in Go, so comparing with an int fails.
  EXPECT_EQ(Render("{{eq .n 1}}", R"({"n": 1})"),
            "error: template: template:1:2: executing \"template\" at <eq .n 1>: error calling eq: "
            "incompatible types for comparison");
  EXPECT_EQ(Render("{{index .l 5}}", R"({"l": []})"),
            "error: template: template:1:2: executing \"template\" at <index .l 5>: error calling index: "
            "index out of range: 5");
  EXPECT_EQ(Render("{{.s.x}}", R"({"s": "str"})"),
            "error: template: template:1:2: executing \"template\" at <.s.x>: can't evaluate field x in type string");
}

// strings.render_template on a variables object: the output or the error.
std::string RenderBuiltin(const Value& vars) {
  const Builtin* b = DefaultBuiltins().Find("strings.render_template");
  EXPECT_NE(b, nullptr);
  std::vector<Value> args = {Value::String("{{.a}}"), vars};
  BuiltinOutcome out = b->fn(args);
  if (out.state == BuiltinOutcome::State::kError) return out.code + ": " + out.message;
  return out.state == BuiltinOutcome::State::kValue ? std::string(out.value.AsString()) : "undefined";
}

// OPA decodes the variables from their Rego text as JSON, which sets and
// non-string keys are not.
TEST(RenderTemplateBuiltinTest, VariablesMustDecodeAsJson) {
  Value two = Value::Set({Value::Int(1), Value::Int(2)});
  EXPECT_EQ(RenderBuiltin(Value::Object({{Value::String("a"), Value::String("x")}})), "x");
  EXPECT_EQ(RenderBuiltin(Value::Object({{Value::String("a"), two}})),
            "eval_builtin_error: invalid character '1' looking for beginning of object key string");
  EXPECT_EQ(RenderBuiltin(Value::Object({{Value::String("a"), Value::Set({Value::String("p"), Value::String("q")})}})),
            "eval_builtin_error: invalid character ',' after object key");
  EXPECT_EQ(RenderBuiltin(Value::Object({{Value::String("a"), Value::Set({})}})),
            "eval_builtin_error: invalid character 's' looking for beginning of value");
  EXPECT_EQ(RenderBuiltin(Value::Object({{Value::Int(7), Value::Null()}})),
            "eval_builtin_error: invalid character '7' looking for beginning of object key string");
}

}  // namespace
}  // namespace sluice::policy
