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

bool AnyLevels(const CortexMPoolProblem& p) { return Q8(p.type); }

constexpr CortexMPoolCandidate kMaxPool[] = {
    {"q8_maxpool_16ch__mve", Isa::kMve, AnyLevels, CortexMPool::kMaxMve},
    {"q8_maxpool_4ch__dsp", Isa::kArmDsp, AnyLevels, CortexMPool::kMaxDsp},
    {"ref", Isa::kRef, nullptr, CortexMPool::kReference},
};

constexpr CortexMPoolCandidate kAvgPool[] = {
    {"q8_avgpool_8ch__mve", Isa::kMve, AnyLevels, CortexMPool::kAvgMve},
    {"q8_avgpool_4ch__dsp", Isa::kArmDsp, AnyLevels, CortexMPool::kAvgDsp},
    {"ref", Isa::kRef, nullptr, CortexMPool::kReference},
};

bool Elementwise(const CortexMAddProblem& p) { return p.same_shapes && p.exact; }
bool ElementwiseMve(const CortexMAddProblem& p) { return p.same_shapes && p.exact_mve; }

// The DSP row serves the M55 too where the Helium split does not hold (its level covers the DSP
// extension's).
constexpr CortexMAddCandidate kAdd[] = {
    {"q8_add_4x__mve", Isa::kMve, ElementwiseMve, CortexMAdd::kMve},
    {"q8_add_1x__dsp", Isa::kArmDsp, Elementwise, CortexMAdd::kDsp},
    {"ref", Isa::kRef, nullptr, CortexMAdd::kReference},
};

bool LevelsClamp(const CortexMClampProblem& p) { return Q8(p.type) && p.same_quantization; }
bool RescaleClamp(const CortexMClampProblem& p) { return Q8(p.type) && !p.same_quantization; }

// The portable table walk stands at the DSP level: the reference level keeps the reference's
// arithmetic, as on the host (registry/activation.cc).
constexpr CortexMClampCandidate kClamp[] = {
    {"q8_clamp_16x__mve", Isa::kMve, LevelsClamp, CortexMClamp::kMve},
    {"q8_lut_16x__mve", Isa::kMve, RescaleClamp, CortexMClamp::kLookupMve},
    {"q8_clamp_4x__dsp", Isa::kArmDsp, LevelsClamp, CortexMClamp::kDsp},
    {"q8_lut", Isa::kArmDsp, RescaleClamp, CortexMClamp::kLookup},
    {"ref", Isa::kRef, nullptr, CortexMClamp::kReference},
};

bool Split(const CortexMBatchNormProblem& p) { return p.split; }

// The portable split stands at the DSP level: the reference level keeps the reference's 64-bit
// arithmetic.
constexpr CortexMBatchNormCandidate kBatchNorm[] = {
    {"q8_batchnorm_4x__mve", Isa::kMve, Split, CortexMBatchNorm::kSplitMve},
    {"q8_batchnorm_1x", Isa::kArmDsp, Split, CortexMBatchNorm::kSplit},
    {"ref", Isa::kRef, nullptr, CortexMBatchNorm::kReference},
};

constexpr CortexMDotCandidate kDot[] = {
    {"q8_dot_16x__mve", Isa::kMve, nullptr, CortexMDot::kMve},
    {"ref", Isa::kRef, nullptr, CortexMDot::kReference},
};

}  // namespace

std::span<const CortexMDotCandidate> CortexMDotKernels() { return kDot; }

std::span<const CortexMBatchNormCandidate> CortexMBatchNormKernels() { return kBatchNorm; }

std::span<const CortexMLinearCandidate> CortexMLinearKernels() { return kLinear; }

std::span<const CortexMClampCandidate> CortexMClampKernels() { return kClamp; }

std::span<const CortexMAddCandidate> CortexMAddKernels() { return kAdd; }

std::span<const CortexMPoolCandidate> CortexMMaxPoolKernels() { return kMaxPool; }

std::span<const CortexMPoolCandidate> CortexMAvgPoolKernels() { return kAvgPool; }

}  // namespace trit
