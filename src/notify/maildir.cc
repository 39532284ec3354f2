// The local Maildir delivery of Mailer (mailer.h).
#include <sys/time.h>
#include <unistd.h>

#include <atomic>

#include "common/files.h"
#include "notify/mailer.h"

namespace sluice::notify {

namespace {
std::atomic<int> g_counter{0};
}

Result<std::filesystem::path> WriteToMaildir(const std::filesystem::path& dir,
                                             const MailMessage& message) {
  for (const char* sub : {"tmp", "new", "cur"}) SLUICE_RETURN_IF_ERROR(MakeDirs(dir / sub));
  std::string text = RenderMessage(message, "\n");
  // aiosmtpd's Message handler adds these after the message's own headers.
  std::string recipients;
  for (const std::string& r : message.Recipients())
    recipients += (recipients.empty() ? "" : ", ") + r;
  size_t end = text.find("\n\n");
  std::string extra = "X-MailFrom: " + message.from_address + "\nX-RcptTo: " + recipients + "\n";
  text.insert(end == std::string::npos ? text.size() : end + 1, extra);

  // <seconds>.M<microseconds>P<pid>Q<counter>.<host>, as Python's mailbox.Maildir names them.
  timeval now{};
  gettimeofday(&now, nullptr);
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  std::string name = std::to_string(now.tv_sec) + ".M" + std::to_string(now.tv_usec) + "P" +
                     std::to_string(getpid()) + "Q" + std::to_string(++g_counter) + "." + host;
  const std::filesystem::path tmp = dir / "tmp" / name;
  SLUICE_RETURN_IF_ERROR(WriteFileAtomic(tmp, text, 0600));
  std::error_code ec;
  std::filesystem::rename(tmp, dir / "new" / name, ec);
  if (ec)
    return Status::IoError("cannot move " + tmp.string() + " into " + (dir / "new").string() +
                           ": " + ec.message());
  return dir / "new" / name;
}

}  // namespace sluice::notify
