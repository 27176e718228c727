// Calls f(std::integral_constant<DType, type>{}) for a layer's weight type, so that a kernel
// instantiates one loop per weight type (its expansion inlined) and picks it once per call.
#pragma once

#include <type_traits>

#include "core/dtype.h"

namespace trit::cortex_m {

template <typename F>
void ForWeightType(DType type, F f) {
  switch (type) {
    case DType::kI8:
      return f(std::integral_constant<DType, DType::kI8>{});
    case DType::kI4:
      return f(std::integral_constant<DType, DType::kI4>{});
    case DType::kI2:
      return f(std::integral_constant<DType, DType::kI2>{});
    case DType::kTernary:
      return f(std::integral_constant<DType, DType::kTernary>{});
    default:
      return f(std::integral_constant<DType, DType::kBinary>{});
  }
}

}  // namespace trit::cortex_m
