#include "oci/dockerfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::oci {
namespace {

using ::testing::StartsWith;

// Parses `text`, expecting success.
Dockerfile Parse(std::string_view text) {
  DiagnosticList diags;
  auto df = ParseDockerfile(text, "Dockerfile", diags);
  EXPECT_TRUE(df.ok()) << df.status().ToString();
  return df.ok() ? std::move(df).value() : Dockerfile{};
}

// Parses `text`, expecting failure; returns the first error's
// "file:line:col: message".
std::string FirstError(std::string_view text) {
  DiagnosticList diags;
  auto df = ParseDockerfile(text, "Dockerfile", diags);
  EXPECT_FALSE(df.ok());
  for (const Diagnostic& d : diags.items()) {
    if (d.severity == Severity::kError) return d.location.ToString() + ": " + d.message;
  }
  return "";
}

TEST(DockerfileTest, FromForms) {
  Dockerfile df = Parse(
      "FROM scratch\n"
      "FROM --platform=linux/amd64 registry.local:5000/base:1.0 AS Builder\n"
      "from busybox as run\n");
  ASSERT_EQ(df.stages.size(), 3u);
  EXPECT_EQ(df.stages[0].base, "scratch");
  EXPECT_EQ(df.stages[0].name, "");
  EXPECT_EQ(df.stages[1].base, "registry.local:5000/base:1.0");
  EXPECT_EQ(df.stages[1].name, "builder");  // stage names are case-insensitive
  EXPECT_EQ(df.stages[1].platform, "linux/amd64");
  EXPECT_EQ(df.stages[1].line, 2);
  EXPECT_EQ(df.stages[2].name, "run");
  EXPECT_EQ(FindStage(df, "BUILDER"), 1);
  EXPECT_EQ(FindStage(df, "2"), 2);
  EXPECT_EQ(FindStage(df, "3"), -1);
  EXPECT_EQ(FindStage(df, "alpine:3"), -1);
}

TEST(DockerfileTest, ArgEnvLabelForms) {
  Dockerfile df = Parse(
      "ARG BASE=scratch\n"
      "ARG VERSION\n"
      "FROM $BASE\n"
      "ARG A=1 B\n"
      "ENV PATH /usr/local/bin:/usr/bin  \n"
      "ENV k=v k2=\"v 2\" k3=v\\ 3\n"
      "LABEL org.opencontainers.image.title=\"sluice demo\" version=1\n"
      "LABEL description A longer text\n");
  ASSERT_EQ(df.global_args.size(), 2u);
  EXPECT_EQ(df.global_args[0].pairs, (std::vector<KeyValue>{{"BASE", "scratch", true}}));
  EXPECT_EQ(df.global_args[1].pairs, (std::vector<KeyValue>{{"VERSION", "", false}}));
  EXPECT_EQ(df.global_args[1].line, 2);
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 5u);
  EXPECT_EQ(ins[0].kind, InstructionKind::kArg);
  EXPECT_EQ(ins[0].pairs, (std::vector<KeyValue>{{"A", "1", true}, {"B", "", false}}));
  EXPECT_EQ(ins[1].pairs, (std::vector<KeyValue>{{"PATH", "/usr/local/bin:/usr/bin", true}}));
  // Values are kept as written; quotes go at substitution time.
  EXPECT_EQ(ins[2].pairs, (std::vector<KeyValue>{
                              {"k", "v", true}, {"k2", "\"v 2\"", true}, {"k3", "v\\ 3", true}}));
  EXPECT_EQ(ins[3].kind, InstructionKind::kLabel);
  EXPECT_EQ(ins[3].pairs[0].key, "org.opencontainers.image.title");
  EXPECT_EQ(ins[4].pairs, (std::vector<KeyValue>{{"description", "A longer text", true}}));
}

TEST(DockerfileTest, RunCmdEntrypointShellAndExecForms) {
  Dockerfile df = Parse(
      "FROM busybox\n"
      "RUN echo hello && \\\n"
      "    echo world\n"
      "RUN [\"/bin/sh\", \"-c\", \"echo $HOME\"]\n"
      "CMD [\"serve\", \"--port\", \"8080\"]\n"
      "CMD serve --port 8080\n"
      "ENTRYPOINT [\"/app\"]\n"
      "ENTRYPOINT exec /app\n"
      "SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\n"
      "RUN [not json\n");
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 8u);
  EXPECT_EQ(ins[0].kind, InstructionKind::kRun);
  EXPECT_FALSE(ins[0].command.exec_form);
  EXPECT_EQ(ins[0].command.args, (std::vector<std::string>{"echo hello &&     echo world"}));
  EXPECT_EQ(ins[1].command, (Command{true, {"/bin/sh", "-c", "echo $HOME"}}));
  EXPECT_EQ(ins[2].kind, InstructionKind::kCmd);
  EXPECT_EQ(ins[2].command, (Command{true, {"serve", "--port", "8080"}}));
  EXPECT_EQ(ins[3].command, (Command{false, {"serve --port 8080"}}));
  EXPECT_EQ(ins[4].kind, InstructionKind::kEntrypoint);
  EXPECT_EQ(ins[4].command, (Command{true, {"/app"}}));
  EXPECT_EQ(ins[5].command, (Command{false, {"exec /app"}}));
  EXPECT_EQ(ins[6].kind, InstructionKind::kShell);
  EXPECT_EQ(ins[6].command.args.size(), 4u);
  // Text that is not a JSON array of strings is the shell form, as in Docker.
  EXPECT_EQ(ins[7].command, (Command{false, {"[not json"}}));
}

TEST(DockerfileTest, CopyAndAddWithFlags) {
  Dockerfile df = Parse(
      "FROM scratch AS build\n"
      "FROM scratch\n"
      "COPY --from=build --chown=10:10 --chmod=0755 --link /out/app /usr/bin/\n"
      "COPY a.txt b.txt /dst/\n"
      "COPY [\"with space.txt\", \"/dst dir/\"]\n"
      "ADD --link=false model.tar /models\n");
  const auto& ins = df.stages[1].instructions;
  ASSERT_EQ(ins.size(), 4u);
  EXPECT_EQ(ins[0].copy.from, "build");
  EXPECT_EQ(ins[0].copy.chown, "10:10");
  EXPECT_EQ(ins[0].copy.chmod, "0755");
  EXPECT_TRUE(ins[0].copy.link);
  EXPECT_EQ(ins[0].copy.sources, (std::vector<std::string>{"/out/app"}));
  EXPECT_EQ(ins[0].copy.destination, "/usr/bin/");
  EXPECT_EQ(ins[1].copy.sources, (std::vector<std::string>{"a.txt", "b.txt"}));
  EXPECT_EQ(ins[2].copy.sources, (std::vector<std::string>{"with space.txt"}));
  EXPECT_EQ(ins[2].copy.destination, "/dst dir/");
  EXPECT_EQ(ins[3].kind, InstructionKind::kAdd);
  EXPECT_FALSE(ins[3].copy.link);
}

TEST(DockerfileTest, TabsSeparateLikeSpaces) {
  Dockerfile df = Parse(
      "FROM\tubuntu:14.04\n"
      "LABEL\tmaintainer\tJane <jane@example.com> (@jane)\n"
      "ENV\tPATH\t/usr/local/go/bin:$PATH\n"
      "ENV\tPLATFORMS\t\\\n"
      "\tlinux/386 linux/arm \\\n"
      "\tdarwin/amd64\n"
      "HEALTHCHECK --start-period=0s --interval=5s --timeout=0s --retries=0 CMD foo\n"
      "COPY\t.\t/go/src/app\n");
  ASSERT_EQ(df.stages.size(), 1u);
  EXPECT_EQ(df.stages[0].base, "ubuntu:14.04");
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 5u);
  EXPECT_EQ(ins[0].pairs,
            (std::vector<KeyValue>{{"maintainer", "Jane <jane@example.com> (@jane)", true}}));
  EXPECT_EQ(ins[1].pairs[0].value, "/usr/local/go/bin:$PATH");
  EXPECT_EQ(ins[2].pairs[0].key, "PLATFORMS");
  EXPECT_EQ(ins[2].pairs[0].value, "linux/386 linux/arm \tdarwin/amd64");
  EXPECT_EQ(ins[3].healthcheck.retries, 0);
  EXPECT_EQ(ins[4].copy.sources, (std::vector<std::string>{"."}));
  EXPECT_EQ(ins[4].copy.destination, "/go/src/app");
}

TEST(DockerfileTest, SimpleValueInstructions) {
  Dockerfile df = Parse(
      "FROM scratch\n"
      "WORKDIR /my app\n"
      "USER 1000:1000\n"
      "EXPOSE 80 443/tcp 53/udp\n"
      "VOLUME /data /cache\n"
      "VOLUME [\"/var/log\"]\n"
      "STOPSIGNAL SIGTERM\n");
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 6u);
  EXPECT_EQ(ins[0].values, (std::vector<std::string>{"/my app"}));
  EXPECT_EQ(ins[1].values, (std::vector<std::string>{"1000:1000"}));
  EXPECT_EQ(ins[2].values, (std::vector<std::string>{"80", "443/tcp", "53/udp"}));
  EXPECT_EQ(ins[3].values, (std::vector<std::string>{"/data", "/cache"}));
  EXPECT_EQ(ins[4].values, (std::vector<std::string>{"/var/log"}));
  EXPECT_EQ(ins[5].kind, InstructionKind::kStopsignal);
}

TEST(DockerfileTest, Healthcheck) {
  Dockerfile df = Parse(
      "FROM scratch\n"
      "HEALTHCHECK NONE\n"
      "HEALTHCHECK --interval=30s --timeout=1m30s --start-period=5s --retries=3 \\\n"
      "  CMD wget -q -O- http://localhost/ || exit 1\n"
      "HEALTHCHECK CMD [\"/app\", \"health\"]\n");
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 3u);
  EXPECT_TRUE(ins[0].healthcheck.none);
  const Healthcheck& hc = ins[1].healthcheck;
  EXPECT_FALSE(hc.none);
  EXPECT_EQ(hc.interval, "30s");
  EXPECT_EQ(hc.timeout, "1m30s");
  EXPECT_EQ(hc.start_period, "5s");
  EXPECT_EQ(hc.retries, 3);
  EXPECT_EQ(hc.command, (Command{false, {"wget -q -O- http://localhost/ || exit 1"}}));
  EXPECT_EQ(ins[2].healthcheck.command, (Command{true, {"/app", "health"}}));
  EXPECT_EQ(ins[1].line, 3);
}

TEST(DockerfileTest, CommentsContinuationsAndEmptyContinuationLines) {
  Dockerfile df = Parse(
      "# a comment\n"
      "\n"
      "FROM scratch\n"
      "   # indented comment\n"
      "RUN apt-get update && \\\n"
      "# comment inside the continuation\n"
      "\n"
      "    apt-get install -y curl\n"
      "USER root   \n");
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 2u);
  EXPECT_EQ(ins[0].line, 5);
  DiagnosticList diags;
  ASSERT_TRUE(ParseDockerfile("FROM scratch\nRUN a \\\n\n\n  b\n", "Dockerfile", diags).ok());
  ASSERT_EQ(diags.warning_count(), 1);  // once for the instruction
  EXPECT_EQ(diags.items()[0].location.line, 3);
  EXPECT_EQ(ins[0].command.args[0], "apt-get update &&     apt-get install -y curl");
  EXPECT_EQ(ins[1].line, 9);
  EXPECT_EQ(ins[1].values[0], "root");
}

TEST(DockerfileTest, EscapeDirectiveChangesTheContinuationCharacter) {
  Dockerfile df = Parse(
      "# syntax=docker/dockerfile:1\n"
      "# escape=`\n"
      "\n"
      "FROM scratch\n"
      "COPY testfile.txt c:\\\n"
      "RUN dir c:\\ `\n"
      "    /b\n");
  EXPECT_EQ(df.escape, '`');
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 2u);
  // With ` as the escape, a trailing \ is an ordinary character.
  EXPECT_EQ(ins[0].copy.destination, "c:\\");
  EXPECT_EQ(ins[1].command.args[0], "dir c:\\     /b");
}

TEST(DockerfileTest, DirectivesOnlyCountAtTheTop) {
  // After an ordinary comment, "# escape=`" is a comment too.
  Dockerfile df = Parse("# hello\n# escape=`\nFROM scratch\nRUN a \\\n  b\n");
  EXPECT_EQ(df.escape, '\\');
  EXPECT_EQ(df.stages[0].instructions[0].command.args[0], "a   b");
  // An unknown directive is a comment, and ends the directives.
  EXPECT_EQ(Parse("# unknown=1\n# escape=`\nFROM scratch\n").escape, '\\');
  EXPECT_EQ(FirstError("# escape=`\n# escape=\\\nFROM scratch\n"),
            "Dockerfile:2:1: the escape directive appears twice; keep only one");
  EXPECT_EQ(
      FirstError("# escape=x\nFROM scratch\n"),
      "Dockerfile:1:1: invalid escape character \"x\"; the escape directive accepts only \\ or `");
}

TEST(DockerfileTest, WindowsLineEndingsAndIndentedInstructions) {
  Dockerfile df = Parse(
      "\xEF\xBB\xBF"
      "FROM scratch\r\n  RUN a \\\r\n  b\r\n\tUSER x\r\n");
  const auto& ins = df.stages[0].instructions;
  ASSERT_EQ(ins.size(), 2u);
  EXPECT_EQ(ins[0].command.args[0], "a   b");
  EXPECT_EQ(ins[1].values[0], "x");
  DiagnosticList diags;
  ASSERT_FALSE(ParseDockerfile("FROM scratch\n   NOPE\n", "Dockerfile", diags).ok());
  // The caret goes under the keyword.
  EXPECT_EQ(diags.items()[0].location.column, 4);
}

TEST(DockerfileTest, MaintainerBecomesALabelWithAWarning) {
  DiagnosticList diags;
  auto df = ParseDockerfile("FROM scratch\nMAINTAINER Jane \"JD\" <jane@example.com>\n",
                            "Dockerfile", diags);
  ASSERT_TRUE(df.ok());
  ASSERT_EQ(diags.warning_count(), 1);
  EXPECT_EQ(diags.items()[0].location.line, 2);
  const Instruction& ins = df->stages[0].instructions[0];
  EXPECT_EQ(ins.kind, InstructionKind::kLabel);
  auto resolved = ResolveStage(*df, 0, {}, {}, diags);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->instructions[0].pairs[0].value, "Jane \"JD\" <jane@example.com>");
}

TEST(DockerfileTest, ErrorsNameTheLineAndWhatToDo) {
  EXPECT_EQ(
      FirstError("FROM scratch\n\nFOO bar\n"),
      "Dockerfile:3:1: unknown instruction FOO; use one of FROM, ARG, ENV, LABEL, WORKDIR, "
      "USER, COPY, ADD, RUN, CMD, ENTRYPOINT, EXPOSE, VOLUME, HEALTHCHECK, SHELL, STOPSIGNAL");
  EXPECT_EQ(FirstError("RUN true\nFROM scratch\n"),
            "Dockerfile:1:1: RUN before the first FROM; only ARG may come before FROM");
  EXPECT_THAT(FirstError("FROM scratch\nONBUILD RUN make\n"),
              StartsWith("Dockerfile:2:1: ONBUILD is not supported; put "));
  EXPECT_THAT(
      FirstError("FROM scratch\nRUN --mount=type=cache,target=/root/.cache pip install x\n"),
      StartsWith("Dockerfile:2:1: RUN does not support --mount; sluice"));
  EXPECT_THAT(FirstError("FROM scratch\nRUN <<EOF\necho hi\nEOF\n"),
              StartsWith("Dockerfile:2:1: heredocs (RUN <<...) are not supported"));
  EXPECT_THAT(FirstError("FROM scratch\nCOPY <<-\"END\" /x\n"),
              StartsWith("Dockerfile:2:1: heredocs (COPY <<...) are not supported"));
  // A here-string and a shift are not heredocs.
  EXPECT_EQ(
      Parse("FROM scratch\nRUN cat <<< hi\nRUN echo $((1<<FOO))\n").stages[0].instructions.size(),
      2u);
  EXPECT_EQ(
      FirstError("FROM scratch\nADD --from=a x /y\n"),
      "Dockerfile:2:1: ADD does not support --from; use COPY --from to copy from a stage or image");
  EXPECT_EQ(FirstError("FROM scratch\nCOPY onlyone\n"),
            "Dockerfile:2:1: COPY needs at least one source and a destination: COPY src... dest");
  EXPECT_EQ(FirstError("FROM scratch\nSHELL /bin/sh -c\n"),
            "Dockerfile:2:1: SHELL needs the JSON form: SHELL [\"/bin/sh\", \"-c\"]");
  EXPECT_EQ(FirstError("FROM scratch\nENV a=1 b\n"),
            "Dockerfile:2:1: ENV: \"b\" is not name=value; quote values with spaces: name=\"a b\"");
  EXPECT_EQ(FirstError("FROM scratch\nENV onlyname\n"),
            "Dockerfile:2:1: ENV onlyname has no value; write ENV onlyname=value");
  EXPECT_EQ(
      FirstError("FROM scratch\nHEALTHCHECK --interval=often CMD true\n"),
      "Dockerfile:2:1: HEALTHCHECK --interval needs a duration like 30s or 1m30s, not \"often\"");
  EXPECT_EQ(
      FirstError("FROM scratch\nHEALTHCHECK --retries=-1 CMD true\n"),
      "Dockerfile:2:1: HEALTHCHECK --retries needs a whole number (0: the default), not \"-1\"");
  EXPECT_EQ(FirstError("FROM scratch\nHEALTHCHECK CONNECT TCP 7000\n"),
            "Dockerfile:2:1: HEALTHCHECK needs NONE or CMD: HEALTHCHECK [--interval=30s ...] CMD "
            "command");
  EXPECT_EQ(FirstError("FROM scratch AS 1st\n"),
            "Dockerfile:1:1: invalid stage name \"1st\"; use a letter followed by letters, digits, "
            "'-', '_' or '.'");
  EXPECT_EQ(FirstError("FROM scratch AS a\nFROM scratch AS A\n"),
            "Dockerfile:2:1: duplicate stage name \"a\"; name each stage once");
  // A bad FROM is reported once, not again for each instruction after it.
  DiagnosticList diags;
  EXPECT_FALSE(ParseDockerfile("FROM\nRUN a\nCOPY x /y\n", "Dockerfile", diags).ok());
  EXPECT_EQ(diags.error_count(), 1);
  EXPECT_EQ(FirstError("FROM a b\n"),
            "Dockerfile:1:1: FROM takes an image and an optional 'AS name': FROM [--platform=p] "
            "image [AS name]");
  EXPECT_EQ(FirstError("FROM scratch\nRUN --network=none make\n").substr(0, 44),
            "Dockerfile:2:1: RUN does not support --netwo");
  EXPECT_EQ(FirstError("FROM --arch=x scratch\n"),
            "Dockerfile:1:1: FROM does not support --arch; remove the flag");
  EXPECT_EQ(FirstError("FROM scratch\nCOPY --chmod= a /b\n"),
            "Dockerfile:2:1: COPY --chmod needs a value: --chmod=...");
  EXPECT_EQ(FirstError("FROM scratch\nCOPY --link=maybe a /b\n"),
            "Dockerfile:2:1: COPY --link takes true or false, not \"maybe\"");
  EXPECT_EQ(FirstError("FROM scratch\nCOPY --exclude=*.md . /b\n"),
            "Dockerfile:2:1: COPY does not support --exclude; remove the flag");
  EXPECT_EQ(FirstError("ARG =x\nFROM scratch\n"),
            "Dockerfile:1:1: invalid ARG name \"\"; write ARG name or ARG name=default");
  EXPECT_EQ(FirstError("FROM scratch\nUSER a b\n"),
            "Dockerfile:2:1: USER takes exactly one argument");
  EXPECT_EQ(FirstError("FROM scratch\nCMD\n"),
            "Dockerfile:2:1: CMD needs a command: CMD command or CMD [\"executable\", \"arg\"]");
  EXPECT_EQ(FirstError("FROM scratch\nHEALTHCHECK --interval=5s NONE\n"),
            "Dockerfile:2:1: HEALTHCHECK NONE takes no options or arguments");
  EXPECT_EQ(FirstError("FROM scratch\nHEALTHCHECK true\n"),
            "Dockerfile:2:1: HEALTHCHECK needs NONE or CMD: HEALTHCHECK [--interval=30s ...] CMD "
            "command");
  EXPECT_EQ(
      FirstError("# only a comment\n"),
      "Dockerfile:1:1: no FROM instruction; a Dockerfile starts with FROM <image> or FROM scratch");
}

TEST(DockerfileTest, ErrorLinesCountContinuationsAndAllErrorsAreReported) {
  DiagnosticList diags;
  auto df = ParseDockerfile(
      "FROM scratch\n"
      "RUN a \\\n"
      "  b \\\n"
      "  c\n"
      "BOGUS\n"
      "ONBUILD RUN x\n",
      "ci/Dockerfile", diags);
  ASSERT_FALSE(df.ok());
  EXPECT_THAT(df.status().message(), StartsWith("ci/Dockerfile:5:1: unknown instruction BOGUS"));
  ASSERT_EQ(diags.error_count(), 2);
  EXPECT_EQ(diags.items()[1].location.line, 6);
  EXPECT_EQ(
      FormatDiagnostic(diags.items()[0], "FROM scratch\nRUN a \\\n  b \\\n  c\nBOGUS\n"),
      "ci/Dockerfile:5:1: error: unknown instruction BOGUS; use one of FROM, ARG, ENV, LABEL, "
      "WORKDIR, USER, COPY, ADD, RUN, CMD, ENTRYPOINT, EXPOSE, VOLUME, HEALTHCHECK, SHELL, "
      "STOPSIGNAL\nBOGUS\n^\n");
}

}  // namespace
}  // namespace sluice::oci
