// Who a user group is, in e-mail addresses: the members of the project's
// `.harness/usergroups` group (pipeline/entities.h), each either an address
// as written or a sluice user name, looked up in the store's users for the
// address it was given (`sluice user add --email`). `account.` / `org.`
// prefixes are dropped as everywhere else.
//
// What cannot be resolved (an unknown group, a user without an address, a
// user that does not exist) is not an error: it is described in
// `problems`, and the rest is returned. Addresses come back once each, in
// group and member order. Thread-safe when `users` is (it may be null:
// only addresses written in the groups count then).
#pragma once

#include <string>
#include <vector>

#include "pipeline/project.h"
#include "store/auth_store.h"

namespace sluice::notify {

std::vector<std::string> GroupAddresses(const pipeline::Project& project,
                                        const store::AuthStore* users,
                                        const std::vector<std::string>& groups,
                                        std::vector<std::string>* problems);

}  // namespace sluice::notify
