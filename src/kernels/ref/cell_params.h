// What one recurrent step (cell_step.h) reads: the cell's kind and sizes, its biases and
// scalars. Plain fields, no containers: the freestanding runtime (src/micro) builds these on
// the stack and runs the same step as the reference.
#pragma once

#include <cstdint>

namespace trit::ref {

enum class CellKind { kLstm, kGru, kFastRnn, kFastGrnn };
enum class CellNonlinearity { kTanh, kSigmoid, kRelu };

struct CellParams {
  CellKind cell = CellKind::kLstm;
  int64_t batch = 1, hidden = 1;
  bool linear_before_reset = false;                       // GRU
  CellNonlinearity activation = CellNonlinearity::kTanh;  // FastRNN

  // Rows of W and U per hidden unit.
  int64_t gates() const { return cell == CellKind::kLstm ? 4 : cell == CellKind::kGru ? 3 : 1; }
};

// One direction's biases and scalars. Gate order of the rows as ONNX: LSTM i, o, f, c; GRU z, r,
// h. FastGRNN: bias_w is the z gate's, bias_u the candidate's.
struct CellWeights {
  const float* bias_w = nullptr;
  const float* bias_u = nullptr;
  const float* peephole = nullptr;  // LSTM: [3H] i, o, f, or null
  float scalar_a = 1.0f;            // FastRNN alpha, FastGRNN zeta
  float scalar_b = 0.0f;            // FastRNN beta, FastGRNN nu
};

// Floats of scratch one step needs: U h for every row; a GRU without linear_before_reset also
// r * h and its candidate product.
inline int64_t CellStepScratchFloats(const CellParams& p) {
  return p.batch * p.gates() * p.hidden + 2 * p.batch * p.hidden;
}

}  // namespace trit::ref
