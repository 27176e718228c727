#include "kernels/isa.h"

#include <cstdlib>
#include <string>

#include "core/error.h"

namespace trit {

std::string_view IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    case Isa::kRef:
      break;
  }
  return "ref";
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
#else
  return Isa::kRef;
#endif
}

Isa ActiveIsa() {
  const char* forced = std::getenv("TRIT_ISA");
  const Isa detected = DetectedIsa();
  if (forced == nullptr || *forced == '\0') return detected;
  const std::string name = forced;
  Isa isa;
  if (name == "ref") {
    isa = Isa::kRef;
  } else if (name == "avx2") {
    isa = Isa::kAvx2;
  } else if (name == "avx512") {
    isa = Isa::kAvx512;
  } else {
    throw Error(ErrorCode::kInvalidArgument,
                "TRIT_ISA='" + name + "' is not one of ref, avx2, avx512");
  }
  if (static_cast<int>(isa) > static_cast<int>(detected)) {
    throw Error(ErrorCode::kInvalidArgument, "TRIT_ISA=" + name + " but this CPU supports up to " +
                                                 std::string(IsaName(detected)));
  }
  return isa;
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
