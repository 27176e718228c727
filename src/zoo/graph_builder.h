// Builds fp32 zoo graphs layer by layer with deterministic random weights: He-uniform
// weights, small biases, plausible BatchNorm statistics.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"
#include "zoo/structured_shape.h"

namespace trit::zoo {

// splitmix64: tiny, fast and identical on every platform (std distributions are not).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi).
  float Uniform(float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>(Next() >> 40) * (1.0f / 16777216.0f);
  }

 private:
  uint64_t state_;
};

// A recurrent layer: its cell, size and the structure of its W and U (dense: the whole
// [gates * hidden, cols] matrix; any other structure: each gate's [hidden, cols] block).
struct RecurrentSpec {
  OpType cell = OpType::kLstm;
  int64_t hidden = 128;
  std::string direction = "forward";  // "reverse", "bidirectional"
  bool output_sequence = false;       // else the last hidden state
  StructuredShape w, u;
  std::string activation = "tanh";  // FastRNN
};

class GraphBuilder {
 public:
  explicit GraphBuilder(uint64_t seed) : random_(seed) {}

  ValueId Input(const Shape& shape);
  // Conv2D with OHWI weights; pads = {top, left, bottom, right}; groups > 1: each group of
  // in_channels / groups inputs makes out_channels / groups outputs (weights [O, k, k, I/groups]).
  ValueId Conv(ValueId x, int64_t out_channels, int64_t kernel, int64_t stride,
               std::vector<int64_t> pads, bool bias, int64_t groups = 1);
  // Depthwise Conv2D (groups = channels), weights [C, k, k, 1].
  ValueId DepthwiseConv(ValueId x, int64_t kernel, int64_t stride, std::vector<int64_t> pads);
  ValueId BatchNorm(ValueId x);
  ValueId Relu(ValueId x);
  ValueId Binarize(ValueId x);
  ValueId MaxPool(ValueId x, int64_t kernel, int64_t stride,
                  std::vector<int64_t> pads = {0, 0, 0, 0});
  ValueId AvgPool(ValueId x, int64_t kernel, int64_t stride);
  ValueId GlobalAvgPool(ValueId x);
  ValueId Flatten(ValueId x);
  ValueId Dense(ValueId x, int64_t out_features, bool bias = true);
  // Dense with a structured weight matrix (core/structured_layout.h) and a bias.
  ValueId StructuredDense(ValueId x, int64_t out_features, const StructuredShape& structure);
  ValueId Dropout(ValueId x, float ratio);
  ValueId Pad(ValueId x, std::vector<int64_t> pads);
  ValueId Add(ValueId a, ValueId b);
  ValueId Concat(const std::vector<ValueId>& xs, int64_t axis);
  // x [N, T, I]; a rank-4 [N, H, W, C] is read row by row: H steps of W * C features.
  ValueId Recurrent(ValueId x, const RecurrentSpec& spec);

  const Shape& shape(ValueId v) const { return graph_.value(v).shape; }

  // Marks the output, infers shapes and validates.
  Graph Finish(ValueId output);

 private:
  ValueId AddNode(OpType op, const std::string& prefix, const std::vector<ValueId>& inputs,
                  Attributes attrs = {});
  ValueId Constant(const std::string& name, const Shape& shape, float lo, float hi);
  // The parts of a structured matrix, initialized so that the matrix they form has entries of
  // standard deviation `std` (products of factors: each factor takes its root).
  std::vector<ValueId> StructuredParts(const std::string& name, const StructuredShape& shape,
                                       int64_t rows, int64_t cols, float std);
  std::string Name(const std::string& prefix) { return prefix + std::to_string(++counter_); }

  Graph graph_;
  Random random_;
  int counter_ = 0;
};

}  // namespace trit::zoo
