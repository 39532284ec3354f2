// sluice token create --user NAME [--label L] [--expires 30d] | list
// [--user NAME] [--json] | revoke ID: API tokens for sluice server's API
// (`Authorization: Bearer <token>`). A token is printed once, when created.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/accounts_cli.h"
#include "common/clock.h"
#include "common/duration.h"

namespace sluice::cli {

namespace {

std::string TimeOrDash(int64_t ms) { return ms > 0 ? FormatTimestamp(ms) : "-"; }

}  // namespace

int RunTokenCreate(App& app, const TokenCreateArgs& args, CommandIo& io) {
  std::optional<int64_t> ttl_ms;
  if (!args.expires.empty()) {
    auto ttl = ParseDuration(args.expires);
    if (!ttl.ok()) {
      return ReportError(io, Status::InvalidArgument("--expires \"" + args.expires +
                                                     "\": " + ttl.status().message()));
    }
    ttl_ms = ttl->count();
  }
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  auto created = accounts.CreateToken(io.actor, args.user, args.label, ttl_ms);
  if (!created.ok()) return ReportError(io, created.status());
  // The token alone on stdout, so `$(sluice token create ...)` captures it.
  io.out << created->value << "\n";
  io.err << "token " << created->record.id << " for " << args.user;
  if (created->record.expires_ms.has_value()) {
    io.err << ", valid until " << FormatTimestamp(*created->record.expires_ms);
  }
  io.err << ": it is shown only this once, store it now\n";
  return kExitOk;
}

int RunTokenList(App& app, const std::string& user, bool json, CommandIo& io) {
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  auto tokens = accounts.ListTokens(user);
  if (!tokens.ok()) return ReportError(io, tokens.status());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const store::ApiTokenRecord& t : *tokens) {
      out.push_back(
          {{"id", t.id},
           {"user", t.user},
           {"label", t.label},
           {"createdAt", FormatTimestamp(t.created_ms)},
           {"lastUsedAt", t.last_used_ms > 0 ? nlohmann::json(FormatTimestamp(t.last_used_ms))
                                             : nlohmann::json(nullptr)},
           {"expiresAt", t.expires_ms.has_value() ? nlohmann::json(FormatTimestamp(*t.expires_ms))
                                                  : nlohmann::json(nullptr)}});
    }
    io.out << out.dump(2) << "\n";
    return kExitOk;
  }
  if (tokens->empty()) {
    io.out << "no API tokens (create one with `sluice token create --user NAME`)\n";
    return kExitOk;
  }
  char line[512];
  std::snprintf(line, sizeof line, "%-16s  %-16s  %-20s  %-24s  %-24s  %s\n", "ID", "USER", "LABEL",
                "CREATED", "LAST USED", "EXPIRES");
  io.out << line;
  for (const store::ApiTokenRecord& t : *tokens) {
    std::snprintf(line, sizeof line, "%-16s  %-16s  %-20s  %-24s  %-24s  %s\n", t.id.c_str(),
                  t.user.c_str(), t.label.empty() ? "-" : t.label.c_str(),
                  FormatTimestamp(t.created_ms).c_str(), TimeOrDash(t.last_used_ms).c_str(),
                  t.expires_ms.has_value() ? FormatTimestamp(*t.expires_ms).c_str() : "never");
    io.out << line;
  }
  return kExitOk;
}

int RunTokenRevoke(App& app, const std::string& id, CommandIo& io) {
  auto store = app.Store();
  if (!store.ok()) return ReportError(io, store.status());
  server::Accounts accounts = AccountsOf(**store);
  if (Status s = accounts.RevokeToken(io.actor, id); !s.ok()) return ReportError(io, s);
  io.out << "token " << id << " revoked\n";
  return kExitOk;
}

void AddTokenCommand(CLI::App& cli, GlobalOptions& options) {
  auto* cmd = cli.add_subcommand("token", "Manage API tokens for sluice server");
  cmd->require_subcommand(1);

  auto create_args = std::make_shared<TokenCreateArgs>();
  auto* create = cmd->add_subcommand("create", "Create a token; it is printed only once");
  create->add_option("--user", create_args->user, "The user the token acts as")->required();
  create->add_option("--label", create_args->label, "What the token is for");
  create->add_option("--expires", create_args->expires,
                     "Lifetime, e.g. 30d or 12h (default: never expires)");
  create->callback([&options, create_args] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunTokenCreate(app, *create_args, io));
  });

  struct ListArgs {
    std::string user;
    bool json = false;
  };
  auto list_args = std::make_shared<ListArgs>();
  auto* list = cmd->add_subcommand("list", "List tokens (never their values)");
  list->add_option("--user", list_args->user, "Only this user's tokens");
  list->add_flag("--json", list_args->json, "Print JSON");
  list->callback([&options, list_args] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunTokenList(app, list_args->user, list_args->json, io));
  });

  auto revoke_id = std::make_shared<std::string>();
  auto* revoke = cmd->add_subcommand("revoke", "Revoke a token by its id (see `token list`)");
  revoke->add_option("id", *revoke_id, "Token id (tok_...)")->required();
  revoke->callback([&options, revoke_id] {
    App app(options);
    CommandIo io = StandardIo();
    std::exit(RunTokenRevoke(app, *revoke_id, io));
  });
}

}  // namespace sluice::cli
