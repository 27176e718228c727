#include "kernels/isa.h"

#include <array>
#include <cstdlib>
#include <string>

#include "core/error.h"

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace trit {
namespace {

constexpr std::array kAllIsas = {Isa::kRef,     Isa::kAvx2,     Isa::kAvx512, Isa::kNeon,
                                 Isa::kNeonDot, Isa::kNeonI8mm, Isa::kArmDsp, Isa::kMve};

}  // namespace

std::string_view IsaName(Isa isa) {
  switch (isa) {
    case Isa::kRef:
      return "ref";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    case Isa::kNeon:
      return "neon";
    case Isa::kNeonDot:
      return "neondot";
    case Isa::kNeonI8mm:
      return "i8mm";
    case Isa::kArmDsp:
      return "dsp";
    case Isa::kMve:
      return "mve";
  }
  return "invalid";
}

Isa DetectedIsa() {
#if defined(__x86_64__)
  // GCC's checks include the OS's XSAVE support for the AVX and AVX-512 registers.
  static const Isa detected = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vnni")) {
      return Isa::kAvx512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::kAvx2;
    return Isa::kRef;
  }();
  return detected;
#elif defined(__aarch64__) && defined(__linux__)
  // The kernel's hardware capabilities say what user code may execute (and what QEMU's -cpu
  // grants). The levels are cumulative: i8mm counts only with the dot product, as on every core
  // that has it (Armv8.6 makes both mandatory).
  static const Isa detected = [] {
    const unsigned long hwcap = getauxval(AT_HWCAP), hwcap2 = getauxval(AT_HWCAP2);
    if ((hwcap & HWCAP_ASIMD) == 0) return Isa::kRef;
    if ((hwcap & HWCAP_ASIMDDP) == 0) return Isa::kNeon;
    if ((hwcap2 & HWCAP2_I8MM) == 0) return Isa::kNeonDot;
    return Isa::kNeonI8mm;
  }();
  return detected;
#else
  return Isa::kRef;
#endif
}

std::vector<Isa> RunnableIsas() {
  std::vector<Isa> levels;
  for (const Isa isa : kAllIsas) {
    if (IsaCovers(DetectedIsa(), isa)) levels.push_back(isa);
  }
  return levels;
}

Isa ActiveIsa() {
  const char* forced = std::getenv("TRIT_ISA");
  const Isa detected = DetectedIsa();
  if (forced == nullptr || *forced == '\0') return detected;
  const std::string name = forced;
  for (const Isa isa : kAllIsas) {
    if (IsaName(isa) != name) continue;
    if (!IsaCovers(detected, isa)) {
      throw Error(
          ErrorCode::kInvalidArgument,
          "TRIT_ISA=" + name + " but this CPU supports up to " + std::string(IsaName(detected)));
    }
    return isa;
  }
  std::string known;
  for (const Isa isa : kAllIsas)
    known += std::string(known.empty() ? "" : ", ") + std::string(IsaName(isa));
  throw Error(ErrorCode::kInvalidArgument, "TRIT_ISA='" + name + "' is not one of " + known);
}

bool HasAvx512Vbmi() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vbmi");
#else
  return false;
#endif
}

bool HasAvx512Vpopcntdq() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vpopcntdq");
#else
  return false;
#endif
}

}  // namespace trit
