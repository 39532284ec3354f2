#include "policy/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::policy::lexer {
namespace {

std::vector<TokenKind> Kinds(std::string_view text) {
  std::vector<TokenKind> kinds;
  for (const Token& t : Lex(text).tokens) kinds.push_back(t.kind);
  return kinds;
}

// The tokens' texts joined by spaces (names for punctuation).
std::string Texts(std::string_view text) {
  std::string out;
  for (const Token& t : Lex(text).tokens) {
    if (t.kind == TokenKind::kEnd) break;
    if (!out.empty()) out += ' ';
    out += t.text.empty() ? std::string(TokenName(t.kind)) : t.text;
  }
  return out;
}

// The error of the kIllegal token, or "" when there is none.
std::string LexError(std::string_view text) {
  for (const Token& t : Lex(text).tokens) {
    if (t.kind == TokenKind::kIllegal) return t.text;
  }
  return "";
}

TEST(LexerTest, SplitsIdentifiersNumbersAndOperators) {
  EXPECT_EQ(Texts("allow := input.x >= 0.9"), "allow assign input . x gte 0.9");
  EXPECT_EQ(
      Texts("a=b==c!=d<e<=f>g+h-i*j/k%l&m|n;o:p,q"),
      "a eq b equal c neq d lt e lte f gt g plus h minus i mul j div k rem l and m or n ; o : "
      "p , q");
  EXPECT_EQ(Texts("f(x)[0]{}"), "f ( x ) [ 0 ] { }");
  EXPECT_EQ(Texts("__local0__ _ x_1 X"), "__local0__ _ x_1 X");
  EXPECT_EQ(Kinds("1 1.5 1e3 1E+3 0.5e-2"),
            (std::vector<TokenKind>{TokenKind::kNumber, TokenKind::kNumber, TokenKind::kNumber,
                                    TokenKind::kNumber, TokenKind::kNumber, TokenKind::kEnd}));
  // Signs and a leading dot are separate tokens; the parser joins them.
  EXPECT_EQ(Texts("-1 .5"), "minus 1 . 5");
}

TEST(LexerTest, RecordsWhitespaceAndLineBreaksBeforeTokens) {
  std::vector<Token> tokens = Lex("a b\nc#x\nd(e").tokens;
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_FALSE(tokens[0].space_before);
  EXPECT_TRUE(tokens[1].space_before);
  EXPECT_FALSE(tokens[1].newline_before);
  EXPECT_TRUE(tokens[2].newline_before);
  EXPECT_TRUE(tokens[3].newline_before);  // after a comment and its line break
  EXPECT_FALSE(tokens[4].space_before);   // `(` right after d
  EXPECT_EQ(tokens[3].line, 3);
  EXPECT_EQ(tokens[3].column, 1);
}

TEST(LexerTest, CountsColumnsInCodePoints) {
  std::vector<Token> tokens = Lex("x := \"héllo\" + y").tokens;
  ASSERT_GE(tokens.size(), 5u);
  EXPECT_EQ(tokens[2].column, 6);
  EXPECT_EQ(tokens[3].column, 14);  // é is two bytes but one column
  EXPECT_EQ(tokens[3].offset, 14u);
}

TEST(LexerTest, DecodesStringEscapes) {
  std::vector<Token> tokens =
      Lex(R"("a\"b\\c\/d\b\f\n\r\t" "\u00e9" "\ud83d\ude00" "\ud83d" "\ude00x" "plain")").tokens;
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].text, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(tokens[1].text, "\xC3\xA9");
  EXPECT_EQ(tokens[2].text, "\xF0\x9F\x98\x80");  // a surrogate pair
  EXPECT_EQ(tokens[3].text, "\xEF\xBF\xBD");      // lone surrogates become U+FFFD
  EXPECT_EQ(tokens[4].text, "\xEF\xBF\xBDx");
  EXPECT_EQ(tokens[5].text, "plain");
  EXPECT_FALSE(tokens[0].raw);
}

TEST(LexerTest, ReadsRawStringsVerbatimAcrossLines) {
  std::vector<Token> tokens = Lex("`a\\n\"b\nc` x").tokens;
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kString);
  EXPECT_TRUE(tokens[0].raw);
  EXPECT_EQ(tokens[0].text, "a\\n\"b\nc");
  EXPECT_EQ(tokens[1].line, 2);
}

TEST(LexerTest, CollectsComments) {
  ast::Source source{"c.rego", "# METADATA\r\nx # trailing\n#"};
  LexOutput out = Lex(source.text, &source);
  ASSERT_EQ(out.comments.size(), 3u);
  EXPECT_EQ(out.comments[0].text, " METADATA");
  EXPECT_EQ(out.comments[1].text, " trailing");
  EXPECT_EQ(out.comments[1].location.line, 2);
  EXPECT_EQ(out.comments[1].location.column, 3);
  EXPECT_EQ(out.comments[1].location.text(), "# trailing");
  EXPECT_EQ(out.comments[2].text, "");
  EXPECT_EQ(Kinds("# only a comment"), std::vector<TokenKind>{TokenKind::kEnd});
}

TEST(LexerTest, SplitsTemplateStringsAroundExpressions) {
  EXPECT_EQ(Kinds(R"($"a{x}b{ {1: 2}[1] }c")"),
            (std::vector<TokenKind>{
                TokenKind::kTemplateHead, TokenKind::kIdent, TokenKind::kTemplateMiddle,
                TokenKind::kLBrace, TokenKind::kNumber, TokenKind::kColon, TokenKind::kNumber,
                TokenKind::kRBrace, TokenKind::kLBrack, TokenKind::kNumber, TokenKind::kRBrack,
                TokenKind::kTemplateTail, TokenKind::kEnd}));
  std::vector<Token> t = Lex(R"($"a\{b\n{x}" $`r\{ \n{y}` $"none")").tokens;
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].text, "a{b\n");
  EXPECT_EQ(t[2].kind, TokenKind::kTemplateTail);
  EXPECT_EQ(t[2].text, "");
  EXPECT_TRUE(t[3].raw);
  EXPECT_EQ(t[3].text, "r{ \\n");
  EXPECT_EQ(t[6].kind, TokenKind::kTemplateFull);
  EXPECT_EQ(t[6].text, "none");
  // Nested template strings.
  EXPECT_EQ(Texts(R"($"a{$"b{c}"}d")"), "a b c template-string d");
}

TEST(LexerTest, ReportsOpaScannerErrors) {
  EXPECT_EQ(LexError("\"abc"), "non-terminated string");
  EXPECT_EQ(LexError("\"ab\ncd\""), "non-terminated string");
  EXPECT_EQ(LexError("`abc"), "non-terminated string");
  EXPECT_EQ(LexError(R"("a\qb")"), "illegal escape sequence");
  EXPECT_EQ(LexError(R"("\u12")"), R"(illegal string literal: "\u12")");
  EXPECT_EQ(LexError("\"\t\\n\""), "illegal string literal: \"\t\\n\"");
  EXPECT_EQ(LexError("\"\ttab\""), "");  // no escape: taken verbatim, as OPA does
  EXPECT_EQ(LexError("1."), "expected fraction");
  EXPECT_EQ(LexError("1e"), "expected exponent");
  EXPECT_EQ(LexError("0a2b"), "illegal number format");
  EXPECT_EQ(LexError("a ! b"), "illegal ! character");
  EXPECT_EQ(LexError("$x"), "illegal $ character");
  EXPECT_EQ(LexError("@"), "illegal token");
  EXPECT_EQ(LexError("\xC3\xA9"), "illegal token");  // é outside a string
  EXPECT_EQ(LexError(std::string("a\0b", 3)), "illegal null character");
  EXPECT_EQ(LexError("\"\xff\""), "illegal utf-8 character");
  EXPECT_EQ(LexError("# \xC0\x80 overlong"), "illegal utf-8 character");
  EXPECT_EQ(LexError("x \xEF\xBB\xBF"), "illegal byte-order mark");
  EXPECT_EQ(LexError("\xEF\xBB\xBFx"), "");  // allowed at the start
  EXPECT_EQ(LexError(R"($"a{x)"), "");       // the parser reports the missing }
  EXPECT_EQ(LexError("$\"a{x}\n\""), "non-terminated string");
}

TEST(LexerTest, StopsAtTheFirstError) {
  std::vector<Token> tokens = Lex("a \"b\nc d").tokens;
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].kind, TokenKind::kIllegal);
  EXPECT_EQ(tokens[1].column, 3);
  EXPECT_EQ(tokens[2].kind, TokenKind::kEnd);
}

}  // namespace
}  // namespace sluice::policy::lexer
