#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/x86/q8_dot_rows.h"

namespace trit::x86 {
namespace {

// `count` groups of 8 rows starting at group g.
template <int count>
void Groups(const PackedQ8Rows& m, const int8_t* x, int64_t g, int32_t* out) {
  const int64_t pairs = m.pairs();
  __m256i sum[count];
  for (int k = 0; k < count; ++k) sum[k] = _mm256_setzero_si256();
  for (int64_t p = 0; p < pairs; ++p) {
    const __m256i xp = _mm256_set1_epi32(InputPair(x, m.cols(), p));
    for (int k = 0; k < count; ++k) {
      const int8_t* w = m.packed() + ((g + k) * pairs + p) * 16;
      const __m256i wv = _mm256_cvtepi8_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(w)));
      sum[k] = _mm256_add_epi32(sum[k], _mm256_madd_epi16(wv, xp));
    }
  }
  for (int k = 0; k < count; ++k) {
    const int64_t first = (g + k) * 8, valid = std::min<int64_t>(8, m.rows() - first);
    if (valid == 8) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + first), sum[k]);
    } else {
      alignas(32) int32_t lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sum[k]);
      std::memcpy(out + first, lanes, static_cast<size_t>(valid) * sizeof(int32_t));
    }
  }
}

}  // namespace

void PackedQ8RowsAvx2(const PackedQ8Rows& m, const int8_t* q, int64_t batch, int32_t* acc) {
  const int64_t groups = (m.rows() + 7) / 8;
  for (int64_t b = 0; b < batch; ++b) {
    const int8_t* x = q + b * m.cols();
    int32_t* out = acc + b * m.rows();
    int64_t g = 0;
    for (; g + 4 <= groups; g += 4) Groups<4>(m, x, g, out);
    for (; g < groups; ++g) Groups<1>(m, x, g, out);
  }
}

}  // namespace trit::x86
