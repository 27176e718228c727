#include "core/shape.h"

#include <limits>

namespace trit {

int64_t NumElements(const Shape& shape) {
  int64_t count = 1;
  for (const int64_t extent : shape) {
    if (extent == 0) return 0;
    // Saturates instead of overflowing: a hostile shape reads as "too large" to every check.
    if (extent < 0 || __builtin_mul_overflow(count, extent, &count)) {
      return std::numeric_limits<int64_t>::max();
    }
  }
  return count;
}

std::string ShapeToString(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ",";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

}  // namespace trit
