// Moving user data in and out of a session: NPY or deterministic random inputs, float
// outputs. Quantized tensors are converted with their own scale and zero point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/session.h"

namespace trit::cli {

// Fills every input: from `npy_paths[i]` when given (f32, or the input's exact type),
// else uniform random in [0, 1) from `seed`. A shape mismatch is a one-line kShape error.
void FillInputs(runtime::Session& session, const std::vector<std::string>& npy_paths,
                uint64_t seed);

// Output `i` as floats (dequantized when quantized).
std::vector<float> OutputAsFloat(const runtime::Session& session, size_t i);

}  // namespace trit::cli
