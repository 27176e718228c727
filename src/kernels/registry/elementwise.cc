#include "kernels/registry/elementwise.h"

#include "kernels/registry/q8_types.h"
#if defined(__aarch64__)
#include "kernels/arm/q8_elementwise.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/q8_elementwise.h"
#endif

namespace trit {
namespace {

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

#if defined(__x86_64__)
bool SameShapesAndFitsMadd(const Q8AddProblem& p) {
  return p.same_shapes && x86::AddQ8MaddFits(p.params);
}
void AddQ8MaddAvx512(const ref::Broadcast& broadcast, const void* a, bool a_signed, const void* b,
                     bool b_signed, const ref::QuantAddParams& params, void* out, bool) {
  x86::AddQ8MaddAvx512(broadcast.count, a, a_signed, b, b_signed, params, out);
}
bool SameShapesAndFits(const Q8AddProblem& p) { return p.same_shapes && x86::AddQ8Fits(p.params); }
void AddQ8Avx512(const ref::Broadcast& broadcast, const void* a, bool a_signed, const void* b,
                 bool b_signed, const ref::QuantAddParams& params, void* out, bool) {
  x86::AddQ8Avx512(broadcast.count, a, a_signed, b, b_signed, params, out);
}
#endif

#if defined(__aarch64__)
bool SameShapesAndFitsNeon(const Q8AddProblem& p) {
  return p.same_shapes && arm::AddQ8FitsNeon(p.params);
}
void AddQ8Neon(const ref::Broadcast& broadcast, const void* a, bool a_signed, const void* b,
               bool b_signed, const ref::QuantAddParams& params, void* out, bool) {
  arm::AddQ8Neon(broadcast.count, a, a_signed, b, b_signed, params, out);
}
#endif

constexpr KernelCandidate<Q8AddProblem, Q8AddFn> kQ8Add[] = {
#if defined(__x86_64__)
    {"q8_add_madd__avx512", Isa::kAvx512, SameShapesAndFitsMadd, AddQ8MaddAvx512},
    {"q8_add__avx512", Isa::kAvx512, SameShapesAndFits, AddQ8Avx512},
#endif
#if defined(__aarch64__)
    {"q8_add__neon", Isa::kNeon, SameShapesAndFitsNeon, AddQ8Neon},
#endif
    // Cortex-M (DSP, MVE) rows: none yet.
    {"ref_add_q8", Isa::kRef, nullptr, AddQ8Reference},
};

}  // namespace

std::span<const KernelCandidate<Q8AddProblem, Q8AddFn>> Q8AddKernels() { return kQ8Add; }

}  // namespace trit
