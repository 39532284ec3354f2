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

// Pattern, path, and whether Docker excludes the path with that one pattern
// (a pattern matching a parent directory excludes everything under it).
struct MatchCase {
  const char* pattern;
  const char* path;
  bool excluded;
};

TEST(DockerignoreTest, MatchesAsDockerDoes) {
  const MatchCase kCases[] = {
      {"**", "file", true},
      {"**", "dir/file", true},
      {"**/**", "dir/file", true},
      {"dir/**", "dir/dir2/file", true},
      {"**/dir", "dir", true},
      {"**/dir", "dir/file", true},
      {"**/dir2/*", "dir/dir2/file", true},
      {"**/dir2/**", "dir/dir2/dir3/file", true},
      {"**file", "file", true},
      {"**file", "dir/dir/file", true},
      {"**file", "dir/xfile", true},  // plain text after ** is a suffix
      {"**.pyc", "mod.pyc", true},
      {"**/file*.txt", "dir/dir/file.txt", true},
      {"**/**/*.txt2", "dir/dir/file.txt", false},
      {"**/*.txt", "file.txt", true},
      {"a**/*.txt", "a/file.txt", true},
      {"a**/*.txt", "a/dir/dir/file.txt", true},
      {"a/*.txt", "a/dir/file.txt", false},
      {"a/*.txt**", "a/file.txt", true},
      {"a[b-d]e", "ace", true},
      {"a[b-d]e", "aae", false},
      {"a[^b-d]e", "aze", true},
      {".*", ".foo", true},
      {".*", "foo", false},
      {"abc.def", "abcZdef", false},
      {"abc?def", "abcZdef", true},
      {"**/foo/bar", "foo/bar", true},
      {"**/foo/bar", "dir/dir2/foo/bar", true},
      {"abc/**", "abc", false},
      {"**/.foo", "bar.foo", false},
      {"a(b)c/def", "a(b)c/def", true},
      {"a*b*c*d*e*/f", "axbxcxdxexxx/f", true},
      {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false},
      {"a*b?c*x", "abxbbxdbxebxczzx", true},
      {"a*b?c*x", "abxbbxdbxebxczzy", false},
      {"a*", "ab/c", true},
      {"a*/b", "a/c/b", false},
      {"[\\]a]", "]", true},
      {"[x\\-]", "-", true},
      {"[x\\-]", "z", false},
      {"a\\*b", "a*b", true},
      {"a\\*b", "ab", false},
      {"*x", "xxx", true},
  };
  for (const MatchCase& c : kCases) {
    auto ig = ParseDockerignore(c.pattern);
    ASSERT_TRUE(ig.ok()) << c.pattern << ": " << ig.status().ToString();
    EXPECT_EQ(ig->Excludes(c.path), c.excluded) << "pattern " << c.pattern << ", path " << c.path;
  }
  // Exceptions of a directory and of files under an excluded whole.
  EXPECT_FALSE(Parse("docs\n!docs/README.md\n").Excludes("docs/README.md"));
  EXPECT_FALSE(Parse("docs/*\n!docs/README.md\n").Excludes("docs/README.md"));
  EXPECT_TRUE(Parse("**\n!util/docker/web\nutil/docker/web/foo\n").Excludes("util/docker/web/foo"));
  EXPECT_FALSE(Parse("**\n!util/docker/web\n").Excludes("util/docker/web/foo"));
  EXPECT_TRUE(Parse("!fileutils.go\n*.go\n").Excludes("fileutils.go"));
}

TEST(DockerignoreTest, ManyStarsOnALongNameStayFast) {
  // Plain backtracking takes exponential time on these; without the memo
  // this test would not finish.
  std::string name(200, 'a');
  EXPECT_FALSE(MatchIgnorePattern("*a*a*a*a*a*a*a*a*a*a*a*b", name));
  EXPECT_TRUE(MatchIgnorePattern("*a*a*a*a*a*a*a*a*a*a*a*a", name));
  EXPECT_FALSE(MatchIgnorePattern("**/**/**/**/**/**/**/x", std::string(100, '/') + "y"));
}

TEST(DockerignoreTest, MalformedPatternsAreRejectedAsGoRejectsThem) {
  for (const char* bad :
       {"[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "!"}) {
    EXPECT_FALSE(ParseDockerignore(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseDockerignore("ok\n  !  \n").status().message(),
            ".dockerignore:2: a lone ! re-includes nothing; write !pattern");
}

TEST(DockerignoreTest, MalformedPatternsNameTheLine) {
  auto bad = ParseDockerignore("ok\n[abc\n", "ctx/.dockerignore");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "ctx/.dockerignore:2: invalid pattern \"[abc\": the [...] class is malformed "
            "(unclosed, empty, or a - without a character on each side); escape literal [ and \\ "
            "with \\");
  EXPECT_FALSE(ParseDockerignore("trailing\\\n").ok());
}

TEST(DockerignoreTest, ListContextFilesSortedWithExceptionsUnderExcludedDirectories) {
  auto dir = TempDir::Create("sluice-dockerignore-");
  ASSERT_TRUE(dir.ok());
  const auto& root = dir->path();
  for (const char* d : {"src", "node_modules/pkg", "logs"}) {
    std::filesystem::create_directories(root / d);
  }
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
