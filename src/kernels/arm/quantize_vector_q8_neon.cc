// Built without FP traps assumed (kernels/CMakeLists.txt), so that the quantizer's selects
// vectorize; its results do not change.
#include "kernels/arm/quantize_vector_q8.h"
#include "kernels/ref/quantize_vector_q8.h"

namespace trit::arm {
namespace {
struct NeonBuild {};  // this file's own instantiation (kernels/ref/quantize_vector_q8.h)
}  // namespace

float QuantizeVectorQ8Neon(const float* v, int64_t count, int8_t* q) {
  return ref::QuantizeVectorQ8Loops<NeonBuild>(v, count, q);
}

}  // namespace trit::arm
