#include "kernels/arm/rnn_cell_step.h"
#include "kernels/fast_math.h"
#include "kernels/ref/cell_step.h"

namespace trit::arm {
namespace {
struct NeonBuild {};  // this file's own FastMath (fast_math.h)
}  // namespace

void CellStepF32Neon(const ref::RecurrentParams& p, const ref::RecurrentWeightsF32& weights,
                     const float* wx, int64_t wx_stride, const ref::LinearMap& u,
                     const ref::LinearMap* u_candidate, float* h, float* c, float* scratch) {
  ref::CellStep<FastMath<NeonBuild>>(p, weights, wx, wx_stride, u, u_candidate, h, c, scratch);
}

}  // namespace trit::arm
