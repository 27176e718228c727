// Built with the AVX2 + FMA flags (kernels/CMakeLists.txt): the loops vectorize.
#include "kernels/f32_elementwise_loops.h"
#include "kernels/x86/f32_elementwise.h"

namespace trit::x86 {
namespace {
struct Avx2Build {};  // this file's own FastMath (fast_math.h)
}  // namespace

void UnaryF32Avx2(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p, float* y) {
  UnaryF32Loop<Avx2Build>(op, count, x, p, y);
}

void LayerNormRowsF32Avx2(int64_t rows, int64_t length, const float* x, const float* scale,
                          const float* bias, float epsilon, float* y) {
  LayerNormRowsF32Loop(rows, length, x, scale, bias, epsilon, y);
}

void SoftmaxRowsF32Avx2(int64_t rows, int64_t length, const float* x, float* y) {
  SoftmaxRowsF32Loop<Avx2Build>(rows, length, x, y);
}

void BinaryRowF32Avx2(F32BinaryOp op, int64_t count, const float* a, int64_t a_step, const float* b,
                      int64_t b_step, float* out) {
  BinaryF32Row(op, count, a, a_step, b, b_step, out);
}

}  // namespace trit::x86
