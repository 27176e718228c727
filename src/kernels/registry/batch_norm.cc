#include "kernels/registry/batch_norm.h"

#include "kernels/q8_batch_norm_split.h"
#if defined(__x86_64__)
#include "kernels/x86/q8_batch_norm.h"
#endif

namespace trit {
namespace {

// Tables up to 1 MiB.
bool TablesFit(const BatchNormProblem& p) { return p.channels <= 4096; }
[[maybe_unused]] bool SplitTakes(const BatchNormProblem& p) {
  return BatchNormQ8Takes(p.shift, p.input_zero_point);
}

constexpr KernelCandidate<BatchNormProblem, BatchNormForm> kBatchNormF32[] = {
    {"f32_channel_affine", Isa::kAvx2, nullptr, BatchNormForm::kPrecomputed},
#if defined(__aarch64__)
    {"f32_channel_affine", Isa::kNeon, nullptr, BatchNormForm::kPrecomputed},
#endif
    // The same portable form at Cortex-M (kArmDsp) once it is detected.
    {"ref_batchnorm_f32", Isa::kRef, nullptr, BatchNormForm::kReference},
};

constexpr KernelCandidate<BatchNormProblem, BatchNormQ8Entry> kBatchNormQ8[] = {
#if defined(__x86_64__)
    {"q8_batchnorm_16x__avx512",
     Isa::kAvx512,
     SplitTakes,
     {BatchNormForm::kSplit, x86::BatchNormQ8Avx512}},
#endif
    {"q8_batchnorm_lut", Isa::kAvx2, TablesFit, {BatchNormForm::kPrecomputed}},
#if defined(__aarch64__)
    {"q8_batchnorm_lut", Isa::kNeon, TablesFit, {BatchNormForm::kPrecomputed}},
#endif
    {"ref_batchnorm_q8", Isa::kRef, nullptr, {BatchNormForm::kReference}},
};

}  // namespace

std::span<const KernelCandidate<BatchNormProblem, BatchNormForm>> BatchNormF32Kernels() {
  return kBatchNormF32;
}
std::span<const KernelCandidate<BatchNormProblem, BatchNormQ8Entry>> BatchNormQ8Kernels() {
  return kBatchNormQ8;
}

}  // namespace trit
