// Delivering a MailMessage: through an SMTP server when the project has
// `.harness/smtp.yaml` (pipeline/notifications.h), or else into the local
// Maildir `<state>/mail/` so a project with no mail server still shows
// what it would have sent.
//
// SMTP (libcurl): smtp:// with STARTTLS required, opportunistic or off, or
// smtps:// (useSSL, TLS from the first byte); AUTH with `username` and the
// password from the sluice secret `passwordRef`, read at the first send;
// the CA bundle `caFile` (relative to the project); `ehloName` (default: this
// machine's host name); connect and whole-transaction timeouts. Errors say
// which server, curl's reason and the server's last reply
// ("535 5.7.8 Authentication credentials invalid"); they never hold the
// password. Delivery is "accepted by the server", as Harness's Email step.
//
// Maildir: one file per message, written to tmp/ and renamed into new/,
// named and laid out as Python's mailbox.Maildir (aiosmtpd's Mailbox
// handler) writes them, with LF line endings and the X-MailFrom and
// X-RcptTo headers that handler adds.
//
// Send returns a sentence for the log saying where the message went.
// Thread-safe: every Send is independent.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "common/status.h"
#include "notify/mail_message.h"
#include "pipeline/notifications.h"

namespace sluice::notify {

// Looks a sluice secret up by identifier.
using SecretLookup = std::function<Result<std::string>(const std::string& id)>;

class Mailer {
 public:
  // `smtp` nullopt: the local Maildir under `state_dir`.
  Mailer(std::optional<pipeline::SmtpConfig> smtp, std::filesystem::path project_root,
         std::filesystem::path state_dir, SecretLookup secrets);

  // From address and name of the messages this mailer sends.
  std::string from_address() const;
  std::string from_name() const;
  bool local() const { return !smtp_.has_value(); }
  std::filesystem::path maildir() const { return state_dir_ / "mail"; }

  // Delivers `message` to message.Recipients().
  Result<std::string> Send(const MailMessage& message) const;

 private:
  Result<std::string> SendSmtp(const MailMessage& message) const;
  Result<std::string> WriteMaildir(const MailMessage& message) const;

  std::optional<pipeline::SmtpConfig> smtp_;
  std::filesystem::path project_root_;
  std::filesystem::path state_dir_;
  SecretLookup secrets_;
};

// Writes `message` (To/Cc as its recipients, `envelope_from`) into the
// Maildir `dir` (creating tmp/, new/, cur/); returns the new file's path.
Result<std::filesystem::path> WriteToMaildir(const std::filesystem::path& dir,
                                             const MailMessage& message);

}  // namespace sluice::notify
