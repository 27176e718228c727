#include "kernels/registry/batch_norm.h"

namespace trit {
namespace {

// Tables up to 1 MiB.
bool TablesFit(const BatchNormProblem& p) { return p.channels <= 4096; }

constexpr KernelCandidate<BatchNormProblem, BatchNormForm> kBatchNormF32[] = {
    {"f32_channel_affine", Isa::kAvx2, nullptr, BatchNormForm::kPrecomputed},
#if defined(__aarch64__)
    {"f32_channel_affine", Isa::kNeon, nullptr, BatchNormForm::kPrecomputed},
#endif
    // The same portable form at Cortex-M (kArmDsp) once it is detected.
    {"ref_batchnorm_f32", Isa::kRef, nullptr, BatchNormForm::kReference},
};

constexpr KernelCandidate<BatchNormProblem, BatchNormForm> kBatchNormQ8[] = {
    {"q8_batchnorm_lut", Isa::kAvx2, TablesFit, BatchNormForm::kPrecomputed},
#if defined(__aarch64__)
    {"q8_batchnorm_lut", Isa::kNeon, TablesFit, BatchNormForm::kPrecomputed},
#endif
    {"ref_batchnorm_q8", Isa::kRef, nullptr, BatchNormForm::kReference},
};

}  // namespace

std::span<const KernelCandidate<BatchNormProblem, BatchNormForm>> BatchNormF32Kernels() {
  return kBatchNormF32;
}
std::span<const KernelCandidate<BatchNormProblem, BatchNormForm>> BatchNormQ8Kernels() {
  return kBatchNormQ8;
}

}  // namespace trit
