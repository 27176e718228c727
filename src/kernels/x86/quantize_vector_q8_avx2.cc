// Built with the avx2 flags (kernels/CMakeLists.txt): the quantization loop vectorizes.
#include "kernels/ref/quantize_vector_q8.h"
#include "kernels/x86/quantize_vector_q8.h"

namespace trit::x86 {
namespace {
struct Avx2Build {};  // this file's own instantiation (kernels/ref/quantize_vector_q8.h)
}  // namespace

float QuantizeVectorQ8Avx2(const float* v, int64_t count, int8_t* q) {
  return ref::QuantizeVectorQ8Loops<Avx2Build>(v, count, q);
}

}  // namespace trit::x86
