#include "kernels/registry/activation.h"

#include "kernels/ref/activation.h"
#include "kernels/ref/layer_norm.h"
#include "kernels/ref/softmax.h"
#include "kernels/registry/q8_types.h"
#if defined(__aarch64__)
#include "kernels/arm/f32_elementwise.h"
#include "kernels/arm/q8_elementwise.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/f32_elementwise.h"
#include "kernels/x86/q8_elementwise.h"
#endif

namespace trit {
namespace {

void UnaryF32Reference(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p,
                       float* y) {
  switch (op) {
    case F32UnaryOp::kClip:
      return ref::ClipF32(count, x, p.lo, p.hi, y);
    case F32UnaryOp::kSigmoid:
      return ref::SigmoidF32(count, x, y);
    case F32UnaryOp::kTanh:
      return ref::TanhF32(count, x, y);
    case F32UnaryOp::kHardSigmoid:
      return ref::HardSigmoidF32(count, x, p.alpha, p.beta, y);
    case F32UnaryOp::kHardSwish:
      return ref::HardSwishF32(count, x, y);
    case F32UnaryOp::kSilu:
      return ref::SiluF32(count, x, y);
    case F32UnaryOp::kErf:
      return ref::ErfF32(count, x, y);
    case F32UnaryOp::kGelu:
      return ref::GeluF32(count, x, y);
    case F32UnaryOp::kGeluTanh:
      return ref::GeluTanhF32(count, x, y);
    case F32UnaryOp::kExp:
      return ref::ExpF32(count, x, y);
    case F32UnaryOp::kSoftplus:
      return ref::SoftplusF32(count, x, y);
    case F32UnaryOp::kMish:
      return ref::MishF32(count, x, y);
  }
}

template <F32UnaryOp kOp>
bool IsUnary(const F32UnaryProblem& p) {
  return p.op == kOp;
}

[[maybe_unused]] bool LastAxis(const F32SoftmaxProblem& p) { return p.inner == 1; }

// A row kernel (rows, length) as the table's entry (outer, axis, inner = 1).
template <auto kRows>
[[maybe_unused]] void SoftmaxLastAxis(int64_t outer, int64_t axis, int64_t, const float* x,
                                      float* y) {
  kRows(outer, axis, x, y);
}

constexpr KernelCandidate<F32SoftmaxProblem, F32SoftmaxFn> kF32Softmax[] = {
#if defined(__x86_64__)
    {"f32_softmax__avx512", Isa::kAvx512, LastAxis, SoftmaxLastAxis<x86::SoftmaxRowsF32Avx512>},
    {"f32_softmax__avx2", Isa::kAvx2, LastAxis, SoftmaxLastAxis<x86::SoftmaxRowsF32Avx2>},
#endif
#if defined(__aarch64__)
    {"f32_softmax__neon", Isa::kNeon, LastAxis, SoftmaxLastAxis<arm::SoftmaxRowsF32Neon>},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_softmax_f32", Isa::kRef, nullptr, ref::SoftmaxF32},
};

// One row per op and level, named as `trit info` shows the node's kernel.
constexpr KernelCandidate<F32UnaryProblem, F32UnaryFn> kF32Unary[] = {
#if defined(__x86_64__)
    {"f32_sigmoid__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kSigmoid>, x86::UnaryF32Avx512},
    {"f32_silu__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kSilu>, x86::UnaryF32Avx512},
    {"f32_tanh__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kTanh>, x86::UnaryF32Avx512},
    {"f32_erf__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kErf>, x86::UnaryF32Avx512},
    {"f32_exp__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kExp>, x86::UnaryF32Avx512},
    {"f32_mish__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kMish>, x86::UnaryF32Avx512},
    {"f32_gelu__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kGelu>, x86::UnaryF32Avx512},
    {"f32_gelu_tanh__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kGeluTanh>, x86::UnaryF32Avx512},
    {"f32_hardswish__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kHardSwish>, x86::UnaryF32Avx512},
    {"f32_hardsigmoid__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kHardSigmoid>,
     x86::UnaryF32Avx512},
    {"f32_clip__avx512", Isa::kAvx512, IsUnary<F32UnaryOp::kClip>, x86::UnaryF32Avx512},
    {"f32_sigmoid__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kSigmoid>, x86::UnaryF32Avx2},
    {"f32_silu__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kSilu>, x86::UnaryF32Avx2},
    {"f32_tanh__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kTanh>, x86::UnaryF32Avx2},
    {"f32_erf__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kErf>, x86::UnaryF32Avx2},
    {"f32_exp__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kExp>, x86::UnaryF32Avx2},
    {"f32_mish__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kMish>, x86::UnaryF32Avx2},
    {"f32_gelu__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kGelu>, x86::UnaryF32Avx2},
    {"f32_gelu_tanh__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kGeluTanh>, x86::UnaryF32Avx2},
    {"f32_hardswish__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kHardSwish>, x86::UnaryF32Avx2},
    {"f32_hardsigmoid__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kHardSigmoid>, x86::UnaryF32Avx2},
    {"f32_clip__avx2", Isa::kAvx2, IsUnary<F32UnaryOp::kClip>, x86::UnaryF32Avx2},
#endif
#if defined(__aarch64__)
    {"f32_sigmoid__neon", Isa::kNeon, IsUnary<F32UnaryOp::kSigmoid>, arm::UnaryF32Neon},
    {"f32_silu__neon", Isa::kNeon, IsUnary<F32UnaryOp::kSilu>, arm::UnaryF32Neon},
    {"f32_tanh__neon", Isa::kNeon, IsUnary<F32UnaryOp::kTanh>, arm::UnaryF32Neon},
    {"f32_erf__neon", Isa::kNeon, IsUnary<F32UnaryOp::kErf>, arm::UnaryF32Neon},
    {"f32_exp__neon", Isa::kNeon, IsUnary<F32UnaryOp::kExp>, arm::UnaryF32Neon},
    {"f32_mish__neon", Isa::kNeon, IsUnary<F32UnaryOp::kMish>, arm::UnaryF32Neon},
    {"f32_gelu__neon", Isa::kNeon, IsUnary<F32UnaryOp::kGelu>, arm::UnaryF32Neon},
    {"f32_gelu_tanh__neon", Isa::kNeon, IsUnary<F32UnaryOp::kGeluTanh>, arm::UnaryF32Neon},
    {"f32_hardswish__neon", Isa::kNeon, IsUnary<F32UnaryOp::kHardSwish>, arm::UnaryF32Neon},
    {"f32_hardsigmoid__neon", Isa::kNeon, IsUnary<F32UnaryOp::kHardSigmoid>, arm::UnaryF32Neon},
    {"f32_clip__neon", Isa::kNeon, IsUnary<F32UnaryOp::kClip>, arm::UnaryF32Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_sigmoid_f32", Isa::kRef, IsUnary<F32UnaryOp::kSigmoid>, UnaryF32Reference},
    {"ref_silu_f32", Isa::kRef, IsUnary<F32UnaryOp::kSilu>, UnaryF32Reference},
    {"ref_tanh_f32", Isa::kRef, IsUnary<F32UnaryOp::kTanh>, UnaryF32Reference},
    {"ref_erf_f32", Isa::kRef, IsUnary<F32UnaryOp::kErf>, UnaryF32Reference},
    {"ref_exp_f32", Isa::kRef, IsUnary<F32UnaryOp::kExp>, UnaryF32Reference},
    {"ref_softplus_f32", Isa::kRef, IsUnary<F32UnaryOp::kSoftplus>, UnaryF32Reference},
    {"ref_mish_f32", Isa::kRef, IsUnary<F32UnaryOp::kMish>, UnaryF32Reference},
    {"ref_gelu_f32", Isa::kRef, IsUnary<F32UnaryOp::kGelu>, UnaryF32Reference},
    {"ref_gelu_tanh_f32", Isa::kRef, IsUnary<F32UnaryOp::kGeluTanh>, UnaryF32Reference},
    {"ref_hardswish_f32", Isa::kRef, IsUnary<F32UnaryOp::kHardSwish>, UnaryF32Reference},
    {"ref_hardsigmoid_f32", Isa::kRef, IsUnary<F32UnaryOp::kHardSigmoid>, UnaryF32Reference},
    {"ref_clip_f32", Isa::kRef, nullptr, UnaryF32Reference},
};

constexpr KernelCandidate<F32LayerNormProblem, F32LayerNormFn> kF32LayerNorm[] = {
#if defined(__x86_64__)
    {"f32_layernorm__avx512", Isa::kAvx512, nullptr, x86::LayerNormRowsF32Avx512},
    {"f32_layernorm__avx2", Isa::kAvx2, nullptr, x86::LayerNormRowsF32Avx2},
#endif
#if defined(__aarch64__)
    {"f32_layernorm__neon", Isa::kNeon, nullptr, arm::LayerNormRowsF32Neon},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_layernorm_f32", Isa::kRef, nullptr, ref::LayerNormF32},
};

void LookupQ8Reference(int64_t count, const void* in, bool in_signed, const void* table,
                       void* out) {
  // The table's entries are bytes; their signedness does not change what is copied.
  WithQ8Type(in_signed, [&](auto in_type) {
    ref::LookupQ8(count, static_cast<const decltype(in_type)*>(in),
                  static_cast<const uint8_t*>(table), static_cast<uint8_t*>(out));
  });
}

bool IsTableOp(const Q8PointwiseProblem& p) { return !p.rescale_op; }

#if defined(__x86_64__)
bool HasVbmi(const Q8PointwiseProblem&) { return HasAvx512Vbmi(); }
void LookupQ8Avx512(int64_t count, const void* in, bool in_signed, const void* table, void* out) {
  x86::LookupQ8Avx512(count, static_cast<const uint8_t*>(in), in_signed ? 0x80 : 0x00,
                      static_cast<const uint8_t*>(table), static_cast<uint8_t*>(out));
}
#endif

#if defined(__aarch64__)
void LookupQ8Neon(int64_t count, const void* in, bool in_signed, const void* table, void* out) {
  arm::LookupQ8Neon(count, static_cast<const uint8_t*>(in), in_signed ? 0x80 : 0x00,
                    static_cast<const uint8_t*>(table), static_cast<uint8_t*>(out));
}
#endif

constexpr KernelCandidate<Q8PointwiseProblem, Q8LookupFn> kQ8Pointwise[] = {
#if defined(__x86_64__)
    {"q8_lut__avx512vbmi", Isa::kAvx512, HasVbmi, LookupQ8Avx512},
    {"q8_lut", Isa::kAvx2, nullptr, LookupQ8Reference},
#endif
#if defined(__aarch64__)
    // Every AArch64 level has TBL, so no portable q8_lut row is needed below it.
    {"q8_lut__neon", Isa::kNeon, nullptr, LookupQ8Neon},
#endif
    // Cortex-M rows: none yet.
    {"ref_lut_q8", Isa::kRef, IsTableOp, LookupQ8Reference},
    {"ref_rescale_q8", Isa::kRef, nullptr, nullptr},
};

}  // namespace

std::span<const KernelCandidate<F32SoftmaxProblem, F32SoftmaxFn>> F32SoftmaxKernels() {
  return kF32Softmax;
}

std::span<const KernelCandidate<F32LayerNormProblem, F32LayerNormFn>> F32LayerNormKernels() {
  return kF32LayerNorm;
}

std::span<const KernelCandidate<F32UnaryProblem, F32UnaryFn>> F32UnaryKernels() {
  return kF32Unary;
}

std::span<const KernelCandidate<Q8PointwiseProblem, Q8LookupFn>> Q8PointwiseKernels() {
  return kQ8Pointwise;
}

}  // namespace trit
