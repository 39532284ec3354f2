// Rego builtins: glob.match, glob.quote_meta (gobwas/glob semantics, see
// glob.h).
#include <cstdint>
#include <memory>
#include <string>

#include "policy/builtins.h"
#include "policy/glob.h"
#include "policy/pattern_cache.h"

namespace sluice::policy {
namespace {

using Args = std::span<const Value>;
using Out = BuiltinOutcome;

internal::PatternCache<internal::Glob>& Cache() {
  static internal::PatternCache<internal::Glob> cache(100);
  return cache;
}

// glob.match(pattern, delimiters, match): null delimiters means none, an
// empty array means the default ".".
Out GlobMatch(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  std::u32string separators;
  if (a[1].IsArray()) {
    for (const Value& d : a[1].ArrayElems()) {
      if (!d.IsString()) {
        return Out::TypeError("operand 2 must be array of strings but got array containing " +
                              std::string(KindName(d.kind())));
      }
      std::u32string r = internal::Runes(d.AsString());
      if (r.size() != 1) {
        return Out::TypeError("operand 2 must be array of runes but got array containing string");
      }
      separators += r[0];
    }
    if (separators.empty()) separators.push_back(U'.');
  } else if (!a[1].IsNull()) {
    return Out::OperandError(2, "one of {array, null}", a[1]);
  }
  if (!a[2].IsString()) return Out::OperandError(3, "string", a[2]);

  std::string key(a[0].AsString());
  key += '\0';
  for (char32_t r : separators) key += std::to_string(static_cast<uint32_t>(r)) + ",";
  std::shared_ptr<const internal::Glob> glob = Cache().Find(key);
  if (glob == nullptr) {
    Result<internal::Glob> compiled = internal::Glob::Compile(a[0].AsString(), separators);
    if (!compiled.ok()) return Out::Error(compiled.status().message());
    glob = std::make_shared<const internal::Glob>(std::move(compiled).value());
    Cache().Insert(key, glob);
  }
  return Value::Boolean(glob->Match(a[2].AsString()));
}

Out GlobQuoteMeta(Args a) {
  if (!a[0].IsString()) return Out::OperandError(1, "string", a[0]);
  return Value::String(internal::GlobQuoteMeta(a[0].AsString()));
}

}  // namespace

void RegisterGlobBuiltins(BuiltinRegistry& r) {
  r.Add("glob.match", 3, GlobMatch);
  r.Add("glob.quote_meta", 1, GlobQuoteMeta);
}

}  // namespace sluice::policy
