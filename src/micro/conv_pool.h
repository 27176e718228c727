// The patch schedule of a convolution followed by a pool (and optionally a Quantize): each patch
// of pooled outputs (one row, a quarter of the columns) is computed from just the convolution
// outputs its windows cover, so the convolution's full output never exists. In a network's
// first layers that output dominates the arena (the DeepChip ConvNet's fp32 conv1 writes 243 KB
// that the 2x2 pool shrinks to 61 KB; fused, the patch is under 5 KB), as MCUNetV2's
// patch-based inference observes. Every element is computed by the same kernel code as
// unfused, so the bytes are the same.
#pragma once

#include <cstddef>

#include "micro/model_view.h"
#include "micro/node_record.h"
#include "micro/op.h"

namespace trit::micro {

// The number of nodes (2 or 3) from node `n` that the schedule runs as one: Conv2D, then
// MaxPool or AvgPool reading only it (windows that do not overlap vertically), then optionally a
// Quantize reading only the pool; the intermediate tensors read by nothing else and not graph
// outputs. 0 when the nodes do not form such a chain.
int ConvPoolChainLength(const ModelView& model, const NodeRecord* records, int n);

// Turns the chain's records into one: node n's record runs the schedule, the others are marked
// as fused into it. Parameters are allocated through `context` (persistent arena).
Status FuseConvPool(const ModelView& model, NodeRecord* records, int n, int length,
                    PrepareContext& context);

}  // namespace trit::micro
