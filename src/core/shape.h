// Tensor shapes: a list of non-negative extents, row-major. Activations are NHWC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trit {

using Shape = std::vector<int64_t>;

int64_t NumElements(const Shape& shape);        // saturates at INT64_MAX (negative extents too)
std::string ShapeToString(const Shape& shape);  // "[1,28,28,1]"

}  // namespace trit
