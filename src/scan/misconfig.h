// Image misconfigurations, as Dockle (CIS Docker Benchmark) and Trivy's
// Dockerfile checks name them, judged from the built image: its config,
// history and files.
//
//   CIS-DI-0001  HIGH    the image runs as root (no USER, or USER root / 0,
//                        with or without a group)
//   CIS-DI-0010  HIGH    ENV holds a secret-looking variable (name with
//                        PASSWORD, PASSWD, SECRET, TOKEN, API_KEY, ACCESS_KEY,
//                        PRIVATE_KEY, CREDENTIAL; a non-empty value), or a
//                        build arg with such a name shows in history ("ARG
//                        NAME", or "|N NAME=value ..." on RUN steps; one
//                        finding per name)
//   DKL-DI-0006  MEDIUM  the base image is `latest` or untagged (base_name,
//                        else the config's org.opencontainers.image.base.name
//                        label; a manifest annotation of that name is the
//                        caller's to pass as base_name); a digest pins it,
//                        `scratch` and an unknown base are not flagged
//   CIS-DI-0006  LOW     no HEALTHCHECK, or HEALTHCHECK NONE
//   CIS-DI-0009  MEDIUM  ADD of a URL (from history's created_by; the title
//                        shows the URL without user info or query)
//   CIS-DI-0008  MEDIUM  a setuid or setgid file (one finding per file;
//                        setgid directories such as /var/mail are normal)
//   DKL-LI-0004  MEDIUM  a world-writable file or directory, sticky
//                        directories (like /tmp) excepted
// Each finding names the check, says what was found and how to fix it.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "oci/image.h"
#include "scan/findings.h"

namespace sluice::scan {

// A file of the image's final filesystem, as far as the checks look at it.
struct FileFacts {
  std::string path;
  std::string layer_digest;
  uint32_t mode = 0;  // 07777 bits
  bool directory = false;
  // A symlink's mode bits (0777) mean nothing: both checks skip it.
  bool symlink = false;
};

// `base_name` is the image the build started FROM when known ("" else).
std::vector<Finding> CheckConfig(const oci::ImageConfig& config, const std::string& base_name);
std::vector<Finding> CheckFiles(const std::vector<FileFacts>& files);

}  // namespace sluice::scan
