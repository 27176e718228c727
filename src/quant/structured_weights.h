// int8 parts of structured weight matrices (core/structured_layout.h; recurrent W and U,
// StructuredDense W): symmetric, one scale per row where the part's rows are the matrix's
// outputs (dense M, low-rank A, the dense top rows of hybrid and HMD, HMD's block rows), one per
// part elsewhere (Kronecker factors, low-rank B, HMD's row scales), so that the products stay
// exact integers (kernels/ref/structured_matrix_q8.h).
#pragma once

#include "core/graph.h"

namespace trit::quant {

// The int8 version of an f32 constant part: levels round(w / s), s = max|w| / 127 over each row
// (per_row) or over the part.
Value QuantizeStructuredPart(const Value& part, bool per_row);

}  // namespace trit::quant
