// Calls f(std::integral_constant<DType, type>{}) for a layer's weight type, so that a kernel
// instantiates one loop per weight type (its expansion inlined) and picks it once per call.
//
// TRIT_MICRO_WEIGHT_TYPES (bit i: DType i; default all) says which weight types a build holds:
// trit deploy sets it to its model's, and the loops of the others are not instantiated (the
// runtime refuses their layers at load, so none reaches here).
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/dtype.h"

#ifndef TRIT_MICRO_WEIGHT_TYPES
#define TRIT_MICRO_WEIGHT_TYPES 0xFFu
#endif

namespace trit::cortex_m {

constexpr bool WeightTypeCompiled(DType type) {
  return ((static_cast<uint32_t>(TRIT_MICRO_WEIGHT_TYPES) >> static_cast<int>(type)) & 1u) != 0;
}

template <DType kType, typename F>
inline void IfCompiled(F& f) {
  if constexpr (WeightTypeCompiled(kType)) f(std::integral_constant<DType, kType>{});
}

template <typename F>
void ForWeightType(DType type, F f) {
  switch (type) {
    case DType::kI8:
      return IfCompiled<DType::kI8>(f);
    case DType::kI4:
      return IfCompiled<DType::kI4>(f);
    case DType::kI2:
      return IfCompiled<DType::kI2>(f);
    case DType::kTernary:
      return IfCompiled<DType::kTernary>(f);
    case DType::kBinary:
      return IfCompiled<DType::kBinary>(f);
    default:
      return;
  }
}

}  // namespace trit::cortex_m
