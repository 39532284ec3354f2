#include "steps/email_step.h"

#include "common/text.h"
#include "expr/expr.h"
#include "notify/mail_message.h"
#include "notify/mailer.h"
#include "notify/recipients.h"
#include "steps/spec_check.h"

namespace sluice::steps {

namespace {

constexpr char kWhere[] = "Email step spec";

bool Truthy(const expr::Value& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v.get<std::string>() == "true";
  return false;
}

// A list of group references, or a comma-separated string of them.
Result<std::vector<std::string>> Groups(const engine::StepContext& ctx, const std::string& key) {
  const YAML::Node& field = ctx.node.spec[key];
  std::vector<std::string> groups;
  if (!field || field.IsNull()) return groups;
  std::vector<std::string> texts;
  if (field.IsSequence()) {
    for (size_t i = 0; i < field.size(); ++i) {
      SLUICE_ASSIGN_OR_RETURN(
          std::string g,
          ctx.ResolveString(field[i], "spec." + key + "[" + std::to_string(i) + "]"));
      texts.push_back(g);
    }
  } else {
    SLUICE_ASSIGN_OR_RETURN(std::string g, ctx.ResolveString(field, "spec." + key));
    texts.push_back(g);
  }
  for (const std::string& text : texts) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = text.find(',', start);
      std::string_view g = TrimAsciiSpace(std::string_view(text).substr(
          start, comma == std::string::npos ? std::string::npos : comma - start));
      if (!g.empty()) groups.emplace_back(g);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return groups;
}

Result<std::vector<std::string>> Addresses(const engine::StepContext& ctx, const std::string& key) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ctx.ResolveString(ctx.node.spec[key], "spec." + key));
  Result<std::vector<std::string>> list = notify::SplitAddresses(text);
  if (!list.ok()) return Status::InvalidArgument("spec." + key + ": " + list.status().message());
  return list;
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

void EmailStep::ValidateSpec(const pipeline::ExecutionNode& step, const pipeline::Stage& stage,
                             DiagnosticList* diags) const {
  (void)stage;
  SpecChecker check(step, diags);
  if (!check.RequireSpec()) return;
  const YAML::Node& spec = check.spec();
  check.WarnUnknownKeys(spec,
                        {"to", "cc", "toUserGroups", "ccUserGroups", "subject", "body",
                         "fireAndForget", "delegateSelectors"},
                        kWhere);
  check.RequireScalar(spec, "subject", kWhere);
  check.OptionalScalar(spec, "to", kWhere);
  check.OptionalScalar(spec, "cc", kWhere);
  check.OptionalScalar(spec, "body", kWhere);
  check.OptionalScalar(spec, "fireAndForget", kWhere);
  for (const char* key : {"toUserGroups", "ccUserGroups"}) {
    const YAML::Node& g = spec[key];
    if (g && !g.IsNull() && !g.IsScalar() && !g.IsSequence()) {
      check.Error(
          g, std::string(key) + " must be a list of user groups (or a comma-separated string)");
    }
  }
  auto present = [&](const char* key) {
    const YAML::Node& n = spec[key];
    return n && !n.IsNull() && !(n.IsScalar() && n.Scalar().empty()) &&
           !(n.IsSequence() && n.size() == 0);
  };
  if (!present("to") && !present("toUserGroups")) {
    check.Error(spec, "an Email step needs \"to\" (comma-separated addresses) or \"toUserGroups\"");
  }
  // Literal addresses are checked now; expressions when the step runs.
  for (const char* key : {"to", "cc"}) {
    const YAML::Node& n = spec[key];
    if (!n || !n.IsScalar() || expr::HasExpressions(n.Scalar())) continue;
    auto list = notify::SplitAddresses(n.Scalar());
    if (!list.ok()) check.Error(n, std::string(key) + ": " + list.status().message());
  }
}

engine::StepOutcome EmailStep::Execute(engine::StepContext& ctx) const {
  const YAML::Node& spec = ctx.node.spec;
  auto to = Addresses(ctx, "to");
  if (!to.ok()) return engine::StepOutcome::Error(to.status().message());
  auto cc = Addresses(ctx, "cc");
  if (!cc.ok()) return engine::StepOutcome::Error(cc.status().message());
  auto subject = ctx.ResolveString(spec["subject"], "spec.subject");
  if (!subject.ok()) return engine::StepOutcome::Error(subject.status().message());
  auto body = ctx.ResolveString(spec["body"], "spec.body");
  if (!body.ok()) return engine::StepOutcome::Error(body.status().message());
  auto forget = ctx.Resolve(spec["fireAndForget"], "spec.fireAndForget");
  if (!forget.ok()) return engine::StepOutcome::Error(forget.status().message());

  std::vector<std::string> problems;
  for (const auto& [key, list] :
       {std::pair{"toUserGroups", &*to}, std::pair{"ccUserGroups", &*cc}}) {
    auto groups = Groups(ctx, key);
    if (!groups.ok()) return engine::StepOutcome::Error(groups.status().message());
    for (std::string& a : notify::GroupAddresses(ctx.project, ctx.users, *groups, &problems)) {
      list->push_back(std::move(a));
    }
  }
  for (const std::string& p : problems) ctx.Log("[sluice] warning: " + p);
  if (to->empty()) {
    return engine::StepOutcome::Failure(
        pipeline::ErrorType::kUnknown,
        "no recipient: spec.to and spec.toUserGroups give no e-mail address" +
            (problems.empty() ? std::string() : " (" + problems.front() + ")"));
  }

  notify::Mailer mailer(ctx.project.smtp, ctx.project.root, ctx.state_dir,
                        [&ctx](const std::string& id) -> Result<std::string> {
                          Result<std::string> value = ctx.scope.GetSecret(id);
                          if (value.ok()) ctx.masker.Add(*value);
                          return value;
                        });
  notify::MailMessage m;
  m.from_address = mailer.from_address();
  m.from_name = mailer.from_name();
  m.to = *to;
  m.cc = *cc;
  m.subject = *subject;
  m.body = *body;
  m.date_ms = ctx.clock.NowMillis();
  ctx.Log("[sluice] e-mail \"" + *subject + "\" to " + Joined(*to) +
          (cc->empty() ? "" : ", cc " + Joined(*cc)));
  Result<std::string> sent = mailer.Send(m);
  if (!sent.ok()) {
    if (Truthy(*forget)) {
      ctx.Log("[sluice] warning: not sent (fireAndForget: the step goes on): " +
              sent.status().message());
      return engine::StepOutcome::Success();
    }
    return engine::StepOutcome::Failure(pipeline::ErrorType::kConnectivity,
                                        sent.status().message());
  }
  ctx.Log("[sluice] " + *sent);
  return engine::StepOutcome::Success();
}

}  // namespace sluice::steps
