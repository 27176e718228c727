#include "deploy/firmware.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <sstream>

#include "core/error.h"

namespace trit::cli {
namespace {

// Single-quoted for the shell.
std::string Quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string LastLines(const std::string& text, int lines) {
  size_t at = text.size();
  for (int i = 0; i <= lines && at != std::string::npos && at > 0; ++i)
    at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

}  // namespace

bool HaveProgram(const std::string& program) {
  std::string output;
  return RunCommand("command -v " + Quote(program), ".", &output) == 0;
}

int RunCommand(const std::string& command, const std::string& dir, std::string* output) {
  const std::string line = "cd " + Quote(dir) + " && " + command + " 2>&1";
  FILE* pipe = popen(line.c_str(), "r");
  if (!pipe) throw Error(ErrorCode::kIo, "cannot run: " + command);
  std::array<char, 4096> buffer;
  output->clear();
  for (size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;)
    output->append(buffer.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

void Make(const std::string& dir, const std::string& target) {
  std::string output;
  if (RunCommand("make -j4 " + target, dir, &output) != 0) {
    throw Error(ErrorCode::kInternal, "building the firmware failed (make " + target + " in " +
                                          dir + "):\n" + LastLines(output, 12));
  }
}

ImageSizes MeasureImage(const std::string& elf) {
  std::string output;
  if (RunCommand("arm-none-eabi-size -A " + Quote(elf), ".", &output) != 0) {
    throw Error(ErrorCode::kInternal, "arm-none-eabi-size failed on " + elf + ": " + output);
  }
  ImageSizes sizes;
  std::istringstream lines(output);
  for (std::string name; lines >> name;) {
    uint64_t size = 0, address = 0;
    if (!(lines >> size >> address)) {
      lines.clear();
      std::string rest;
      std::getline(lines, rest);
      continue;
    }
    if (name == ".vectors" || name == ".text" || name == ".ARM.exidx" || name == ".init_array") {
      sizes.flash += size;
    } else if (name == ".data") {
      sizes.flash += size;
      sizes.ram += size;
    } else if (name == ".bss") {
      sizes.ram += size;
    } else if (name == ".stack") {
      sizes.stack += size;
    }
  }
  return sizes;
}

int RunInQemu(const std::string& machine, const std::string& elf, const std::string& dir,
              std::string* output) {
  return RunCommand("timeout 600 qemu-system-arm -M " + Quote(machine) +
                        " -nographic -monitor none -serial none"
                        " -semihosting-config enable=on,target=native -kernel " +
                        Quote(elf),
                    dir, output);
}

}  // namespace trit::cli
