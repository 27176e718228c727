// Reference fully connected layer: output[r][o] = sum_k input[r][k] * weights[o][k] + bias[o].
#pragma once

#include <cstdint>

#include "kernels/ref/quant_weights.h"

namespace trit::ref {

void DenseF32(int rows, int in_features, int out_features, const float* input, const float* weights,
              const float* bias, float act_min, float act_max, float* output);

// `scratch` holds one output's decoded weights: in_features int32 values.
template <typename In, typename Out>
void DenseQ8(int rows, int in_features, int out_features, const In* input, int32_t input_zero_point,
             const QuantWeights& weights, const int32_t* bias, const QuantOutput& out_params,
             Out* output, int32_t* scratch);

}  // namespace trit::ref
