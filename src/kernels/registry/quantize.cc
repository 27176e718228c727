#include "kernels/registry/quantize.h"

#include "kernels/ref/binarize.h"
#include "kernels/ref/quantize.h"
#include "kernels/registry/q8_types.h"
#if defined(__aarch64__)
#include "kernels/arm/q8_elementwise.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/q8_elementwise.h"
#endif

namespace trit {
namespace {

void QuantizeF32Reference(int64_t count, const float* input, float scale, int32_t zero_point,
                          bool signed_output, void* output) {
  WithQ8Type(signed_output, [&](auto out_type) {
    ref::QuantizeF32(count, input, scale, zero_point, static_cast<decltype(out_type)*>(output));
  });
}

void DequantizeQ8Reference(int64_t count, const void* input, bool is_signed, float scale,
                           int32_t zero_point, float* output) {
  WithQ8Type(is_signed, [&](auto in_type) {
    ref::DequantizeF32(count, static_cast<const decltype(in_type)*>(input), scale, zero_point,
                       output);
  });
}

void BinarizeQ8Reference(int64_t count, const void* input, bool is_signed, int32_t zero_point,
                         uint8_t* bits) {
  WithQ8Type(is_signed, [&](auto in_type) {
    ref::BinarizeQ8(count, static_cast<const decltype(in_type)*>(input), zero_point, bits);
  });
}

#if defined(__x86_64__)
void QuantizeF32Avx512(int64_t count, const float* input, float scale, int32_t zero_point,
                       bool signed_output, void* output) {
  x86::QuantizeF32Avx512(count, input, scale, zero_point, signed_output,
                         static_cast<uint8_t*>(output));
}
void DequantizeQ8Avx512(int64_t count, const void* input, bool is_signed, float scale,
                        int32_t zero_point, float* output) {
  x86::DequantizeQ8Avx512(count, static_cast<const uint8_t*>(input), is_signed, scale, zero_point,
                          output);
}
void BinarizeQ8Avx512(int64_t count, const void* input, bool is_signed, int32_t zero_point,
                      uint8_t* bits) {
  x86::BinarizeQ8Avx512(count, static_cast<const uint8_t*>(input), is_signed, zero_point, bits);
}
#endif

#if defined(__aarch64__)
void QuantizeF32Neon(int64_t count, const float* input, float scale, int32_t zero_point,
                     bool signed_output, void* output) {
  arm::QuantizeF32Neon(count, input, scale, zero_point, signed_output,
                       static_cast<uint8_t*>(output));
}
void DequantizeQ8Neon(int64_t count, const void* input, bool is_signed, float scale,
                      int32_t zero_point, float* output) {
  arm::DequantizeQ8Neon(count, static_cast<const uint8_t*>(input), is_signed, scale, zero_point,
                        output);
}
void BinarizeQ8Neon(int64_t count, const void* input, bool is_signed, int32_t zero_point,
                    uint8_t* bits) {
  arm::BinarizeQ8Neon(count, static_cast<const uint8_t*>(input), is_signed, zero_point, bits);
}
#endif

constexpr KernelCandidate<ConversionProblem, QuantizeF32Fn> kQuantizeF32[] = {
#if defined(__x86_64__)
    {"quantize_f32_q8__avx512", Isa::kAvx512, nullptr, QuantizeF32Avx512},
#endif
#if defined(__aarch64__)
    {"quantize_f32_q8__neon", Isa::kNeon, nullptr, QuantizeF32Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_quantize_f32_q8", Isa::kRef, nullptr, QuantizeF32Reference},
};

constexpr KernelCandidate<ConversionProblem, DequantizeQ8Fn> kDequantizeQ8[] = {
#if defined(__x86_64__)
    {"dequantize_q8_f32__avx512", Isa::kAvx512, nullptr, DequantizeQ8Avx512},
#endif
#if defined(__aarch64__)
    {"dequantize_q8_f32__neon", Isa::kNeon, nullptr, DequantizeQ8Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_dequantize_q8_f32", Isa::kRef, nullptr, DequantizeQ8Reference},
};

constexpr KernelCandidate<ConversionProblem, BinarizeQ8Fn> kBinarizeQ8[] = {
#if defined(__x86_64__)
    {"binarize_q8_b1__avx512", Isa::kAvx512, nullptr, BinarizeQ8Avx512},
#endif
#if defined(__aarch64__)
    {"binarize_q8_b1__neon", Isa::kNeon, nullptr, BinarizeQ8Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_binarize_q8_b1", Isa::kRef, nullptr, BinarizeQ8Reference},
};

}  // namespace

std::span<const KernelCandidate<ConversionProblem, QuantizeF32Fn>> QuantizeF32Kernels() {
  return kQuantizeF32;
}
std::span<const KernelCandidate<ConversionProblem, DequantizeQ8Fn>> DequantizeQ8Kernels() {
  return kDequantizeQ8;
}
std::span<const KernelCandidate<ConversionProblem, BinarizeQ8Fn>> BinarizeQ8Kernels() {
  return kBinarizeQ8;
}

}  // namespace trit
