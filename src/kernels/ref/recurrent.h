// Reference recurrent cells (LSTM, GRU, FastRNN, FastGRNN) over a sequence, with structured W and
// U (structured_matrix.h). The gate arithmetic of one step is shared with the runtime's scheduled
// kernel, which computes W x for a block of steps at once; this reference computes it step by
// step, the plain definition.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ref/structured_matrix.h"
#include "kernels/ref/structured_matrix_q8.h"

namespace trit::ref {

enum class CellKind { kLstm, kGru, kFastRnn, kFastGrnn };
enum class CellNonlinearity { kTanh, kSigmoid, kRelu };

// One direction's weights. Gate order of the rows of W, U and the biases as ONNX: LSTM i, o, f, c;
// GRU z, r, h. FastGRNN: W and U have H rows, bias_w is the z gate's, bias_u the candidate's.
struct RecurrentWeightsF32 {
  StructuredMatrixF32 w, u;
  // int8 W / U (structured_matrix_q8.h): when set, used instead of w / u.
  const StructuredMatrixQ8* w_q8 = nullptr;
  const StructuredMatrixQ8* u_q8 = nullptr;
  const float* bias_w = nullptr;
  const float* bias_u = nullptr;
  const float* peephole = nullptr;  // LSTM: [3H] i, o, f, or null
  float scalar_a = 1.0f;            // FastRNN alpha, FastGRNN zeta
  float scalar_b = 0.0f;            // FastRNN beta, FastGRNN nu
};

struct RecurrentParams {
  CellKind cell = CellKind::kLstm;
  int64_t batch = 1, steps = 1, input_size = 1, hidden = 1;
  bool reverse = false;  // one direction, last step first
  bool output_sequence = true;
  bool output_cell_state = false;    // LSTM, not output_sequence: y is the last c, not h
  bool linear_before_reset = false;  // GRU
  CellNonlinearity activation = CellNonlinearity::kTanh;  // FastRNN
  std::vector<RecurrentWeightsF32> directions;            // 1 or 2 (forward, backward)

  int64_t gates() const;  // rows of W and U per hidden unit
};

// out[b] = M in[b] for `batch` vectors: how a step applies U (the reference applies its
// StructuredMatrixF32; the runtime a packed, prepared product).
class LinearMap {
 public:
  virtual ~LinearMap() = default;
  virtual int64_t rows() const = 0;
  virtual void Apply(int64_t batch, const float* in, float* out) const = 0;
};

// Floats of scratch CellStepF32 needs.
int64_t CellStepScratchFloats(const RecurrentParams& p);

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
