// The gate arithmetic of one recurrent step (recurrent.h's CellStepF32), written once over the
// nonlinearities, Math::Sigmoid and Math::Tanh, and over how U is applied, Map::Apply(batch, in,
// out). Each loop is free of branches on purpose: the x86 and AArch64 files compile it per ISA
// so that the compiler vectorizes these loops.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/fast_math.h"
#include "kernels/ref/cell_params.h"

namespace trit::ref {

// The reference's nonlinearities: fast_math.h's polynomials in plain float arithmetic. Not the
// C library's expf and tanhf, whose last bits differ between C libraries (glibc, newlib): with
// these the reference, built without fused multiply-adds, gives the same bytes on the host and
// on a microcontroller (src/micro runs this step too).
struct ReferenceMathBuild {};
using ReferenceMath = FastMath<ReferenceMathBuild>;

template <typename Math, typename Map>
void CellStep(const CellParams& p, const CellWeights& weights, const float* wx, int64_t wx_stride,
              const Map& u, const Map* u_candidate, float* h, float* c, float* scratch) {
  const int64_t hidden = p.hidden, rows = p.gates() * hidden;
  float* uh = scratch;
  u.Apply(p.batch, h, uh);
  const float* bw = weights.bias_w;
  const float* bu = weights.bias_u;
  const float a = weights.scalar_a, b = weights.scalar_b;
  // The gates are computed in place in uh, one nonlinearity per loop (LSTM rows i, o, f are
  // sigmoid gates and c the tanh one; GRU z, r), then combined: short loops that vectorize.
  for (int64_t n = 0; n < p.batch; ++n) {
    const float* __restrict x_row = wx + n * wx_stride;
    float* __restrict g = uh + n * rows;
    float* __restrict h_row = h + n * hidden;
    const auto sigmoid_rows = [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) g[k] = Math::Sigmoid(x_row[k] + bw[k] + g[k] + bu[k]);
    };
    const auto tanh_rows = [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) g[k] = Math::Tanh(x_row[k] + bw[k] + g[k] + bu[k]);
    };
    switch (p.cell) {
      case CellKind::kLstm: {
        float* __restrict c_row = c + n * hidden;
        const float* __restrict gi = g;
        const float* __restrict go = g + hidden;
        const float* __restrict gf = g + 2 * hidden;
        const float* __restrict gc = g + 3 * hidden;
        const float* peep = weights.peephole;
        if (peep == nullptr) {
          sigmoid_rows(0, 3 * hidden);
          tanh_rows(3 * hidden, 4 * hidden);
          for (int64_t j = 0; j < hidden; ++j) c_row[j] = gf[j] * c_row[j] + gi[j] * gc[j];
          for (int64_t j = 0; j < hidden; ++j) h_row[j] = go[j] * Math::Tanh(c_row[j]);
          break;
        }
        // Peepholes: i and f read the old cell state, o the new one.
        for (int64_t j = 0; j < hidden; ++j) {
          const float c_prev = c_row[j];
          const auto pre = [&](int64_t k) { return x_row[k] + bw[k] + g[k] + bu[k]; };
          const float i = Math::Sigmoid(pre(j) + peep[j] * c_prev);
          const float f = Math::Sigmoid(pre(2 * hidden + j) + peep[2 * hidden + j] * c_prev);
          const float cell = Math::Tanh(pre(3 * hidden + j));
          const float c_next = f * c_prev + i * cell;
          const float o = Math::Sigmoid(pre(hidden + j) + peep[hidden + j] * c_next);
          c_row[j] = c_next;
          h_row[j] = o * Math::Tanh(c_next);
        }
        break;
      }
      case CellKind::kGru: {
        if (!p.linear_before_reset) break;  // below, after the candidate product
        sigmoid_rows(0, 2 * hidden);
        const float* __restrict z = g;
        const float* __restrict r = g + hidden;
        const float* __restrict xn = x_row + 2 * hidden;
        const float* __restrict un = g + 2 * hidden;
        const float* __restrict bwn = bw + 2 * hidden;
        const float* __restrict bun = bu + 2 * hidden;
        for (int64_t j = 0; j < hidden; ++j) {
          const float candidate = Math::Tanh(xn[j] + bwn[j] + r[j] * (un[j] + bun[j]));
          h_row[j] = (1.0f - z[j]) * candidate + z[j] * h_row[j];
        }
        break;
      }
      case CellKind::kFastRnn:
        if (p.activation == CellNonlinearity::kTanh) {
          tanh_rows(0, hidden);
        } else if (p.activation == CellNonlinearity::kSigmoid) {
          sigmoid_rows(0, hidden);
        } else {
          for (int64_t j = 0; j < hidden; ++j) {
            g[j] = std::max(x_row[j] + bw[j] + g[j] + bu[j], 0.0f);
          }
        }
        for (int64_t j = 0; j < hidden; ++j) h_row[j] = a * g[j] + b * h_row[j];
        break;
      case CellKind::kFastGrnn: {
        // bias_w is the z gate's, bias_u the candidate's; the candidate goes to the scratch
        // rows after uh.
        float* __restrict candidate = uh + p.batch * rows + n * hidden;
        for (int64_t j = 0; j < hidden; ++j) candidate[j] = Math::Tanh(x_row[j] + g[j] + bu[j]);
        for (int64_t j = 0; j < hidden; ++j) g[j] = Math::Sigmoid(x_row[j] + g[j] + bw[j]);
        for (int64_t j = 0; j < hidden; ++j) {
          h_row[j] = (a * (1.0f - g[j]) + b) * candidate[j] + g[j] * h_row[j];
        }
        break;
      }
    }
  }
  if (p.cell != CellKind::kGru || p.linear_before_reset) return;
  // GRU, linear_before_reset=0: the candidate reads U_h (r * h), so the gates come first.
  float* gated = uh + p.batch * rows;           // r * h, [batch, H]
  float* candidate = gated + p.batch * hidden;  // U_h (r * h)
  for (int64_t n = 0; n < p.batch; ++n) {
    const float* __restrict x_row = wx + n * wx_stride;
    float* __restrict g = uh + n * rows;
    for (int64_t k = 0; k < 2 * hidden; ++k) {
      g[k] = Math::Sigmoid(x_row[k] + bw[k] + g[k] + bu[k]);
    }
    const float* __restrict r = g + hidden;
    const float* __restrict h_row = h + n * hidden;
    float* __restrict gated_row = gated + n * hidden;
    for (int64_t j = 0; j < hidden; ++j) gated_row[j] = r[j] * h_row[j];
  }
  u_candidate->Apply(p.batch, gated, candidate);
  for (int64_t n = 0; n < p.batch; ++n) {
    const float* __restrict xn = wx + n * wx_stride + 2 * hidden;
    const float* __restrict z = uh + n * rows;
    const float* __restrict un = candidate + n * hidden;
    const float* __restrict bwn = bw + 2 * hidden;
    const float* __restrict bun = bu + 2 * hidden;
    float* __restrict h_row = h + n * hidden;
    for (int64_t j = 0; j < hidden; ++j) {
      const float next = Math::Tanh(xn[j] + bwn[j] + un[j] + bun[j]);
      h_row[j] = (1.0f - z[j]) * next + z[j] * h_row[j];
    }
  }
}

}  // namespace trit::ref
