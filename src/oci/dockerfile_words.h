// Word handling shared by the Dockerfile parser and resolver: splitting an
// instruction's arguments into words, reading the JSON (exec) form, and
// expanding variables in a word as Docker's shell lexer does.
//
// Internal to src/oci. Pure functions; errors come back as InvalidArgument
// whose message says what is wrong in the word (the caller adds file:line).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "oci/dockerfile.h"

namespace sluice::oci {

// Splits `text` on whitespace outside quotes. Quotes and escapes stay in the
// words (they are removed by ExpandWord); `escape` followed by any character
// keeps that character in the current word.
std::vector<std::string> SplitWords(std::string_view text, char escape);

// `text` parsed as a JSON array of strings (`["a", "b"]`), or nullopt when it
// is not one; Docker then treats the arguments as the shell form.
std::optional<std::vector<std::string>> ParseJsonArray(std::string_view text);

// Expands one word: `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`,
// `${NAME:+word}`, `${NAME+word}`, `${NAME:?message}`, `${NAME?message}`;
// single quotes keep their content literally, double quotes allow
// substitution, and both are removed; `escape` makes the next character
// literal (inside double quotes only before `"`, `$` and itself). Variables
// missing from `vars` are empty. InvalidArgument for a missing `}`, an empty
// or malformed name, an unsupported modifier, an unterminated quote, or a
// `?` modifier whose variable is unset.
Result<std::string> ExpandWord(std::string_view word, const Environment& vars, char escape);

}  // namespace sluice::oci
