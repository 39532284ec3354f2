// sluice-stage-agent --control-fd N: see runner/stage_agent.h. Not meant to
// be started by hand.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runner/stage_agent.h"

int main(int argc, char** argv) {
  if (argc != 3 || std::strcmp(argv[1], "--control-fd") != 0) {
    std::fprintf(stderr, "usage: sluice-stage-agent --control-fd N (started by sluice)\n");
    return 2;
  }
  return sluice::runner::RunStageAgent(std::atoi(argv[2]));
}
