// `userGroup:` documents (.harness/usergroups; format in entities.h).
#include <algorithm>
#include <cctype>
#include <set>

#include "pipeline/parse_internal.h"
#include "pipeline/project.h"

namespace sluice::pipeline {

using internal::Field;
using internal::Fields;
using internal::FindField;
using internal::ParseContext;

namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// `users:` — a list of non-empty strings; a repeated entry is warned about
// and kept once.
std::vector<std::string> ParseUsers(const ParseContext& ctx, const Field& field) {
  std::vector<std::string> users;
  if (field.value.IsNull() || !internal::ExpectList(ctx, field)) return users;
  std::set<std::string> seen;
  for (const YAML::Node& item : field.value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      const std::string kind = item.IsScalar() ? "an empty string" : internal::KindName(item);
      ctx.Error(ctx.At(item),
                "elements of \"users\" must be user names or e-mail addresses, not " + kind);
      continue;
    }
    if (!seen.insert(item.Scalar()).second) {
      ctx.Warning(ctx.At(item), "user \"" + item.Scalar() + "\" is listed twice");
      continue;
    }
    users.push_back(item.Scalar());
  }
  return users;
}

}  // namespace

bool UserGroup::HasMember(std::string_view user_name, std::string_view email) const {
  for (const std::string& u : users) {
    if (!user_name.empty() && u == user_name) return true;
    if (!email.empty() && EqualsIgnoringCase(u, email)) return true;
  }
  return false;
}

std::optional<UserGroup> ParseUserGroup(const YAML::Node& doc, const std::string& file,
                                        DiagnosticList* diags) {
  ParseContext ctx(file, diags);
  auto top = Fields(doc);
  const Field* root = internal::EntityRoot(ctx, doc, top, "userGroup");
  if (root == nullptr) return std::nullopt;
  auto fields = Fields(root->value);
  // Harness's user group entity; the SSO and notification settings mean
  // nothing locally and are accepted without a warning.
  internal::WarnUnknownKeys(
      ctx, fields,
      {"identifier", "name", "description", "tags", "accountIdentifier", "orgIdentifier",
       "projectIdentifier", "users", "notificationConfigs", "externallyManaged", "harnessManaged",
       "ssoLinked", "isSsoLinked", "linkedSsoId", "linkedSsoDisplayName", "linkedSsoType",
       "ssoGroupId", "ssoGroupName"},
      "userGroup");
  UserGroup g;
  g.file = file;
  g.location = ctx.At(root->value);
  auto id = internal::RequireString(ctx, fields, "identifier", "userGroup", root->value);
  g.name = internal::GetString(ctx, FindField(fields, "name")).value_or(id.value_or(""));
  g.description = internal::GetString(ctx, FindField(fields, "description")).value_or("");
  g.org_identifier = internal::GetString(ctx, FindField(fields, "orgIdentifier")).value_or("");
  g.project_identifier =
      internal::GetString(ctx, FindField(fields, "projectIdentifier")).value_or("");
  if (const Field* tags = FindField(fields, "tags");
      tags != nullptr && !tags->value.IsNull() && internal::ExpectMap(ctx, *tags)) {
    for (const Field& t : Fields(tags->value)) {
      g.tags[t.name] = t.value.IsScalar() ? t.value.Scalar() : std::string();
    }
  }
  if (const Field* users = FindField(fields, "users")) {
    g.users = ParseUsers(ctx, *users);
  }
  if (g.users.empty() && id.has_value()) {
    ctx.Warning(g.location, "user group \"" + *id +
                                "\" has no users: list user names or e-mail addresses under "
                                "\"users\"");
  }
  if (!id.has_value()) return std::nullopt;
  g.identifier = *id;
  return g;
}

}  // namespace sluice::pipeline
