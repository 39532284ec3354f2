#include "oci/reference.h"

namespace sluice::oci {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool IsValidComponent(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  for (size_t i = 0; i < s.size();) {
    if (IsLowerAlnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && !IsLowerAlnum(s[j])) ++j;
    std::string_view sep = s.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (sep != "." && sep != "_" && sep != "__" && !dashes) return false;
    i = j;
  }
  return true;
}

Status Bad(std::string_view text, const std::string& why) {
  return Status::InvalidArgument("image reference \"" + std::string(text) + "\": " + why +
                                 " (expected [host[:port]/]repository[:tag][@sha256:<hex>])");
}

}  // namespace

bool IsValidRepositoryName(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    if (!IsValidComponent(name.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool IsValidTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!word(tag[0])) return false;
  for (char c : tag) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

std::string ImageReference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

Result<ImageReference> ParseImageReference(std::string_view text) {
  if (text.empty()) return Bad(text, "it is empty");
  ImageReference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    auto digest = ParseDigest(rest.substr(at + 1));
    if (!digest.ok()) return Bad(text, digest.status().message());
    ref.digest = *digest;
    rest = rest.substr(0, at);
  }
  std::string_view path = rest;
  if (size_t slash = rest.find('/');
      slash != std::string_view::npos && LooksLikeRegistryHost(rest.substr(0, slash))) {
    ref.registry = std::string(rest.substr(0, slash));
    path = rest.substr(slash + 1);
  } else {
    ref.registry = std::string(kDockerHubRegistry);
  }
  // A ':' after the last '/' starts the tag (a ':' before it belongs to the host).
  if (size_t colon = path.rfind(':');
      colon != std::string_view::npos && path.find('/', colon) == std::string_view::npos) {
    ref.tag = std::string(path.substr(colon + 1));
    path = path.substr(0, colon);
    if (!IsValidTag(ref.tag)) {
      return Bad(text, "tag \"" + ref.tag +
                           "\" is not valid (letters, digits, '_', '.', '-'; at most 128, "
                           "not starting with '.' or '-')");
    }
  }
  if (ref.registry == "index.docker.io") ref.registry = std::string(kDockerHubRegistry);
  ref.repository = std::string(path);
  if (ref.registry == kDockerHubRegistry && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (!IsValidRepositoryName(ref.repository)) {
    return Bad(text,
               "repository \"" + std::string(path) +
                   "\" is not valid (lower-case letters and digits, separated by '.', '_', '__', "
                   "'-' or '/')");
  }
  if (ref.tag.empty() && !ref.digest) ref.tag = "latest";
  return ref;
}

bool LooksLikeRegistryHost(std::string_view component) {
  return component.find('.') != std::string_view::npos ||
         component.find(':') != std::string_view::npos || component == "localhost";
}

bool NamesRegistry(std::string_view text) {
  size_t slash = text.find('/');
  return slash != std::string_view::npos && LooksLikeRegistryHost(text.substr(0, slash));
}

}  // namespace sluice::oci
