// One node's record in the arena: its run function, prepared parameters, scratch, and which
// record runs it (a node fused into another's schedule is run by that one).
#pragma once

#include <cstdint>

namespace trit::micro {

struct NodeRecord {
  uint64_t run;     // RunFn as an integer (the record is 32 bytes on every target); 0: not run here
  uint32_t params;  // arena offset of the prepared parameters
  uint32_t scratch_offset;  // arena offset of the scratch (planned)
  uint32_t scratch_bytes;
  uint32_t head;            // the node whose run computes this one (itself unless fused)
  uint32_t last;            // the node whose outputs this record's run writes (itself unless fused)
  uint32_t scratch_buffer;  // while loading: 1 + the input it may overwrite (0: none); then,
                            // while planning, the scratch's buffer index
};
static_assert(sizeof(NodeRecord) == 32, "the same size on every target");

}  // namespace trit::micro
