#include "server/events.h"

#include <chrono>
#include <fstream>

#include "engine/status.h"
#include "server/api.h"
#include "server/api_call.h"
#include "server/api_json.h"

namespace sluice::server {
namespace {

using Json = nlohmann::ordered_json;

std::string Dump(const Json& j) {
  // Log lines are whatever a step printed: never fail on invalid UTF-8.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string Event(std::string_view name, const std::string& data, const std::string& id = "") {
  std::string out = "event: " + std::string(name) + "\n";
  if (!id.empty()) out += "id: " + id + "\n";
  out += "data: " + data + "\n\n";
  return out;
}

// The whole lines of `file` after byte `from`; advances `from` past them.
std::string ReadNewLines(const std::filesystem::path& file, int64_t* from) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  in.seekg(0, std::ios::end);
  const int64_t size = static_cast<int64_t>(in.tellg());
  if (size <= *from) return "";
  in.seekg(*from);
  std::string text(static_cast<size_t>(size - *from), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  size_t end = text.rfind('\n');
  if (end == std::string::npos) return "";
  text.resize(end + 1);
  *from += static_cast<int64_t>(text.size());
  return text;
}

}  // namespace

std::string EncodeLogPositions(const std::map<std::string, int64_t>& positions) {
  std::string out;
  for (const auto& [path, bytes] : positions) {
    if (!out.empty()) out += ';';
    out += path + "=" + std::to_string(bytes);
  }
  return out;
}

std::map<std::string, int64_t> DecodeLogPositions(std::string_view id) {
  std::map<std::string, int64_t> out;
  while (!id.empty()) {
    size_t end = id.find(';');
    std::string_view part = id.substr(0, end);
    size_t eq = part.rfind('=');
    if (eq != std::string_view::npos && eq > 0) {
      try {
        size_t used = 0;
        std::string number(part.substr(eq + 1));
        int64_t bytes = std::stoll(number, &used);
        if (used == number.size() && bytes >= 0) out[std::string(part.substr(0, eq))] = bytes;
      } catch (const std::exception&) {
      }
    }
    if (end == std::string_view::npos) break;
    id.remove_prefix(end + 1);
  }
  return out;
}

void ApiServer::StreamEvents(std::string execution_id, std::string last_event_id,
                             std::shared_ptr<net::Responder> responder) {
  auto rec = deps_.store.FindExecution(execution_id);
  if (!rec.ok()) {
    responder->Send(ErrorResponse(rec.status()));
    return;
  }
  const std::string id = rec->id;
  net::HttpResponse head;
  head.status = 200;
  head.set("Content-Type", "text/event-stream");
  head.set("Cache-Control", "no-cache");
  head.set("X-Accel-Buffering", "no");
  std::shared_ptr<net::ResponseStream> stream = responder->Stream(std::move(head));
  responder.reset();

  std::map<std::string, int64_t> positions = DecodeLogPositions(last_event_id);
  std::map<std::string, std::string> nodes_sent;  // path → the node's JSON as last sent
  std::string execution_sent;
  auto last_write = std::chrono::steady_clock::now();
  std::string out = "retry: 2000\n\n";
  for (;;) {
    if (stopping() || stream->client_gone()) return;
    // Read the counter before the store: a change made while reading wakes
    // the next wait instead of being missed.
    const uint64_t seen = deps_.executions.changes(id);
    const bool here = deps_.executions.queued(id) || deps_.executions.running(id);
    auto current = deps_.store.GetExecution(id);
    auto nodes = deps_.store.GetNodes(id);
    auto logs = deps_.store.ListLogs(id);
    if (!current.ok() || !nodes.ok() || !logs.ok()) {
      stream->Write(Event("error", Dump(Json{{"message", "the store could not be read"}})));
      stream->End();
      return;
    }
    for (const auto& n : *nodes) {
      std::string json = Dump(NodeJson(n));
      std::string& sent = nodes_sent[n.path];
      if (sent != json) {
        out += Event("node", json);
        sent = std::move(json);
      }
    }
    for (const store::LogInfo& log : *logs) {
      int64_t& at = positions[log.node_path];
      std::string text = ReadNewLines(log.file, &at);
      if (text.empty()) continue;
      // Each line's id says where every log stands once it is read.
      int64_t line_end = at - static_cast<int64_t>(text.size());
      size_t start = 0;
      while (start < text.size()) {
        size_t nl = text.find('\n', start);
        line_end += static_cast<int64_t>(nl - start + 1);
        const int64_t saved = at;
        at = line_end;
        out += Event("log",
                     Dump(Json{{"node", log.node_path}, {"line", text.substr(start, nl - start)}}),
                     EncodeLogPositions(positions));
        at = saved;
        start = nl + 1;
      }
    }
    Json summary = ExecutionSummaryJson(*current);
    summary["queued"] = deps_.executions.queued(id);
    std::string execution_json = Dump(summary);
    if (execution_json != execution_sent) {
      out += Event("execution", execution_json);
      execution_sent = std::move(execution_json);
    }
    auto status = engine::ParseStatus(current->status);
    const bool finished = status && engine::IsTerminal(*status) && !here;
    if (finished) out += Event("end", "{}");
    const auto now = std::chrono::steady_clock::now();
    if (out.empty() && now - last_write >= options_.keep_alive) out = ": keep-alive\n\n";
    if (!out.empty()) {
      if (!stream->Write(std::move(out))) return;
      out.clear();
      last_write = now;
    }
    if (finished) {
      stream->End();
      return;
    }
    deps_.executions.WaitForChange(id, seen, options_.poll);
  }
}

}  // namespace sluice::server
