// Building a deploy project with arm-none-eabi-gcc, measuring its image, running it in
// qemu-system-arm with semihosting.
#pragma once

#include <cstdint>
#include <string>

namespace trit::cli {

// Whether `program` is on the PATH.
bool HaveProgram(const std::string& program);

// Runs `command` in `dir` through the shell; returns its exit status and its output.
int RunCommand(const std::string& command, const std::string& dir, std::string* output);

// Runs make in `dir` for `target`; throws kInternal with make's last lines on failure.
void Make(const std::string& dir, const std::string& target);

struct ImageSizes {
  uint64_t flash = 0;  // vectors, code, constants (the model included), .data's initial values
  uint64_t ram = 0;    // .data and .bss (the arena included)
  uint64_t stack = 0;  // the .stack reservation
};
ImageSizes MeasureImage(const std::string& elf);

// Runs the firmware in QEMU's `machine` from `dir` (semihosting files are opened there); returns
// the exit status and the console output.
int RunInQemu(const std::string& machine, const std::string& elf, const std::string& dir,
              std::string* output);

}  // namespace trit::cli
