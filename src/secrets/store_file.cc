#include "secrets/store_file.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

namespace sluice::secrets::internal {

namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "sluice-secrets";
constexpr int kVersion = 1;
constexpr std::string_view kCipher = "xchacha20poly1305-ietf";
constexpr std::string_view kKdfAlgorithm = "argon2id13";

Status Corrupt(const std::filesystem::path& path, const std::string& detail) {
  return Status::FailedPrecondition(path.string() + ": not a valid sluice secret store (" + detail +
                                    "); the file was left untouched — repair it or restore it from "
                                    "a backup before changing secrets");
}

// Reads a base64 string member; false (with *why set) when absent or malformed.
bool ReadBytes(const json& obj, const char* key, std::vector<unsigned char>* out,
               std::string* why) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    *why = std::string("\"") + key + "\" is missing or not a string";
    return false;
  }
  if (!Base64Decode(it->get_ref<const std::string&>(), out)) {
    *why = std::string("\"") + key + "\" is not valid base64";
    return false;
  }
  return true;
}

bool ReadSealed(const json& obj, Sealed* out, std::string* why) {
  if (!obj.is_object()) {
    *why = "not an object";
    return false;
  }
  if (!ReadBytes(obj, "nonce", &out->nonce, why) ||
      !ReadBytes(obj, "ciphertext", &out->ciphertext, why)) {
    return false;
  }
  if (out->nonce.size() != NonceSize()) {
    *why = "nonce has the wrong length";
    return false;
  }
  if (out->ciphertext.size() < TagSize()) {
    *why = "ciphertext is truncated";
    return false;
  }
  return true;
}

json SealedToJson(const Sealed& s) {
  auto view = [](const std::vector<unsigned char>& v) {
    return std::string_view(reinterpret_cast<const char*>(v.data()), v.size());
  };
  return json{{"nonce", Base64Encode(view(s.nonce), sodium_base64_VARIANT_ORIGINAL)},
              {"ciphertext", Base64Encode(view(s.ciphertext), sodium_base64_VARIANT_ORIGINAL)}};
}

}  // namespace

std::string SecretAssociatedData(std::string_view id) {
  return "sluice/secret/v1:" + std::string(id);
}

Result<StoreFile> ParseStoreFile(const std::filesystem::path& path, std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // Only the byte offset: the parser's own message quotes file content.
    return Corrupt(path, "JSON syntax error at byte " + std::to_string(e.byte));
  }
  if (!doc.is_object()) return Corrupt(path, "top level is not a JSON object");
  auto format = doc.find("format");
  if (format == doc.end() || *format != kFormat) {
    return Corrupt(path, "\"format\" is not \"sluice-secrets\"");
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    return Corrupt(path, "\"version\" is missing");
  }
  if (*version != kVersion) {
    return Status::FailedPrecondition(path.string() + ": secret store version " + version->dump() +
                                      " is not supported by this sluice (it reads version " +
                                      std::to_string(kVersion) + ")");
  }
  auto cipher = doc.find("cipher");
  if (cipher == doc.end() || *cipher != kCipher) {
    return Corrupt(path, "\"cipher\" is not \"xchacha20poly1305-ietf\"");
  }

  StoreFile file;
  std::string why;
  if (auto kdf = doc.find("kdf"); kdf != doc.end()) {
    if (!kdf->is_object()) return Corrupt(path, "\"kdf\" is not an object");
    auto alg = kdf->find("algorithm");
    if (alg == kdf->end() || *alg != kKdfAlgorithm) {
      return Corrupt(path, "kdf \"algorithm\" is not \"argon2id13\"");
    }
    KdfParams params;
    if (!ReadBytes(*kdf, "salt", &params.salt, &why)) return Corrupt(path, "kdf: " + why);
    auto ops = kdf->find("opslimit");
    auto mem = kdf->find("memlimit");
    if (ops == kdf->end() || !ops->is_number_unsigned() || mem == kdf->end() ||
        !mem->is_number_unsigned()) {
      return Corrupt(path, "kdf \"opslimit\"/\"memlimit\" missing or not numbers");
    }
    params.opslimit = ops->get<uint64_t>();
    params.memlimit = mem->get<uint64_t>();
    if (std::string problem = CheckKdfParams(params); !problem.empty()) {
      return Corrupt(path, "kdf: " + problem);
    }
    file.kdf = std::move(params);
  }
  if (auto check = doc.find("key_check"); check != doc.end()) {
    Sealed s;
    if (!ReadSealed(*check, &s, &why)) return Corrupt(path, "key_check: " + why);
    file.key_check = std::move(s);
  }
  auto secrets = doc.find("secrets");
  if (secrets == doc.end() || !secrets->is_object()) {
    return Corrupt(path, "\"secrets\" is missing or not an object");
  }
  for (const auto& [id, entry] : secrets->items()) {
    Sealed s;
    if (!ReadSealed(entry, &s, &why)) {
      return Corrupt(path, "secret \"" + id + "\": " + std::move(why));
    }
    file.secrets.emplace(id, std::move(s));
  }
  return file;
}

std::string SerializeStoreFile(const StoreFile& file) {
  json doc = json::object();
  doc["format"] = kFormat;
  doc["version"] = kVersion;
  doc["cipher"] = kCipher;
  if (file.kdf) {
    const KdfParams& k = *file.kdf;
    doc["kdf"] = json{
        {"algorithm", kKdfAlgorithm},
        {"salt",
         Base64Encode(std::string_view(reinterpret_cast<const char*>(k.salt.data()), k.salt.size()),
                      sodium_base64_VARIANT_ORIGINAL)},
        {"opslimit", k.opslimit},
        {"memlimit", k.memlimit}};
  }
  if (file.key_check) doc["key_check"] = SealedToJson(*file.key_check);
  json secrets = json::object();
  for (const auto& [id, sealed] : file.secrets) secrets[id] = SealedToJson(sealed);
  doc["secrets"] = std::move(secrets);
  return doc.dump(2) + "\n";
}

}  // namespace sluice::secrets::internal
