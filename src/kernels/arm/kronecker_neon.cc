// Built with reassociation allowed (kernels/CMakeLists.txt): the mode loops' short dot products
// vectorize.
#include "kernels/arm/kronecker.h"
#include "kernels/ref/kronecker_modes.h"

namespace trit::arm {
namespace {
struct NeonBuild {};  // this file's own instantiations (kernels/ref/kronecker_modes.h)
}  // namespace

void KroneckerMatmulF32Neon(const std::vector<ref::KroneckerFactor>& factors,
                            const ref::KroneckerPlan& plan, int64_t batch, const float* x, float* y,
                            float* scratch) {
  float* const buffers[2] = {scratch, scratch + plan.scratch_floats / 2};
  ref::KroneckerModes<NeonBuild>(factors.data(), factors.size(), plan, batch, x, y, buffers);
}

void KroneckerLeftModeF32Neon(const float* const* a, int64_t blocks, int64_t m1, int64_t n1,
                              int64_t m2, int64_t batch, const float* t, float* y,
                              int64_t y_stride) {
  ref::KroneckerLeftMode<NeonBuild, float, float, float>(a, blocks, m1, n1, m2, batch, t, y,
                                                         y_stride);
}

void KroneckerLeftModeQ8Neon(const int8_t* const* a, int64_t blocks, int64_t m1, int64_t n1,
                             int64_t m2, int64_t batch, const int32_t* t, int32_t* y,
                             int64_t y_stride) {
  ref::KroneckerLeftMode<NeonBuild, int32_t, int8_t, int32_t>(a, blocks, m1, n1, m2, batch, t, y,
                                                              y_stride);
}

}  // namespace trit::arm
