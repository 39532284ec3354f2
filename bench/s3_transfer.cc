// s3_transfer: uploads to one S3 server, sluice's client against boto3, in
// the same run. The server is Debian's Swift with s3api on 127.0.0.1
// (store/s3_test_util.h), started once for the run; boto3 is Debian's
// (bench/s3_transfer_boto3.py, /usr/bin/python3).
//
//   one 200 MB file   sluice: S3Client::PutFile with the default options
//                     (multipart from 16 MiB, 16 MiB parts, 8 at once, each
//                     part's SHA-256 signed); boto3: upload_file with its
//                     default TransferConfig (8 MiB parts, 10 threads)
//   1,000 10 KB files sluice: the S3 ArtifactStore's PutFiles (8 at once
//                     over one client, each file's SHA-256 recorded);
//                     boto3: a loop of upload_file
//
// Every run uploads to fresh keys. Prints the median of the runs of each
// and the ratio (boto3's time over sluice's: above 1, sluice is faster).
//   s3_transfer [--runs N]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/files.h"
#include "median.h"
#include "oci/test_tools.h"
#include "store/artifact_store.h"
#include "store/s3_client.h"
#include "store/s3_test_util.h"

namespace {

using sluice::store::testing::TestS3Server;
namespace fs = std::filesystem;

constexpr const char* kBucket = "bench";

std::string PseudoRandom(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

// The run's files: removed on the way out, Die() included.
std::unique_ptr<sluice::TempDir> scratch;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "s3_transfer: %s\n", message.c_str());
  scratch.reset();
  std::exit(1);
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Boto3(const TestS3Server& server, const std::string& mode, const std::string& path,
             const std::string& key) {
  auto run = sluice::store::testing::RunBoto3Script(
      fs::path(SLUICE_SOURCE_DIR) / "bench" / "s3_transfer_boto3.py",
      {server.endpoint(), TestS3Server::kAccessKey, TestS3Server::kSecretKey, kBucket, mode, path,
       key});
  if (!run.ok()) Die(run.status().ToString());
  if (run->exit_code != 0) Die("boto3 failed: " + run->output);
  return std::stod(run->output);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::max(1, std::atoi(argv[i + 1]));
  }
  auto server = TestS3Server::Start();
  if (!server.ok()) Die(server.status().ToString());
  if (auto made = (*server)->CreateBucket(kBucket); !made.ok()) Die(made.ToString());
  auto dir = sluice::TempDir::Create("sluice-bench-s3-");
  if (!dir.ok()) Die(dir.status().ToString());
  scratch = std::make_unique<sluice::TempDir>(std::move(dir).value());

  const fs::path large = scratch->path() / "large.bin";
  if (!sluice::WriteFileAtomic(large, PseudoRandom(200'000'000, 1)).ok()) Die("cannot write");
  const fs::path small_dir = scratch->path() / "small";
  if (!sluice::MakeDirs(small_dir).ok()) Die("cannot make " + small_dir.string());
  std::vector<sluice::store::ArtifactUpload> uploads;
  for (int i = 0; i < 1000; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "file-%04d.json", i);
    if (!sluice::WriteFileAtomic(small_dir / name, PseudoRandom(10'000, i + 2)).ok()) {
      Die("cannot write");
    }
    uploads.push_back({small_dir / name, name, "application/json"});
  }

  sluice::store::S3ClientOptions options;
  options.endpoint = (*server)->endpoint();
  options.credentials = {TestS3Server::kAccessKey, TestS3Server::kSecretKey, ""};
  auto made = sluice::store::S3Client::Create(options);
  if (!made.ok()) Die(made.status().ToString());
  std::shared_ptr<sluice::store::S3Client> client = std::move(made).value();
  // A warm connection, as boto3's script has.
  if (!client->List(kBucket, "", "", 1, "").ok()) Die("cannot list");
  auto store = sluice::store::OpenS3ArtifactStore(client, kBucket);
  if (!store.ok()) Die(store.status().ToString());

  std::vector<double> ours_large, boto_large, ours_small, boto_small;
  for (int run = 0; run < runs; ++run) {
    std::string tag = "run" + std::to_string(run) + "/";
    auto start = std::chrono::steady_clock::now();
    auto put = client->PutFile(kBucket, "sluice/" + tag + "large.bin", large, "");
    if (!put.ok()) Die(put.status().ToString());
    ours_large.push_back(Seconds(start));
    boto_large.push_back(Boto3(**server, "large", large.string(), "boto3/" + tag + "large.bin"));

    std::vector<sluice::store::ArtifactUpload> batch = uploads;
    for (auto& upload : batch) upload.key = "sluice/" + tag + upload.key;
    start = std::chrono::steady_clock::now();
    auto stored = (*store)->PutFiles(batch, nullptr);
    if (!stored.ok()) Die(stored.status().ToString());
    ours_small.push_back(Seconds(start));
    boto_small.push_back(Boto3(**server, "small", small_dir.string(), "boto3/" + tag));
    std::fprintf(stderr, "run %d: large %.2f s / %.2f s, small %.2f s / %.2f s\n", run + 1,
                 ours_large.back(), boto_large.back(), ours_small.back(), boto_small.back());
  }
  using sluice::bench::Median;
  double ol = Median(ours_large), bl = Median(boto_large);
  double os = Median(ours_small), bs = Median(boto_small);
  std::printf("s3_transfer: Swift s3api on 127.0.0.1, %d runs each, medians (%ld CPUs)\n", runs,
              sysconf(_SC_NPROCESSORS_ONLN));
  std::printf(
      "  one 200 MB file      sluice %7.2f s   boto3 upload_file %7.2f s   boto3/sluice %.2fx\n",
      ol, bl, bl / ol);
  std::printf(
      "  1,000 files of 10 KB sluice %7.2f s   boto3 upload_file loop %7.2f s   "
      "boto3/sluice %.2fx\n",
      os, bs, bs / os);
  return 0;
}
