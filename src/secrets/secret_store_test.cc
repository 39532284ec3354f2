#include "secrets/secret_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/files.h"

namespace sluice::secrets {
namespace {

namespace fs = std::filesystem;

constexpr char kKeyA[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kKeyB[] = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

class SecretStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("sluice-secrets-test-");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::make_unique<TempDir>(std::move(dir).value());
    state_ = dir_->path() / "state";
  }

  std::unique_ptr<SecretStore> Open(const std::string& key_env = "") {
    auto store = OpenFileSecretStore(state_, key_env);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  fs::path StoreFile() const { return state_ / "secrets.json"; }
  fs::path KeyFile() const { return state_ / "master.key"; }

  std::string Read(const fs::path& p) const {
    auto text = ReadFile(p);
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    return text.ok() ? *text : "";
  }

  static unsigned Mode(const fs::path& p) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 0777;
  }

  std::unique_ptr<TempDir> dir_;
  fs::path state_;
};

TEST_F(SecretStoreTest, SetGetListRemoveRoundTripAcrossReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("db_password", "s3cr3t value").ok());
    ASSERT_TRUE(store->Set("org.api-token", "tok\nen").ok());
    ASSERT_TRUE(store->Set("account.empty", "").ok());
  }
  {
    auto store = Open();
    ASSERT_TRUE(store);
    auto ids = store->List();
    ASSERT_TRUE(ids.ok());
    EXPECT_EQ(*ids, (std::vector<std::string>{"account.empty", "db_password", "org.api-token"}));
    auto v = store->Get("db_password");
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, "s3cr3t value");
    EXPECT_EQ(*store->Get("org.api-token"), "tok\nen");
    EXPECT_EQ(*store->Get("account.empty"), "");
    ASSERT_TRUE(store->Set("db_password", "changed").ok());
    ASSERT_TRUE(store->Remove("org.api-token").ok());
  }
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->Get("db_password"), "changed");
  EXPECT_EQ(*store->List(), (std::vector<std::string>{"account.empty", "db_password"}));
  Status again = store->Remove("org.api-token");
  EXPECT_EQ(again.code(), StatusCode::kNotFound);
}

TEST_F(SecretStoreTest, GetOfAnUnknownIdSaysHowToSetIt) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto v = store->Get("nope");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
  EXPECT_NE(v.status().message().find("sluice secret set nope"), std::string::npos);
}

TEST_F(SecretStoreTest, StoreFileHoldsNoPlaintext) {
  const std::string value = "plaintext-needle-4711";
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Set("needle", value).ok());
  const std::string bytes = Read(StoreFile());
  EXPECT_EQ(bytes.find(value), std::string::npos);
  EXPECT_EQ(bytes.find("4711"), std::string::npos);
  EXPECT_NE(bytes.find("\"needle\""), std::string::npos);  // ids are not secret
  EXPECT_EQ(Read(KeyFile()).find(value), std::string::npos);
}

TEST_F(SecretStoreTest, StoreAndKeyFilesAreOwnerOnly) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Set("a", "value-a").ok());
  EXPECT_EQ(Mode(StoreFile()), 0600u);
  EXPECT_EQ(Mode(KeyFile()), 0600u);
  ASSERT_TRUE(store->Set("b", "value-b").ok());  // a rewrite keeps the mode
  EXPECT_EQ(Mode(StoreFile()), 0600u);
}

TEST_F(SecretStoreTest, HexKeyFromTheEnvironmentNeedsNoKeyFile) {
  {
    auto store = Open(std::string(kKeyA) + "\n");  // a trailing newline does not change the key
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("a", "value-a").ok());
  }
  EXPECT_FALSE(fs::exists(KeyFile()));
  auto store = Open(kKeyA);
  ASSERT_TRUE(store);
  EXPECT_EQ(*store->Get("a"), "value-a");
}

TEST_F(SecretStoreTest, KeyFileContentWorksAsTheEnvironmentKey) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("a", "value-a").ok());
  }
  auto store = Open(Read(KeyFile()));
  ASSERT_TRUE(store);
  auto v = store->Get("a");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, "value-a");
}

TEST_F(SecretStoreTest, WrongMasterKeyIsReportedClearly) {
  {
    auto store = Open(kKeyA);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("x", "the-value-x").ok());
  }
  auto store = Open(kKeyB);
  ASSERT_TRUE(store);
  auto v = store->Get("x");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().message(),
            "cannot decrypt secret \"x\" with this master key (is SLUICE_MASTER_KEY the one used "
            "when it was stored?)");
  // Storing under a different key would leave a store no single key opens.
  Status set = store->Set("y", "other");
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.message().find("master key differs"), std::string::npos);
  EXPECT_EQ(set.message().find("other"), std::string::npos);
  auto ids = Open(kKeyA)->List();
  EXPECT_EQ(*ids, std::vector<std::string>{"x"});
}

TEST_F(SecretStoreTest, PassphraseIsStretchedWithASaltKeptInTheStore) {
  const std::string pass = "correct horse battery staple";
  {
    auto store = Open(pass);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("p", "value-p").ok());
  }
  EXPECT_FALSE(fs::exists(KeyFile()));
  const std::string bytes = Read(StoreFile());
  EXPECT_NE(bytes.find("\"salt\""), std::string::npos);
  EXPECT_EQ(bytes.find(pass), std::string::npos);
  {
    auto store = Open(pass);
    ASSERT_TRUE(store);
    auto v = store->Get("p");
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_EQ(*v, "value-p");
  }
  auto store = Open("a different passphrase");
  ASSERT_TRUE(store);
  auto v = store->Get("p");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("cannot decrypt secret \"p\" with this master key"),
            std::string::npos);
  // Without the variable the store explains which key it needs.
  auto unset = Open("");
  ASSERT_TRUE(unset);
  auto u = unset->Get("p");
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.status().message().find("passphrase"), std::string::npos);
}

TEST_F(SecretStoreTest, SwappedEntriesAreDetected) {
  {
    auto store = Open(kKeyA);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("a", "value-of-a").ok());
    ASSERT_TRUE(store->Set("b", "value-of-b").ok());
  }
  auto doc = nlohmann::json::parse(Read(StoreFile()));
  std::swap(doc["secrets"]["a"], doc["secrets"]["b"]);
  ASSERT_TRUE(WriteFileAtomic(StoreFile(), doc.dump(2), 0600).ok());

  auto store = Open(kKeyA);
  ASSERT_TRUE(store);
  for (const char* id : {"a", "b"}) {
    auto v = store->Get(id);
    ASSERT_FALSE(v.ok()) << id << " returned a value";
    EXPECT_NE(v.status().message().find("failed its integrity check"), std::string::npos)
        << v.status().message();
    EXPECT_EQ(v.status().message().find("value-of"), std::string::npos);
  }
}

TEST_F(SecretStoreTest, CorruptedFileIsAnErrorNamingItAndIsLeftAlone) {
  ASSERT_TRUE(MakeDirs(state_).ok());
  const std::string garbage = "{\"format\": \"sluice-secrets\", \"secrets\": {";
  ASSERT_TRUE(WriteFileAtomic(StoreFile(), garbage, 0600).ok());
  auto store = OpenFileSecretStore(state_, kKeyA);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(StoreFile().string()), std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("not a valid sluice secret store"), std::string::npos);
  EXPECT_EQ(Read(StoreFile()), garbage);
}

TEST_F(SecretStoreTest, DamagedEntryIsAnErrorNamingTheFile) {
  {
    auto store = Open(kKeyA);
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("a", "value-a").ok());
  }
  auto doc = nlohmann::json::parse(Read(StoreFile()));
  doc["secrets"]["a"]["ciphertext"] = "not base64!";
  ASSERT_TRUE(WriteFileAtomic(StoreFile(), doc.dump(), 0600).ok());
  auto store = OpenFileSecretStore(state_, kKeyA);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find(StoreFile().string()), std::string::npos);
  EXPECT_NE(store.status().message().find("secret \"a\""), std::string::npos);
}

TEST_F(SecretStoreTest, GroupReadableKeyFileIsRefusedWithTheFix) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("a", "value-a").ok());
  }
  ASSERT_EQ(::chmod(KeyFile().c_str(), 0640), 0);
  auto store = Open();
  ASSERT_TRUE(store);
  auto v = store->Get("a");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("chmod 600 " + KeyFile().string()), std::string::npos)
      << v.status().message();
}

TEST_F(SecretStoreTest, LostKeyFileIsReportedNotReplaced) {
  {
    auto store = Open();
    ASSERT_TRUE(store);
    ASSERT_TRUE(store->Set("a", "value-a").ok());
  }
  fs::remove(KeyFile());
  auto store = Open();
  ASSERT_TRUE(store);
  auto v = store->Get("a");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("is missing"), std::string::npos) << v.status().message();
  EXPECT_FALSE(store->Set("b", "value-b").ok());
  EXPECT_FALSE(fs::exists(KeyFile()));
  // Removing does not need the key.
  EXPECT_TRUE(store->Remove("a").ok());
}

TEST_F(SecretStoreTest, StoreSeesChangesMadeByAnotherHandle) {
  auto first = Open(kKeyA);
  auto second = Open(kKeyA);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->Set("a", "value-a").ok());
  ASSERT_TRUE(second->Set("b", "value-b").ok());  // does not drop "a"
  EXPECT_EQ(*first->List(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*first->Get("b"), "value-b");
}

TEST(SecretIdTest, AcceptsHarnessIdentifiers) {
  for (const char* id : {"db_password", "_x", "A.b-c_9", "org.shared_token", "account.aws-key"}) {
    EXPECT_TRUE(ValidateSecretId(id).ok()) << id;
  }
}

TEST(SecretIdTest, RejectsOthersSayingWhatIsAllowed) {
  for (const char* id :
       {"", "9lives", "has space", "-dash", "org.", "account.-x", "../etc", "a/b", "x\n"}) {
    Status st = ValidateSecretId(id);
    ASSERT_FALSE(st.ok()) << id;
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(st.message().find("starts with a letter or \"_\""), std::string::npos)
        << st.message();
  }
  EXPECT_FALSE(ValidateSecretId(std::string(129, 'a')).ok());
}

TEST_F(SecretStoreTest, InvalidIdsAreRejectedByTheStore) {
  auto store = Open(kKeyA);
  ASSERT_TRUE(store);
  Status st = store->Set("bad id", "v");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("invalid secret id \"bad id\""), std::string::npos);
  EXPECT_FALSE(fs::exists(StoreFile()));
}

TEST(InMemorySecretStoreTest, BehavesLikeAStore) {
  InMemorySecretStore store;
  ASSERT_TRUE(store.Set("b", "2").ok());
  ASSERT_TRUE(store.Set("a", "1").ok());
  EXPECT_EQ(*store.Get("a"), "1");
  EXPECT_EQ(*store.List(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(store.Remove("a").ok());
  EXPECT_EQ(store.Get("a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store.Set("no way", "x").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::secrets
