// Reference recurrent cells (LSTM, GRU, FastRNN, FastGRNN) over a sequence, with structured W and
// U (structured_matrix.h). The gate arithmetic of one step is shared with the runtime's scheduled
// kernel, which computes W x for a block of steps at once; this reference computes it step by
// step, the plain definition.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ref/cell_params.h"
#include "kernels/ref/structured_matrix.h"
#include "kernels/ref/structured_matrix_q8.h"

namespace trit::ref {

// One direction's weights: W and U (FastGRNN: H rows each, shared by the z gate and the
// candidate), the biases and scalars of cell_params.h.
struct RecurrentWeightsF32 : CellWeights {
  StructuredMatrixF32 w, u;
  // int8 W / U (structured_matrix_q8.h): when set, used instead of w / u.
  const StructuredMatrixQ8* w_q8 = nullptr;
  const StructuredMatrixQ8* u_q8 = nullptr;
};

struct RecurrentParams : CellParams {
  int64_t steps = 1, input_size = 1;
  bool reverse = false;  // one direction, last step first
  bool output_sequence = true;
  bool output_cell_state = false;               // LSTM, not output_sequence: y is the last c
  std::vector<RecurrentWeightsF32> directions;  // 1 or 2 (forward, backward)
};

// out[b] = M in[b] for `batch` vectors: how a step applies U (the reference applies its
// StructuredMatrixF32; the runtime a packed, prepared product).
class LinearMap {
 public:
  virtual ~LinearMap() = default;
  virtual int64_t rows() const = 0;
  virtual void Apply(int64_t batch, const float* in, float* out) const = 0;
};

// One time step for all batch rows. wx holds W x_t (no bias) for batch row b at wx + b * wx_stride;
// h and c ([batch, H], c only for LSTM) are updated in place. `u` applies U (all rows);
// `u_candidate` applies U's candidate rows (the last H) and is read only by a GRU with
// linear_before_reset=0, which multiplies them by r * h.
void CellStepF32(const RecurrentParams& p, const RecurrentWeightsF32& weights, const float* wx,
                 int64_t wx_stride, const LinearMap& u, const LinearMap* u_candidate, float* h,
                 float* c, float* scratch);

// Floats of scratch RecurrentF32 needs.
int64_t RecurrentScratchFloats(const RecurrentParams& p);

// x [N, T, I]; h0, c0 [N, D*H] or null (zeros); y [N, T, D*H] (output_sequence) or [N, D*H], the
// directions side by side, the backward direction's last state the one after step 0.
void RecurrentF32(const RecurrentParams& p, const float* x, const float* h0, const float* c0,
                  float* y, float* scratch);

}  // namespace trit::ref
