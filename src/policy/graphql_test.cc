#include "policy/graphql.h"

#include <gtest/gtest.h>

namespace sluice::policy::graphql {
namespace {

TEST(GraphqlTest, Placeholder) {}

}  // namespace
}  // namespace sluice::policy::graphql
