#include "notify/mail_message.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "common/base64.h"
#include "common/ids.h"
#include "common/text.h"

namespace sluice::notify {

namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Header values are one line: a CR or LF (from an expression, say) would
// start a header of its own.
std::string OneLine(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '\r', ' ');
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

bool SevenBitShortLines(std::string_view body) {
  if (!IsAscii(body)) return false;
  size_t line = 0;
  for (char c : body) {
    line = c == '\n' ? 0 : line + 1;
    if (line > 900 || c == '\0') return false;
  }
  return true;
}

// Lines ending in `eol` whatever they ended in before.
std::string WithEol(std::string_view text, std::string_view eol) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (text[i] == '\n' || text[i] == '\r') {
      out += eol;
    } else {
      out += text[i];
    }
  }
  if (out.size() < eol.size() || out.compare(out.size() - eol.size(), eol.size(), eol) != 0)
    out += eol;
  return out;
}

// Content-Transfer-Encoding header and the body in it.
std::string BodyPart(std::string_view content_type, std::string_view body, std::string_view eol) {
  std::string out =
      "Content-Type: " + std::string(content_type) + "; charset=utf-8" + std::string(eol);
  if (SevenBitShortLines(body)) {
    out += "Content-Transfer-Encoding: 7bit" + std::string(eol) + std::string(eol);
    out += WithEol(body, eol);
    return out;
  }
  out += "Content-Transfer-Encoding: base64" + std::string(eol) + std::string(eol);
  std::string encoded = Base64Encode(body);
  for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + std::string(eol);
  return out;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + OneLine(i);
  return out;
}

}  // namespace

std::vector<std::string> MailMessage::Recipients() const {
  std::vector<std::string> all;
  std::set<std::string> seen;
  for (const auto* list : {&to, &cc}) {
    for (const std::string& a : *list) {
      if (seen.insert(AsciiLower(a)).second) all.push_back(a);
    }
  }
  return all;
}

std::string EncodeHeaderText(std::string_view text) {
  std::string line = OneLine(text);
  if (IsAscii(line)) return line;
  // Encoded words of at most 75 characters: 45 bytes of UTF-8 each, cut
  // between characters.
  std::string out;
  size_t i = 0;
  while (i < line.size()) {
    size_t end = std::min(line.size(), i + 45);
    while (end < line.size() && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += " ";
    out += "=?UTF-8?B?" + Base64Encode(std::string_view(line).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string Rfc5322Date(int64_t epoch_millis) {
  std::time_t t = static_cast<std::time_t>(epoch_millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string RenderMessage(const MailMessage& m, std::string_view eol_view) {
  const std::string eol(eol_view);
  std::string out;
  std::string from = OneLine(m.from_address);
  if (!m.from_name.empty()) {
    std::string name = EncodeHeaderText(m.from_name);
    if (IsAscii(m.from_name)) name = "\"" + name + "\"";
    from = name + " <" + from + ">";
  }
  out += "From: " + from + eol;
  if (!m.to.empty()) out += "To: " + Join(m.to) + eol;
  if (!m.cc.empty()) out += "Cc: " + Join(m.cc) + eol;
  out += "Subject: " + EncodeHeaderText(m.subject) + eol;
  out += "Date: " + Rfc5322Date(m.date_ms) + eol;
  std::string id = m.message_id;
  if (id.empty()) {
    std::string domain = m.from_address.substr(m.from_address.find('@') + 1);
    id = "<" + std::to_string(m.date_ms) + "." + QuickRandomHex(12) + "@" +
         (domain.empty() ? "sluice.local" : domain) + ">";
  }
  out += "Message-ID: " + OneLine(id) + eol;
  out += "MIME-Version: 1.0" + eol;
  if (!LooksLikeHtml(m.body)) {
    out += BodyPart("text/plain", m.body, eol);
    return out;
  }
  const std::string boundary = "=_sluice_" + QuickRandomHex(16);
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"" + eol + eol;
  out += "--" + boundary + eol + BodyPart("text/plain", HtmlToText(m.body), eol);
  out += "--" + boundary + eol + BodyPart("text/html", m.body, eol);
  out += "--" + boundary + "--" + eol;
  return out;
}

bool IsValidAddress(std::string_view a) {
  size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size()) return false;
  if (a.find('@', at + 1) != std::string_view::npos) return false;
  return std::none_of(a.begin(), a.end(), [](char c) {
    return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',' ||
           c == ';' || c == '"' || static_cast<unsigned char>(c) < 0x20;
  });
}

Result<std::vector<std::string>> SplitAddresses(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",;", start);
    std::string_view item = TrimAsciiSpace(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (!item.empty()) {
      size_t open = item.rfind('<');
      if (open != std::string_view::npos && item.back() == '>') {
        item = item.substr(open + 1, item.size() - open - 2);
      }
      if (!IsValidAddress(item)) {
        return Status::InvalidArgument("\"" + std::string(item) +
                                       "\" is not an e-mail address (name@domain)");
      }
      out.emplace_back(item);
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

bool LooksLikeHtml(std::string_view body) {
  std::string lower = AsciiLower(TrimAsciiSpace(body));
  if (lower.empty() || lower[0] != '<') {
    for (const char* tag :
         {"<br>", "<br/>", "<br />", "</p>", "</div>", "</a>", "</b>", "</table>"}) {
      if (lower.find(tag) != std::string::npos) return true;
    }
    return false;
  }
  for (const char* tag : {"<!doctype html", "<html", "<p", "<div", "<h1", "<h2", "<h3", "<table",
                          "<ul", "<body", "<b>", "<a ", "<span", "<br"}) {
    if (lower.rfind(tag, 0) == 0) return true;
  }
  return false;
}

std::string HtmlToText(std::string_view html) {
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      std::string tag = AsciiLower(html.substr(i + 1, close - i - 1));
      std::string name = tag.substr(0, tag.find_first_of(" /\t\n"));
      if (name.empty() && tag.size() > 1) name = tag.substr(1, tag.find_first_of(" \t\n", 1) - 1);
      bool closing = !tag.empty() && tag[0] == '/';
      if (name == "br" ||
          (closing && (name == "p" || name == "div" || name == "tr" || name == "li" ||
                       name == "h1" || name == "h2" || name == "h3" || name == "table"))) {
        out += '\n';
      }
      i = close + 1;
      continue;
    }
    if (c == '&') {
      static const std::pair<const char*, const char*> kEntities[] = {
          {"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
          {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (const auto& [entity, text] : kEntities) {
        if (html.substr(i).rfind(entity, 0) == 0) {
          out += text;
          i += std::string_view(entity).size();
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    if (c == '\n' || c == '\r') {
      if (!out.empty() && out.back() != '\n' && out.back() != ' ') out += ' ';
      ++i;
      continue;
    }
    out += c;
    ++i;
  }
  return std::string(TrimAsciiSpace(out));
}

}  // namespace sluice::notify
