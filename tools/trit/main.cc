// trit: the command-line tool. Every failure is one line on stderr and a non-zero exit.
#include <cstdio>
#include <exception>

#include "commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"trit: small, fast neural networks for embedded CPUs"};
  app.set_version_flag("--version", "trit 0.1.0");
  app.require_subcommand(1);
  trit::cli::AddZooCommand(app);
  trit::cli::AddInfoCommand(app);
  trit::cli::AddRunCommand(app);
  trit::cli::AddBenchCommand(app);
  trit::cli::AddEvalCommand(app);
  trit::cli::AddCompressCommand(app);
  trit::cli::AddDeployCommand(app);
#if defined(TRIT_HAVE_ONNX)
  trit::cli::AddImportCommand(app);
  trit::cli::AddExportCommand(app);
#endif
  trit::cli::AddTrainLauncher(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
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
