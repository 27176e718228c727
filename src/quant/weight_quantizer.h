// Weight quantizers: fp32 weights [Cout, ...] to the stored types of the numerics contract
// (docs/quantization.md). Per output channel (axis 0) or one set of scales per layer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

enum class WeightType { kF32, kInt8, kInt4, kInt2, kTernary, kBinary };

WeightType ParseWeightType(const std::string& name);  // throws kInvalidArgument
const char* WeightTypeName(WeightType type);
DType StoredType(WeightType type);

struct WeightSpec {
  WeightType type = WeightType::kInt8;
  bool per_channel = true;
  // Ternary: weights with |w| <= threshold * max|w| become 0 (TTQ uses 0.05; TWN ~0.7 * mean).
  double ternary_threshold = 0.05;
  // Ternary: when set, the threshold is instead chosen so that this fraction becomes 0.
  std::optional<double> ternary_sparsity = std::nullopt;
  // int4/int2: search the clipping scale with the least squared error (else max|w| scaling).
  bool search_scale = true;
};

struct QuantizedWeights {
  DType dtype = DType::kF32;
  std::vector<int8_t> levels;  // one per weight (ternary: -1/0/+1, binary: -1/+1)
  QuantParams quant;

  // Stored bytes (bit-packed for the low-bit types) and the real values they stand for.
  Buffer Pack() const;
  std::vector<float> Dequantize() const;
};

// `weights` holds channels * (weights.size() / channels) values, channel-major.
QuantizedWeights QuantizeWeights(const std::vector<float>& weights, int64_t channels,
                                 const WeightSpec& spec);

// The ternary threshold of each scale group (one, or one per channel) under `spec`.
std::vector<float> TernaryThresholds(const std::vector<float>& weights, int64_t channels,
                                     const WeightSpec& spec);

// Ternary codes from a threshold on |w| and given magnitudes (TTQ's trained Wp, Wn; one entry,
// or one per channel): scale = max(Wp, Wn) / 127, pos = round(Wp / scale), neg likewise.
QuantizedWeights TernaryFromMagnitudes(const std::vector<float>& weights, int64_t channels,
                                       const std::vector<float>& thresholds,
                                       const std::vector<float>& wp, const std::vector<float>& wn);

// The real values of any constant weight value (f32 or quantized per the contract).
std::vector<float> WeightValues(const Value& weights);

// Signal to quantization noise ratio in dB: 10 log10(sum x^2 / sum (x - y)^2); +inf if exact.
double Sqnr(const std::vector<float>& reference, const std::vector<float>& approximation);

}  // namespace trit::quant
