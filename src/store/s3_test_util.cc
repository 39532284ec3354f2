#include "store/s3_test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "oci/registry_http.h"
#include "oci/test_tools.h"

namespace sluice::store::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kServers[] = {"account", "container", "object", "proxy"};

// Ports the kernel picks for 127.0.0.1, all held open until every one is
// known so that they differ; the servers bind them a moment later.
Result<std::vector<int>> FreePorts(int count) {
  std::vector<int> fds, ports;
  Status status = Status::Ok();
  for (int i = 0; i < count && status.ok(); ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      status = Status::IoError("cannot find a free port on 127.0.0.1");
    } else {
      ports.push_back(ntohs(addr.sin_port));
    }
    if (fd >= 0) fds.push_back(fd);
  }
  for (int fd : fds) close(fd);
  if (!status.ok()) return status;
  return ports;
}

std::string BackendConfig(const fs::path& dir, const std::string& server, int port,
                          const std::string& user) {
  return "[DEFAULT]\nswift_dir = " + (dir / "etc").string() +
         "\ndevices = " + (dir / "node").string() +
         "\nmount_check = false\nbind_ip = 127.0.0.1\nbind_port = " + std::to_string(port) +
         "\nworkers = 0\nuser = " + user + "\nlog_address = /nonexistent\n" +
         "[pipeline:main]\npipeline = " + server + "-server\n[app:" + server +
         "-server]\nuse = egg:swift#" + server + "\n";
}

// tempauth keeps its tokens in memcache, so the pipeline needs the cache
// filter; with no memcached it only logs that it cannot connect.
std::string ProxyConfig(const fs::path& dir, int port, const std::string& user) {
  return "[DEFAULT]\nswift_dir = " + (dir / "etc").string() +
         "\nbind_ip = 127.0.0.1\nbind_port = " + std::to_string(port) +
         "\nworkers = 0\nuser = " + user +
         "\nlog_address = /nonexistent\n"
         "[pipeline:main]\n"
         "pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk "
         "s3api tempauth copy slo dlo proxy-logging proxy-server\n"
         "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n"
         "[filter:tempauth]\nuse = egg:swift#tempauth\nuser_test_tester = testing .admin\n"
         "[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1\n"
         "[filter:catch_errors]\nuse = egg:swift#catch_errors\n"
         "[filter:gatekeeper]\nuse = egg:swift#gatekeeper\n"
         "[filter:healthcheck]\nuse = egg:swift#healthcheck\n"
         "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n"
         "[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:11211\n"
         "[filter:listing_formats]\nuse = egg:swift#listing_formats\n"
         "[filter:bulk]\nuse = egg:swift#bulk\n"
         "[filter:copy]\nuse = egg:swift#copy\n"
         "[filter:slo]\nuse = egg:swift#slo\n"
         "[filter:dlo]\nuse = egg:swift#dlo\n";
}

// One Python run builds the three rings (swift-ring-builder would take
// nine): one device each, one replica, 2^0 partitions.
constexpr const char* kBuildRings = R"(
import sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(('account', 'container', 'object'), sys.argv[2:5]):
    builder = RingBuilder(0, 1, 1)
    builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1',
                     'port': int(port), 'device': 'd1', 'weight': 1})
    builder.rebalance()
    builder.save(etc + '/' + name + '.builder')
    builder.get_ring().save(etc + '/' + name + '.ring.gz')
)";

constexpr const char* kCreateBucket = R"(
import sys, boto3
from botocore.config import Config
s3 = boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id=sys.argv[2],
                  aws_secret_access_key=sys.argv[3], region_name=sys.argv[4],
                  config=Config(s3={'addressing_style': 'path'}))
s3.create_bucket(Bucket=sys.argv[5])
)";

struct RunAs {
  bool switch_user = false;  // running as root: become `name`
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // looked up before fork: the child only makes system calls
};

Result<RunAs> ServerUser() {
  RunAs as;
  passwd* pw = getuid() == 0 ? getpwnam("swift") : getpwuid(getuid());
  if (pw == nullptr) {
    return Status::IoError(getuid() == 0 ? "there is no `swift` user to run Swift as when root "
                                           "(apt-get install swift, see scripts/install-deps)"
                                         : "cannot find the current user's name");
  }
  as.switch_user = getuid() == 0;
  as.name = pw->pw_name;
  as.uid = pw->pw_uid;
  as.gid = pw->pw_gid;
  int count = 64;
  as.groups.resize(count);
  if (getgrouplist(as.name.c_str(), as.gid, as.groups.data(), &count) < 0) {
    as.groups.resize(count);
    getgrouplist(as.name.c_str(), as.gid, as.groups.data(), &count);
  }
  as.groups.resize(count);
  return as;
}

Status ChownTree(const fs::path& root, uid_t uid, gid_t gid) {
  std::error_code ec;
  if (chown(root.c_str(), uid, gid) != 0) return Status::IoError("cannot chown " + root.string());
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (lchown(it->path().c_str(), uid, gid) != 0) {
      return Status::IoError("cannot chown " + it->path().string());
    }
  }
  if (ec) return Status::IoError("cannot walk " + root.string() + ": " + ec.message());
  return Status::Ok();
}

std::string Tail(const fs::path& file, size_t bytes) {
  auto text = ReadFile(file);
  if (!text.ok()) return "";
  return text->size() > bytes ? text->substr(text->size() - bytes) : *text;
}

}  // namespace

Result<std::unique_ptr<TestS3Server>> TestS3Server::Start() {
  for (const char* server : kServers) {
    std::string binary = std::string("swift-") + server + "-server";
    if (std::string missing = oci::testing::MissingTool(binary, binary); !missing.empty()) {
      return Status::IoError(missing);
    }
  }
  // A port another process took between FreePorts and the bind makes a
  // server exit at start; a fresh set of ports then does it.
  Status last = Status::Ok();
  for (int attempt = 0; attempt < 3; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create("sluice-swift-"));
    std::unique_ptr<TestS3Server> server(new TestS3Server(std::move(dir)));
    SLUICE_ASSIGN_OR_RETURN(std::vector<int> ports, FreePorts(4));
    last = server->Launch(ports);
    if (last.ok()) return server;
  }
  return last;
}

Status TestS3Server::Launch(const std::vector<int>& ports) {
  const fs::path& dir = dir_.path();
  SLUICE_ASSIGN_OR_RETURN(RunAs as, ServerUser());
  for (const char* sub : {"etc", "node/d1", "log"}) SLUICE_RETURN_IF_ERROR(MakeDirs(dir / sub));
  for (int i = 0; i < 3; ++i) {
    SLUICE_RETURN_IF_ERROR(
        WriteFileAtomic(dir / "etc" / (std::string(kServers[i]) + "-server.conf"),
                        BackendConfig(dir, kServers[i], ports[i], as.name)));
  }
  SLUICE_RETURN_IF_ERROR(
      WriteFileAtomic(dir / "etc" / "proxy-server.conf", ProxyConfig(dir, ports[3], as.name)));
  oci::testing::ToolRun rings = oci::testing::RunTool(
      {"/usr/bin/python3", "-c", kBuildRings, (dir / "etc").string(), std::to_string(ports[0]),
       std::to_string(ports[1]), std::to_string(ports[2])});
  if (rings.exit_code != 0) {
    return Status::IoError("cannot build the Swift rings: " + rings.output);
  }
  if (as.switch_user) SLUICE_RETURN_IF_ERROR(ChownTree(dir, as.uid, as.gid));

  for (const char* name : kServers) {
    std::string binary = std::string("/usr/bin/swift-") + name + "-server";
    std::string config = (dir / "etc" / (std::string(name) + "-server.conf")).string();
    std::string log = (dir / "log" / (std::string(name) + ".log")).string();
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) return Status::IoError("fork failed");
    if (pid == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      // Become the server's user first: a change of user clears the
      // parent-death signal, and Swift's own switch to the same user is
      // then no change.
      if (as.switch_user && (setgroups(as.groups.size(), as.groups.data()) != 0 ||
                             setgid(as.gid) != 0 || setuid(as.uid) != 0)) {
        _exit(126);
      }
      // The server dies with the test, even when the test crashes.
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != parent) _exit(0);
      execl(binary.c_str(), binary.c_str(), config.c_str(), "-v", static_cast<char*>(nullptr));
      _exit(127);
    }
    pids_.push_back(pid);
  }

  SLUICE_RETURN_IF_ERROR(StartCleaner());

  // Up when every server answers HTTP (the backends answer "/" with an
  // error, the proxy its healthcheck with 200).
  auto transport = oci::NewCurlTransport(std::chrono::seconds(5));
  std::vector<bool> up(4, false);
  for (int i = 0; i < 600; ++i) {
    for (size_t s = 0; s < pids_.size(); ++s) {
      if (int status = 0; waitpid(pids_[s], &status, WNOHANG) == pids_[s]) {
        pids_[s] = -1;
        return Status::IoError(std::string("swift-") + kServers[s] +
                               "-server exited at start: " + logs());
      }
    }
    bool all = true;
    for (size_t s = 0; s < 4; ++s) {
      if (!up[s]) {
        std::string url =
            "http://127.0.0.1:" + std::to_string(ports[s]) + (s == 3 ? "/healthcheck" : "/");
        auto answer = transport->Send({"GET", url, {}, {}, {}});
        up[s] = answer.ok() && (s != 3 || answer->status == 200);
      }
      all = all && up[s];
    }
    if (all) {
      endpoint_ = "http://127.0.0.1:" + std::to_string(ports[3]);
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::Timeout("Swift did not answer within 60 s: " + logs());
}

// A crashed test cannot remove its directory, so a small child process
// does: it waits for the end of a pipe only this object holds open, then
// for the servers (which got SIGTERM from their parent's death) to exit,
// then removes the directory. After a normal Stop() it finds nothing left
// to do.
Status TestS3Server::StartCleaner() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return Status::IoError("pipe failed");
  std::string dir = dir_.path().string();
  std::vector<pid_t> servers = pids_;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return Status::IoError("fork failed");
  }
  if (pid == 0) {
    close(fds[1]);
    char byte;
    for (;;) {
      ssize_t n = read(fds[0], &byte, 1);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    for (pid_t server : servers) {
      for (int i = 0; i < 200 && kill(server, 0) == 0; ++i) usleep(50'000);
    }
    execl("/bin/rm", "rm", "-rf", dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[0]);
  cleaner_pid_ = pid;
  cleaner_fd_ = fds[1];
  return Status::Ok();
}

TestS3Server::~TestS3Server() { Stop(); }

void TestS3Server::Stop() {
  for (pid_t pid : pids_) {
    if (pid > 0) kill(pid, SIGTERM);
  }
  for (pid_t pid : pids_) {
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
  pids_.clear();
  if (cleaner_fd_ >= 0) close(cleaner_fd_);
  if (cleaner_pid_ > 0) waitpid(cleaner_pid_, nullptr, 0);
  cleaner_fd_ = -1;
  cleaner_pid_ = -1;
}

std::string TestS3Server::logs() const {
  std::string out;
  for (const char* name : kServers) {
    out += std::string("\n--- ") + name + ".log\n" +
           Tail(dir_.path() / "log" / (std::string(name) + ".log"), 2000);
  }
  return out;
}

Status TestS3Server::CreateBucket(std::string_view bucket) const {
  oci::testing::ToolRun run =
      oci::testing::RunTool({"/usr/bin/python3", "-c", kCreateBucket, endpoint_, kAccessKey,
                             kSecretKey, kRegion, std::string(bucket)});
  if (run.exit_code != 0) {
    return Status::IoError("cannot create bucket " + std::string(bucket) +
                           " with boto3 (apt-get install python3-boto3): " + run.output);
  }
  return Status::Ok();
}

Result<PythonRun> RunBoto3Script(const fs::path& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/python3", script.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  oci::testing::ToolRun run = oci::testing::RunTool(argv);
  if (run.output.find("No module named 'boto3'") != std::string::npos) {
    return Status::IoError(
        "Debian's boto3 is not installed; this test needs it as an independent client "
        "(apt-get install python3-boto3, see scripts/install-deps)");
  }
  return PythonRun{run.exit_code, run.output};
}

}  // namespace sluice::store::testing
