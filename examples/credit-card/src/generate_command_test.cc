#include "generate_command.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "common/files.h"

namespace ccapproval {
namespace {

TEST(GenerateCommandTest, WritesTheFileAndSaysWhat) {
  auto dir = sluice::TempDir::Create("ccapproval-generate-");
  ASSERT_TRUE(dir.ok());
  GenerateOptions options;
  options.rows = 10;
  options.out = dir->path() / "cc.csv";
  std::ostringstream out, err;
  EXPECT_EQ(RunGenerateCommand(options, out, err), 0);
  auto text = sluice::ReadFile(options.out);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(out.str(), "wrote 10 rows (" + std::to_string(text->size()) + " bytes, seed 54) to " +
                           options.out.string() + "\n");
  EXPECT_EQ(err.str(), "");
}

TEST(GenerateCommandTest, ErrorsGoToErrWithExitOne) {
  auto dir = sluice::TempDir::Create("ccapproval-generate-");
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(sluice::WriteFileAtomic(dir->path() / "file", "").ok());
  GenerateOptions options;
  options.rows = 1;
  options.out = dir->path() / "file" / "cc.csv";  // under a regular file: never writable
  std::ostringstream out, err;
  EXPECT_EQ(RunGenerateCommand(options, out, err), 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_TRUE(err.str().starts_with("ccapproval generate: error: ")) << err.str();
  EXPECT_NE(err.str().find((dir->path() / "file").string()), std::string::npos) << err.str();
}

}  // namespace
}  // namespace ccapproval
