#include "scan/debian_changelog.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

#include "common/text.h"

namespace sluice::scan {
namespace {

const RE2& HeaderPattern() {
  static const RE2 pattern(R"(([a-z0-9][a-z0-9+.-]*) \(([^()\s]+)\) ([^;]*);(.*))");
  return pattern;
}

const RE2& IdPattern() {
  static const RE2 pattern(
      R"(\b(CVE-[0-9]{4}-[0-9]{4,}|GHSA(?:-[0-9a-z]{4}){3}|D[SL]A-[0-9]+(?:-[0-9]+)?)\b)");
  return pattern;
}

// "urgency=medium (HIGH for users of foo), binary-only=yes" -> "medium".
std::string UrgencyOf(std::string_view keywords) {
  size_t at = keywords.find("urgency=");
  if (at == std::string_view::npos) return "";
  std::string_view value = keywords.substr(at + 8);
  size_t end = value.find_first_of(" ,(\t");
  return AsciiLower(value.substr(0, end));
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    size_t space = text.find_first_of(" \t");
    if (space != 0) words.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return words;
}

DebianChangelogCitation& CitationOf(DebianChangelogEntry& entry, const std::string& id) {
  for (DebianChangelogCitation& c : entry.citations) {
    if (c.id == id) return c;
  }
  return entry.citations.emplace_back(DebianChangelogCitation{id, "", {}});
}

// Adds each id `item` cites, with the item's text, to `entry`; when the
// item cites CVEs, its other ids are their aliases.
void CiteIds(const std::string& item, DebianChangelogEntry& entry) {
  if (item.empty()) return;
  std::vector<std::string> cves, others;
  re2::StringPiece input(item);
  std::string id;
  while (RE2::FindAndConsume(&input, IdPattern(), &id)) {
    auto& list = id.rfind("CVE-", 0) == 0 ? cves : others;
    if (std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
  }
  for (const std::string& cited : cves.empty() ? others : cves) {
    DebianChangelogCitation& citation = CitationOf(entry, cited);
    if (citation.text.empty()) {
      citation.text = item;
    } else if (citation.text.find(item) == std::string::npos) {
      citation.text += "\n" + item;
    }
    if (cves.empty()) continue;
    for (const std::string& alias : others) {
      auto& aliases = citation.aliases;
      if (std::find(aliases.begin(), aliases.end(), alias) == aliases.end()) {
        aliases.push_back(alias);
      }
    }
  }
}

bool StartsItem(std::string_view trimmed) {
  if (trimmed.size() >= 2 && (trimmed[0] == '*' || trimmed[0] == '-' || trimmed[0] == '+') &&
      trimmed[1] == ' ') {
    return true;
  }
  return !trimmed.empty() && trimmed.front() == '[';  // "[ Maintainer Name ]"
}

}  // namespace

std::string Rfc2822ToRfc3339(std::string_view date) {
  date = TrimAsciiSpace(date);
  if (size_t comma = date.find(','); comma != std::string_view::npos) {
    date = TrimAsciiSpace(date.substr(comma + 1));
  }
  std::string text(date);
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  char month_name[4] = {};
  char zone[8] = {};
  if (std::sscanf(text.c_str(), "%d %3s %d %d:%d:%d %7s", &day, month_name, &year, &hour, &minute,
                  &second, zone) != 7) {
    return "";
  }
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int month = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == month_name) month = static_cast<int>(i) + 1;
  }
  std::string_view z(zone);
  bool numeric_zone = z.size() == 5 && (z[0] == '+' || z[0] == '-');
  for (size_t i = 1; numeric_zone && i < z.size(); ++i) {
    numeric_zone = std::isdigit(static_cast<unsigned char>(z[i])) != 0;
  }
  if (month == 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return "";
  std::string offset;
  if (numeric_zone) {
    offset = std::string(z.substr(0, 3)) + ":" + std::string(z.substr(3));
  } else if (z == "UTC" || z == "GMT") {
    offset = "Z";
  } else {
    return "";
  }
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute,
                second);
  return out + offset;
}

Result<std::vector<DebianChangelogEntry>> ParseDebianChangelog(std::string_view text) {
  std::vector<DebianChangelogEntry> entries;
  bool in_entry = false;
  std::string item;  // the change item being read
  auto end_item = [&] {
    if (in_entry) CiteIds(item, entries.back());
    item.clear();
  };
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    size_t next = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(at, next - at);
    at = next;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    std::string_view trimmed = TrimAsciiSpace(line);

    if (!in_entry) {
      std::string source, version, distributions, keywords;
      if (!line.empty() && line.front() != ' ' &&
          RE2::FullMatch(re2::StringPiece(line.data(), line.size()), HeaderPattern(), &source,
                         &version, &distributions, &keywords)) {
        DebianChangelogEntry entry;
        entry.source = source;
        entry.version = version;
        entry.distributions = Words(distributions);
        entry.urgency = UrgencyOf(keywords);
        entries.push_back(std::move(entry));
        in_entry = true;
      } else if (entries.empty() && !trimmed.empty()) {
        return Status::InvalidArgument("not a Debian changelog: the first line is not an entry " +
                                       std::string("header \"name (version) distribution; "
                                                   "urgency=...\""));
      }
      continue;
    }
    if (line.rfind(" -- ", 0) == 0) {
      end_item();
      size_t gt = line.find(">  ");
      if (gt != std::string_view::npos) entries.back().date = Rfc2822ToRfc3339(line.substr(gt + 3));
      in_entry = false;
      continue;
    }
    if (trimmed.empty()) {
      end_item();
      continue;
    }
    if (StartsItem(trimmed)) {
      end_item();
      if (trimmed.front() == '[') continue;
      trimmed.remove_prefix(2);
    } else if (!item.empty()) {
      item += ' ';
    }
    item += TrimAsciiSpace(trimmed);
  }
  end_item();
  if (entries.empty()) return Status::InvalidArgument("not a Debian changelog: it has no entries");
  return entries;
}

}  // namespace sluice::scan
