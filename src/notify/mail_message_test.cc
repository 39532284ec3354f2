#include "notify/mail_message.h"

#include <gtest/gtest.h>

namespace sluice::notify {
namespace {

MailMessage Sample() {
  MailMessage m;
  m.from_address = "ci@example.test";
  m.from_name = "sluice";
  m.to = {"team@example.test", "ops@example.test"};
  m.cc = {"lead@example.test"};
  m.subject = "[sluice] credit_card #12 failed at Train_Model";
  m.body = "Status: Failed\nline two\n";
  m.date_ms = 1795687200000;  // 2026-11-26 10:00:00 UTC
  m.message_id = "<run-12@example.test>";
  return m;
}

TEST(MailMessageTest, RendersHeadersAndPlainBody) {
  std::string text = RenderMessage(Sample());
  EXPECT_NE(text.find("From: \"sluice\" <ci@example.test>\r\n"), std::string::npos) << text;
  EXPECT_NE(text.find("To: team@example.test, ops@example.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("Cc: lead@example.test\r\n"), std::string::npos);
  EXPECT_NE(text.find("Subject: [sluice] credit_card #12 failed at Train_Model\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(text.find("Message-ID: <run-12@example.test>\r\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\n\r\nStatus: Failed\r\nline two\r\n"), std::string::npos);
}

TEST(MailMessageTest, EncodesNonAsciiSubjectAndBody) {
  MailMessage m = Sample();
  m.subject = "Modèle approuvé ✓";
  m.body = "Précision 0.91";
  std::string text = RenderMessage(m);
  EXPECT_NE(text.find("Subject: =?UTF-8?B?"), std::string::npos) << text;
  EXPECT_EQ(text.find("Modèle"), std::string::npos);
  EXPECT_NE(text.find("Content-Transfer-Encoding: base64"), std::string::npos);
}

TEST(MailMessageTest, LongSubjectsSplitIntoShortEncodedWords) {
  std::string encoded = EncodeHeaderText(std::string(40, 'a') + "é" + std::string(60, 'b'));
  size_t start = 0;
  while (start < encoded.size()) {
    size_t space = encoded.find(' ', start);
    std::string word =
        encoded.substr(start, space == std::string::npos ? std::string::npos : space - start);
    EXPECT_LE(word.size(), 75u) << word;
    if (space == std::string::npos) break;
    start = space + 1;
  }
}

TEST(MailMessageTest, HeaderValuesCannotAddHeaders) {
  MailMessage m = Sample();
  m.subject = "hello\r\nBcc: attacker@example.test";
  std::string text = RenderMessage(m);
  EXPECT_EQ(text.find("\r\nBcc:"), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: hello  Bcc: attacker@example.test\r\n"), std::string::npos);
}

TEST(MailMessageTest, HtmlBodiesAreSentWithAPlainTextAlternative) {
  MailMessage m = Sample();
  m.body = "<p>Model <b>v3</b> &amp; report</p><p>second</p>";
  std::string text = RenderMessage(m, "\n");
  EXPECT_NE(text.find("Content-Type: multipart/alternative; boundary="), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/plain; charset=utf-8\n"), std::string::npos);
  EXPECT_NE(text.find("Content-Type: text/html; charset=utf-8\n"), std::string::npos);
  EXPECT_NE(text.find("Model v3 & report\nsecond"), std::string::npos) << text;
  EXPECT_TRUE(LooksLikeHtml("<html><body>x</body></html>"));
  EXPECT_FALSE(LooksLikeHtml("accuracy < 0.9 and > 0.5"));
}

TEST(MailMessageTest, SplitsAddressListsAndRejectsWhatIsNotAnAddress) {
  auto list = SplitAddresses(" a@x.org, Bob <b@y.org>; c@z.org ,");
  ASSERT_TRUE(list.ok()) << list.status().message();
  EXPECT_EQ(*list, (std::vector<std::string>{"a@x.org", "b@y.org", "c@z.org"}));
  auto bad = SplitAddresses("a@x.org, bob");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "\"bob\" is not an e-mail address (name@domain)");
}

TEST(MailMessageTest, RecipientsAreToThenCcEachOnce) {
  MailMessage m = Sample();
  m.cc.push_back("TEAM@example.test");
  EXPECT_EQ(m.Recipients(), (std::vector<std::string>{"team@example.test", "ops@example.test",
                                                      "lead@example.test"}));
}

}  // namespace
}  // namespace sluice::notify
