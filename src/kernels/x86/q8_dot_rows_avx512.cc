#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/q8_dot_rows.h"

namespace trit::x86 {
namespace {

// `count` groups of 16 rows starting at group g.
template <int count>
void Groups(const PackedQ8Rows& m, const int8_t* x, int64_t g, int32_t* out) {
  const int64_t pairs = m.pairs();
  __m512i sum[count];
  for (int k = 0; k < count; ++k) sum[k] = _mm512_setzero_si512();
  for (int64_t p = 0; p < pairs; ++p) {
    const __m512i xp = _mm512_set1_epi32(InputPair(x, m.cols(), p));
    for (int k = 0; k < count; ++k) {
      const int8_t* w = m.packed() + ((g + k) * pairs + p) * 32;
      const __m512i wv =
          _mm512_cvtepi8_epi16(_mm256_load_si256(reinterpret_cast<const __m256i*>(w)));
      sum[k] = _mm512_dpwssd_epi32(sum[k], wv, xp);
    }
  }
  for (int k = 0; k < count; ++k) {
    const int64_t first = (g + k) * 16, valid = std::min<int64_t>(16, m.rows() - first);
    const __mmask16 lanes = static_cast<__mmask16>((1u << valid) - 1u);
    _mm512_mask_storeu_epi32(out + first, lanes, sum[k]);
  }
}

}  // namespace

void PackedQ8RowsAvx512(const PackedQ8Rows& m, const int8_t* q, int64_t batch, int32_t* acc) {
  const int64_t groups = (m.rows() + 15) / 16;
  for (int64_t b = 0; b < batch; ++b) {
    const int8_t* x = q + b * m.cols();
    int32_t* out = acc + b * m.rows();
    int64_t g = 0;
    for (; g + 4 <= groups; g += 4) Groups<4>(m, x, g, out);
    for (; g < groups; ++g) Groups<1>(m, x, g, out);
  }
}

}  // namespace trit::x86
