// An e-mail as sluice sends it, and its RFC 5322 text.
//
// RenderMessage writes the headers (From, To, Cc, Subject, Date,
// Message-ID, MIME-Version) and a UTF-8 body: text/plain, or — when the body
// looks like HTML — multipart/alternative with a plain-text rendering and
// the HTML. Header values are single lines (CR and LF become spaces, so an
// expression cannot add headers); non-ASCII subjects and display names are
// RFC 2047 encoded words. Bodies that are not 7-bit text with short lines
// are base64. Dot-stuffing is the SMTP client's business, not this file's.
//
// Addresses are plain `local@domain` (SplitAddresses takes `Name <a@b>`
// too and keeps the address). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::notify {

struct MailMessage {
  std::string from_address;
  std::string from_name;  // optional display name
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string body;        // plain text or HTML
  int64_t date_ms = 0;     // the Date header
  std::string message_id;  // "<...@...>"; made up from the date when empty

  // Every recipient, To then Cc, each once.
  std::vector<std::string> Recipients() const;
};

// The message as RFC 5322 text with `eol` line endings ("\r\n" on the wire;
// "\n" in a Maildir).
std::string RenderMessage(const MailMessage& message, std::string_view eol = "\r\n");

// "a@x.org, Bob <b@y.org>; c@z.org" -> {"a@x.org", "b@y.org", "c@z.org"}.
// InvalidArgument naming the first entry that is not an address.
Result<std::vector<std::string>> SplitAddresses(std::string_view text);
bool IsValidAddress(std::string_view address);

// Whether `body` reads as HTML (starts with a tag such as <html>, <p>, <div>
// or holds <br>, </p>...).
bool LooksLikeHtml(std::string_view body);
// A plain-text rendering of HTML: tags dropped, <br> and block ends as line
// breaks, the common entities decoded.
std::string HtmlToText(std::string_view html);

// `text` as RFC 2047 encoded words when it is not plain ASCII, else as is.
std::string EncodeHeaderText(std::string_view text);

// "Thu, 26 Nov 2026 10:00:00 +0000".
std::string Rfc5322Date(int64_t epoch_millis);

}  // namespace sluice::notify
