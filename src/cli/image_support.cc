#include "cli/image_support.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <utility>

#include "oci/registry_http.h"

namespace sluice::cli {
namespace {

Result<oci::RegistryCredentials> Credentials(const std::string& creds) {
  if (!creds.empty()) {
    size_t colon = creds.find(':');
    if (colon == std::string::npos || colon == 0) {
      return Status::InvalidArgument("--creds must be USER:PASSWORD (the value was not printed)");
    }
    return oci::RegistryCredentials{creds.substr(0, colon), creds.substr(colon + 1)};
  }
  const char* user = std::getenv("SLUICE_REGISTRY_USER");
  const char* password = std::getenv("SLUICE_REGISTRY_PASSWORD");
  if (user == nullptr || *user == '\0') return oci::RegistryCredentials{};
  if (password == nullptr) {
    return Status::InvalidArgument(
        "SLUICE_REGISTRY_USER is set but SLUICE_REGISTRY_PASSWORD is not: set both, or use "
        "--creds USER:PASSWORD");
  }
  return oci::RegistryCredentials{user, password};
}

}  // namespace

Result<oci::ImageLayout> OpenStore(const GlobalOptions& options) {
  App app(options);
  std::filesystem::path dir = app.StateDir() / "images";
  auto layout = oci::ImageLayout::Open(dir);
  if (!layout.ok()) return layout.status().Annotate("image store " + dir.string());
  return layout;
}

Result<oci::StoreLock> LockStore(const GlobalOptions& options, const Cancellation& cancel) {
  App app(options);
  return oci::LockStore(app.StateDir() / "images.lock", cancel);
}

Result<std::unique_ptr<oci::RegistryClient>> Client(const oci::ImageReference& ref,
                                                    const RegistryFlags& flags) {
  oci::RegistryOptions options;
  SLUICE_ASSIGN_OR_RETURN(oci::RegistryCredentials creds, Credentials(flags.creds));
  if (!creds.username.empty()) options.credentials = std::move(creds);
  options.insecure_hosts = flags.insecure_hosts;
  return std::make_unique<oci::RegistryClient>(ref.registry, std::move(options),
                                               oci::NewCurlTransport());
}

void AddRegistryFlags(CLI::App* cmd, RegistryFlags& flags) {
  cmd->add_option("--creds", flags.creds,
                  "Registry credentials USER:PASSWORD (default: $SLUICE_REGISTRY_USER and "
                  "$SLUICE_REGISTRY_PASSWORD)");
  cmd->add_option("--insecure-registry", flags.insecure_hosts,
                  "Reach HOST[:PORT] over plain HTTP although it is not a loopback address "
                  "(repeatable)");
}

std::string HumanSize(int64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + "B";
  const char* units[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(units)) {
    value /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%s", value, units[unit]);
  return text;
}

}  // namespace sluice::cli
