#include "runner/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace sluice::runner {

namespace {

// posix_spawn attributes and file actions, destroyed with the object.
class SpawnConfig {
 public:
  SpawnConfig() {
    ::posix_spawnattr_init(&attr);
    ::posix_spawn_file_actions_init(&actions);
  }
  ~SpawnConfig() {
    ::posix_spawnattr_destroy(&attr);
    ::posix_spawn_file_actions_destroy(&actions);
  }
  SpawnConfig(const SpawnConfig&) = delete;
  SpawnConfig& operator=(const SpawnConfig&) = delete;

  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
};

// argv/envp as the NULL-terminated char* arrays exec wants; they point into
// `strings`, which must outlive them.
std::vector<char*> CArray(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const std::string& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

Result<pid_t> SpawnGroupLeader(const SpawnArgs& args) {
  std::vector<char*> c_argv = CArray(args.argv);
  std::vector<char*> c_env = CArray(args.env);

  SpawnConfig config;
  sigset_t empty_mask, all_signals;
  sigemptyset(&empty_mask);
  sigfillset(&all_signals);
  ::posix_spawnattr_setflags(&config.attr,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  ::posix_spawnattr_setsigmask(&config.attr, &empty_mask);
  ::posix_spawnattr_setsigdefault(&config.attr, &all_signals);
  if (args.stdin_fd >= 0) {
    ::posix_spawn_file_actions_adddup2(&config.actions, args.stdin_fd, 0);
  } else {
    ::posix_spawn_file_actions_addopen(&config.actions, 0, "/dev/null", O_RDONLY, 0);
  }
  ::posix_spawn_file_actions_adddup2(&config.actions, args.stdout_fd, 1);
  ::posix_spawn_file_actions_adddup2(&config.actions, args.stderr_fd, 2);
  if (args.fd3 >= 0) ::posix_spawn_file_actions_adddup2(&config.actions, args.fd3, 3);
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
  ::posix_spawn_file_actions_addclosefrom_np(&config.actions, args.fd3 >= 0 ? 4 : 3);
#endif
  if (!args.working_dir.empty()) {
    ::posix_spawn_file_actions_addchdir_np(&config.actions, args.working_dir.c_str());
  }
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, args.program.c_str(), &config.actions, &config.attr, c_argv.data(),
                          c_env.data());
  if (err != 0) {
    std::string name = args.argv.empty() ? args.program : args.argv[0];
    return Status::IoError("cannot run " + name + ": " + std::strerror(err));
  }
  return pid;
}

int PidfdOpen(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace sluice::runner
