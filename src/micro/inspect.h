// What a loaded model holds, for tools on the host (trit deploy's fit report). Not part of the
// firmware's API.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "trit/trit_micro.h"

namespace trit::micro {

// trit_micro_load with kernels (and so scratch, and so the arena) chosen for `level`, a
// Cortex-M level or kRef: how a host computes the arena a target will need. Layers whose chosen
// kernel is not compiled into this build run the reference, within the same scratch.
// `kernels`, when not null, has one entry per node and receives the name of each node's kernel
// (the registry's, "ref", or "in the conv's band" for nodes a conv-pool schedule runs); aliases'
// entries are left as they are.
trit_micro_status LoadForLevel(const void* model, size_t model_bytes, void* arena,
                               size_t arena_bytes, Isa level, trit_micro** out,
                               const char** kernels = nullptr);

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
