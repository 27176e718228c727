#include "kernels/ref/recurrent.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "kernels/ref/cell_step.h"

namespace trit::ref {
namespace {

// U as the reference applies it: the structured product (float or int8), plain loops.
class StructuredMap final : public LinearMap {
 public:
  StructuredMap(const StructuredMatrixF32& m, const StructuredMatrixQ8* q8, int64_t batch)
      : m_(m), q8_(q8) {
    const int64_t bytes =
        q8 ? StructuredScratchBytesQ8(*q8, batch) : StructuredScratchFloats(m, batch) * 4;
    scratch_.resize(static_cast<size_t>(bytes + 7) / 8);
  }
  int64_t rows() const override { return q8_ ? q8_->rows : m_.rows; }
  void Apply(int64_t batch, const float* in, float* out) const override {
    if (q8_) {
      StructuredMatmulQ8(*q8_, batch, in, out, scratch_.data());
    } else {
      StructuredMatmulF32(m_, batch, in, out, reinterpret_cast<float*>(scratch_.data()));
    }
  }

 private:
  const StructuredMatrixF32& m_;
  const StructuredMatrixQ8* q8_;
  mutable std::vector<int64_t> scratch_;  // 8-byte aligned
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

void CellStepF32(const RecurrentParams& p, const RecurrentWeightsF32& weights, const float* wx,
                 int64_t wx_stride, const LinearMap& u, const LinearMap* u_candidate, float* h,
                 float* c, float* scratch) {
  CellStep<ReferenceMath>(p, weights, wx, wx_stride, u, u_candidate, h, c, scratch);
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
    const StructuredMap w(weights.w, weights.w_q8, p.batch);
    const StructuredMap u(weights.u, weights.u_q8, p.batch);
    const LastRowsMap u_candidate(u, hidden, p.batch);
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
      w.Apply(p.batch, x_t, wx);
      CellStepF32(p, weights, wx, rows, u, &u_candidate, h, c, step_scratch);
      if (!p.output_sequence) continue;
      for (int64_t b = 0; b < p.batch; ++b) {
        std::memcpy(y + (b * p.steps + t) * features + d * hidden, h + b * hidden,
                    static_cast<size_t>(hidden) * sizeof(float));
      }
    }
    if (p.output_sequence) continue;
    const float* last = p.output_cell_state ? c : h;
    for (int64_t b = 0; b < p.batch; ++b) {
      std::memcpy(y + b * features + d * hidden, last + b * hidden,
                  static_cast<size_t>(hidden) * sizeof(float));
    }
  }
}

}  // namespace trit::ref
