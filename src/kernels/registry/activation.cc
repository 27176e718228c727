#include "kernels/registry/activation.h"

#include "kernels/ref/activation.h"
#include "kernels/registry/q8_types.h"
#if defined(__aarch64__)
#include "kernels/arm/q8_elementwise.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/q8_elementwise.h"
#endif

namespace trit {
namespace {

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

std::span<const KernelCandidate<Q8PointwiseProblem, Q8LookupFn>> Q8PointwiseKernels() {
  return kQ8Pointwise;
}

}  // namespace trit
