#include "runner/output_capture.h"

#include <array>
#include <cstdint>

namespace sluice::runner {

namespace {

// A single-quoted shell word for `s`.
std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += "'";
  return out;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls fn(line) for each line of `text` without '\n' or a trailing '\r'.
template <typename Fn>
void ForEachLine(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace

bool IsShellVariableName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string CaptureLines(const std::vector<std::string>& names, const std::string& capture_file) {
  // The brace group's stderr goes to /dev/null, so xtrace does not echo
  // "+ set +x"; $? is saved first so the step keeps the script's status.
  std::string out = "{ __sluice_status=$?; set +x; } 2>/dev/null\n";
  std::string file = ShellQuote(capture_file);
  for (const std::string& n : names) {
    out.append("if [ -n \"${").append(n).append("+x}\" ]; then printf '").append(n);
    out.append("=%s\\n' \"$(printf '%s' \"$").append(n).append("\" | base64 -w0)\" >> ");
    out.append(file).append("; fi\n");
  }
  out += "exit $__sluice_status\n";
  return out;
}

std::map<std::string, std::string> ParseDotenv(std::string_view text) {
  std::map<std::string, std::string> out;
  ForEachLine(text, [&](std::string_view line) {
    line = TrimSpaces(line);
    if (line.empty() || line.front() == '#') return;
    if (line.substr(0, 7) == "export ") line = TrimSpaces(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return;
    std::string_view key = TrimSpaces(line.substr(0, eq));
    std::string_view value = TrimSpaces(line.substr(eq + 1));
    if (key.empty()) return;
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(key)] = std::string(value);
  });
  return out;
}

std::map<std::string, std::string> ParseCaptureFile(std::string_view text) {
  std::map<std::string, std::string> out;
  ForEachLine(text, [&](std::string_view line) {
    size_t eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) return;
    std::optional<std::string> value = Base64Decode(line.substr(eq + 1));
    if (value) out[std::string(line.substr(0, eq))] = std::move(*value);
  });
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  static constexpr std::array<signed char, 256> kTable = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) {
      t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    }
    return t;
  }();
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    signed char v = kTable[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

}  // namespace sluice::runner
