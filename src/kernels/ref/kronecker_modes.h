// The Kronecker product applied mode by mode (kernels/ref/kronecker.h), one loop for every
// element type: float for the f32 product, int32 or int64 accumulators for the exact int8
// product (kernels/ref/structured_matrix_q8.h). A factor is anything with rows, cols and a
// row-major `data` pointer. No allocation: this runs inside inference.
//
// Build: the reference passes void; a file built with an ISA's flags passes a type from its own
// unnamed namespace, so that its instantiations stay its own (see kernels/fast_math.h: the
// linker would otherwise keep one build of these loops for every caller).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "kernels/ref/kronecker.h"

namespace trit::ref {

// out[o, j, t] = sum_i A[j, i] in[o, i, t] for a factor A [rows, cols] applied to its mode.
template <typename Build, typename Acc, typename Src, typename Weight>
void ApplyKroneckerMode(const Weight* a, int64_t rows, int64_t cols, int64_t outer, int64_t inner,
                        const Src* in, Acc* out) {
  for (int64_t o = 0; o < outer; ++o) {
    const Src* src = in + o * cols * inner;
    Acc* dst = out + o * rows * inner;
    if (inner == 1) {  // the last mode: one dot product per output
      for (int64_t j = 0; j < rows; ++j) {
        const Weight* row = a + j * cols;
        Acc sum = 0;
        for (int64_t i = 0; i < cols; ++i)
          sum += static_cast<Acc>(row[i]) * static_cast<Acc>(src[i]);
        dst[j] = sum;
      }
      continue;
    }
    for (int64_t j = 0; j < rows; ++j) {
      Acc* row = dst + j * inner;
      const auto a0 = static_cast<Acc>(a[j * cols]);
      for (int64_t t = 0; t < inner; ++t) row[t] = a0 * static_cast<Acc>(src[t]);
      for (int64_t i = 1; i < cols; ++i) {
        const auto ai = static_cast<Acc>(a[j * cols + i]);
        const Src* col = src + i * inner;
        for (int64_t t = 0; t < inner; ++t) row[t] += ai * static_cast<Acc>(col[t]);
      }
    }
  }
}

// y [batch, prod m] = (A_1 kron .. kron A_F) x [batch, prod n], the factors applied in the
// planned order; the intermediate tensors alternate between buffers[0] and buffers[1], each
// plan.scratch_floats / 2 elements.
template <typename Build, typename Acc, typename In, typename Factor>
void KroneckerModes(const Factor* factors, size_t count, const KroneckerPlan& plan, int64_t batch,
                    const In* x, Acc* y, Acc* const buffers[2]) {
  // Current extent of each mode: n_k until factor k is applied, m_k after.
  std::array<int64_t, kMaxKroneckerFactors> extent{};
  int64_t total = batch;
  for (size_t k = 0; k < count; ++k) {
    extent[k] = factors[k].cols;
    total *= factors[k].cols;
  }
  const Acc* in = nullptr;  // still x before the first mode
  for (size_t step = 0; step < plan.order.size(); ++step) {
    const auto k = static_cast<size_t>(plan.order[step]);
    const Factor& f = factors[k];
    int64_t outer = batch, inner = 1;
    for (size_t d = 0; d < k; ++d) outer *= extent[d];
    for (size_t d = k + 1; d < count; ++d) inner *= extent[d];
    Acc* out = step + 1 == plan.order.size() ? y : buffers[step % 2];
    if (step == 0) {
      ApplyKroneckerMode<Build>(f.data, f.rows, f.cols, outer, inner, x, out);
    } else {
      ApplyKroneckerMode<Build>(f.data, f.rows, f.cols, outer, inner, in, out);
    }
    total = total / f.cols * f.rows;
    extent[k] = f.rows;
    in = out;
  }
  if (plan.order.empty()) {
    for (int64_t i = 0; i < total; ++i) y[i] = static_cast<Acc>(x[i]);
  }
}

// row[j] (+)= a t[j] for j < n, and the same for four rows at once (one load of t for four
// updates); restrict so that the short loops need no overlap checks.
template <typename Build, bool kFirst, typename Acc, typename In>
void ScaledRow(Acc* __restrict row, const In* __restrict t, Acc a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) row[j] = (kFirst ? Acc{0} : row[j]) + a * static_cast<Acc>(t[j]);
}
template <typename Build, bool kFirst, typename Acc, typename In>
void ScaledRows4(Acc* __restrict r0, Acc* __restrict r1, Acc* __restrict r2, Acc* __restrict r3,
                 const In* __restrict t, const Acc* a, int64_t n) {
  const Acc a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
  for (int64_t j = 0; j < n; ++j) {
    const auto v = static_cast<Acc>(t[j]);
    r0[j] = (kFirst ? Acc{0} : r0[j]) + a0 * v;
    r1[j] = (kFirst ? Acc{0} : r1[j]) + a1 * v;
    r2[j] = (kFirst ? Acc{0} : r2[j]) + a2 * v;
    r3[j] = (kFirst ? Acc{0} : r3[j]) + a3 * v;
  }
}

// y[(b blocks + g) y_stride + i m2 + j] = sum_k A_g[i][k] t[b n1 + k][g m2 + j]: the left
// factors of two-factor Kronecker blocks whose right factors were applied to all blocks at once,
// t being [batch * n1, blocks * m2] (kernels/x86/kronecker.h builds it per ISA). y_stride is
// m1 m2 for Kronecker blocks, and more for hybrid ones whose dense rows sit between them. Float,
// or int8 factors on int32 sums into int32 or int64 (the int8 product's exact sums). Each
// element's sum runs over k in ascending order, whatever the ISA.
template <typename Build, typename Acc, typename Weight, typename In>
void KroneckerLeftMode(const Weight* const* a, int64_t blocks, int64_t m1, int64_t n1, int64_t m2,
                       int64_t batch, const In* t, Acc* y, int64_t y_stride) {
  const int64_t t_cols = blocks * m2;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t g = 0; g < blocks; ++g) {
      const Weight* ag = a[g];
      Acc* yg = y + (b * blocks + g) * y_stride;
      const In* t0 = t + b * n1 * t_cols + g * m2;
      // k outermost: each k updates all m1 rows, so consecutive updates of one row are m1
      // updates apart. Summing a row over k first made every k wait on the last one's store.
      const auto update = [&]<bool kFirst>(int64_t k) {
        const In* tk = t0 + k * t_cols;
        int64_t i = 0;
        for (; i + 4 <= m1; i += 4) {
          const Acc four[4] = {
              static_cast<Acc>(ag[i * n1 + k]), static_cast<Acc>(ag[(i + 1) * n1 + k]),
              static_cast<Acc>(ag[(i + 2) * n1 + k]), static_cast<Acc>(ag[(i + 3) * n1 + k])};
          ScaledRows4<Build, kFirst>(yg + i * m2, yg + (i + 1) * m2, yg + (i + 2) * m2,
                                     yg + (i + 3) * m2, tk, four, m2);
        }
        for (; i < m1; ++i) {
          ScaledRow<Build, kFirst>(yg + i * m2, tk, static_cast<Acc>(ag[i * n1 + k]), m2);
        }
      };
      update.template operator()<true>(0);
      for (int64_t k = 1; k < n1; ++k) update.template operator()<false>(k);
    }
  }
}

}  // namespace trit::ref
