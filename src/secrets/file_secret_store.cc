// The libsodium-encrypted file store (see secret_store.h; the file format is
// in store_file.h, where the key comes from in master_key.h).
//
// Every operation re-reads secrets.json, so a long-running process sees
// secrets set meanwhile by `sluice secret set` and never writes back a stale
// copy. Only Get and Set need the master key; List and Remove work without it
// (a secret sealed under a lost key can still be removed).
#include <sodium.h>

#include <optional>
#include <system_error>

#include "common/files.h"
#include "secrets/crypto.h"
#include "secrets/errors.h"
#include "secrets/master_key.h"
#include "secrets/secret_store.h"
#include "secrets/store_file.h"

namespace sluice::secrets {

namespace fs = std::filesystem;
using internal::KdfParams;
using internal::KeyBytes;
using internal::KeySource;
using internal::StoreFile;

namespace {

constexpr std::string_view kStoreFileName = "secrets.json";

bool SameKdf(const KdfParams& a, const KdfParams& b) {
  return a.salt == b.salt && a.opslimit == b.opslimit && a.memlimit == b.memlimit;
}

enum class KeyCheck { kMatch, kMismatch, kAbsent };

KeyCheck CheckKey(const KeyBytes& key, const StoreFile& file) {
  if (!file.key_check) return KeyCheck::kAbsent;
  std::string text;
  bool opened = internal::Open(key, *file.key_check, internal::kKeyCheckAssociatedData, &text);
  return opened && text == internal::kKeyCheckPlaintext ? KeyCheck::kMatch : KeyCheck::kMismatch;
}

class FileSecretStore final : public SecretStore {
 public:
  FileSecretStore(fs::path state_dir, std::string key_text)
      : state_dir_(std::move(state_dir)),
        path_(state_dir_ / kStoreFileName),
        key_text_(std::move(key_text)),
        source_(internal::ClassifyKeyText(key_text_)) {}
  ~FileSecretStore() override { internal::Wipe(&key_text_); }
  FileSecretStore(const FileSecretStore&) = delete;
  FileSecretStore& operator=(const FileSecretStore&) = delete;

  Status Set(const std::string& id, const std::string& value) override;
  Result<std::string> Get(const std::string& id) const override;
  Result<std::vector<std::string>> List() const override;
  Status Remove(const std::string& id) override;

  Result<StoreFile> Load() const;

 private:
  // The master key for `file`, read or derived on first use and cached. For
  // a passphrase it may set file->kdf (persisted by the caller's next write).
  Result<const KeyBytes*> Key(StoreFile* file) const;
  Status Save(const StoreFile& file);

  // Constant after construction.
  const fs::path state_dir_;
  const fs::path path_;
  std::string key_text_;  // SLUICE_MASTER_KEY as given; wiped on destruction
  const KeySource source_;

  // Caches (the store is single-threaded by contract).
  mutable std::unique_ptr<KeyBytes> key_;
  mutable std::optional<KdfParams> key_kdf_;  // what key_ was derived with (passphrases)
};

Result<StoreFile> FileSecretStore::Load() const {
  std::error_code ec;
  bool exists = fs::exists(path_, ec);
  if (ec) return Status::IoError("cannot access " + path_.string() + ": " + ec.message());
  if (!exists) return StoreFile{};
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path_));
  return internal::ParseStoreFile(path_, text);
}

Status FileSecretStore::Save(const StoreFile& file) {
  SLUICE_RETURN_IF_ERROR(MakeDirs(state_dir_));
  return WriteFileAtomic(path_, internal::SerializeStoreFile(file), 0600);
}

Result<const KeyBytes*> FileSecretStore::Key(StoreFile* file) const {
  switch (source_) {
    case KeySource::kHex: {
      if (key_) return static_cast<const KeyBytes*>(key_.get());
      auto key = std::make_unique<KeyBytes>();
      if (!internal::ParseHexKey(internal::TrimKeyText(key_text_), key.get())) {
        return Status::Internal("SLUICE_MASTER_KEY looked like hex but did not parse");
      }
      key_ = std::move(key);
      return static_cast<const KeyBytes*>(key_.get());
    }
    case KeySource::kPassphrase: {
      if (!file->kdf) file->kdf = key_kdf_ ? *key_kdf_ : internal::NewKdfParams();
      if (key_ && key_kdf_ && SameKdf(*key_kdf_, *file->kdf)) {
        return static_cast<const KeyBytes*>(key_.get());
      }
      auto key = std::make_unique<KeyBytes>();
      SLUICE_RETURN_IF_ERROR(
          internal::DeriveKey(internal::TrimKeyText(key_text_), *file->kdf, key.get()));
      key_ = std::move(key);
      key_kdf_ = *file->kdf;
      return static_cast<const KeyBytes*>(key_.get());
    }
    case KeySource::kKeyFile: {
      if (key_) return static_cast<const KeyBytes*>(key_.get());
      if (file->kdf && (!file->secrets.empty() || file->key_check)) {
        return Status::FailedPrecondition("the secret store " + path_.string() +
                                          " was created with a SLUICE_MASTER_KEY passphrase; set "
                                          "SLUICE_MASTER_KEY to that passphrase");
      }
      bool fresh_store = file->secrets.empty() && !file->key_check;
      auto key = std::make_unique<KeyBytes>();
      SLUICE_RETURN_IF_ERROR(internal::ReadOrCreateKeyFile(state_dir_, fresh_store, key.get()));
      key_ = std::move(key);
      return static_cast<const KeyBytes*>(key_.get());
    }
  }
  return Status::Internal("unknown master key source");
}

Status FileSecretStore::Set(const std::string& id, const std::string& value) {
  SLUICE_RETURN_IF_ERROR(ValidateSecretId(id));
  SLUICE_ASSIGN_OR_RETURN(StoreFile file, Load());
  SLUICE_ASSIGN_OR_RETURN(const KeyBytes* key, Key(&file));
  switch (CheckKey(*key, file)) {
    case KeyCheck::kMatch:
      break;
    case KeyCheck::kMismatch:
      return Status::FailedPrecondition(
          "cannot store secret \"" + id +
          "\": the master key differs from the one the secrets in " + path_.string() +
          " were stored with (is SLUICE_MASTER_KEY the one used when they were stored?)");
    case KeyCheck::kAbsent:
      // A new store is bound to this key from now on. (A hand-made file with
      // secrets but no check stays without one: we cannot tell which key is right.)
      if (file.secrets.empty()) {
        file.key_check =
            internal::Seal(*key, internal::kKeyCheckPlaintext, internal::kKeyCheckAssociatedData);
      }
      break;
  }
  file.secrets[id] = internal::Seal(*key, value, internal::SecretAssociatedData(id));
  return Save(file);
}

Result<std::string> FileSecretStore::Get(const std::string& id) const {
  SLUICE_RETURN_IF_ERROR(ValidateSecretId(id));
  SLUICE_ASSIGN_OR_RETURN(StoreFile file, Load());
  auto it = file.secrets.find(id);
  if (it == file.secrets.end()) return internal::SecretNotFound(id);
  SLUICE_ASSIGN_OR_RETURN(const KeyBytes* key, Key(&file));
  std::string value;
  if (internal::Open(*key, it->second, internal::SecretAssociatedData(id), &value)) return value;
  if (CheckKey(*key, file) == KeyCheck::kMatch) {
    return Status::FailedPrecondition(
        "secret \"" + id + "\" in " + path_.string() +
        " failed its integrity check (the entry was altered or moved from another "
        "id); store it again with `sluice secret set " +
        id + "`");
  }
  return internal::WrongMasterKey(id, source_ == KeySource::kKeyFile,
                                  state_dir_ / internal::kMasterKeyFileName);
}

Result<std::vector<std::string>> FileSecretStore::List() const {
  SLUICE_ASSIGN_OR_RETURN(StoreFile file, Load());
  std::vector<std::string> ids;
  ids.reserve(file.secrets.size());
  for (const auto& entry : file.secrets) ids.push_back(entry.first);
  return ids;
}

Status FileSecretStore::Remove(const std::string& id) {
  SLUICE_RETURN_IF_ERROR(ValidateSecretId(id));
  SLUICE_ASSIGN_OR_RETURN(StoreFile file, Load());
  if (file.secrets.erase(id) == 0) return internal::SecretNotFound(id);
  return Save(file);
}

}  // namespace

Result<std::unique_ptr<SecretStore>> OpenFileSecretStore(const fs::path& state_dir,
                                                         const std::string& master_key_env) {
  SLUICE_RETURN_IF_ERROR(internal::EnsureSodium());
  auto store = std::make_unique<FileSecretStore>(state_dir, master_key_env);
  // Reading now reports a damaged file at open, before anyone relies on it.
  SLUICE_ASSIGN_OR_RETURN(StoreFile ignored, store->Load());
  (void)ignored;
  return std::unique_ptr<SecretStore>(std::move(store));
}

}  // namespace sluice::secrets
