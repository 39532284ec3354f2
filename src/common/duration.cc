#include "common/duration.h"

#include <cctype>
#include <cstdio>

namespace sluice {
namespace {

struct Unit {
  std::string_view name;
  int64_t millis;
};

// Ordered largest first; "ms" must be tried before "m".
constexpr Unit kUnits[] = {{"w", 7LL * 24 * 3600 * 1000}, {"d", 24LL * 3600 * 1000},
                           {"h", 3600LL * 1000},          {"ms", 1},
                           {"m", 60LL * 1000},            {"s", 1000}};

int Rank(std::string_view unit) {
  // Size order for the "largest first" rule: w d h m s ms.
  if (unit == "w") return 0;
  if (unit == "d") return 1;
  if (unit == "h") return 2;
  if (unit == "m") return 3;
  if (unit == "s") return 4;
  return 5;
}

}  // namespace

Result<Millis> ParseDuration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("invalid duration \"" + std::string(text) + "\": " + std::string(why) +
                                   " (use e.g. 30s, 10m, 1h30m, 1d)");
  };
  size_t i = 0;
  int64_t total = 0;
  int last_rank = -1;
  bool any = false;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad("expected a number");
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 1'000'000'000) return bad("number too large");
      ++i;
    }
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return bad("missing or unknown unit");
    i += unit->name.size();
    int rank = Rank(unit->name);
    if (rank <= last_rank) return bad("units must go from largest to smallest, each once");
    last_rank = rank;
    total += n * unit->millis;
    any = true;
  }
  if (!any) return bad("empty");
  return Millis(total);
}

std::string FormatDuration(Millis d) {
  int64_t ms = d.count();
  char buf[64];
  if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(ms) / 1000.0);
  } else if (ms < 3'600'000) {
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(ms / 60'000),
                  static_cast<long long>((ms / 1000) % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(ms / 3'600'000),
                  static_cast<long long>((ms / 60'000) % 60));
  }
  return buf;
}

}  // namespace sluice
