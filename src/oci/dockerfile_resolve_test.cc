#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oci/dockerfile.h"
#include "oci/dockerfile_words.h"

namespace sluice::oci {
namespace {

using ::testing::StartsWith;

std::string Expand(std::string_view word, const Environment& vars, char escape = '\\') {
  auto r = ExpandWord(word, vars, escape);
  EXPECT_TRUE(r.ok()) << word << ": " << r.status().ToString();
  return r.ok() ? *r : "<error>";
}

std::string ExpandError(std::string_view word, const Environment& vars) {
  auto r = ExpandWord(word, vars, '\\');
  EXPECT_FALSE(r.ok()) << word;
  return r.ok() ? "" : r.status().message();
}

ResolvedStage Resolve(std::string_view text, std::size_t stage, const BuildArgs& args = {},
                      const StageBase& base = {}) {
  DiagnosticList diags;
  auto df = ParseDockerfile(text, "Dockerfile", diags);
  EXPECT_TRUE(df.ok()) << df.status().ToString();
  if (!df.ok()) return {};
  auto r = ResolveStage(*df, stage, args, base, diags);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : ResolvedStage{};
}

std::string ResolveError(std::string_view text, std::size_t stage, const BuildArgs& args = {}) {
  DiagnosticList diags;
  auto df = ParseDockerfile(text, "Dockerfile", diags);
  EXPECT_TRUE(df.ok()) << df.status().ToString();
  if (!df.ok()) return "";
  auto r = ResolveStage(*df, stage, args, {}, diags);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(DockerfileSubstitutionTest, ExpandsDockerForms) {
  Environment vars = {{"NAME", "app", true}, {"EMPTY", "", true}};
  EXPECT_EQ(Expand("/opt/$NAME/bin", vars), "/opt/app/bin");
  EXPECT_EQ(Expand("${NAME}_v2", vars), "app_v2");
  EXPECT_EQ(Expand("$MISSING/x", vars), "/x");
  EXPECT_EQ(Expand("${MISSING:-fallback}", vars), "fallback");
  EXPECT_EQ(Expand("${EMPTY:-fallback}", vars), "fallback");
  EXPECT_EQ(Expand("${EMPTY-fallback}", vars), "");  // set, though empty
  EXPECT_EQ(Expand("${MISSING-fallback}", vars), "fallback");
  EXPECT_EQ(Expand("${NAME:-fallback}", vars), "app");
  EXPECT_EQ(Expand("${NAME:+alt}", vars), "alt");
  EXPECT_EQ(Expand("${EMPTY:+alt}", vars), "");
  EXPECT_EQ(Expand("${EMPTY+alt}", vars), "alt");
  EXPECT_EQ(Expand("${MISSING:+alt}", vars), "");
  EXPECT_EQ(Expand("${MISSING:-${NAME}-default}", vars), "app-default");
  EXPECT_EQ(Expand("\\$NAME", vars), "$NAME");
  EXPECT_EQ(Expand("\\${NAME}", vars), "${NAME}");
  EXPECT_EQ(Expand("'$NAME'", vars), "$NAME");
  EXPECT_EQ(Expand("\"$NAME x\"", vars), "app x");
  EXPECT_EQ(Expand("\"a\\\"b\\q\"", vars), "a\"b\\q");
  EXPECT_EQ(Expand("v\\ 3", vars), "v 3");
  EXPECT_EQ(Expand("cost: 5$", vars), "cost: 5$");
  // With ` as the escape character, \ is an ordinary character.
  EXPECT_EQ(Expand("c:\\$NAME", vars, '`'), "c:\\app");
  EXPECT_EQ(Expand("`$NAME", vars, '`'), "$NAME");
}

TEST(DockerfileSubstitutionTest, MalformedWordsAreErrors) {
  Environment vars;
  EXPECT_EQ(ExpandError("${NAME", vars), "missing '}' in \"${NAME\"");
  EXPECT_EQ(ExpandError("${}", vars), "bad substitution in \"${}\": ${ needs a variable name");
  EXPECT_EQ(ExpandError("${A:-x", vars), "missing '}' in \"${A:-x\"");
  EXPECT_EQ(ExpandError("${A/x/y}", vars),
            "unsupported modifier in ${A...} in \"${A/x/y}\"; use :-, -, :+, +, :? or ?");
  EXPECT_EQ(ExpandError("${A:?set A with --build-arg}", vars),
            "A is not set: set A with --build-arg");
  EXPECT_EQ(ExpandError("${A?}", vars), "A is not set");
  EXPECT_EQ(ExpandError("${E:?}", Environment{{"E", "", true}}), "E is empty");
  EXPECT_EQ(Expand("${E?}", Environment{{"E", "", true}}), "");
  EXPECT_EQ(ExpandError("\"open", vars),
            "unterminated double quote in \"\"open\"; close it with \"");
  EXPECT_EQ(ExpandError("'open", vars), "unterminated single quote in \"'open\"; close it with '");
}

TEST(DockerfileResolveTest, GlobalArgsReachFromOnlyAndBuildArgsOverride) {
  const char* text =
      "ARG REGISTRY=localhost:5000\n"
      "ARG TAG=1.0\n"
      "FROM ${REGISTRY}/base:${TAG} AS build\n"
      "LABEL tag=\"[$TAG]\"\n"
      "ARG TAG\n"
      "LABEL tag2=$TAG\n";
  ResolvedStage s = Resolve(text, 0);
  EXPECT_EQ(s.base, "localhost:5000/base:1.0");
  EXPECT_EQ(s.name, "build");
  // A global ARG is not visible in the stage until it is declared there.
  EXPECT_EQ(s.instructions[0].pairs[0].value, "[]");
  EXPECT_EQ(s.instructions[2].pairs[0].value, "1.0");

  ResolvedStage overridden = Resolve(text, 0, {{"TAG", "2.0"}, {"UNUSED", "x"}});
  DiagnosticList diags;
  auto df = ParseDockerfile(text, "Dockerfile", diags);
  ASSERT_TRUE(df.ok());
  EXPECT_EQ(
      UnusedBuildArgs(*df, {{"TAG", "2.0"}, {"UNUSED", "x"}, {"TARGETARCH", "arm64"}, {"A", ""}}),
      (std::vector<std::string>{"A", "UNUSED"}));
  EXPECT_EQ(overridden.base, "localhost:5000/base:2.0");
  EXPECT_EQ(overridden.instructions[2].pairs[0].value, "2.0");
}

TEST(DockerfileResolveTest, AutomaticPlatformArgs) {
  auto platform = PlatformArgs("linux/arm/v7", "linux/amd64");
  ASSERT_TRUE(platform.ok()) << platform.status().ToString();
  EXPECT_EQ(platform->at("TARGETARCH"), "arm");
  EXPECT_EQ(platform->at("TARGETVARIANT"), "v7");
  EXPECT_EQ(platform->at("BUILDPLATFORM"), "linux/amd64");
  EXPECT_EQ(platform->at("BUILDVARIANT"), "");
  // FROM sees them without an ARG; a stage only after `ARG NAME`.
  const char* text =
      "FROM --platform=$BUILDPLATFORM tools:${TARGETOS} AS build\n"
      "LABEL before=[$TARGETARCH]\n"
      "ARG TARGETARCH\n"
      "LABEL after=[$TARGETARCH]\n";
  ResolvedStage s = Resolve(text, 0, *platform);
  EXPECT_EQ(s.platform, "linux/amd64");
  EXPECT_EQ(s.base, "tools:linux");
  EXPECT_EQ(s.instructions[0].pairs[0].value, "[]");
  EXPECT_EQ(s.instructions[2].pairs[0].value, "[arm]");
  EXPECT_EQ(PlatformArgs("amd64", "linux/amd64").status().message(),
            "platform \"amd64\" is not os/arch[/variant]; write e.g. linux/amd64 or linux/arm/v7");
  EXPECT_FALSE(PlatformArgs("linux/amd64", "linux//x").ok());
}

TEST(DockerfileResolveTest, StageArgsAndEnvTrackedInOrder) {
  const char* text =
      "FROM scratch\n"
      "ARG USERNAME=app\n"
      "ARG HOME_DIR=/home/${USERNAME}\n"
      "ARG UNSET\n"
      "ENV HOME=$HOME_DIR PATH=$HOME/bin:$PATH\n"
      "ENV GREETING \"hello $USERNAME\"\n"
      "WORKDIR $HOME\n"
      "WORKDIR src\n"
      "USER ${USERNAME}:${UNSET:-users}\n"
      "COPY --chown=$USERNAME ${HOME_DIR}/in $HOME/out\n"
      "RUN echo $USERNAME\n"
      "CMD echo $HOME\n"
      "EXPOSE ${PORT:-8080}/tcp\n"
      "VOLUME $HOME/data\n"
      "STOPSIGNAL ${SIG:-SIGINT}\n";
  ResolvedStage s =
      Resolve(text, 0, {{"USERNAME", "ci"}}, StageBase{{{"PATH", "/usr/bin", true}}, "/"});
  const auto& ins = s.instructions;
  ASSERT_EQ(ins.size(), 14u);
  EXPECT_EQ(ins[1].pairs[0].value, "/home/ci");
  EXPECT_FALSE(ins[2].pairs[0].has_value);
  // Every pair of one ENV sees the variables from before that ENV.
  EXPECT_EQ(ins[3].pairs,
            (std::vector<KeyValue>{{"HOME", "/home/ci", true}, {"PATH", "/bin:/usr/bin", true}}));
  EXPECT_EQ(ins[4].pairs[0].value, "hello ci");
  EXPECT_EQ(ins[5].values[0], "/home/ci");
  EXPECT_EQ(ins[6].values[0], "/home/ci/src");  // relative to the previous WORKDIR
  EXPECT_EQ(ins[7].values[0], "ci:users");
  EXPECT_EQ(ins[8].copy.chown, "ci");
  EXPECT_EQ(ins[8].copy.sources[0], "/home/ci/in");
  EXPECT_EQ(ins[8].copy.destination, "/home/ci/out");
  // RUN and CMD are left to the shell; RUN gets the ARGs and ENV.
  EXPECT_EQ(ins[9].command.args[0], "echo $USERNAME");
  ASSERT_NE(FindVariable(ins[9].run_env, "USERNAME"), nullptr);
  EXPECT_EQ(*FindVariable(ins[9].run_env, "USERNAME"), "ci");
  EXPECT_EQ(*FindVariable(ins[9].run_env, "HOME"), "/home/ci");
  EXPECT_EQ(FindVariable(ins[9].run_env, "UNSET"), nullptr);
  EXPECT_EQ(ins[10].command.args[0], "echo $HOME");
  EXPECT_EQ(ins[11].values[0], "8080/tcp");
  EXPECT_EQ(Resolve("FROM scratch\nEXPOSE 53/UDP\n", 0).instructions[0].values[0], "53/udp");
  EXPECT_EQ(ins[12].values[0], "/home/ci/data");
  EXPECT_EQ(ins[13].values[0], "SIGINT");
  EXPECT_EQ(s.workdir, "/home/ci/src");
  // ARGs are not part of the image's environment; the base env is.
  EXPECT_EQ(s.env, (Environment{{"PATH", "/bin:/usr/bin", true},
                                {"HOME", "/home/ci", true},
                                {"GREETING", "hello ci", true}}));
}

TEST(DockerfileResolveTest, RelativeWorkdirStartsFromTheBaseImage) {
  ResolvedStage s =
      Resolve("FROM scratch\nWORKDIR app\nWORKDIR ../lib\n", 0, {}, StageBase{{}, "/srv"});
  EXPECT_EQ(s.instructions[0].values[0], "/srv/app");
  EXPECT_EQ(s.instructions[1].values[0], "/srv/app/../lib");  // kept as written, as Docker does
}

TEST(DockerfileResolveTest, DocumentedLabelForms) {
  // The LABEL examples from Docker's Dockerfile reference.
  ResolvedStage s = Resolve(
      "FROM scratch\n"
      "LABEL \"com.example.vendor\"=\"ACME Incorporated\"\n"
      "LABEL com.example.label-with-value=\"foo\"\n"
      "LABEL version=\"1.0\"\n"
      "LABEL description=\"This text illustrates \\\n"
      "that label-values can span multiple lines.\"\n"
      "LABEL multi.label1=\"value1\" multi.label2=\"value2\" other=\"value3\"\n",
      0);
  ASSERT_EQ(s.instructions.size(), 5u);
  EXPECT_EQ(s.instructions[0].pairs[0],
            (KeyValue{"com.example.vendor", "ACME Incorporated", true}));
  EXPECT_EQ(s.instructions[3].pairs[0].value,
            "This text illustrates that label-values can span multiple lines.");
  EXPECT_EQ(s.instructions[4].pairs.size(), 3u);
  EXPECT_EQ(s.instructions[4].pairs[2], (KeyValue{"other", "value3", true}));
}

TEST(DockerfileResolveTest, TwoStageModelImage) {
  // A two-stage model image: global ARG for the base, a build arg for the
  // model version, COPY --from, ENV, WORKDIR, USER, EXPOSE, exec-form CMD.
  const char* text =
      "ARG BASE=127.0.0.1:5055/debian:bookworm\n"
      "FROM ${BASE} AS build\n"
      "ARG MODEL_VERSION=1.0\n"
      "RUN mkdir -p /out && echo \"model ${MODEL_VERSION}\" > /out/model.txt\n"
      "FROM ${BASE}\n"
      "RUN apt-get update && apt-get install -y --no-install-recommends jq \\\n"
      "    && rm -rf /var/lib/apt/lists/*\n"
      "COPY --from=build /out/ /opt/model/\n"
      "COPY app.py /app/app.py\n"
      "ENV APP_ENV=prod\n"
      "WORKDIR /app\n"
      "USER 10001\n"
      "EXPOSE 8080\n"
      "CMD [\"python3\", \"/app/app.py\"]\n";
  DiagnosticList diags;
  auto df = ParseDockerfile(text, "Dockerfile", diags);
  ASSERT_TRUE(df.ok()) << df.status().ToString();
  EXPECT_TRUE(diags.empty());
  ASSERT_EQ(df->stages.size(), 2u);
  BuildArgs args = {{"MODEL_VERSION", "2.1"}};
  auto build = ResolveStage(*df, 0, args, {}, diags);
  ASSERT_TRUE(build.ok()) << build.status().ToString();
  EXPECT_EQ(build->base, "127.0.0.1:5055/debian:bookworm");
  EXPECT_EQ(*FindVariable(build->instructions[1].run_env, "MODEL_VERSION"), "2.1");
  EXPECT_TRUE(build->env.empty());

  auto final_stage =
      ResolveStage(*df, 1, args, StageBase{{{"PATH", "/usr/bin:/bin", true}}, "/"}, diags);
  ASSERT_TRUE(final_stage.ok()) << final_stage.status().ToString();
  const auto& ins = final_stage->instructions;
  ASSERT_EQ(ins.size(), 8u);
  EXPECT_EQ(ins[0].line, 6);
  EXPECT_EQ(ins[1].copy.from, "build");
  EXPECT_EQ(FindStage(*df, ins[1].copy.from), 0);
  EXPECT_EQ(ins[2].line, 9);
  // The build arg is not declared in this stage, so RUN does not see it.
  EXPECT_EQ(FindVariable(ins[0].run_env, "MODEL_VERSION"), nullptr);
  EXPECT_EQ(final_stage->env,
            (Environment{{"PATH", "/usr/bin:/bin", true}, {"APP_ENV", "prod", true}}));
  EXPECT_EQ(final_stage->workdir, "/app");
  EXPECT_EQ(ins[7].command, (Command{true, {"python3", "/app/app.py"}}));
}

TEST(DockerfileResolveTest, EnvWinsOverArg) {
  ResolvedStage s = Resolve(
      "FROM scratch\nARG V=from-arg\nENV V=from-env\nARG V=again\nLABEL v=$V\n", 0, {{"V", "cli"}});
  EXPECT_EQ(s.instructions[3].pairs[0].value, "from-env");
}

TEST(DockerfileResolveTest, JsonFormCopyKeepsQuotesButSubstitutes) {
  ResolvedStage s =
      Resolve("FROM scratch\nARG D=/dst\nCOPY [\"it's \\\"here\\\".txt\", \"$D/\"]\n", 0);
  EXPECT_EQ(s.instructions[1].copy.sources[0], "it's \"here\".txt");
  EXPECT_EQ(s.instructions[1].copy.destination, "/dst/");
}

TEST(DockerfileResolveTest, MultiStageCopyFrom) {
  const char* text =
      "FROM scratch AS build\n"
      "FROM scratch AS test\n"
      "ARG SRC=build\n"
      "COPY --from=$SRC /out /in\n"
      "COPY --from=0 /out /in0\n"
      "COPY --from=busybox:latest /bin/busybox /bin/\n";
  ResolvedStage s = Resolve(text, 1);
  EXPECT_EQ(s.instructions[1].copy.from, "build");
  EXPECT_EQ(s.instructions[2].copy.from, "0");
  EXPECT_EQ(s.instructions[3].copy.from, "busybox:latest");

  EXPECT_EQ(ResolveError("FROM scratch AS a\nCOPY --from=a /x /y\n", 0),
            "Dockerfile:2:1: COPY: --from=a names this stage or a later one; copy only from an "
            "earlier stage");
  EXPECT_EQ(ResolveError("FROM scratch AS a\nCOPY --from=b /x /y\nFROM scratch AS b\n", 0),
            "Dockerfile:2:1: COPY: --from=b names this stage or a later one; copy only from an "
            "earlier stage");
}

TEST(DockerfileResolveTest, ErrorsNameLineAndInstruction) {
  EXPECT_EQ(ResolveError("FROM scratch\n  USER ${U:?}\n", 0), "Dockerfile:2:3: USER: U is not set");
  EXPECT_EQ(ResolveError("FROM scratch\n\nWORKDIR ${NOPE}\n", 0),
            "Dockerfile:3:1: WORKDIR: the directory is empty after substitution; give the variable "
            "a value");
  EXPECT_EQ(ResolveError("FROM scratch\nEXPOSE 80/http\n", 0),
            "Dockerfile:2:1: EXPOSE: \"80/http\" is not a port; write 80, 80/tcp, 53/udp or "
            "8000-8010/tcp");
  EXPECT_THAT(ResolveError("FROM scratch\nEXPOSE 70000\n", 0),
              StartsWith("Dockerfile:2:1: EXPOSE: \"70000\" is not a port"));
  EXPECT_EQ(ResolveError("FROM scratch\nENV A=${B\n", 0),
            "Dockerfile:2:1: ENV: missing '}' in \"${B\"");
  EXPECT_EQ(ResolveError("ARG IMG\nFROM $IMG\n", 0),
            "Dockerfile:2:1: FROM: the image is empty after substitution; give the ARG a value");
  EXPECT_EQ(ResolveError("ARG IMG=${X:?pass-X}\nFROM $IMG\n", 0),
            "Dockerfile:1:1: ARG: X is not set: pass-X");
  DiagnosticList diags;
  auto df = ParseDockerfile("FROM scratch\n", "Dockerfile", diags);
  ASSERT_TRUE(df.ok());
  EXPECT_EQ(ResolveStage(*df, 1, {}, {}, diags).status().message(),
            "Dockerfile: there is no stage 1; it has 1");
}

}  // namespace
}  // namespace sluice::oci
