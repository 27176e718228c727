// Builds the integer graph of the numerics contract from a folded fp32 graph and a plan:
// quantized Conv2D/Dense (i32 bias, requantized i8/u8 outputs), the ops between them on
// quantized tensors where the runtime supports it, Quantize/Dequantize at the float borders
// (graph input and outputs, layers kept in fp32, Softmax).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "quant/activation_range.h"
#include "quant/weight_quantizer.h"

namespace trit::quant {

struct QuantPlan {
  WeightSpec default_weights;                // layers not named in `layers`
  std::map<std::string, WeightSpec> layers;  // Conv2D/Dense node name -> spec (kF32 keeps fp32)
  std::map<std::string, ActivationParams> activations;  // value name -> parameters
  // Node name -> weights already quantized (QAT export); replaces the quantizer for that node.
  std::map<std::string, QuantizedWeights> fixed_weights;
  // Node name -> fraction of its weights pruned by magnitude (the config's "prune"; overrides
  // --prune for that layer). Applied to the fp32 weights before quantization, not by
  // QuantizeGraph.
  std::map<std::string, double> prune;

  const WeightSpec& SpecFor(const std::string& node) const {
    const auto it = layers.find(node);
    return it == layers.end() ? default_weights : it->second;
  }
};

// Conv2D and Dense nodes in execution order (the "layers" of the per-layer config).
std::vector<NodeId> LinearLayers(const Graph& graph);

// The i32 bias levels of a quantized Conv2D/Dense: round(b / (s_x * scale[c])), half to even,
// saturated to the int32 range. QAT computes its biases with this same function.
std::vector<int32_t> BiasLevels(const std::vector<float>& bias, float input_scale,
                                const QuantParams& weights);

// Throws kInvalidArgument naming a tensor the plan has no parameters for.
Graph QuantizeGraph(const Graph& folded, const QuantPlan& plan);

}  // namespace trit::quant
