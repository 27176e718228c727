#include "kernels/ref/recurrent.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

namespace trit::ref {
namespace {

float Sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

float Apply(CellNonlinearity f, float v) {
  switch (f) {
    case CellNonlinearity::kTanh:
      return std::tanh(v);
    case CellNonlinearity::kSigmoid:
      return Sigmoid(v);
    case CellNonlinearity::kRelu:
      return std::max(v, 0.0f);
  }
  return v;
}

// U as the reference applies it: the structured product, plain loops.
class StructuredMap final : public LinearMap {
 public:
  StructuredMap(const StructuredMatrixF32& m, int64_t batch)
      : m_(m), scratch_(static_cast<size_t>(StructuredScratchFloats(m, batch))) {}
  int64_t rows() const override { return m_.rows; }
  void Apply(int64_t batch, const float* in, float* out) const override {
    StructuredMatmulF32(m_, batch, in, out, scratch_.data());
  }

 private:
  const StructuredMatrixF32& m_;
  mutable std::vector<float> scratch_;
};

// The last `rows` rows of another map's product.
class LastRowsMap final : public LinearMap {
 public:
  LastRowsMap(const LinearMap& full, int64_t rows, int64_t batch)
      : full_(full), rows_(rows), product_(static_cast<size_t>(batch * full.rows())) {}
  int64_t rows() const override { return rows_; }
  void Apply(int64_t batch, const float* in, float* out) const override {
    full_.Apply(batch, in, product_.data());
    const int64_t skip = full_.rows() - rows_;
    for (int64_t b = 0; b < batch; ++b) {
      std::memcpy(out + b * rows_, product_.data() + b * full_.rows() + skip,
                  static_cast<size_t>(rows_) * sizeof(float));
    }
  }

 private:
  const LinearMap& full_;
  int64_t rows_;
  mutable std::vector<float> product_;
};

}  // namespace

int64_t RecurrentParams::gates() const {
  switch (cell) {
    case CellKind::kLstm:
      return 4;
    case CellKind::kGru:
      return 3;
    default:
      return 1;
  }
}

int64_t CellStepScratchFloats(const RecurrentParams& p) {
  // U h for every row; a GRU without linear_before_reset also r * h and its candidate product.
  return p.batch * p.gates() * p.hidden + 2 * p.batch * p.hidden;
}

void CellStepF32(const RecurrentParams& p, const RecurrentWeightsF32& weights, const float* wx,
                 int64_t wx_stride, const LinearMap& u, const LinearMap* u_candidate, float* h,
                 float* c, float* scratch) {
  const int64_t hidden = p.hidden, rows = p.gates() * hidden;
  float* uh = scratch;
  u.Apply(p.batch, h, uh);
  const float* bw = weights.bias_w;
  const float* bu = weights.bias_u;
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* x_row = wx + b * wx_stride;
    const float* u_row = uh + b * rows;
    float* h_row = h + b * hidden;
    const auto pre = [&](int64_t gate, int64_t j) {
      const int64_t k = gate * hidden + j;
      return x_row[k] + bw[k] + u_row[k] + bu[k];
    };
    switch (p.cell) {
      case CellKind::kLstm: {
        float* c_row = c + b * hidden;
        const float* peep = weights.peephole;
        for (int64_t j = 0; j < hidden; ++j) {
          const float c_prev = c_row[j];
          const float gi = Sigmoid(pre(0, j) + (peep ? peep[j] * c_prev : 0.0f));
          const float gf = Sigmoid(pre(2, j) + (peep ? peep[2 * hidden + j] * c_prev : 0.0f));
          const float gc = std::tanh(pre(3, j));
          const float c_next = gf * c_prev + gi * gc;
          const float go = Sigmoid(pre(1, j) + (peep ? peep[hidden + j] * c_next : 0.0f));
          c_row[j] = c_next;
          h_row[j] = go * std::tanh(c_next);
        }
        break;
      }
      case CellKind::kGru:
        if (p.linear_before_reset) {
          for (int64_t j = 0; j < hidden; ++j) {
            const float z = Sigmoid(pre(0, j));
            const float r = Sigmoid(pre(1, j));
            const int64_t k = 2 * hidden + j;
            const float n = std::tanh(x_row[k] + bw[k] + r * (u_row[k] + bu[k]));
            h_row[j] = (1.0f - z) * n + z * h_row[j];
          }
        }
        break;
      case CellKind::kFastRnn:
        for (int64_t j = 0; j < hidden; ++j) {
          h_row[j] =
              weights.scalar_a * Apply(p.activation, pre(0, j)) + weights.scalar_b * h_row[j];
        }
        break;
      case CellKind::kFastGrnn:
        for (int64_t j = 0; j < hidden; ++j) {
          const float a = x_row[j] + u_row[j];
          const float z = Sigmoid(a + bw[j]);
          const float candidate = std::tanh(a + bu[j]);
          h_row[j] = (weights.scalar_a * (1.0f - z) + weights.scalar_b) * candidate + z * h_row[j];
        }
        break;
    }
  }
  if (p.cell != CellKind::kGru || p.linear_before_reset) return;
  // GRU, linear_before_reset=0: the candidate reads U_h (r * h), so the gates come first.
  float* gated = uh + p.batch * rows;           // r * h, [batch, H]
  float* candidate = gated + p.batch * hidden;  // U_h (r * h)
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* x_row = wx + b * wx_stride;
    const float* u_row = uh + b * rows;
    for (int64_t j = 0; j < hidden; ++j) {
      const int64_t k = hidden + j;
      const float r = Sigmoid(x_row[k] + bw[k] + u_row[k] + bu[k]);
      gated[b * hidden + j] = r * h[b * hidden + j];
    }
  }
  u_candidate->Apply(p.batch, gated, candidate);
  for (int64_t b = 0; b < p.batch; ++b) {
    const float* x_row = wx + b * wx_stride;
    const float* u_row = uh + b * rows;
    for (int64_t j = 0; j < hidden; ++j) {
      const float z = Sigmoid(x_row[j] + bw[j] + u_row[j] + bu[j]);
      const int64_t k = 2 * hidden + j;
      const float n = std::tanh(x_row[k] + bw[k] + candidate[b * hidden + j] + bu[k]);
      h[b * hidden + j] = (1.0f - z) * n + z * h[b * hidden + j];
    }
  }
}

int64_t RecurrentScratchFloats(const RecurrentParams& p) {
  const int64_t rows = p.gates() * p.hidden;
  // x_t gathered, W x_t, h and c, the step's scratch
  return p.batch * p.input_size + p.batch * rows + 2 * p.batch * p.hidden +
         CellStepScratchFloats(p);
}

void RecurrentF32(const RecurrentParams& p, const float* x, const float* h0, const float* c0,
                  float* y, float* scratch) {
  const int64_t hidden = p.hidden, rows = p.gates() * hidden;
  const auto directions = static_cast<int64_t>(p.directions.size());
  const int64_t features = directions * hidden;
  float* x_t = scratch;
  float* wx = x_t + p.batch * p.input_size;
  float* h = wx + p.batch * rows;
  float* c = h + p.batch * hidden;
  float* step_scratch = c + p.batch * hidden;
  for (int64_t d = 0; d < directions; ++d) {
    const RecurrentWeightsF32& weights = p.directions[static_cast<size_t>(d)];
    const StructuredMap u(weights.u, p.batch);
    const LastRowsMap u_candidate(u, hidden, p.batch);
    std::vector<float> w_scratch(static_cast<size_t>(StructuredScratchFloats(weights.w, p.batch)));
    for (int64_t b = 0; b < p.batch; ++b) {
      for (int64_t j = 0; j < hidden; ++j) {
        const int64_t at = b * features + d * hidden + j;
        h[b * hidden + j] = h0 ? h0[at] : 0.0f;
        c[b * hidden + j] = c0 ? c0[at] : 0.0f;
      }
    }
    const bool backward = d == 1 || p.reverse;
    for (int64_t s = 0; s < p.steps; ++s) {
      const int64_t t = backward ? p.steps - 1 - s : s;
      for (int64_t b = 0; b < p.batch; ++b) {
        std::memcpy(x_t + b * p.input_size, x + (b * p.steps + t) * p.input_size,
                    static_cast<size_t>(p.input_size) * sizeof(float));
      }
      StructuredMatmulF32(weights.w, p.batch, x_t, wx, w_scratch.data());
      CellStepF32(p, weights, wx, rows, u, &u_candidate, h, c, step_scratch);
      if (!p.output_sequence) continue;
      for (int64_t b = 0; b < p.batch; ++b) {
        std::memcpy(y + (b * p.steps + t) * features + d * hidden, h + b * hidden,
                    static_cast<size_t>(hidden) * sizeof(float));
      }
    }
    if (p.output_sequence) continue;
    for (int64_t b = 0; b < p.batch; ++b) {
      std::memcpy(y + b * features + d * hidden, h + b * hidden,
                  static_cast<size_t>(hidden) * sizeof(float));
    }
  }
}

}  // namespace trit::ref
