// Places tensors in one arena by liveness: two tensors that are live at the same step never
// share bytes; tensors whose lifetimes do not intersect may.
#pragma once

#include <cstddef>
#include <vector>

namespace trit::runtime {

struct TensorLifetime {
  size_t bytes = 0;
  int first_step = 0;  // step that writes it
  int last_step = 0;   // last step that reads it (inclusive)
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // one per tensor, multiples of the alignment
  size_t arena_bytes = 0;
  // The largest sum of aligned sizes live at one step: no plan can be smaller.
  size_t lower_bound = 0;
};

MemoryPlan PlanMemory(const std::vector<TensorLifetime>& tensors, size_t alignment = 64);

}  // namespace trit::runtime
