#include "common/diagnostic.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(DiagnosticTest, FormatsLocationLineAndCaret) {
  Diagnostic d{Severity::kError, {"p.yaml", 2, 9}, "unknown step type \"Foo\""};
  EXPECT_EQ(FormatDiagnostic(d, "step:\n  type: Foo\n"),
            "p.yaml:2:9: error: unknown step type \"Foo\"\n"
            "  type: Foo\n"
            "        ^\n");
}

TEST(DiagnosticTest, WarningWithoutSourceTextHasOnlyTheHeader) {
  Diagnostic d{Severity::kWarning, {"p.yaml", 3, 1}, "unknown key"};
  EXPECT_EQ(FormatDiagnostic(d, ""), "p.yaml:3:1: warning: unknown key\n");
}

TEST(DiagnosticTest, CountsErrorsAndWarnings) {
  DiagnosticList list;
  list.Warning({"a", 1, 1}, "w");
  EXPECT_FALSE(list.has_errors());
  list.Error({"a", 1, 1}, "e");
  EXPECT_TRUE(list.has_errors());
  EXPECT_EQ(list.error_count(), 1);
  EXPECT_EQ(list.warning_count(), 1);
}

TEST(DiagnosticTest, LineOfHandlesEdges) {
  EXPECT_EQ(LineOf("a\nb\r\nc", 2), "b");
  EXPECT_EQ(LineOf("a\nb", 3), "");
  EXPECT_EQ(LineOf("a", 0), "");
}

}  // namespace
}  // namespace sluice
