// The OpenAPI 3.0 document of sluice server's API: src/server/openapi.json,
// compiled in as it is (CMake turns it into a string), served at
// /openapi.json. api_test.cc checks that every route the server answers is
// in it.
#pragma once

#include <string_view>

namespace sluice::server {

std::string_view OpenApiDocument();

}  // namespace sluice::server
