// What the image subcommands share (image_command.cc, image_scan_command.cc):
// the local image store under the state directory, its writers' lock,
// registry clients with credentials from flags or the environment, and
// sizes for people.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/app.h"
#include "common/cancellation.h"
#include "common/status.h"
#include "oci/layout.h"
#include "oci/reference.h"
#include "oci/registry.h"
#include "oci/store_lock.h"

namespace sluice::cli {

struct RegistryFlags {
  std::string creds;  // USER:PASS
  std::vector<std::string> insecure_hosts;
};

// The local image store, <state>/images (created when missing).
Result<oci::ImageLayout> OpenStore(const GlobalOptions& options);

// For commands that change the store (build, pull): the writers' lock,
// waited for until `cancel` fires.
Result<oci::StoreLock> LockStore(const GlobalOptions& options, const Cancellation& cancel);

// A client for ref's registry: credentials from --creds, else
// $SLUICE_REGISTRY_USER and $SLUICE_REGISTRY_PASSWORD (the password is
// never printed).
Result<std::unique_ptr<oci::RegistryClient>> Client(const oci::ImageReference& ref,
                                                    const RegistryFlags& flags);

// --creds and --insecure-registry.
void AddRegistryFlags(CLI::App* cmd, RegistryFlags& flags);

// "512B", "3.4kB", "120.0MB": decimal units, one decimal place.
std::string HumanSize(int64_t bytes);

}  // namespace sluice::cli
