// The fit report of trit deploy: what a model takes on a Cortex-M target and whether it fits.
// The arena and each kernel's scratch come from the freestanding runtime itself (built for the
// host, it plans exactly as the device will); the code size from the linked firmware.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"
#include "deploy/cortex_m_target.h"

namespace trit::cli {

struct LayerFit {
  std::string name, op, output_shape, output_type;
  std::string kernel;  // the target's kernel for it ("-" for aliases)
  int64_t macs = 0;
  uint64_t weight_bytes = 0;   // in flash, packed
  uint64_t scratch_bytes = 0;  // the kernel's declared scratch (in the arena)
  uint64_t live_bytes = 0;     // activations and scratch live while it runs (16-byte aligned)
};

struct FitReport {
  CortexMTarget target;
  uint64_t flash_budget = 0, ram_budget = 0;
  uint64_t model_bytes = 0;  // the .trit file in flash (plain encodings)
  uint64_t code_bytes = 0;   // runtime, example main, startup and libc: linked image - model
  bool code_measured = false;
  std::string code_note;          // why it was not measured
  uint64_t arena_bytes = 0;       // TRIT_MODEL_ARENA_BYTES
  uint64_t persistent_bytes = 0;  // of which records and prepared parameters
  uint64_t static_ram_bytes = 0;  // .data and .bss besides the arena
  uint64_t stack_bytes = 0;       // reserved by the linker script
  int64_t macs = 0;
  std::vector<LayerFit> layers;

  uint64_t flash_bytes() const { return model_bytes + code_bytes; }
  uint64_t ram_bytes() const { return arena_bytes + static_ram_bytes + stack_bytes; }
  bool fits() const { return flash_bytes() <= flash_budget && ram_bytes() <= ram_budget; }
  // What exceeds its budget, naming the layers that dominate it (one line).
  std::string Problems() const;
};

// Loads `plain_model` (the model with plain encodings) into the freestanding runtime on the
// host and fills everything but the measured code and static RAM. Throws trit::Error with the
// runtime's message when it cannot run the model (an unsupported op, say).
FitReport AnalyzeFit(const Graph& graph, const std::vector<uint8_t>& plain_model,
                     const CortexMTarget& target, uint64_t flash_budget, uint64_t ram_budget,
                     uint64_t stack_bytes);

void PrintFitReport(const FitReport& report, const std::string& model_name);

}  // namespace trit::cli
