// sluice-run-as UID GID -- PROGRAM [ARG...]
//
// Switches to UID and GID (no supplementary groups) and executes PROGRAM,
// looked up in PATH. bubblewrap runs it as root inside a container image's
// root (ProcessSpec::run_as), so a Dockerfile RUN after `USER model` runs as
// that user. Linked statically: the image may have no libc at all. Exit 125
// when the arguments are wrong or the switch fails, 127 when PROGRAM cannot
// be executed, with a message on stderr.
#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

bool ParseId(const char* text, unsigned long& id) {
  if (text == nullptr || *text == '\0') return false;
  char* end = nullptr;
  errno = 0;
  id = std::strtoul(text, &end, 10);
  return errno == 0 && *end == '\0' && id <= 0xFFFFFFFEul;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long uid = 0;
  unsigned long gid = 0;
  if (argc < 5 || !ParseId(argv[1], uid) || !ParseId(argv[2], gid) ||
      std::strcmp(argv[3], "--") != 0) {
    std::fprintf(stderr, "usage: sluice-run-as UID GID -- PROGRAM [ARG...]\n");
    return 125;
  }
  if (::setgroups(0, nullptr) != 0 || ::setgid(static_cast<gid_t>(gid)) != 0 ||
      ::setuid(static_cast<uid_t>(uid)) != 0) {
    std::fprintf(stderr, "sluice-run-as: cannot switch to uid %lu gid %lu: %s\n", uid, gid,
                 std::strerror(errno));
    return 125;
  }
  ::execvp(argv[4], argv + 4);
  std::fprintf(stderr, "sluice-run-as: %s: %s\n", argv[4], std::strerror(errno));
  return 127;
}
