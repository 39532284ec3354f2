// The small lookups of dockerfile.h; parsing and resolving live in
// dockerfile_lines.cc, dockerfile_parse.cc, dockerfile_words.cc and
// dockerfile_resolve.cc.
#include "oci/dockerfile.h"

#include <cctype>
#include <charconv>

namespace sluice::oci {

std::string_view InstructionName(InstructionKind kind) {
  switch (kind) {
    case InstructionKind::kArg:
      return "ARG";
    case InstructionKind::kEnv:
      return "ENV";
    case InstructionKind::kLabel:
      return "LABEL";
    case InstructionKind::kWorkdir:
      return "WORKDIR";
    case InstructionKind::kUser:
      return "USER";
    case InstructionKind::kCopy:
      return "COPY";
    case InstructionKind::kAdd:
      return "ADD";
    case InstructionKind::kRun:
      return "RUN";
    case InstructionKind::kCmd:
      return "CMD";
    case InstructionKind::kEntrypoint:
      return "ENTRYPOINT";
    case InstructionKind::kExpose:
      return "EXPOSE";
    case InstructionKind::kVolume:
      return "VOLUME";
    case InstructionKind::kHealthcheck:
      return "HEALTHCHECK";
    case InstructionKind::kShell:
      return "SHELL";
    case InstructionKind::kStopsignal:
      return "STOPSIGNAL";
  }
  return "?";
}

int FindStage(const Dockerfile& dockerfile, std::string_view name_or_index) {
  std::string lower(name_or_index);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < dockerfile.stages.size(); ++i) {
    if (!lower.empty() && dockerfile.stages[i].name == lower) return static_cast<int>(i);
  }
  int index = -1;
  auto [ptr, ec] = std::from_chars(lower.data(), lower.data() + lower.size(), index);
  if (ec == std::errc() && ptr == lower.data() + lower.size() && index >= 0 &&
      index < static_cast<int>(dockerfile.stages.size())) {
    return index;
  }
  return -1;
}

const std::string* FindVariable(const Environment& env, std::string_view key) {
  for (const KeyValue& kv : env) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

}  // namespace sluice::oci
