// The fp32 element-wise ops that have vector rows (kernels/f32_elementwise_loops.h, one build per
// ISA file) beside their references (kernels/ref/activation.h, ref/elementwise.h). Float rows
// are not bit-exact with the reference: the transcendental ones are polynomials (fast_math.h)
// with a tested error bound, the others can differ where the compiler contracts to an FMA.
#pragma once

#include <cstdint>

namespace trit {

enum class F32UnaryOp : uint8_t {
  kClip,
  kSigmoid,
  kTanh,
  kHardSigmoid,
  kHardSwish,
  kSilu,
  kErf,
  kGelu,      // the erf form
  kGeluTanh,  // the tanh form
  kExp,
  kSoftplus,  // the reference only
  kMish,
};

struct F32UnaryParams {
  float lo = 0.0f, hi = 0.0f;       // Clip (Relu: lo 0, hi +inf)
  float alpha = 0.2f, beta = 0.5f;  // HardSigmoid
};

enum class F32BinaryOp : uint8_t { kAdd, kSub, kMul, kDiv, kMin, kMax };

}  // namespace trit
