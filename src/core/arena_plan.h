// Places buffers in one arena by liveness, with no heap: the caller gives the workspace. Two
// buffers live at the same step never share bytes; buffers whose lifetimes do not intersect
// may. The host runtime's memory planner and the freestanding Cortex-M runtime both plan with
// this code, so `trit deploy` reports the arena the device will compute.
// Dependency-free (standard headers only): a core-leaf header.
#pragma once

#include <cstddef>
#include <cstdint>

namespace trit {

struct BufferLifetime {
  size_t bytes = 0;
  int32_t first_step = 0;  // step that writes it
  int32_t last_step = 0;   // last step that reads it (inclusive)
};

struct ArenaPlan {
  size_t arena_bytes = 0;
  // The largest sum of aligned sizes live at one step: no plan can be smaller.
  size_t lower_bound = 0;
};

// Bytes of workspace PlanArena needs for `count` buffers (any 8-byte aligned memory).
size_t ArenaPlanWorkspaceBytes(size_t count);

// Writes one offset per buffer (multiples of `alignment`, a power of two) into `offsets`.
// Tries three placements (largest first; execution order; execution order alternating between
// the bottom and the top of an arena capped at the lower bound, optimal on chains) and keeps
// the smallest.
ArenaPlan PlanArena(const BufferLifetime* buffers, size_t count, size_t alignment, void* workspace,
                    size_t* offsets);

}  // namespace trit
