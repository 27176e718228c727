// Built with the avx512 flags (kernels/CMakeLists.txt): the quantization loop vectorizes.
#include "kernels/ref/quantize_vector_q8.h"
#include "kernels/x86/quantize_vector_q8.h"

namespace trit::x86 {
namespace {
struct Avx512Build {};  // this file's own instantiation (kernels/ref/quantize_vector_q8.h)
}  // namespace

float QuantizeVectorQ8Avx512(const float* v, int64_t count, int8_t* q) {
  return ref::QuantizeVectorQ8Loops<Avx512Build>(v, count, q);
}

}  // namespace trit::x86
