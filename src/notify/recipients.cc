#include "notify/recipients.h"

#include <set>

#include "common/text.h"
#include "notify/mail_message.h"

namespace sluice::notify {

std::vector<std::string> GroupAddresses(const pipeline::Project& project,
                                        const store::AuthStore* users,
                                        const std::vector<std::string>& groups,
                                        std::vector<std::string>* problems) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& address) {
    if (seen.insert(AsciiLower(address)).second) out.push_back(address);
  };
  for (const std::string& ref : groups) {
    const std::string id(WithoutScope(ref));
    const pipeline::UserGroup* group = project.FindUserGroup(id);
    if (group == nullptr) {
      problems->push_back("user group \"" + ref + "\" is not defined: add .harness/usergroups/" +
                          id + ".yaml");
      continue;
    }
    for (const std::string& member : group->users) {
      if (member.find('@') != std::string::npos) {
        if (IsValidAddress(member)) {
          add(member);
        } else {
          problems->push_back("\"" + member + "\" of user group \"" + id +
                              "\" is not an e-mail address");
        }
        continue;
      }
      if (users == nullptr) {
        problems->push_back("user \"" + member + "\" of user group \"" + id +
                            "\": no user store to find the address in");
        continue;
      }
      Result<store::UserRecord> user = users->GetUser(member);
      if (!user.ok()) {
        problems->push_back("user \"" + member + "\" of user group \"" + id +
                            "\" is not a sluice user (sluice user add " + member +
                            " --email ADDRESS)");
      } else if (user->email.empty() || !IsValidAddress(user->email)) {
        problems->push_back("user \"" + member + "\" of user group \"" + id +
                            "\" has no e-mail address");
      } else if (!user->disabled) {
        add(user->email);
      }
    }
  }
  return out;
}

}  // namespace sluice::notify
