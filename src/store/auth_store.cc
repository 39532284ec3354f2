// The shape rules of auth_store.h, shared by every AuthStore.
#include "store/auth_store.h"

namespace sluice::store {

Status CheckUserName(const std::string& name) {
  auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '@' || c == '-';
  };
  bool ok = !name.empty() && name.size() <= 64 && name.front() != '-';
  for (char c : name) ok = ok && allowed(c);
  if (ok) return Status::Ok();
  return Status::InvalidArgument("invalid user name \"" + name +
                                 "\": use 1-64 letters, digits, '.', '_', '@' or '-', not "
                                 "starting with '-'");
}

Status CheckRoleName(const std::string& role) {
  if (role == "viewer" || role == "executor" || role == "approver" || role == "admin") {
    return Status::Ok();
  }
  return Status::InvalidArgument("invalid role \"" + role +
                                 "\": use viewer, executor, approver or admin");
}

}  // namespace sluice::store
