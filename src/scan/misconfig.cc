#include "scan/misconfig.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>
#include <string_view>

namespace sluice::scan {

namespace {

constexpr std::string_view kBaseNameLabel = "org.opencontainers.image.base.name";

Finding Misconfig(std::string_view id, Severity severity, std::string title,
                  std::string description) {
  Finding f;
  f.kind = FindingKind::kMisconfiguration;
  f.id = std::string(id);
  f.severity = severity;
  f.title = std::move(title);
  f.description = std::move(description);
  return f;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool SecretLikeName(std::string_view name) {
  static constexpr std::string_view kWords[] = {"PASSWORD",    "PASSWD",    "SECRET",
                                                "TOKEN",       "API_KEY",   "ACCESS_KEY",
                                                "PRIVATE_KEY", "CREDENTIAL"};
  const std::string upper = Upper(name);
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view w) { return upper.find(w) != std::string::npos; });
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// created_by without the legacy builder's "/bin/sh -c #(nop) " prefix.
std::string_view Instruction(std::string_view created_by) {
  constexpr std::string_view kNop = "#(nop)";
  if (size_t nop = created_by.find(kNop); nop != std::string_view::npos) {
    created_by.remove_prefix(nop + kNop.size());
  }
  while (!created_by.empty() && std::isspace(static_cast<unsigned char>(created_by.front()))) {
    created_by.remove_prefix(1);
  }
  return created_by;
}

// The build arguments a history entry shows: "ARG NAME[=value] ..." and
// the "|N NAME=value ... <command>" prefix Docker (and BuildKit, after
// "RUN ") records on RUN steps. An ARG counts with or without a default (a
// --build-arg value then shows on the RUN steps); a RUN pair only with a
// value.
std::vector<std::string> BuildArgNames(std::string_view created_by) {
  std::vector<std::string> out;
  std::vector<std::string_view> words = Words(Instruction(created_by));
  if (words.empty()) return out;
  if (words[0] == "ARG") {
    for (size_t i = 1; i < words.size(); ++i)
      out.emplace_back(words[i].substr(0, words[i].find('=')));
    return out;
  }
  size_t i = words[0] == "RUN" ? 1 : 0;
  if (i < words.size() && words[i].size() > 1 && words[i][0] == '|') {
    size_t n = 0;
    for (char c : words[i].substr(1)) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return out;
      n = std::min<size_t>(n * 10 + static_cast<size_t>(c - '0'), words.size());  // no overflow
    }
    for (size_t k = i + 1; k < words.size() && k <= i + n; ++k) {
      const size_t eq = words[k].find('=');
      if (eq != std::string_view::npos && eq + 1 < words[k].size()) {
        out.emplace_back(words[k].substr(0, eq));
      }
    }
  }
  return out;
}

bool RunsAsRoot(std::string_view user) {
  const std::string_view name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

void CheckUser(const oci::ImageConfig& config, std::vector<Finding>& out) {
  const std::string& user = config.config.user;
  if (!RunsAsRoot(user)) return;
  out.push_back(Misconfig(
      "CIS-DI-0001", Severity::kHigh,
      user.empty() ? "The image runs as root (no USER)"
                   : "The image runs as root (USER " + user + ")",
      "Add a USER instruction with a non-root user (e.g. RUN useradd -r -u 10001 app, then USER "
      "10001) as the last USER of the Dockerfile."));
}

void CheckSecretEnv(const oci::ImageConfig& config, std::vector<Finding>& out) {
  const std::string fix =
      "Do not keep secrets in ENV or build args: they are stored in the image for anyone who "
      "pulls it. Pass them at run time, or to a build step with RUN --mount=type=secret.";
  for (const std::string& env : config.config.env) {
    const size_t eq = env.find('=');
    const std::string name = env.substr(0, eq);
    if (eq == std::string::npos || eq + 1 == env.size() || !SecretLikeName(name)) continue;
    out.push_back(
        Misconfig("CIS-DI-0010", Severity::kHigh, "ENV " + name + " looks like a secret", fix));
  }
  std::set<std::string> seen;
  for (const oci::HistoryEntry& h : config.history) {
    for (const std::string& name : BuildArgNames(h.created_by)) {
      if (!SecretLikeName(name) || !seen.insert(name).second) continue;
      out.push_back(Misconfig(
          "CIS-DI-0010", Severity::kHigh,
          "Build arg " + name + " looks like a secret and shows in the image history", fix));
    }
  }
}

void CheckBase(const oci::ImageConfig& config, const std::string& base_name,
               std::vector<Finding>& out) {
  std::string base = base_name;
  if (base.empty()) {
    auto label = config.config.labels.find(std::string(kBaseNameLabel));
    if (label != config.config.labels.end()) base = label->second;
  }
  if (base.empty() || base == "scratch") return;    // unknown, or nothing to pin
  if (base.find('@') != std::string::npos) return;  // pinned by digest
  const size_t slash = base.rfind('/');
  const std::string_view last =
      std::string_view(base).substr(slash == std::string::npos ? 0 : slash + 1);
  const size_t colon = last.find(':');
  const std::string fix =
      "Pin the base image to a version tag, or better a digest (FROM python:3.12-slim@sha256:...), "
      "so rebuilds do not silently change it.";
  if (colon == std::string_view::npos) {
    out.push_back(Misconfig("DKL-DI-0006", Severity::kMedium,
                            "Base image " + base + " has no tag (it means latest)", fix));
  } else if (last.substr(colon + 1) == "latest") {
    out.push_back(Misconfig("DKL-DI-0006", Severity::kMedium,
                            "Base image " + base + " uses the latest tag", fix));
  }
}

void CheckHealthcheck(const oci::ImageConfig& config, std::vector<Finding>& out) {
  const auto& hc = config.config.healthcheck;
  const bool disabled = hc && !hc->test.empty() && hc->test[0] == "NONE";
  if (hc && !hc->test.empty() && !disabled) return;
  out.push_back(Misconfig(
      "CIS-DI-0006", Severity::kLow,
      disabled ? "HEALTHCHECK NONE disables the health check" : "No HEALTHCHECK",
      "Add a HEALTHCHECK instruction (e.g. HEALTHCHECK CMD curl -f http://localhost:8080/health) "
      "so the runtime can tell when the container stops working."));
}

// "https://host/path" of the first URL an ADD downloads, without user
// info and query (they may hold credentials); "" when none.
std::string AddedUrl(std::string_view created_by) {
  std::vector<std::string_view> words = Words(Instruction(created_by));
  if (words.empty() || words[0] != "ADD") return "";
  for (size_t i = 1; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (w.substr(0, 2) == "--") continue;
    const size_t scheme = w.find("://");
    if (scheme == std::string_view::npos) continue;
    std::string_view rest = w.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    const size_t slash = rest.find('/');
    if (size_t at = rest.substr(0, slash).rfind('@'); at != std::string_view::npos) {
      rest.remove_prefix(at + 1);
    }
    return std::string(w.substr(0, scheme + 3)) + std::string(rest);
  }
  return "";
}

void CheckAddUrl(const oci::ImageConfig& config, std::vector<Finding>& out) {
  for (size_t i = 0; i < config.history.size(); ++i) {
    const std::string url = AddedUrl(config.history[i].created_by);
    if (url.empty()) continue;
    out.push_back(Misconfig(
        "CIS-DI-0009", Severity::kMedium,
        "ADD downloads " + url + " (history step " + std::to_string(i + 1) + ")",
        "Use COPY for local files; download with RUN curl or wget and verify a checksum "
        "(or ADD --checksum=sha256:...), so the build does not trust whatever the URL serves."));
  }
}

std::string Octal(uint32_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
  return buf;
}

}  // namespace

std::vector<Finding> CheckConfig(const oci::ImageConfig& config, const std::string& base_name) {
  std::vector<Finding> out;
  CheckUser(config, out);
  CheckSecretEnv(config, out);
  CheckBase(config, base_name, out);
  CheckHealthcheck(config, out);
  CheckAddUrl(config, out);
  return out;
}

std::vector<Finding> CheckFiles(const std::vector<FileFacts>& files) {
  std::vector<Finding> out;
  for (const FileFacts& file : files) {
    if (file.symlink) continue;
    const std::string kind = file.directory ? "directory" : "file";
    if (!file.directory && (file.mode & 06000) != 0) {
      const std::string bits = (file.mode & 04000) && (file.mode & 02000) ? "setuid and setgid"
                               : (file.mode & 04000)                      ? "setuid"
                                                                          : "setgid";
      Finding f =
          Misconfig("CIS-DI-0008", Severity::kMedium,
                    "A " + bits + " file: " + file.path + " (mode " + Octal(file.mode) + ")",
                    "Remove the bit (RUN chmod u-s,g-s /" + file.path +
                        ") unless the program must run with raised privileges.");
      f.path = file.path;
      f.layer_digest = file.layer_digest;
      out.push_back(std::move(f));
    }
    const bool sticky_dir = file.directory && (file.mode & 01000) != 0;
    if ((file.mode & 0002) != 0 && !sticky_dir) {
      Finding f = Misconfig(
          "DKL-LI-0004", Severity::kMedium,
          "A world-writable " + kind + ": " + file.path + " (mode " + Octal(file.mode) + ")",
          file.directory
              ? "Remove write permission for others (RUN chmod o-w /" + file.path +
                    "), or make a shared directory sticky (chmod +t) like /tmp."
              : "Remove write permission for others (RUN chmod o-w /" + file.path + ").");
      f.path = file.path;
      f.layer_digest = file.layer_digest;
      out.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace sluice::scan
