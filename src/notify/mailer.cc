#include "notify/mailer.h"

#include <curl/curl.h>
#include <unistd.h>

#include <memory>

namespace sluice::notify {

namespace {

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t n = std::min(size * count, up->data.size() - up->offset);
  std::copy_n(up->data.data() + up->offset, n, buffer);
  up->offset += n;
  return n;
}

// The server's replies as curl reads them; the last one explains a failure.
// Only what the server sent is kept: what curl sends holds the AUTH
// credentials.
int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (!line.empty()) *static_cast<std::string*>(user) = line;
  return 0;
}

std::string HostName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost";
  return host;
}

}  // namespace

Mailer::Mailer(std::optional<pipeline::SmtpConfig> smtp, std::filesystem::path project_root,
               std::filesystem::path state_dir, SecretLookup secrets)
    : smtp_(std::move(smtp)),
      project_root_(std::move(project_root)),
      state_dir_(std::move(state_dir)),
      secrets_(std::move(secrets)) {}

std::string Mailer::from_address() const {
  return smtp_ ? smtp_->from_address : "sluice@localhost";
}

std::string Mailer::from_name() const { return smtp_ ? smtp_->from_name : "sluice"; }

Result<std::string> Mailer::Send(const MailMessage& message) const {
  if (message.Recipients().empty()) return Status::InvalidArgument("the message has no recipients");
  if (smtp_) return SendSmtp(message);
  return WriteMaildir(message);
}

Result<std::string> Mailer::WriteMaildir(const MailMessage& message) const {
  SLUICE_ASSIGN_OR_RETURN(std::filesystem::path file, WriteToMaildir(maildir(), message));
  return "no .harness/smtp.yaml: delivered to the local Maildir " + maildir().string() + " (" +
         file.filename().string() + ")";
}

Result<std::string> Mailer::SendSmtp(const MailMessage& message) const {
  const pipeline::SmtpConfig& c = *smtp_;
  std::string host = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  const std::string server = host + ":" + std::to_string(c.port);
  const std::string where = (c.use_ssl ? "smtps://" : "smtp://") + server;
  auto fail = [&](const std::string& why) {
    return Status::IoError("SMTP delivery through " + where + " (" + c.file + ") failed: " + why);
  };
  std::string password;
  if (!c.password_ref.empty()) {
    if (!secrets_)
      return fail("no secret store to read passwordRef \"" + c.password_ref + "\" from");
    Result<std::string> got = secrets_(c.password_ref);
    if (!got.ok()) {
      return fail("passwordRef names secret \"" + c.password_ref + "\": " + got.status().message());
    }
    password = *got;
  }

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), curl_easy_cleanup);
  if (!h) return fail("cannot start libcurl");
  const std::string url = where + "/" + (c.ehlo_name.empty() ? HostName() : c.ehlo_name);
  const std::string text = RenderMessage(message, "\r\n");
  Upload upload{text};
  const std::string mail_from = "<" + message.from_address + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(nullptr, curl_slist_free_all);
  for (const std::string& r : message.Recipients()) {
    rcpt.reset(curl_slist_append(rcpt.release(), ("<" + r + ">").c_str()));
  }
  char error[CURL_ERROR_SIZE] = {};
  std::string last_reply;
  CURL* e = h.get();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(e, CURLOPT_READDATA, &upload);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(c.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(c.timeout.count()));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, OnDebug);
  curl_easy_setopt(e, CURLOPT_DEBUGDATA, &last_reply);
  long use_ssl = CURLUSESSL_NONE;
  if (c.use_ssl || c.start_tls == pipeline::StartTls::kRequired) use_ssl = CURLUSESSL_ALL;
  if (!c.use_ssl && c.start_tls == pipeline::StartTls::kOpportunistic) use_ssl = CURLUSESSL_TRY;
  curl_easy_setopt(e, CURLOPT_USE_SSL, use_ssl);
  std::string ca_file;
  if (!c.ca_file.empty()) {
    std::filesystem::path ca(c.ca_file);
    ca_file = (ca.is_absolute() ? ca : project_root_ / ca).string();
    curl_easy_setopt(e, CURLOPT_CAINFO, ca_file.c_str());
  }
  if (!c.username.empty()) {
    curl_easy_setopt(e, CURLOPT_USERNAME, c.username.c_str());
    curl_easy_setopt(e, CURLOPT_PASSWORD, password.c_str());
  }
  CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK) {
    std::string why = curl_easy_strerror(rc);
    if (error[0] != '\0' && why != error) why += " (" + std::string(error) + ")";
    if (rc == CURLE_USE_SSL_FAILED) {
      why += c.start_tls == pipeline::StartTls::kRequired
                 ? "; startTLS is required but the server offers no STARTTLS (set startTLS: "
                   "opportunistic to send without TLS, or use the server's TLS port)"
                 : "";
    } else if (rc == CURLE_LOGIN_DENIED) {
      why += "; check username and the secret \"" + c.password_ref + "\"";
    }
    if (!last_reply.empty()) why += "; the server said: " + last_reply;
    // The password is not in curl's messages; this keeps it so whatever changes.
    if (!password.empty()) {
      for (size_t at = why.find(password); at != std::string::npos; at = why.find(password)) {
        why.replace(at, password.size(), "**************");
      }
    }
    return fail(why);
  }
  return "sent through " + where + (use_ssl == CURLUSESSL_NONE ? "" : " (TLS)");
}

}  // namespace sluice::notify
