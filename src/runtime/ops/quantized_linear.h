// Prepare step shared by the quantized Conv2D and Dense bindings: weight view, bias,
// per-channel multipliers and the 32-bit accumulator bound of docs/quantization.md.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "kernels/q8_prepare.h"
#include "kernels/ref/quant_weights.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {

struct QuantizedLinear {
  ref::QuantWeights weights;
  const int32_t* bias = nullptr;
  std::vector<Requant> requant;
  ref::QuantOutput output;
  int32_t input_zero_point = 0;

  // depth = number of products summed per output (K, or KH*KW*Cin/groups).
  QuantizedLinear(const Graph& g, const Node& node, int64_t out_channels, int64_t depth,
                  Activation activation);
  QuantizedLinear(const QuantizedLinear&) = delete;
  QuantizedLinear& operator=(const QuantizedLinear&) = delete;
};

inline QuantizedLinear::QuantizedLinear(const Graph& g, const Node& node, int64_t out_channels,
                                        int64_t depth, Activation activation) {
  const Value& x = Input(g, node, 0);
  const Value& w = Input(g, node, 1);
  const Value& y = Output(g, node);
  const QuantParams& wq = w.quant;
  const bool per_channel = wq.per_channel();
  if (per_channel && static_cast<int64_t>(wq.scale.size()) != out_channels) {
    Unsupported(node, "weight scales that are not one per output channel");
  }
  weights.type = w.dtype;
  weights.data = w.data->data();
  weights.per_channel = per_channel;
  if (w.dtype == DType::kTernary) {
    weights.ternary_pos = wq.ternary_pos.data();
    weights.ternary_neg = wq.ternary_neg.data();
  }
  if (node.inputs.size() == 3) bias = Input(g, node, 2).data->as<int32_t>();
  input_zero_point = ZeroPoint(x);

  // Worst case of |acc| must stay below 2^31 so that 32-bit accumulation is exact.
  const int64_t max_level =
      MaxWeightLevel(w.dtype, wq.ternary_pos.data(), wq.ternary_neg.data(),
                     static_cast<int64_t>(w.dtype == DType::kTernary ? wq.ternary_pos.size() : 0));
  int64_t max_bias = 0;
  if (bias) {
    for (int64_t c = 0; c < out_channels; ++c)
      max_bias = std::max<int64_t>(max_bias, std::abs(int64_t{bias[c]}));
  }
  if (!AccumulatorFits(depth, x.dtype, ZeroPoint(x), max_level, max_bias)) {
    Unsupported(node, "a layer whose 32-bit accumulator could overflow (depth " +
                          std::to_string(depth) + ")");
  }

  requant.resize(per_channel ? static_cast<size_t>(out_channels) : 1);
  LinearRequant(Scale(x), wq.scale.data(), static_cast<int64_t>(requant.size()), Scale(y),
                requant.data());
  const Q8Range range = LinearOutputRange(y.dtype, Scale(y), ZeroPoint(y), activation);
  output.requant = requant.data();
  output.per_channel = per_channel;
  output.zero_point = ZeroPoint(y);
  output.lo = range.lo;
  output.hi = range.hi;
}

}  // namespace trit::runtime
