// Server-sent events of one execution (GET /api/executions/{id}/events),
// as the stream carries them. A wire format: web/ reads it.
//
//   retry: 2000                         once, at the start
//   event: execution                    the record changed (status, end)
//   data: {execution summary}
//   event: node                         a node changed (api_json.h NodeJson)
//   data: {node}
//   event: log                          one line of a node's log
//   id: Stage=120;Stage.step=4711       where every log stands after it
//   data: {"node": "Stage.step", "line": "..."}
//   : keep-alive                        a comment while nothing happens
//   event: end                          the execution finished and every
//   data: {}                            log was sent; the stream ends
//
// A new stream starts with every node and the execution as they are now,
// then the logs from the start — or, with a Last-Event-ID (or
// ?lastEventId=) from an earlier stream, from where that one stood. Log
// lines come from the log files (masked as stored), whole lines only; the
// stream wakes on the execution queue's change notifications for
// executions this server runs and polls the store for others.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace sluice::server {

// Log positions (node path → bytes sent) as an event id and back. Parsing
// ignores what it does not understand (a stream then starts from 0).
std::string EncodeLogPositions(const std::map<std::string, int64_t>& positions);
std::map<std::string, int64_t> DecodeLogPositions(std::string_view id);

}  // namespace sluice::server
