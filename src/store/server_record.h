// Which sluice server owns a state directory, and whether a recorded
// process is still a sluice process: <state>/server.json ({"pid", "addr"})
// is written by `sluice server` once it listens and removed when it stops.
// Everything here reads /proc and that file; nothing is cached. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace sluice::store {

// Whether `pid` is a live process other than this one.
bool ProcessAlive(int64_t pid);
// True when `pid` is alive and is a sluice process: a pid recorded by a
// crashed run may have been reused by something else, which must not be
// signalled.
bool IsSluiceProcess(int64_t pid);
// True when `pid` is a running `sluice server`.
bool IsSluiceServer(int64_t pid);
// The pid of the running `sluice server` that owns `state_dir` (its
// <state>/server.json names it and the process is a sluice server), or 0.
int64_t OwningServer(const std::filesystem::path& state_dir);
// The base URL ("http://127.0.0.1:8080") of that server, or "" when none runs.
std::string OwningServerUrl(const std::filesystem::path& state_dir);

}  // namespace sluice::store
