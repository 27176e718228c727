#include "kernels/registry/pool.h"

#include "kernels/ref/pool.h"
#include "kernels/registry/q8_types.h"
#if defined(__aarch64__)
#include "kernels/arm/pool.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/pool.h"
#endif

namespace trit {
namespace {

void MaxPoolQ8Reference(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                        const MaxPoolQ8Params& p, void* output, bool out_signed) {
  WithQ8Type(in_signed, [&](auto in_type) {
    WithQ8Type(out_signed, [&](auto out_type) {
      ref::MaxPoolQ8(geometry, static_cast<const decltype(in_type)*>(input), p.input_zero_point,
                     p.rescale, p.output_zero_point, p.lo, p.hi,
                     static_cast<decltype(out_type)*>(output));
    });
  });
}

// The output's signedness does not matter to the kernels: they store the clamped value's byte.
void AvgPoolQ8Reference(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                        const AvgPoolQ8Params& p, void* output) {
  WithQ8Type(in_signed, [&](auto in_type) {
    WithQ8Type(p.lo < 0, [&](auto out_type) {
      ref::AvgPoolQ8(geometry, p.count_include_pad, static_cast<const decltype(in_type)*>(input),
                     p.input_zero_point, p.per_count, p.output_zero_point, p.lo, p.hi,
                     static_cast<decltype(out_type)*>(output));
    });
  });
}

[[maybe_unused]] bool SameParams(const MaxPoolQ8Problem& p) { return p.same_params; }

#if defined(__aarch64__)
void MaxPoolQ8Neon(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                   const MaxPoolQ8Params&, void* output, bool) {
  arm::MaxPoolQ8Neon(geometry, static_cast<const uint8_t*>(input), in_signed,
                     static_cast<uint8_t*>(output));
}
#endif

#if defined(__x86_64__)
x86::AvgPoolQ8Args ArgsOf(const AvgPoolQ8Params& p) {
  return {p.count_include_pad, p.input_zero_point, p.per_count, p.output_zero_point, p.lo, p.hi};
}
void AvgPoolQ8Avx512(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                     const AvgPoolQ8Params& p, void* output) {
  x86::AvgPoolQ8Avx512(geometry, static_cast<const uint8_t*>(input), in_signed, ArgsOf(p),
                       static_cast<uint8_t*>(output));
}
void AvgPoolQ8Avx2(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                   const AvgPoolQ8Params& p, void* output) {
  x86::AvgPoolQ8Avx2(geometry, static_cast<const uint8_t*>(input), in_signed, ArgsOf(p),
                     static_cast<uint8_t*>(output));
}

void MaxPoolQ8Avx512(const ref::ConvGeometry& geometry, const void* input, bool in_signed,
                     const MaxPoolQ8Params&, void* output, bool) {
  x86::MaxPoolQ8Avx512(geometry, static_cast<const uint8_t*>(input), in_signed,
                       static_cast<uint8_t*>(output));
}
#endif

constexpr KernelCandidate<MaxPoolF32Problem, MaxPoolF32Fn> kMaxPoolF32[] = {
#if defined(__x86_64__)
    {"f32_maxpool__avx512", Isa::kAvx512, nullptr, x86::MaxPoolF32Avx512},
#endif
#if defined(__aarch64__)
    {"f32_maxpool__neon", Isa::kNeon, nullptr, arm::MaxPoolF32Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_maxpool_f32", Isa::kRef, nullptr, ref::MaxPoolF32},
};

constexpr KernelCandidate<AvgPoolF32Problem, AvgPoolF32Fn> kAvgPoolF32[] = {
#if defined(__x86_64__)
    {"f32_avgpool__avx512", Isa::kAvx512, nullptr, x86::AvgPoolF32Avx512},
    {"f32_avgpool__avx2", Isa::kAvx2, nullptr, x86::AvgPoolF32Avx2},
#endif
#if defined(__aarch64__)
    {"f32_avgpool__neon", Isa::kNeon, nullptr, arm::AvgPoolF32Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_avgpool_f32", Isa::kRef, nullptr, ref::AvgPoolF32},
};

constexpr KernelCandidate<MaxPoolQ8Problem, MaxPoolQ8Fn> kMaxPoolQ8[] = {
#if defined(__x86_64__)
    {"q8_maxpool__avx512", Isa::kAvx512, SameParams, MaxPoolQ8Avx512},
#endif
#if defined(__aarch64__)
    {"q8_maxpool__neon", Isa::kNeon, SameParams, MaxPoolQ8Neon},
#endif
    // Cortex-M (DSP, MVE) rows: none yet.
    {"ref_maxpool_q8", Isa::kRef, nullptr, MaxPoolQ8Reference},
};

constexpr KernelCandidate<AvgPoolQ8Problem, AvgPoolQ8Fn> kAvgPoolQ8[] = {
#if defined(__x86_64__)
    {"q8_avgpool__avx512", Isa::kAvx512, nullptr, AvgPoolQ8Avx512},
    {"q8_avgpool__avx2", Isa::kAvx2, nullptr, AvgPoolQ8Avx2},
#endif
    {"ref_avgpool_q8", Isa::kRef, nullptr, AvgPoolQ8Reference},
};

}  // namespace

std::span<const KernelCandidate<AvgPoolQ8Problem, AvgPoolQ8Fn>> AvgPoolQ8Kernels() {
  return kAvgPoolQ8;
}
std::span<const KernelCandidate<MaxPoolF32Problem, MaxPoolF32Fn>> MaxPoolF32Kernels() {
  return kMaxPoolF32;
}
std::span<const KernelCandidate<AvgPoolF32Problem, AvgPoolF32Fn>> AvgPoolF32Kernels() {
  return kAvgPoolF32;
}
std::span<const KernelCandidate<MaxPoolQ8Problem, MaxPoolQ8Fn>> MaxPoolQ8Kernels() {
  return kMaxPoolQ8;
}

}  // namespace trit
