// Which ops this build of the runtime holds. By default every op; trit deploy sets
// TRIT_MICRO_OPS (bit i: OpType i) to its model's, and the weight types likewise
// (TRIT_MICRO_WEIGHT_TYPES, kernels/cortex_m/weight_types.h), so that the linker drops the
// prepare and run functions and the kernel loops the model never calls. A model with an op or
// weight type outside the build is refused at load, naming it.
#pragma once

#include <cstdint>

#include "core/op_type.h"
#include "kernels/cortex_m/weight_types.h"

#ifndef TRIT_MICRO_OPS
#define TRIT_MICRO_OPS 0xFFFFFFFFFFFFFFFFull
#endif

namespace trit::micro {

constexpr bool OpCompiled(uint16_t op) {
  return op < 64 && ((static_cast<uint64_t>(TRIT_MICRO_OPS) >> op) & 1u) != 0;
}

using cortex_m::WeightTypeCompiled;

}  // namespace trit::micro
