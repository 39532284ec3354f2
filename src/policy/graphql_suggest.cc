// "Did you mean ...?" suggestions: gqlparser's SuggestionList (graphql-js's
// suggestionList) and its quoted "a, b, or c" lists.
#include <algorithm>
#include <cctype>

#include "policy/graphql_rules.h"

namespace sluice::policy::graphql::internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t Levenshtein(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Edits between a and b, where any change of case alone counts as one.
size_t LexicalDistance(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::string la = Lower(a), lb = Lower(b);
  if (la == lb) return 1;
  return Levenshtein(la, lb);
}

}  // namespace

std::vector<std::string> SuggestionList(std::string_view input, const std::vector<std::string>& options) {
  size_t threshold = input.size() * 2 / 5 + 1;  // floor(len * 0.4) + 1
  std::vector<std::pair<size_t, std::string>> found;
  for (const std::string& option : options) {
    size_t d = LexicalDistance(input, option);
    if (d <= threshold) found.emplace_back(d, option);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (auto& [d, option] : found) out.push_back(std::move(option));
  return out;
}

std::string QuotedOrList(std::vector<std::string> items, bool quoted) {
  if (items.size() > 5) items.resize(5);
  if (quoted) {
    for (std::string& item : items) item = "\"" + item + "\"";
  }
  if (items.size() == 2) return items[0] + " or " + items[1];
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? ", or " : ", ";
    out += items[i];
  }
  return out;
}

std::string Suggest(std::string_view prefix, std::string_view typed, const std::vector<std::string>& options,
                    bool quoted) {
  std::vector<std::string> found = SuggestionList(typed, options);
  if (found.empty()) return "";
  return " " + std::string(prefix) + " " + QuotedOrList(std::move(found), quoted) + "?";
}

}  // namespace sluice::policy::graphql::internal
