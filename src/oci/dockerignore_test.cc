#include "oci/dockerignore.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/files.h"

namespace sluice::oci {
namespace {

Dockerignore Parse(std::string_view text) {
  auto d = ParseDockerignore(text);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return d.ok() ? std::move(d).value() : Dockerignore{};
}

TEST(DockerignoreTest, DocumentedExample) {
  // The example from Docker's build context documentation.
  Dockerignore ig = Parse(
      "# comment\n"
      "*/temp*\n"
      "*/*/temp*\n"
      "temp?\n");
  EXPECT_TRUE(ig.Excludes("somedir/temporary.txt"));
  EXPECT_TRUE(ig.Excludes("somedir/temp"));
  EXPECT_TRUE(ig.Excludes("somedir/subdir/temporary.txt"));
  EXPECT_TRUE(ig.Excludes("tempa"));
  EXPECT_TRUE(ig.Excludes("tempb/inside.txt"));  // a matched directory covers its content
  EXPECT_FALSE(ig.Excludes("temporary.txt"));
  EXPECT_FALSE(ig.Excludes("temp"));
  EXPECT_FALSE(ig.Excludes("a/b/c/temp"));
  EXPECT_FALSE(ig.Excludes("# comment"));
}

TEST(DockerignoreTest, DoubleStarMatchesAnyNumberOfDirectories) {
  Dockerignore ig = Parse("**/*.go\n");
  EXPECT_TRUE(ig.Excludes("main.go"));
  EXPECT_TRUE(ig.Excludes("a/b/c/main.go"));
  EXPECT_FALSE(ig.Excludes("main.go.txt"));
  Dockerignore under = Parse("build/**\n");
  EXPECT_TRUE(under.Excludes("build/x/y.o"));
  EXPECT_FALSE(under.Excludes("builder/x"));
  Dockerignore middle = Parse("a/**/z\n");
  EXPECT_TRUE(middle.Excludes("a/z"));
  EXPECT_TRUE(middle.Excludes("a/b/c/z"));
  EXPECT_FALSE(middle.Excludes("a/bz"));
}

TEST(DockerignoreTest, ExceptionsAndLastMatchWins) {
  // Docker's documented exception examples.
  Dockerignore ig = Parse("*.md\n!README.md\n");
  EXPECT_TRUE(ig.Excludes("CHANGES.md"));
  EXPECT_FALSE(ig.Excludes("README.md"));

  Dockerignore secret = Parse("*.md\n!README*.md\nREADME-secret.md\n");
  EXPECT_TRUE(secret.Excludes("README-secret.md"));
  EXPECT_FALSE(secret.Excludes("README-public.md"));
  EXPECT_TRUE(secret.Excludes("other.md"));

  Dockerignore order = Parse("*.md\nREADME-secret.md\n!README*.md\n");
  EXPECT_FALSE(order.Excludes("README-secret.md"));
  EXPECT_TRUE(order.Excludes("other.md"));
}

TEST(DockerignoreTest, PatternsAreCleanedAndCharacterClassesWork) {
  Dockerignore ig = Parse("  /secrets  \n./build/../out\n[abc]x\n[^a-y]y\nlit\\*\n! /out/keep\n");
  ASSERT_EQ(ig.patterns().size(), 6u);
  EXPECT_EQ(ig.patterns()[0].pattern, "secrets");
  EXPECT_EQ(ig.patterns()[1].pattern, "out");
  EXPECT_TRUE(ig.patterns()[5].exception);
  EXPECT_EQ(ig.patterns()[5].pattern, "out/keep");
  EXPECT_TRUE(ig.Excludes("secrets/key"));
  EXPECT_TRUE(ig.Excludes("./secrets"));
  EXPECT_TRUE(ig.Excludes("out/x"));
  EXPECT_FALSE(ig.Excludes("out/keep"));
  EXPECT_TRUE(ig.Excludes("bx"));
  EXPECT_FALSE(ig.Excludes("dx"));
  EXPECT_TRUE(ig.Excludes("zy"));
  EXPECT_FALSE(ig.Excludes("ay"));
  EXPECT_TRUE(ig.Excludes("lit*"));
  EXPECT_FALSE(ig.Excludes("litx"));
  EXPECT_FALSE(MatchIgnorePattern("a?c", "a/c"));  // ? never matches '/'
  EXPECT_FALSE(MatchIgnorePattern("a*", "ab/c"));
}

TEST(DockerignoreTest, MalformedPatternsNameTheLine) {
  auto bad = ParseDockerignore("ok\n[abc\n", "ctx/.dockerignore");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "ctx/.dockerignore:2: invalid pattern \"[abc\": a [ has no matching ] (or the class is "
            "empty); escape literal [ and \\ with \\");
  EXPECT_FALSE(ParseDockerignore("trailing\\\n").ok());
}

TEST(DockerignoreTest, ListContextFilesSortedWithExceptionsUnderExcludedDirectories) {
  auto dir = TempDir::Create("sluice-dockerignore-");
  ASSERT_TRUE(dir.ok());
  const auto& root = dir->path();
  for (const char* d : {"src", "node_modules/pkg", "logs"})
    std::filesystem::create_directories(root / d);
  for (const char* f : {"Dockerfile", "src/main.cc", "src/notes.md", "README.md",
                        "node_modules/pkg/index.js", "logs/keep.log", "logs/a.log", "b.txt"}) {
    std::ofstream(root / f) << f;
  }
  std::filesystem::create_symlink("src/main.cc", root / "link");
  Dockerignore ig = Parse("node_modules\n*.md\n!README.md\nlogs\n!logs/keep.log\n");
  auto entries = ListContextFiles(root, ig);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  using T = ContextEntry::Type;
  EXPECT_EQ(*entries,
            (std::vector<ContextEntry>{{"Dockerfile", T::kFile},
                                       {"README.md", T::kFile},
                                       {"b.txt", T::kFile},
                                       {"link", T::kSymlink},
                                       {"logs/keep.log", T::kFile},
                                       {"src", T::kDirectory},
                                       {"src/main.cc", T::kFile},
                                       // `*.md` does not cross '/': only top-level .md files go
                                       {"src/notes.md", T::kFile}}));
  EXPECT_FALSE(ListContextFiles(root / "missing", ig).ok());

  // A named pipe cannot be sent; excluding it is the way out.
  ASSERT_EQ(mkfifo((root / "pipe").c_str(), 0600), 0);
  auto with_pipe = ListContextFiles(root, ig);
  ASSERT_FALSE(with_pipe.ok());
  EXPECT_NE(with_pipe.status().message().find("add it to .dockerignore"), std::string::npos);
  EXPECT_TRUE(ListContextFiles(root, Parse("pipe\n")).ok());
}

}  // namespace
}  // namespace sluice::oci
