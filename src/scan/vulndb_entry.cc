#include "scan/vulndb_entry.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

namespace sluice::scan {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at `pos`, advancing it.
std::optional<int> Digits(std::string_view s, size_t& pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

const std::string* StringField(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

}  // namespace

std::string_view VulnDbEcosystem(std::string_view ecosystem) {
  return ecosystem.substr(0, ecosystem.find(':'));
}

std::string VulnDbPackageName(std::string_view ecosystem, std::string_view name) {
  if (VulnDbEcosystem(ecosystem) != "PyPI") return std::string(name);
  std::string out;
  out.reserve(name.size());
  bool in_run = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out += '-';
      in_run = true;
      continue;
    }
    in_run = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

Result<std::string> NormalizeRfc3339(std::string_view s) {
  using namespace std::chrono;
  auto bad = [&] {
    return Status::InvalidArgument("modified \"" + std::string(s) + "\" is not an RFC 3339 time");
  };
  size_t pos = 0;
  auto y = Digits(s, pos, 4);
  if (!y || !Expect(s, pos, '-')) return bad();
  auto mo = Digits(s, pos, 2);
  if (!mo || !Expect(s, pos, '-')) return bad();
  auto d = Digits(s, pos, 2);
  if (!d || pos >= s.size() || (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ')) return bad();
  ++pos;
  auto h = Digits(s, pos, 2);
  if (!h || !Expect(s, pos, ':')) return bad();
  auto mi = Digits(s, pos, 2);
  if (!mi || !Expect(s, pos, ':')) return bad();
  auto sec = Digits(s, pos, 2);
  if (!sec) return bad();
  std::string fraction;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && IsDigit(s[pos])) fraction += s[pos++];
    if (fraction.empty()) return bad();
  }
  fraction.resize(9, '0');  // pads, or truncates beyond nanoseconds
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos++] == '-' ? -1 : 1;
    auto oh = Digits(s, pos, 2);
    if (!oh || !Expect(s, pos, ':')) return bad();
    auto om = Digits(s, pos, 2);
    if (!om || *oh > 23 || *om > 59) return bad();
    offset_minutes = sign * (*oh * 60 + *om);
  } else {
    return bad();
  }
  // 60 seconds is a leap second; it rolls into the next minute.
  if (pos != s.size() || *h > 23 || *mi > 59 || *sec > 60) return bad();
  year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok()) return bad();

  sys_seconds t =
      sys_days{date} + hours{*h} + minutes{*mi} + seconds{*sec} - minutes{offset_minutes};
  sys_days day_start = floor<days>(t);
  year_month_day utc{day_start};
  hh_mm_ss<seconds> clock{t - day_start};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02d.", static_cast<int>(utc.year()),
                static_cast<unsigned>(utc.month()), static_cast<unsigned>(utc.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return std::string(out) + fraction + "Z";
}

Result<VulnDbKeys> ParseVulnDbKeys(std::string_view json) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) return Status::InvalidArgument("not a JSON object");

  VulnDbKeys keys;
  const std::string* id = StringField(doc, "id");
  if (id == nullptr || id->empty()) return Status::InvalidArgument("no id");
  keys.id = *id;
  const std::string* modified = StringField(doc, "modified");
  if (modified == nullptr) return Status::InvalidArgument("no modified time");
  SLUICE_ASSIGN_OR_RETURN(keys.modified, NormalizeRfc3339(*modified));

  auto affected = doc.find("affected");
  if (affected != doc.end() && affected->is_array()) {
    for (const auto& item : *affected) {
      if (!item.is_object()) continue;
      auto package = item.find("package");
      if (package == item.end() || !package->is_object()) continue;
      const std::string* ecosystem = StringField(*package, "ecosystem");
      const std::string* name = StringField(*package, "name");
      if (ecosystem == nullptr || name == nullptr || name->empty()) continue;
      std::string_view key = VulnDbEcosystem(*ecosystem);
      if (key.empty()) continue;
      std::pair<std::string, std::string> row(key, VulnDbPackageName(key, *name));
      if (std::find(keys.packages.begin(), keys.packages.end(), row) == keys.packages.end()) {
        keys.packages.push_back(std::move(row));
      }
    }
  }
  if (keys.packages.empty()) {
    return Status::InvalidArgument("no affected package name (affected[].package.ecosystem/name)");
  }
  return keys;
}

}  // namespace sluice::scan
