// The per-layer compression report: what each Conv2D/Dense layer became (weight type, encoding,
// sparsity, bytes), what it costs (MACs), and what it loses (weight SQNR, and the SQNR of its
// output activation against the fp32 model on a calibration batch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

struct LayerReport {
  std::string node;
  std::string op;
  std::string weight_type;  // fp32, i8, i4, i2, ternary, binary
  std::string encoding;     // how the weights are stored in the file
  int64_t weights = 0;
  int64_t zeros = 0;
  int64_t macs = 0;
  uint64_t bytes = 0;          // stored bytes of the layer's weights and bias
  uint64_t fp32_bytes = 0;     // the same parameters in fp32
  double weight_sqnr = 0;      // dB, against the fp32 (folded) weights; inf when identical
  double activation_sqnr = 0;  // dB, the layer's output against fp32; NaN when not measured
};

// A node of the compressed model that runs on floats, and why: its op has no 8-bit form, its
// input comes from such a node, the plan kept its weights fp32, ... (a choice or a limit of
// trit, never a failure).
struct FloatNode {
  std::string node;
  std::string op;
  std::string reason;
};

struct CompressionReport {
  std::vector<LayerReport> layers;
  std::vector<FloatNode> float_nodes;  // empty when no activation is quantized
  uint64_t file_bytes = 0;             // the compressed .trit file
  uint64_t fp32_file_bytes = 0;        // the fp32 .trit file it came from
  double compression = 0;              // fp32_file_bytes / file_bytes
  int64_t samples = 0;                 // calibration samples behind the activation SQNRs

  // The size of the file as written (the producer string may differ from the estimate's).
  void SetFileBytes(uint64_t bytes) {
    file_bytes = bytes;
    compression = static_cast<double>(fp32_file_bytes) / static_cast<double>(bytes);
  }
};

// `reference` is the fp32 model the compressed one was made from, folded (fold.h) so that
// layer and tensor names match. `samples` (count inputs) may be empty (count 0).
CompressionReport BuildReport(const Graph& reference, const Graph& compressed,
                              uint64_t fp32_file_bytes, const float* samples, int64_t count);

}  // namespace trit::quant
