// Baseline AArch64 (NEON): the loops vectorize.
#include "kernels/arm/f32_elementwise.h"
#include "kernels/f32_elementwise_loops.h"

namespace trit::arm {
namespace {
struct NeonBuild {};  // this file's own FastMath (fast_math.h)
}  // namespace

void UnaryF32Neon(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p, float* y) {
  UnaryF32Loop<NeonBuild>(op, count, x, p, y);
}

void LayerNormRowsF32Neon(int64_t rows, int64_t length, const float* x, const float* scale,
                          const float* bias, float epsilon, float* y) {
  LayerNormRowsF32Loop(rows, length, x, scale, bias, epsilon, y);
}

void SoftmaxRowsF32Neon(int64_t rows, int64_t length, const float* x, float* y) {
  SoftmaxRowsF32Loop<NeonBuild>(rows, length, x, y);
}

void BinaryRowF32Neon(F32BinaryOp op, int64_t count, const float* a, int64_t a_step, const float* b,
                      int64_t b_step, float* out) {
  BinaryF32Row(op, count, a, a_step, b, b_step, out);
}

}  // namespace trit::arm
