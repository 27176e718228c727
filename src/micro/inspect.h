// What a loaded model holds, for tools on the host (trit deploy's fit report). Not part of the
// firmware's API.
#pragma once

#include <cstddef>
#include <cstdint>

#include "trit/trit_micro.h"

namespace trit::micro {

// Bytes of the arena below the planned region: the record, tensor slots, node records, the
// alias table and every node's prepared parameters.
size_t PersistentBytes(const trit_micro* m);
// The scratch node `node` declared (0 for aliases and kernels without scratch).
size_t NodeScratchBytes(const trit_micro* m, int node);
// The step at which node `node` runs: its own index, or the first node of the fused schedule
// (conv_pool.h) that computes it.
int NodeStep(const trit_micro* m, int node);
// Whether the node's outputs exist in the arena (false inside a fused schedule).
bool NodeOutputsPlanned(const trit_micro* m, int node);
// The tensor whose bytes `tensor` uses (itself unless it is the output of Reshape, Flatten or
// Dropout); -1 when out of range.
int32_t AliasRoot(const trit_micro* m, int tensor);

}  // namespace trit::micro
