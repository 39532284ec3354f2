#include "pipeline/yaml_util.h"

#include <gtest/gtest.h>

#include "pipeline/project.h"

namespace sluice::pipeline {
namespace {

TEST(PipelineYamlTest, YamlToJsonFollowsTheCoreSchemaForPlainScalars) {
  YAML::Node n = YAML::Load(R"(a: true
b: False
c: ~
d:
e: 42
f: -1.5e3
g: 0x1F
h: "true"
i: '42'
j: 1.2.3
k: [yes, null]
l:
  m: |
    text
)");
  nlohmann::json j = YamlToJson(n);
  EXPECT_EQ(j["a"], true);
  EXPECT_EQ(j["b"], false);
  EXPECT_TRUE(j["c"].is_null());
  EXPECT_TRUE(j["d"].is_null());
  EXPECT_EQ(j["e"], 42);
  EXPECT_EQ(j["f"], -1500.0);
  EXPECT_EQ(j["g"], 31);
  EXPECT_EQ(j["h"], "true");
  EXPECT_EQ(j["i"], "42");
  EXPECT_EQ(j["j"], "1.2.3");
  EXPECT_EQ(j["k"], nlohmann::json::array({"yes", nullptr}));  // YAML 1.2: yes is a string
  EXPECT_EQ(j["l"]["m"], "text\n");
}

TEST(PipelineYamlTest, LocatesOffsetsInsidePlainQuotedAndBlockScalars) {
  const std::string text =
      "a: plain <+x\nb: \"quoted <+x\"\nc: |\n    one\n    two <+x\nd: >\n  folded\n";
  YAML::Node n = YAML::Load(text);
  EXPECT_EQ(internal::LocationInScalar(n["a"], 6, "f", &text).ToString(), "f:1:10");
  EXPECT_EQ(internal::LocationInScalar(n["b"], 7, "f", &text).ToString(), "f:2:12");
  EXPECT_EQ(internal::LocationInScalar(n["c"], 8, "f", &text).ToString(), "f:5:9");
  EXPECT_EQ(internal::LocationOfScalarLine(n["c"], 2, "f", &text).ToString(), "f:5:5");
  // Without the text, the scalar's own mark is the best we know.
  EXPECT_EQ(internal::LocationInScalar(n["c"], 8, "f", nullptr).ToString(), "f:3:4");
  EXPECT_EQ(LocationOf(n["missing"], "f").ToString(), "f");
}

}  // namespace
}  // namespace sluice::pipeline
