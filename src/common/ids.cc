#include "common/ids.h"

#include <sys/random.h>

#include <cstdint>
#include <random>
#include <stdexcept>

namespace sluice {
namespace {

void Fill(uint8_t* buf, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t got = getrandom(buf + off, n - off, 0);
    if (got < 0) throw std::runtime_error("getrandom failed");  // ends the process: no entropy
    off += static_cast<size_t>(got);
  }
}

}  // namespace

std::string NewExecutionId() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  uint8_t bytes[22];
  Fill(bytes, sizeof bytes);
  std::string id;
  for (uint8_t b : bytes) id += kAlphabet[b & 63];
  // Docker tags may not start with '-' or '.'; '_' would be fine but keep ids alphanumeric-first.
  if (id[0] == '-' || id[0] == '_') id[0] = kAlphabet[bytes[0] % 52];
  return id;
}

namespace {
constexpr char kHex[] = "0123456789abcdef";
}  // namespace

std::string RandomHex(int n) {
  std::string bytes(static_cast<size_t>(n > 0 ? n : 0), '\0');
  Fill(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());  // one call, not one per byte
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string QuickRandomHex(int n) {
  thread_local std::mt19937_64 generator = [] {
    uint64_t seed = 0;
    Fill(reinterpret_cast<uint8_t*>(&seed), sizeof seed);
    return std::mt19937_64(seed);
  }();
  std::string out;
  out.reserve(static_cast<size_t>(n > 0 ? n : 0) * 2);
  for (int i = 0; i < n; i += 8) {
    uint64_t word = generator();
    for (int j = 0; j < 8 && i + j < n; ++j, word >>= 8) {
      out += kHex[(word >> 4) & 15];
      out += kHex[word & 15];
    }
  }
  return out;
}

}  // namespace sluice
