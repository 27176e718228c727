// trit-train: the training tool. `trit train ...` runs this program, so that LibTorch is
// loaded only for training, never for info/run/bench/eval.
#include <malloc.h>

#include <cstdio>
#include <exception>
#include <vector>

#include "commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  // Training allocates and frees the same large tensors every step; served from fresh mmaps
  // they page-fault on every touch (a quarter of the time). Keep them in the heap instead.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"trit train: train a model with LibTorch and export it as .trit"};
  app.require_subcommand(1);
  trit::cli::AddTrainCommand(app);
  // Accept both `trit-train --model ...` and `trit-train train --model ...`.
  std::vector<const char*> args = {argv[0]};
  if (argc < 2 || std::string(argv[1]) != "train") args.push_back("train");
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "trit: error: %s (see --help)\n", e.what());
    return 2;
  } catch (const trit::Error& e) {
    std::fprintf(stderr, "trit: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trit: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
