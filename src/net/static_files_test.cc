#include "net/static_files.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/files.h"
#include "net/http_server.h"

namespace sluice::net {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-static-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_.emplace(std::move(*dir));
    root_ = dir_->path() / "site";
    Write("index.html", "<h1>home</h1>");
    Write("app.js", "export {};");
    Write("style.css", "body{}");
    Write("docs/index.html", "<h1>docs</h1>");
    Write("empty/readme.txt", "no index here");
    Write(".env", "SECRET=1");
    Write("../outside.txt", "outside the root");
    auto files = StaticFiles::Open(root_);
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_.emplace(std::move(*files));
  }

  void Write(const std::string& relative, const std::string& text) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  HttpResponse Get(const std::string& path, const std::string& method = "GET") {
    HttpRequest request;
    request.method = method;
    request.target = path;
    request.path = path;
    return files_->Answer(request);
  }

  std::optional<TempDir> dir_;
  fs::path root_;
  std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, RootServesIndexHtmlAsHtml) {
  HttpResponse r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>home</h1>");
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, FilesGetTheirExtensionsContentType) {
  HttpResponse js = Get("/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "export {};");
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/style.css").header("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("logo.SVG"), "image/svg+xml");
  EXPECT_EQ(ContentTypeForPath("a.png"), "image/png");
  EXPECT_EQ(ContentTypeForPath("data.json"), "application/json");
  EXPECT_EQ(ContentTypeForPath("Makefile"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForPath("archive.bin"), "application/octet-stream");
}

TEST_F(StaticFilesTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* path : {"/", "/missing", "/../outside.txt"}) {
    HttpResponse r = Get(path);
    EXPECT_EQ(r.header("Content-Security-Policy"), kStaticContentSecurityPolicy) << path;
    EXPECT_NE(r.header("Content-Security-Policy").find("default-src 'self'"),
              std::string_view::npos);
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << path;
  }
  EXPECT_EQ(Get("/", "POST").header("X-Content-Type-Options"), "nosniff");
}

TEST_F(StaticFilesTest, HeadAnswersTheHeadersWithoutABody) {
  HttpResponse r = Get("/app.js", "HEAD");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.header("Content-Length"), "10");  // GET's: "export {};"
}

// Over HTTP: HEAD's Content-Length is GET's, and no body follows (the next
// answer on the connection starts right after HEAD's headers).
TEST_F(StaticFilesTest, HeadOverHttpGivesGetsContentLengthAndNoBody) {
  std::unique_ptr<HttpServer> server = HttpServer::Create({});
  uint16_t port = 0;
  const StaticFiles& files = *files_;
  auto listener = server->Listen(
      "127.0.0.1", 0,
      [&files](HttpRequest request, std::shared_ptr<Responder> responder) {
        responder->Send(files.Answer(request));
      },
      &port);
  ASSERT_TRUE(listener.ok()) << listener.status().ToString();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string requests =
      "HEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, requests.data(), requests.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(requests.size()));
  std::string received;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) received.append(buf, n);
  ::close(fd);
  server->Stop();

  const size_t head_end = received.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << received;
  const std::string head = received.substr(0, head_end + 2);
  EXPECT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  EXPECT_NE(head.find("Content-Length: 13\r\n"), std::string::npos) << head;  // <h1>home</h1>
  const std::string rest = received.substr(head_end + 4);
  EXPECT_TRUE(rest.starts_with("HTTP/1.1 200")) << "a body followed HEAD's headers: " << rest;
  EXPECT_NE(rest.find("Content-Length: 13\r\n"), std::string::npos) << rest;
  EXPECT_TRUE(rest.ends_with("\r\n\r\n<h1>home</h1>")) << rest;
}

TEST_F(StaticFilesTest, OtherMethodsAreRefusedWithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    HttpResponse r = Get("/index.html", method);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.header("Allow"), "GET, HEAD");
  }
}

TEST_F(StaticFilesTest, DirectoriesServeTheirIndexAndNeverAListing) {
  HttpResponse docs = Get("/docs/");
  EXPECT_EQ(docs.status, 200);
  EXPECT_EQ(docs.body, "<h1>docs</h1>");
  HttpResponse empty = Get("/empty/");
  EXPECT_EQ(empty.status, 404);
  EXPECT_EQ(empty.body.find("readme"), std::string::npos);
}

TEST_F(StaticFilesTest, DirectoryWithoutTrailingSlashRedirectsToIt) {
  HttpRequest request;
  request.method = "GET";
  request.target = "/docs?x=1";
  request.path = "/docs";
  request.query = "x=1";
  HttpResponse r = files_->Answer(request);
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("Location"), "/docs/?x=1");
}

TEST_F(StaticFilesTest, MissingFilesAreNotFoundWithoutNamingPaths) {
  HttpResponse r = Get("/nope.html");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find(root_.string()), std::string::npos);
}

TEST_F(StaticFilesTest, DotDotSegmentsCannotLeaveTheRoot) {
  // The server hands over percent-decoded paths: "/%2e%2e/" arrives as "/../".
  for (const char* path : {"/../outside.txt", "/docs/../../outside.txt", "/docs/../index.html",
                           "/./index.html", "/..", "//etc/passwd"}) {
    EXPECT_EQ(Get(path).status, 404) << path;
  }
}

TEST_F(StaticFilesTest, HiddenFilesAndNulBytesAreNotFound) {
  EXPECT_EQ(Get("/.env").status, 404);
  EXPECT_EQ(Get(std::string("/index.html\0.png", 16)).status, 404);
  EXPECT_EQ(Get("relative.html").status, 404);
}

TEST_F(StaticFilesTest, SymlinksOutOfTheRootAreNotFollowed) {
  fs::create_symlink(root_ / "../outside.txt", root_ / "link.txt");
  fs::create_directory_symlink(root_.parent_path(), root_ / "up");
  fs::create_symlink("/etc/hostname", root_ / "host.txt");
  EXPECT_EQ(Get("/link.txt").status, 404);
  EXPECT_EQ(Get("/up/outside.txt").status, 404);
  EXPECT_EQ(Get("/up/").status, 404);
  EXPECT_EQ(Get("/host.txt").status, 404);
}

TEST_F(StaticFilesTest, SymlinksWithinTheRootAreServed) {
  fs::create_symlink(root_ / "app.js", root_ / "alias.js");
  HttpResponse r = Get("/alias.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "export {};");
}

TEST_F(StaticFilesTest, ARootThatIsNotADirectoryIsRefusedByName) {
  auto file = StaticFiles::Open(root_ / "index.html");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("index.html: not a directory"), std::string::npos);
  auto missing = StaticFiles::Open(root_ / "nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace sluice::net
