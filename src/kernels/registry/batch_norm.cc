#include "kernels/registry/batch_norm.h"

namespace trit {
namespace {

// Tables up to 1 MiB.
bool TablesFit(const BatchNormProblem& p) { return p.channels <= 4096; }

constexpr KernelCandidate<BatchNormProblem, BatchNormForm> kBatchNormF32[] = {
    {"f32_channel_affine", Isa::kAvx2, nullptr, BatchNormForm::kPrecomputed},
    // The same portable form at AArch64 (kNeon) and Cortex-M (kArmDsp) once they are detected.
    {"ref_batchnorm_f32", Isa::kRef, nullptr, BatchNormForm::kReference},
};

constexpr KernelCandidate<BatchNormProblem, BatchNormForm> kBatchNormQ8[] = {
    {"q8_batchnorm_lut", Isa::kAvx2, TablesFit, BatchNormForm::kPrecomputed},
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
