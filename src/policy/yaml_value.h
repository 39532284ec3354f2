// YAML documents as Rego values: the data, input and expected results of
// OPA's conformance cases, and later data files given to `sluice policy`.
// OPA reads YAML by converting it to JSON (sigs.k8s.io/yaml) and the JSON to
// values; the result here is the same Value that JSON text would give.
//
// Plain (unquoted) scalars are typed by the YAML 1.2 core schema, as
// sluice's pipeline loader does:
//   null, Null, NULL, ~, nothing          null
//   true, True, TRUE, false, False, FALSE boolean
//   [-+]?[0-9]+, 0o17, 0x1F               number (integer, any size)
//   [-+]?(.5 | 1 | 1. | 1.5)([eE][-+]?N)  number
//   .inf, -.inf, +.inf, .nan (any case)   error: JSON and Rego have no such number
//   anything else                         string
// Quoted and block scalars are strings. Explicit tags !!str, !!int, !!float,
// !!bool and !!null force the type (an error when the text does not fit);
// any other tag is an error, as is an alias cycle yaml-cpp could not build.
//
// Numbers are exact: the scalar's own text becomes a Number (Number::Parse),
// rewritten only as far as the JSON grammar needs ("+1" -> "1", "007" ->
// "7", ".5" -> "0.5", "1." -> "1.0"; hex and octal become decimal, up to
// 2^64 - 1). A float is therefore never rounded to a double.
//
// Mapping keys are always strings: the key scalar's text ({1: a} gives
// {"1": "a"}), as OPA's YAML-to-JSON step does. A key given twice and a
// key that is a sequence or mapping are errors.
//
// Where OPA differs: its YAML library (go-yaml v2) follows YAML 1.1, so it
// also reads yes/no/on/off/y/n as booleans, 0777 as octal and 1_000 as 1000,
// and passes numbers through int64/uint64/float64 (0.1000000000000000000001
// becomes 0.1; integers beyond 2^64 lose digits). None of those forms occurs
// in the conformance data of OPA v1.19.0 (checked), so the 1.2 schema and
// exact numbers cost no case and avoid surprises in user data files.
//
// Errors are InvalidArgument "file:line:col: message" pointing at the node.
// Pure functions; thread-safe.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string_view>

#include "common/status.h"
#include "policy/value.h"

namespace sluice::policy {

// Converts a node yaml-cpp has parsed; `file` names the document in errors.
// An undefined node is an error; a null node is null.
Result<Value> YamlToValue(const YAML::Node& node, std::string_view file);

// Parses one YAML document (an empty one is null).
Result<Value> ParseYaml(std::string_view text, std::string_view file);

// The plain-scalar typing above, for callers that walk YAML themselves:
// the value of a plain scalar `text` (null for "~", a number for "1e3", ...)
// or an InvalidArgument without location for .inf / .nan.
Result<Value> PlainScalarToValue(std::string_view text);

}  // namespace sluice::policy
