#include "kernels/ref/binarize.h"

#include <cstring>

namespace trit::ref {
namespace {

template <typename Positive>
void Pack(int64_t count, Positive positive, uint8_t* bits) {
  if (count <= 0) return;  // an empty tensor may come with null buffers (memset's are nonnull)
  std::memset(bits, 0, static_cast<size_t>((count + 7) / 8));
  for (int64_t i = 0; i < count; ++i) {
    if (positive(i)) bits[i >> 3] = static_cast<uint8_t>(bits[i >> 3] | (1u << (i & 7)));
  }
}

}  // namespace

void BinarizeF32ToF32(int64_t count, const float* x, float* y) {
  for (int64_t i = 0; i < count; ++i) y[i] = x[i] >= 0.0f ? 1.0f : -1.0f;
}

void BinarizeF32(int64_t count, const float* x, uint8_t* bits) {
  Pack(
      count, [&](int64_t i) { return x[i] >= 0.0f; }, bits);
}

template <typename T>
void BinarizeQ8(int64_t count, const T* x, int32_t zero_point, uint8_t* bits) {
  Pack(
      count, [&](int64_t i) { return int32_t{x[i]} >= zero_point; }, bits);
}

template void BinarizeQ8<int8_t>(int64_t, const int8_t*, int32_t, uint8_t*);
template void BinarizeQ8<uint8_t>(int64_t, const uint8_t*, int32_t, uint8_t*);

void UnpackBinary(int64_t count, const uint8_t* bits, int8_t* levels) {
  for (int64_t i = 0; i < count; ++i) levels[i] = (bits[i >> 3] >> (i & 7)) & 1 ? 1 : -1;
}

}  // namespace trit::ref
