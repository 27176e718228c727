#include "runtime/memory_planner.h"

#include <cstdint>

#include "core/arena_plan.h"

namespace trit::runtime {

MemoryPlan PlanMemory(const std::vector<TensorLifetime>& tensors, size_t alignment) {
  std::vector<BufferLifetime> buffers(tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    buffers[i] = {tensors[i].bytes, tensors[i].first_step, tensors[i].last_step};
  }
  std::vector<uint64_t> workspace((ArenaPlanWorkspaceBytes(tensors.size()) + 7) / 8);
  MemoryPlan plan;
  plan.offsets.assign(tensors.size(), 0);
  const ArenaPlan arena =
      PlanArena(buffers.data(), buffers.size(), alignment, workspace.data(), plan.offsets.data());
  plan.arena_bytes = arena.arena_bytes;
  plan.lower_bound = arena.lower_bound;
  return plan;
}

}  // namespace trit::runtime
