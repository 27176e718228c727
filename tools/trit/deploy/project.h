// The project trit deploy writes for arm-none-eabi-gcc: the model as an aligned const array
// (model_data.c/.h, with the arena size), an example main.c, the port (startup code,
// semihosting, linker script), the freestanding runtime's sources and a Makefile.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"
#include "deploy/cortex_m_target.h"

namespace trit::cli {

struct ProjectSpec {
  CortexMTarget target;
  uint64_t flash_budget = 0, ram_budget = 0, stack_bytes = 0;
  uint64_t arena_bytes = 0;
  std::string model_name;  // for comments
  // What the runtime is compiled with (micro/compiled_ops.h): bit i of `ops` for OpType i, of
  // `weight_types` for DType i; the model's, so the linker drops the rest.
  uint64_t ops = ~uint64_t{0};
  uint32_t weight_types = 0xFF;
  std::string op_names;  // for the Makefile's comment
};

// The ops and the Conv2D / Dense weight types of `graph`, as ProjectSpec holds them.
void SelectCompiledOps(const Graph& graph, ProjectSpec* spec);

// Writes every file into `dir` (an existing, empty folder). The linker script gets the budgets.
void WriteProject(const std::string& dir, const std::vector<uint8_t>& plain_model,
                  const ProjectSpec& spec);

// The linker script with these flash and RAM sizes (the budgets, or large ones to measure).
void WriteLinkerScript(const std::string& dir, const ProjectSpec& spec, uint64_t flash_bytes,
                       uint64_t ram_bytes);

}  // namespace trit::cli
