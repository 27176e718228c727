// Shared helpers of the op bindings: type dispatch, output ranges, error messages.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/graph.h"
#include "kernels/isa.h"
#include "kernels/registry/kernel_table.h"
#include "kernels/requantize.h"

namespace trit::runtime {

[[noreturn]] inline void Unsupported(const Node& node, const std::string& what) {
  throw Error(ErrorCode::kUnsupported, "node '" + node.name + "' (" +
                                           std::string(OpTypeName(node.op)) + "): " + what +
                                           " is not supported");
}

// The kernel an op family's table picks for `problem` at the active ISA level (TRIT_ISA).
template <typename Problem, typename Entry>
const KernelCandidate<Problem, Entry>& ChooseKernel(
    std::span<const KernelCandidate<Problem, Entry>> table, const Problem& problem) {
  return trit::ChooseKernel(table, problem, ActiveIsa());
}

inline const Value& Input(const Graph& g, const Node& n, size_t i) { return g.value(n.inputs[i]); }
inline const Value& Output(const Graph& g, const Node& n) { return g.value(n.outputs[0]); }

inline float Scale(const Value& v) { return v.quant.scale.at(0); }
inline int32_t ZeroPoint(const Value& v) { return v.quant.zero_point.at(0); }

// The ReLU / ReLU6 fused into a Conv2D, Dense, Add or BatchNorm ("activation").
inline Activation FusedActivation(const Node& node) {
  return ParseActivation(node.attrs.GetString("activation", "none"));
}

// A function of one 8-bit input as its 256-entry table over the input type's levels (In's
// minimum first): y = clamp(zy + round_half_even(f(sx (x - zx)) / sy), lo, hi), in double.
template <typename In, typename Out, typename F>
void FillQ8Table(const Value& x, const Value& y, int32_t lo, int32_t hi, F&& f, Out* table) {
  for (int32_t i = 0; i < 256; ++i) {
    const double real =
        static_cast<double>(Scale(x)) * (std::numeric_limits<In>::min() + i - ZeroPoint(x));
    const double level = ZeroPoint(y) + std::nearbyint(f(real) / Scale(y));
    table[i] = static_cast<Out>(std::clamp<double>(level, lo, hi));
  }
}

// Calls f(In{}, Out{}) with In/Out the C++ types of two quantized activation dtypes.
template <typename F>
void DispatchQ8(DType in, DType out, F&& f) {
  const bool in_u8 = in == DType::kU8;
  const bool out_u8 = out == DType::kU8;
  if (in_u8 && out_u8) {
    f(uint8_t{}, uint8_t{});
  } else if (in_u8) {
    f(uint8_t{}, int8_t{});
  } else if (out_u8) {
    f(int8_t{}, uint8_t{});
  } else {
    f(int8_t{}, int8_t{});
  }
}

inline float ActivationMin(Activation a) {
  return a == Activation::kNone ? -std::numeric_limits<float>::infinity() : 0.0f;
}
inline float ActivationMax(Activation a) {
  return a == Activation::kRelu6 ? 6.0f : std::numeric_limits<float>::infinity();
}

inline std::string TypeSuffix(DType t) { return std::string(DTypeName(t)); }

}  // namespace trit::runtime
