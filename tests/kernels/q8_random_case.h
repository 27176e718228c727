// Random quantized layers for the x86 integer kernel tests: input, int8 weight levels, biases,
// requantization and output clamps, the same for the kernel and the reference.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/dtype.h"
#include "kernels/isa.h"
#include "kernels/ref/quant_weights.h"
#include "kernels/requantize.h"

namespace trit::x86 {
namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(engine_); }
  double Real(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(engine_);
  }

 private:
  std::mt19937_64 engine_;
};

inline std::vector<Isa> Levels() {
  std::vector<Isa> levels;
  if (static_cast<int>(DetectedIsa()) >= static_cast<int>(Isa::kAvx2)) levels.push_back(Isa::kAvx2);
  if (DetectedIsa() == Isa::kAvx512) levels.push_back(Isa::kAvx512);
  return levels;
}

// What both the GEMM and the reference get: int8 levels (i8 weights), biases, requantization.
struct Case {
  DType input_type = DType::kI8, output_type = DType::kI8;
  int32_t input_zero_point = 0;
  std::vector<int8_t> input, levels;
  std::vector<int32_t> bias;
  std::vector<Requant> requant;
  bool per_channel = true;
  ref::QuantOutput out;
};

inline Case RandomCase(Rng& rng, int64_t input_count, int64_t channels, int64_t depth) {
  Case c;
  c.input_type = rng.Int(0, 1) ? DType::kU8 : DType::kI8;
  c.output_type = rng.Int(0, 1) ? DType::kU8 : DType::kI8;
  const int in_lo = c.input_type == DType::kU8 ? 0 : -128;
  c.input_zero_point = rng.Int(in_lo, in_lo + 255);
  c.input.resize(static_cast<size_t>(input_count));
  for (int8_t& v : c.input) v = static_cast<int8_t>(rng.Int(in_lo, in_lo + 255));
  // Weight patterns: full int8, ternary {-neg, 0, +pos}, or mostly zero.
  const int pattern = rng.Int(0, 2);
  const int pos = rng.Int(1, 127), neg = rng.Int(1, 127);
  c.levels.resize(static_cast<size_t>(channels * depth));
  for (int8_t& w : c.levels) {
    const int t = rng.Int(-1, 1);
    w = static_cast<int8_t>(pattern == 0   ? rng.Int(-128, 127)
                            : pattern == 1 ? (t > 0 ? pos : (t < 0 ? -neg : 0))
                                           : (rng.Int(0, 9) == 0 ? rng.Int(-128, 127) : 0));
  }
  c.per_channel = rng.Int(0, 3) != 0;
  c.bias.resize(static_cast<size_t>(channels));
  for (int32_t& b : c.bias) b = rng.Int(-100000, 100000);
  c.requant.resize(c.per_channel ? static_cast<size_t>(channels) : 1);
  for (Requant& r : c.requant) r = QuantizeMultiplier(std::pow(10.0, rng.Real(-6, 0.5)));
  const int out_lo = c.output_type == DType::kU8 ? 0 : -128;
  c.out.requant = c.requant.data();
  c.out.per_channel = c.per_channel;
  c.out.zero_point = rng.Int(out_lo, out_lo + 255);
  c.out.lo = rng.Int(0, 1) ? out_lo : std::max(out_lo, c.out.zero_point);  // a fused ReLU
  c.out.hi = rng.Int(0, 1) ? out_lo + 255 : rng.Int(c.out.lo, out_lo + 255);
  return c;
}

inline ref::QuantWeights I8Weights(const Case& c) {
  ref::QuantWeights w;
  w.type = DType::kI8;
  w.data = reinterpret_cast<const uint8_t*>(c.levels.data());
  w.per_channel = c.per_channel;
  return w;
}

// The reference, dispatched on the case's input and output types.
template <typename F>
void WithTypes(const Case& c, F&& f) {
  const bool in_u8 = c.input_type == DType::kU8, out_u8 = c.output_type == DType::kU8;
  if (in_u8 && out_u8) f(uint8_t{}, uint8_t{});
  if (in_u8 && !out_u8) f(uint8_t{}, int8_t{});
  if (!in_u8 && out_u8) f(int8_t{}, uint8_t{});
  if (!in_u8 && !out_u8) f(int8_t{}, int8_t{});
}

// The case's weights, bias, requantization, input and output parameters into a kernel's layer
// struct (the fields it has).
template <typename Layer>
void SetCase(Layer& layer, const Case& c) {
  layer.levels = c.levels.data();
  layer.bias = c.bias.data();
  layer.requant = c.requant.data();
  layer.per_channel = c.per_channel;
  if constexpr (requires { layer.input_type; }) {
    layer.input_type = c.input_type;
    layer.input_zero_point = c.input_zero_point;
  }
  if constexpr (requires { layer.output_type; }) layer.output_type = c.output_type;
  layer.output_zero_point = c.out.zero_point;
  layer.lo = c.out.lo;
  layer.hi = c.out.hi;
}

}  // namespace
}  // namespace trit::x86
