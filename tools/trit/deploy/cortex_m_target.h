// The Cortex-M targets of trit deploy, read from the embedded port/targets.txt (the same table
// the Cortex-M test build reads).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/isa.h"

namespace trit::cli {

struct CortexMTarget {
  std::string name;          // cortex-m4, cortex-m7, cortex-m55
  std::string cpu_flags;     // arm-none-eabi-gcc flags
  std::string qemu_machine;  // qemu-system-arm -M
  uint64_t vectors_origin = 0, flash_origin = 0, ram_origin = 0, host_origin = 0;
  uint64_t flash_budget = 0, ram_budget = 0;  // bytes, a typical part's
  std::string part;                           // the part the budgets are from
  Isa level = Isa::kRef;                      // the kernels its flags compile (dsp, mve)
};

std::vector<CortexMTarget> CortexMTargets();
// The target named `name`; throws kInvalidArgument listing the targets otherwise.
CortexMTarget FindCortexMTarget(const std::string& name);

// "1M", "320K", "524288" -> bytes; throws kInvalidArgument naming `what` on anything else.
uint64_t ParseByteSize(const std::string& text, const std::string& what);

}  // namespace trit::cli
