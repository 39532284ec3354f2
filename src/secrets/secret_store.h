// The encrypted secret store: `sluice secret set|list|rm` and
// `<+secrets.getValue("id")>` read from it.
//
// Values are encrypted at rest with libsodium (XChaCha20-Poly1305 secretbox,
// a fresh random nonce per value) under a 32-byte master key that comes from
// SLUICE_MASTER_KEY (64 hex characters, or any other text hashed into a key
// with a salt kept beside the store) or, when that is unset, from a key file
// `master.key` in the state directory created with mode 0600. The store file
// (`secrets.json`, mode 0600) holds only identifiers and ciphertext; writes are
// atomic (write-then-rename) so a crash never loses stored secrets.
// Identifiers follow Harness: [A-Za-z_][A-Za-z0-9_.-]*, and "org."/"account."
// prefixes are accepted and stored as written.
//
// Details of the file store (format: store_file.h; key sources: master_key.h):
// - Each ciphertext is bound to its id (associated data), so an entry copied
//   or swapped under another id fails to decrypt and is reported as altered.
// - The file also holds a sealed "key check", so a wrong master key is told
//   apart from a damaged entry, and Set refuses a key that differs from the
//   one the existing secrets were stored with (no store of mixed keys).
// - A damaged or unreadable secrets.json is an error naming the file; the
//   file is never rewritten until it parses again.
// - master.key is created only for a store holding no secrets yet; a missing
//   key file is otherwise reported, and one readable by group or others is
//   refused (fix: chmod 600). Surrounding whitespace in SLUICE_MASTER_KEY is
//   ignored. The key is read or derived on first Get/Set, not at open; List
//   and Remove never need it.
// - Every call re-reads the file, so changes made by another process between
//   calls are seen and never overwritten with a stale copy.
// - Error messages name ids and paths, never values or key material; keys are
//   zeroed (sodium_memzero) when the store is destroyed.
// Not thread-safe; one process at a time changes a store (writes are atomic).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace sluice::secrets {

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  virtual Status Set(const std::string& id, const std::string& value) = 0;
  // NotFound names the id and says `sluice secret set <id>`.
  virtual Result<std::string> Get(const std::string& id) const = 0;
  virtual Result<std::vector<std::string>> List() const = 0;  // sorted ids
  virtual Status Remove(const std::string& id) = 0;
};

// Opens (creating when absent) the store in `state_dir`. `master_key_env` is
// the value of SLUICE_MASTER_KEY or empty. A wrong key is detected on first
// decryption and reported as "cannot decrypt ... with this master key"; a
// damaged store file is reported here, at open.
Result<std::unique_ptr<SecretStore>> OpenFileSecretStore(const std::filesystem::path& state_dir,
                                                         const std::string& master_key_env);

// For unit tests of other modules.
class InMemorySecretStore final : public SecretStore {
 public:
  Status Set(const std::string& id, const std::string& value) override;
  Result<std::string> Get(const std::string& id) const override;
  Result<std::vector<std::string>> List() const override;
  Status Remove(const std::string& id) override;

 private:
  std::map<std::string, std::string> values_;
};

// Checks an identifier; the error says what is allowed.
Status ValidateSecretId(const std::string& id);

}  // namespace sluice::secrets
