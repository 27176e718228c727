// Built with the avx512 flags (kernels/CMakeLists.txt): the gate loops vectorize.
#include "kernels/fast_math.h"
#include "kernels/ref/cell_step.h"
#include "kernels/x86/rnn_cell_step.h"

namespace trit::x86 {
namespace {
struct Avx512Build {};  // this file's own FastMath (fast_math.h)
}  // namespace

void CellStepF32Avx512(const ref::RecurrentParams& p, const ref::RecurrentWeightsF32& weights,
                       const float* wx, int64_t wx_stride, const ref::LinearMap& u,
                       const ref::LinearMap* u_candidate, float* h, float* c, float* scratch) {
  ref::CellStep<FastMath<Avx512Build>>(p, weights, wx, wx_stride, u, u_candidate, h, c, scratch);
}

}  // namespace trit::x86
