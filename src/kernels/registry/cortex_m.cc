#include "kernels/registry/cortex_m.h"

namespace trit {
namespace {

bool Q8(DType t) { return t == DType::kI8 || t == DType::kU8; }

// 8-bit activations in and out, weights of any integer type (i8, i4, i2, ternary, binary).
bool Quantized(const CortexMLinearProblem& p) {
  return Q8(p.input) && Q8(p.output) && p.weights != DType::kF32 && p.weights != DType::kI32 &&
         p.weights != DType::kU8;
}
bool Dense(const CortexMLinearProblem& p) { return Quantized(p) && p.groups == 1; }
bool Depthwise(const CortexMLinearProblem& p) {
  return Quantized(p) && p.groups > 1 && p.groups == p.in_channels &&
         p.out_channels == p.in_channels;
}

constexpr CortexMLinearCandidate kLinear[] = {
    {"q8_dwconv_8ch__mve", Isa::kMve, Depthwise, CortexMLinear::kDepthwiseMve},
    {"q8_conv_4col__mve", Isa::kMve, Dense, CortexMLinear::kConvMve},
    {"q8_dwconv_4ch__dsp", Isa::kArmDsp, Depthwise, CortexMLinear::kDepthwiseDsp},
    {"q8_conv_2col__dsp", Isa::kArmDsp, Dense, CortexMLinear::kConvDsp},
    {"ref", Isa::kRef, nullptr, CortexMLinear::kReference},
};

}  // namespace

std::span<const CortexMLinearCandidate> CortexMLinearKernels() { return kLinear; }

}  // namespace trit
