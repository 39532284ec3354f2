// Loading policies and data the way OPA's CLI does, for `policy eval` and
// `policy test`.
//
// Each path is a .rego file (a module, named as given), a .json / .yaml /
// .yml file (data, merged at the root) or a directory, searched recursively:
// a data file found below a directory lands under the path of its folder
// relative to it, as OPA's loader does (DIR/a/b/data.json at data.a.b).
// Files are read in sorted order. Two data files giving different non-object
// values to one path is an error naming the path.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"
#include "policy/query.h"

namespace sluice::cli {

// Adds the modules of `paths` to request->modules and their data, then each
// of `data_files` at the root, to request->data.
Status LoadPolicyPaths(const std::vector<std::string>& paths, const std::vector<std::string>& data_files,
                       policy::QueryRequest* request);

// A JSON (by extension .json) or YAML document.
Result<policy::Value> ReadPolicyDocument(const std::filesystem::path& path);

}  // namespace sluice::cli
