#include "oci/registry_test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "oci/registry_http.h"

namespace sluice::oci::testing {
namespace {

Result<std::string> SignRs256(const std::string& key_pem, std::string_view data) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) return Status::Internal("cannot read the token server's key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t size = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    return Status::Internal("cannot sign a token");
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    return Status::Internal("cannot sign a token");
  }
  signature.resize(size);
  return signature;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<TestRegistry>> TestRegistry::Start(const RegistryAuth& auth) {
  const std::string binary = "/usr/bin/docker-registry";
  if (std::string missing = MissingTool(binary, "docker-registry"); !missing.empty()) {
    return Status::IoError(missing);
  }
  SLUICE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("sluice-registry-"));
  std::string config =
      "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\n"
      "storage:\n  filesystem:\n    rootdirectory: " +
      (dir.path() / "data").string() +
      "\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:0\n";
  if (!auth.htpasswd_file.empty()) {
    config += "auth:\n  htpasswd:\n    realm: sluice-test\n    path: " + auth.htpasswd_file + "\n";
  } else if (!auth.token_realm.empty()) {
    config += "auth:\n  token:\n    realm: " + auth.token_realm +
              "\n    service: " + auth.token_service + "\n    issuer: " + auth.token_issuer +
              "\n    rootcertbundle: " + auth.token_cert_file + "\n";
  }
  SLUICE_RETURN_IF_ERROR(WriteFileAtomic(dir.path() / "config.yml", config));
  std::string log_file = (dir.path() / "registry.log").string(),
              config_file = (dir.path() / "config.yml").string();
  pid_t pid = fork();
  if (pid < 0) return Status::IoError("fork failed");
  if (pid == 0) {
    // The registry dies with the test, even when the test crashes.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(binary.c_str(), binary.c_str(), "serve", config_file.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::unique_ptr<TestRegistry> registry(new TestRegistry(std::move(dir), pid));
  // The log says "listening on 127.0.0.1:PORT" once the kernel picked a port.
  const std::string marker = "listening on 127.0.0.1:";
  auto transport = NewCurlTransport(std::chrono::seconds(5));
  for (int i = 0; i < 300; ++i) {
    if (int status = 0; waitpid(pid, &status, WNOHANG) == pid) {
      registry->pid_ = -1;
      return Status::IoError("docker-registry exited at start: " + registry->log());
    }
    std::string log = registry->log();
    if (registry->host_.empty()) {
      if (size_t at = log.find(marker); at != std::string::npos) {
        size_t end = log.find_first_not_of("0123456789", at + marker.size());
        registry->host_ = "127.0.0.1:" + log.substr(at + marker.size(), end - at - marker.size());
      }
    }
    if (!registry->host_.empty()) {
      auto ping = transport->Send({"GET", "http://" + registry->host_ + "/v2/", {}, {}});
      if (ping.ok()) return registry;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Timeout("docker-registry did not answer on /v2/ within 15 s: " + registry->log());
}

TestRegistry::~TestRegistry() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string TestRegistry::log() const {
  auto text = ReadFile(dir_.path() / "registry.log");
  return text.ok() ? *text : std::string();
}

Result<std::unique_ptr<TokenServer>> TokenServer::Start(std::string username,
                                                        std::string password) {
  SLUICE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("sluice-tokens-"));
  SLUICE_ASSIGN_OR_RETURN(
      ToolRun made,
      RunRequiredTool({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                       (dir.path() / "key.pem").string(), "-out", (dir.path() / "cert.pem").string(),
                       "-days", "2", "-subj", "/CN=sluice-test-issuer"},
                      "openssl"));
  if (made.exit_code != 0) return Status::IoError("openssl req failed: " + made.output);
  SLUICE_ASSIGN_OR_RETURN(std::string key, ReadFile(dir.path() / "key.pem"));
  SLUICE_ASSIGN_OR_RETURN(std::string cert, ReadFile(dir.path() / "cert.pem"));
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(fd, 16) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    return Status::IoError("cannot listen on 127.0.0.1 for the token server");
  }
  std::unique_ptr<TokenServer> server(new TokenServer(std::move(dir), fd, ntohs(addr.sin_port)));
  server->username_ = std::move(username);
  server->password_ = std::move(password);
  server->key_pem_ = key;
  // The certificate's DER, base64: the PEM body without its armour lines.
  for (size_t pos = 0; pos < cert.size();) {
    size_t nl = std::min(cert.find('\n', pos), cert.size());
    std::string line = cert.substr(pos, nl - pos);
    if (!line.starts_with("-----")) server->cert_der_b64_ += line;
    pos = nl + 1;
  }
  server->thread_ = std::thread([s = server.get()] { s->Serve(); });
  return server;
}

TokenServer::~TokenServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  close(fd_);
}

std::vector<std::string> TokenServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void TokenServer::Serve() {
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
      ssize_t n = read(client, buf, sizeof buf);
      if (n <= 0) break;
      request.append(buf, static_cast<size_t>(n));
    }
    std::string reply = Answer(request);
    for (size_t sent = 0; sent < reply.size();) {
      ssize_t n = write(client, reply.data() + sent, reply.size() - sent);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    close(client);
  }
}

std::string TokenServer::Answer(const std::string& request) {
  std::string line = request.substr(0, request.find("\r\n"));
  std::string authorization;
  if (size_t at = request.find("\r\nAuthorization: "); at != std::string::npos) {
    size_t start = at + 17;
    authorization = request.substr(start, request.find("\r\n", start) - start);
  }
  size_t serial = 0;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(line + " [" + authorization + "]");
    serial = requests_.size();
  }
  auto reply = [](const std::string& status, const std::string& body) {
    return "HTTP/1.1 " + status +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  };
  if (!username_.empty() && authorization != "Basic " + Base64Encode(username_ + ":" + password_)) {
    return reply("401 Unauthorized", R"({"details":"bad credentials"})");
  }
  nlohmann::json access = nlohmann::json::array();
  std::string target = line.substr(line.find(' ') + 1);
  target = target.substr(0, target.find(' '));
  std::string query =
      target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  for (size_t pos = 0; pos < query.size();) {
    size_t amp = std::min(query.find('&', pos), query.size());
    std::string param = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (!param.starts_with("scope=")) continue;
    std::string scope = UrlDecode(param.substr(6));  // type:name:actions
    size_t first = scope.find(':'), last = scope.rfind(':');
    if (first == std::string::npos || first == last) continue;
    nlohmann::json actions = nlohmann::json::array();
    std::string list = scope.substr(last + 1);
    for (size_t a = 0; a < list.size();) {
      size_t comma = std::min(list.find(',', a), list.size());
      actions.push_back(list.substr(a, comma - a));
      a = comma + 1;
    }
    access.push_back({{"type", scope.substr(0, first)},
                      {"name", scope.substr(first + 1, last - first - 1)},
                      {"actions", actions}});
  }
  long now = static_cast<long>(std::time(nullptr));
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}, {"x5c", {cert_der_b64_}}};
  nlohmann::json claims = {{"iss", kIssuer},
                           {"sub", username_.empty() ? "anonymous" : username_},
                           {"aud", kService},
                           {"exp", now + 300},
                           {"nbf", now - 10},
                           {"iat", now},
                           {"jti", std::to_string(now) + "-" + std::to_string(serial)},
                           {"access", access}};
  std::string signing_input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());
  auto signature = SignRs256(key_pem_, signing_input);
  if (!signature.ok()) return reply("500 Internal Server Error", "{}");
  std::string token = signing_input + "." + Base64UrlEncode(*signature);
  return reply(
      "200 OK",
      nlohmann::json({{"token", token}, {"access_token", token}, {"expires_in", 300}}).dump());
}

Result<HttpResponse> RecordingTransport::Send(const HttpRequest& request) {
  SentRequest sent{request.method, request.url, request.body.size(), false};
  HttpRequest counted = request;
  if (request.body_source) {
    sent.streamed = true;
    sent.body_bytes = 0;
    counted.body_source = [&sent, &request](char* buffer, size_t capacity) {
      size_t n = request.body_source(buffer, capacity);
      sent.body_bytes += n;
      return n;
    };
  }
  Result<HttpResponse> response = curl_->Send(counted);
  log_->Add(std::move(sent));
  return response;
}

void RequestLog::Add(SentRequest request) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(std::move(request));
}

void RequestLog::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.clear();
}

std::vector<SentRequest> RequestLog::Sent(const std::string& method) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SentRequest> out;
  for (const SentRequest& r : requests_) {
    if (r.method == method) out.push_back(r);
  }
  return out;
}

std::string PseudoRandom(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

}  // namespace sluice::oci::testing
