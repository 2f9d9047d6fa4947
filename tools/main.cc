// lakestream: the command-line front door (preview, ingest, show, hub, ...).
#include <cstdio>
#include <cstring>

#include "lakestream/version.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("lakestream %s\n", lakestream::kVersion);
    return 0;
  }
  std::fprintf(stderr, "usage: lakestream <command> [options]\n");
  return 2;
}
