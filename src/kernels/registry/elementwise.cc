#include "kernels/registry/elementwise.h"

#include "kernels/broadcast_rows.h"
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

void BinaryF32Reference(F32BinaryOp op, const ref::Broadcast& broadcast, const float* a,
                        const float* b, float* out) {
  switch (op) {
    case F32BinaryOp::kAdd:
      return ref::AddF32(broadcast, a, b, out);
    case F32BinaryOp::kSub:
      return ref::SubF32(broadcast, a, b, out);
    case F32BinaryOp::kMul:
      return ref::MulF32(broadcast, a, b, out);
    case F32BinaryOp::kDiv:
      return ref::DivF32(broadcast, a, b, out);
    case F32BinaryOp::kMin:
      return ref::MinF32(broadcast, a, b, out);
    case F32BinaryOp::kMax:
      return ref::MaxF32(broadcast, a, b, out);
  }
}

// An fp32 row kernel (x86/ or arm/f32_elementwise.h) over every row of the broadcast.
template <auto kRowKernel>
[[maybe_unused]] void OverF32Rows(F32BinaryOp op, const ref::Broadcast& broadcast, const float* a,
                                  const float* b, float* out) {
  ForEachBroadcastRow(broadcast, [&](int64_t at, int64_t ia, int64_t a_step, int64_t ib,
                                     int64_t b_step, int64_t length) {
    kRowKernel(op, length, a + ia, a_step, b + ib, b_step, out + at);
  });
}

template <F32BinaryOp kOp>
bool IsBinary(const F32BinaryProblem& p) {
  return p.op == kOp;
}

// One row per op and level, named as `trit info` shows the node's kernel.
constexpr KernelCandidate<F32BinaryProblem, F32BinaryFn> kF32Binary[] = {
#if defined(__x86_64__)
    {"f32_add__avx512", Isa::kAvx512, IsBinary<F32BinaryOp::kAdd>,
     OverF32Rows<x86::BinaryRowF32Avx512>},
    {"f32_sub__avx512", Isa::kAvx512, IsBinary<F32BinaryOp::kSub>,
     OverF32Rows<x86::BinaryRowF32Avx512>},
    {"f32_mul__avx512", Isa::kAvx512, IsBinary<F32BinaryOp::kMul>,
     OverF32Rows<x86::BinaryRowF32Avx512>},
    {"f32_div__avx512", Isa::kAvx512, IsBinary<F32BinaryOp::kDiv>,
     OverF32Rows<x86::BinaryRowF32Avx512>},
    {"f32_min__avx512", Isa::kAvx512, IsBinary<F32BinaryOp::kMin>,
     OverF32Rows<x86::BinaryRowF32Avx512>},
    {"f32_max__avx512", Isa::kAvx512, IsBinary<F32BinaryOp::kMax>,
     OverF32Rows<x86::BinaryRowF32Avx512>},
    {"f32_add__avx2", Isa::kAvx2, IsBinary<F32BinaryOp::kAdd>, OverF32Rows<x86::BinaryRowF32Avx2>},
    {"f32_sub__avx2", Isa::kAvx2, IsBinary<F32BinaryOp::kSub>, OverF32Rows<x86::BinaryRowF32Avx2>},
    {"f32_mul__avx2", Isa::kAvx2, IsBinary<F32BinaryOp::kMul>, OverF32Rows<x86::BinaryRowF32Avx2>},
    {"f32_div__avx2", Isa::kAvx2, IsBinary<F32BinaryOp::kDiv>, OverF32Rows<x86::BinaryRowF32Avx2>},
    {"f32_min__avx2", Isa::kAvx2, IsBinary<F32BinaryOp::kMin>, OverF32Rows<x86::BinaryRowF32Avx2>},
    {"f32_max__avx2", Isa::kAvx2, IsBinary<F32BinaryOp::kMax>, OverF32Rows<x86::BinaryRowF32Avx2>},
#endif
#if defined(__aarch64__)
    {"f32_add__neon", Isa::kNeon, IsBinary<F32BinaryOp::kAdd>, OverF32Rows<arm::BinaryRowF32Neon>},
    {"f32_sub__neon", Isa::kNeon, IsBinary<F32BinaryOp::kSub>, OverF32Rows<arm::BinaryRowF32Neon>},
    {"f32_mul__neon", Isa::kNeon, IsBinary<F32BinaryOp::kMul>, OverF32Rows<arm::BinaryRowF32Neon>},
    {"f32_div__neon", Isa::kNeon, IsBinary<F32BinaryOp::kDiv>, OverF32Rows<arm::BinaryRowF32Neon>},
    {"f32_min__neon", Isa::kNeon, IsBinary<F32BinaryOp::kMin>, OverF32Rows<arm::BinaryRowF32Neon>},
    {"f32_max__neon", Isa::kNeon, IsBinary<F32BinaryOp::kMax>, OverF32Rows<arm::BinaryRowF32Neon>},
#endif
    // Cortex-M (MVE) rows: none yet.
    {"ref_add_f32", Isa::kRef, IsBinary<F32BinaryOp::kAdd>, BinaryF32Reference},
    {"ref_sub_f32", Isa::kRef, IsBinary<F32BinaryOp::kSub>, BinaryF32Reference},
    {"ref_mul_f32", Isa::kRef, IsBinary<F32BinaryOp::kMul>, BinaryF32Reference},
    {"ref_min_f32", Isa::kRef, IsBinary<F32BinaryOp::kMin>, BinaryF32Reference},
    {"ref_max_f32", Isa::kRef, IsBinary<F32BinaryOp::kMax>, BinaryF32Reference},
    {"ref_div_f32", Isa::kRef, nullptr, BinaryF32Reference},
};

void AddQ8Reference(const ref::Broadcast& broadcast, const void* a, bool a_signed, const void* b,
                    bool b_signed, const ref::QuantAddParams& params, void* out, bool out_signed) {
  WithQ8Type(a_signed, [&](auto a_type) {
    WithQ8Type(b_signed, [&](auto b_type) {
      WithQ8Type(out_signed, [&](auto out_type) {
        ref::AddQ8(broadcast, static_cast<const decltype(a_type)*>(a),
                   static_cast<const decltype(b_type)*>(b), params,
                   static_cast<decltype(out_type)*>(out));
      });
    });
  });
}

void MulQ8Reference(const ref::Broadcast& broadcast, const void* a, bool a_signed, const void* b,
                    bool b_signed, const ref::QuantMulParams& params, void* out, bool out_signed) {
  WithQ8Type(a_signed, [&](auto a_type) {
    WithQ8Type(b_signed, [&](auto b_type) {
      WithQ8Type(out_signed, [&](auto out_type) {
        ref::MulQ8(broadcast, static_cast<const decltype(a_type)*>(a),
                   static_cast<const decltype(b_type)*>(b), params,
                   static_cast<decltype(out_type)*>(out));
      });
    });
  });
}

// A row kernel (x86/ or arm/q8_elementwise.h) over every row of the broadcast.
template <auto kRowKernel, typename Params>
[[maybe_unused]] void OverRows(const ref::Broadcast& broadcast, const void* a, bool a_signed,
                               const void* b, bool b_signed, const Params& params, void* out,
                               bool) {
  const auto* x = static_cast<const uint8_t*>(a);
  const auto* y = static_cast<const uint8_t*>(b);
  auto* z = static_cast<uint8_t*>(out);
  ForEachBroadcastRow(broadcast, [&](int64_t at, int64_t ia, int64_t a_step, int64_t ib,
                                     int64_t b_step, int64_t length) {
    kRowKernel(length, x + ia, a_signed, a_step, y + ib, b_signed, b_step, params, z + at);
  });
}

#if defined(__x86_64__)
bool AddFitsMadd(const Q8AddProblem& p) { return x86::AddQ8MaddFits(p.params); }
bool AddFits(const Q8AddProblem& p) { return x86::AddQ8Fits(p.params); }
#endif

#if defined(__aarch64__)
bool AddFitsNeon(const Q8AddProblem& p) { return arm::AddQ8FitsNeon(p.params); }
#endif

constexpr KernelCandidate<Q8AddProblem, Q8AddFn> kQ8Add[] = {
#if defined(__x86_64__)
    {"q8_add_madd__avx512", Isa::kAvx512, AddFitsMadd, OverRows<x86::AddQ8MaddAvx512>},
    {"q8_add__avx512", Isa::kAvx512, AddFits, OverRows<x86::AddQ8Avx512>},
    {"q8_add_madd__avx2", Isa::kAvx2, AddFitsMadd, OverRows<x86::AddQ8MaddAvx2>},
#endif
#if defined(__aarch64__)
    {"q8_add__neon", Isa::kNeon, AddFitsNeon, OverRows<arm::AddQ8Neon>},
#endif
    // Cortex-M (DSP, MVE) rows: none yet.
    {"ref_add_q8", Isa::kRef, nullptr, AddQ8Reference},
};

constexpr KernelCandidate<Q8MulProblem, Q8MulFn> kQ8Mul[] = {
#if defined(__x86_64__)
    {"q8_mul__avx512", Isa::kAvx512, nullptr, OverRows<x86::MulQ8Avx512>},
    {"q8_mul__avx2", Isa::kAvx2, nullptr, OverRows<x86::MulQ8Avx2>},
#endif
#if defined(__aarch64__)
    {"q8_mul__neon", Isa::kNeon, nullptr, OverRows<arm::MulQ8Neon>},
#endif
    // Cortex-M rows: none yet.
    {"ref_mul_q8", Isa::kRef, nullptr, MulQ8Reference},
};

}  // namespace

std::span<const KernelCandidate<F32BinaryProblem, F32BinaryFn>> F32BinaryKernels() {
  return kF32Binary;
}
std::span<const KernelCandidate<Q8AddProblem, Q8AddFn>> Q8AddKernels() { return kQ8Add; }
std::span<const KernelCandidate<Q8MulProblem, Q8MulFn>> Q8MulKernels() { return kQ8Mul; }

}  // namespace trit
