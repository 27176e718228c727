// Ops that write their output over their input, where the input's bytes are read by no later
// node and are not the caller's (a graph input or output): the output becomes an alias of the
// input, so the two share one buffer in the plan instead of being live together.
#pragma once

#include <cstdint>

#include "micro/model_view.h"
#include "micro/node_record.h"
#include "micro/op.h"

namespace trit::micro {

// Element-wise nodes (a prepare function set in_place_input): output element i depends on input
// element i alone, so each is written over its input where the input dies there.
void RunElementwiseInPlace(const ModelView& model, NodeRecord* records, int32_t* alias_of);

// Convolutions with 8-bit activations, stride 1 vertically and rows of the same bytes in and out
// (as many channels out as in, as wide): MobileNet's depthwise and pointwise layers, a ResNet
// block's 3x3 convolutions. Output row y reads input rows from y - pad_top on, whatever the
// channels, so the layer runs in bands of output rows into a ring in scratch, each row copied
// over its input row once no later output row reads that input row. Memory: the larger of input
// and output plus (pad_top + band) rows, instead of input plus output. Every output is computed
// by the layer's own kernel, so the bytes are the same. Parameters are allocated through
// `context`.
Status RunConvolutionsInPlace(const ModelView& model, NodeRecord* records, int32_t* alias_of,
                              PrepareContext& context);

}  // namespace trit::micro
