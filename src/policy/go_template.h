// A Go text/template engine for strings.render_template.
//
// OPA renders the template with Go's text/template, the variables object
// decoded as Go's encoding/json does with UseNumber: objects become
// map[string]any, arrays and sets []any, numbers json.Number (a string type
// that prints as written), null nil. This engine follows that model, so
// `{{.n}}` of 2023 prints "2023", `len .n` is the length of its text and
// `eq .n 1` is an "incompatible types" error, as in OPA.
//
// Supported: text and actions with trim markers ({{- -}}), comments,
// fields and chains (.a.b, $x.a, (pipe).a), variables ($, $x := ..., $x = ...),
// pipelines with |, literals (strings, raw strings, chars, numbers, true,
// false, nil), if / else if / else, range (arrays, objects in key order,
// integers; with $i, $v; break, continue), with / else with, define,
// template and block, and the functions and, or, not, len, index, slice,
// eq, ne, lt, le, gt, ge, print, println, printf, html, js, urlquery (not
// call, which needs Go functions as values).
//
// A key missing from an object renders as "<undefined>" (what OPA's
// conformance cases expect) rather than failing the render.
//
// Errors read like Go's: "template: template:1: unexpected EOF" for parse
// errors, "template: template:1:2: executing \"template\" at <.a.b>: ..."
// for execution errors.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "policy/value.h"

namespace sluice::policy {

// Renders `source` with `data` as dot ($). InvalidArgument with the Go-like
// message on a parse or execution error.
Result<std::string> RenderGoTemplate(std::string_view source, const Value& data);

}  // namespace sluice::policy
