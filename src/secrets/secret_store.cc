// ValidateSecretId and the in-memory store; the file store is in
// file_secret_store.cc.
#include "secrets/secret_store.h"

#include "common/text.h"
#include "secrets/errors.h"

namespace sluice::secrets {

namespace {

bool IsIdStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdChar(char c) { return IsIdStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'; }

constexpr size_t kMaxIdLength = 128;

}  // namespace

namespace internal {

Status SecretNotFound(const std::string& id) {
  return Status::NotFound("secret \"" + id + "\" is not set; store it with `sluice secret set " +
                          id + "`");
}

Status WrongMasterKey(const std::string& id, bool key_from_file,
                      const std::filesystem::path& key_file) {
  std::string message =
      "cannot decrypt secret \"" + id +
      "\" with this master key (is SLUICE_MASTER_KEY the one used when it was stored?)";
  if (key_from_file) {
    message += "; SLUICE_MASTER_KEY is unset, so the key was read from " + key_file.string();
  }
  return Status::FailedPrecondition(std::move(message));
}

}  // namespace internal

Status ValidateSecretId(const std::string& id) {
  const std::string allowed =
      ": an id starts with a letter or \"_\" and continues with letters, digits, \"_\", \".\" or "
      "\"-\" "
      "(\"org.\" and \"account.\" prefixes are allowed), at most " +
      std::to_string(kMaxIdLength) + " characters";
  if (id.empty()) return Status::InvalidArgument("secret id is empty" + allowed);
  if (id.size() > kMaxIdLength) {
    return Status::InvalidArgument("secret id \"" + id.substr(0, 32) + "...\" is too long" +
                                   allowed);
  }
  std::string_view rest = WithoutScope(id);
  bool ok = !rest.empty() && IsIdStart(rest.front());
  for (char c : rest) ok = ok && IsIdChar(c);
  if (!ok) {
    // The id is printed through a filter so control characters cannot garble a terminal.
    std::string shown;
    for (char c : id) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    return Status::InvalidArgument("invalid secret id \"" + shown + "\"" + allowed);
  }
  return Status::Ok();
}

Status InMemorySecretStore::Set(const std::string& id, const std::string& value) {
  SLUICE_RETURN_IF_ERROR(ValidateSecretId(id));
  values_[id] = value;
  return Status::Ok();
}

Result<std::string> InMemorySecretStore::Get(const std::string& id) const {
  SLUICE_RETURN_IF_ERROR(ValidateSecretId(id));
  auto it = values_.find(id);
  if (it == values_.end()) return internal::SecretNotFound(id);
  return it->second;
}

Result<std::vector<std::string>> InMemorySecretStore::List() const {
  std::vector<std::string> ids;
  ids.reserve(values_.size());
  for (const auto& entry : values_) ids.push_back(entry.first);
  return ids;
}

Status InMemorySecretStore::Remove(const std::string& id) {
  SLUICE_RETURN_IF_ERROR(ValidateSecretId(id));
  if (values_.erase(id) == 0) return internal::SecretNotFound(id);
  return Status::Ok();
}

}  // namespace sluice::secrets
