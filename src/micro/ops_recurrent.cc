// LSTM, GRU, FastRNN and FastGRNN on a microcontroller: int8 W and U read from flash, fp32
// input, state and output. W and U are dense int8 rows (one scale per row or one in all, as
// `trit compress --weights int8` writes them) or, per gate, a low-rank pair A [H, k] (one scale
// per row or one), B [k, cols] (one scale). Each step quantizes its input vector (x_t, then h)
// symmetrically, sums the int8 products exactly (int32; a low-rank gate's outer sum in int64)
// and dequantizes as float(sum) * (x_scale * row_scale): the int8 semantics of
// kernels/ref/structured_matrix_q8.h. The gate arithmetic is the reference's own step
// (kernels/ref/cell_step.h with its portable nonlinearities). Built without fused
// multiply-adds (sources.cmake), the bytes are the host's at TRIT_ISA=ref.
//
// Other structures (Kronecker, HMD) and fp32 W or U are refused at load with a message;
// compressing with --weights int8 gives what this runs.
#include <cstring>

#include "core/op_type.h"
#if defined(__ARM_FEATURE_MVE)
#include "kernels/cortex_m/q8_dot_mve.h"
#endif
#include "kernels/ref/cell_step.h"
#include "kernels/ref/quantize_vector_q8.h"
#include "kernels/registry/cortex_m.h"
#include "micro/op.h"

namespace trit::micro {
namespace {

struct MicroBuild {};  // this runtime's instantiation of the vector quantizer

constexpr int kMaxDirections = 2;

// A dense int8 matrix in the model: levels [rows, cols] row-major, float scales.
struct DenseQ8 {
  uint32_t levels, scales;  // model offsets
  int32_t rows, cols, scale_count;
};

// W or U: dense rows [gates * H, cols], or per gate a low-rank pair a [H, rank], b [rank, cols]
// (then `pairs` is the arena offset of DenseQ8[2 * gates]: a, b of gate 0, then of gate 1, ...).
struct MatrixQ8 {
  DenseQ8 dense;  // rows and cols only, when low-rank
  uint32_t pairs;
  int32_t low_rank, gates, rank;
};

struct DirectionParams {
  MatrixQ8 w, u;
  uint32_t bias_w, bias_u, peephole;  // model offsets; bias_u 0: folded (zeros); peephole 0: none
  float scalar_a, scalar_b;
};

struct RecurrentParams {
  int32_t cell, batch, steps, input_size, hidden, directions;
  int32_t initial_h, initial_c;  // node input indices, 0: none (zeros)
  uint32_t zeros;                // arena offset of float[gates * hidden]: a folded bias_u
  uint8_t reverse, output_sequence, output_cell_state, linear_before_reset, activation;
  uint8_t reserved[3];
  DirectionParams direction[kMaxDirections];
};

// out[b * rows + r] = M[first_row + r] . in[b] for the rows of gates [first_gate, first_gate +
// count), by the int8 semantics above; `q` holds one quantized input vector, `t` a low-rank
// gate's inner products. What the step calls to apply W and U.
class MatrixQ8Map {
 public:
  MatrixQ8Map(const RunArgs& a, const MatrixQ8& m, int32_t first_gate, int32_t count, int8_t* q,
              int32_t* t)
      : args_(a), m_(m), first_gate_(first_gate), count_(count), q_(q), t_(t) {}

  void Apply(int64_t batch, const float* in, float* out) const {
    const int32_t cols = m_.dense.cols, hidden = m_.dense.rows / m_.gates;
    const int32_t rows = count_ * hidden;
    for (int64_t b = 0; b < batch; ++b) {
      const float x_scale = ref::QuantizeVectorQ8Loops<MicroBuild>(in + b * cols, cols, q_);
      float* y = out + b * rows;
      if (!m_.low_rank) {
        DenseRows(m_.dense, first_gate_ * hidden, rows, x_scale, y);
        continue;
      }
      for (int32_t g = 0; g < count_; ++g) LowRankGate(first_gate_ + g, x_scale, y + g * hidden);
    }
  }

 private:
  // Exact: |levels| <= 127 and cols <= 2^16 (checked at load).
  int32_t Dot(const int8_t* w, int32_t cols) const {
#if defined(__ARM_FEATURE_MVE)
    return cortex_m::DotQ8Mve(w, q_, cols);
#else
    int32_t sum = 0;
    for (int32_t k = 0; k < cols; ++k) sum += int32_t{w[k]} * q_[k];
    return sum;
#endif
  }

  void DenseRows(const DenseQ8& d, int32_t first_row, int32_t rows, float x_scale, float* y) const {
    const int8_t* levels = FromModel<int8_t>(args_, d.levels);
    const float* scales = FromModel<float>(args_, d.scales);
    for (int32_t r = 0; r < rows; ++r) {
      const int32_t row = first_row + r;
      const int32_t sum = Dot(levels + static_cast<int64_t>(row) * d.cols, d.cols);
      y[r] = static_cast<float>(sum) * (x_scale * scales[d.scale_count == 1 ? 0 : row]);
    }
  }

  // t = b q in int32, then each row's a . t in int64 (|a| <= 127, |t| < 2^31, rank <= 2^16).
  void LowRankGate(int32_t gate, float x_scale, float* y) const {
    const DenseQ8* pair = FromArena<DenseQ8>(args_, m_.pairs) + 2 * gate;
    const DenseQ8& a = pair[0];
    const DenseQ8& b = pair[1];
    const int8_t* b_levels = FromModel<int8_t>(args_, b.levels);
    for (int32_t k = 0; k < b.rows; ++k) {
      t_[k] = Dot(b_levels + static_cast<int64_t>(k) * b.cols, b.cols);
    }
    const int8_t* a_levels = FromModel<int8_t>(args_, a.levels);
    const float* a_scales = FromModel<float>(args_, a.scales);
    const float b_scale = FromModel<float>(args_, b.scales)[0];
    for (int32_t r = 0; r < a.rows; ++r) {
      const int8_t* row = a_levels + static_cast<int64_t>(r) * a.cols;
      int64_t sum = 0;
      for (int32_t k = 0; k < a.cols; ++k) sum += int64_t{row[k]} * t_[k];
      y[r] = static_cast<float>(sum) * (x_scale * (a_scales[a.scale_count == 1 ? 0 : r] * b_scale));
    }
  }

  const RunArgs& args_;
  const MatrixQ8& m_;
  int32_t first_gate_, count_;
  int8_t* q_;
  int32_t* t_;
};

size_t AlignFloats(size_t floats) { return (floats + 3) & ~size_t{3}; }

// The scratch, in floats then bytes: x_t, W x_t, h, c, the step's scratch, a low-rank gate's
// inner products (int32), then one quantized input vector.
struct ScratchLayout {
  size_t x, wx, h, c, step, t, q, bytes;
};

ScratchLayout LayoutOf(const RecurrentParams& p, const ref::CellParams& cell) {
  const auto batch = static_cast<size_t>(p.batch), hidden = static_cast<size_t>(p.hidden);
  const auto rows = static_cast<size_t>(cell.gates()) * hidden;
  ScratchLayout s;
  s.x = 0;
  s.wx = s.x + AlignFloats(batch * static_cast<size_t>(p.input_size));
  s.h = s.wx + AlignFloats(batch * rows);
  s.c = s.h + AlignFloats(batch * hidden);
  s.step = s.c + AlignFloats(batch * hidden);
  s.t = s.step + AlignFloats(static_cast<size_t>(ref::CellStepScratchFloats(cell)));
  const int32_t rank =
      p.direction[0].w.rank > p.direction[0].u.rank ? p.direction[0].w.rank : p.direction[0].u.rank;
  const int32_t rank_2 =
      p.direction[1].w.rank > p.direction[1].u.rank ? p.direction[1].w.rank : p.direction[1].u.rank;
  s.q = s.t + AlignFloats(static_cast<size_t>(rank > rank_2 ? rank : rank_2));
  const size_t widest = static_cast<size_t>(p.input_size > p.hidden ? p.input_size : p.hidden);
  s.bytes = s.q * sizeof(float) + widest;
  return s;
}

ref::CellParams CellOf(const RecurrentParams& p) {
  ref::CellParams cell;
  cell.cell = static_cast<ref::CellKind>(p.cell);
  cell.batch = p.batch;
  cell.hidden = p.hidden;
  cell.linear_before_reset = p.linear_before_reset != 0;
  cell.activation = static_cast<ref::CellNonlinearity>(p.activation);
  return cell;
}

void RunRecurrent(const RunArgs& a) {
  const auto& p = *static_cast<const RecurrentParams*>(a.params);
  const ref::CellParams cell = CellOf(p);
  const ScratchLayout layout = LayoutOf(p, cell);
  auto* scratch = static_cast<float*>(a.scratch);
  float* x_t = scratch + layout.x;
  float* wx = scratch + layout.wx;
  float* h = scratch + layout.h;
  float* c = scratch + layout.c;
  float* step_scratch = scratch + layout.step;
  auto* q = reinterpret_cast<int8_t*>(scratch + layout.q);
  auto* inner = reinterpret_cast<int32_t*>(scratch + layout.t);
  const auto* x = static_cast<const float*>(a.inputs[0]);
  const auto* h0 = p.initial_h ? static_cast<const float*>(a.inputs[p.initial_h]) : nullptr;
  const auto* c0 = p.initial_c ? static_cast<const float*>(a.inputs[p.initial_c]) : nullptr;
  auto* y = static_cast<float*>(a.outputs[0]);
  const int64_t batch = p.batch, steps = p.steps, inputs = p.input_size, hidden = p.hidden;
  const int64_t rows = cell.gates() * hidden, features = p.directions * hidden;
  for (int d = 0; d < p.directions; ++d) {
    const DirectionParams& dir = p.direction[d];
    ref::CellWeights weights;
    weights.bias_w = FromModel<float>(a, dir.bias_w);
    weights.bias_u = dir.bias_u ? FromModel<float>(a, dir.bias_u) : FromArena<float>(a, p.zeros);
    weights.peephole = dir.peephole ? FromModel<float>(a, dir.peephole) : nullptr;
    weights.scalar_a = dir.scalar_a;
    weights.scalar_b = dir.scalar_b;
    const int32_t gates = cell.gates();
    const MatrixQ8Map w(a, dir.w, 0, gates, q, inner);
    const MatrixQ8Map u(a, dir.u, 0, gates, q, inner);
    // A GRU with linear_before_reset=0 applies U's candidate rows (the last gate's) to r * h.
    const MatrixQ8Map u_candidate(a, dir.u, gates - 1, 1, q, inner);
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t j = 0; j < hidden; ++j) {
        const int64_t at = b * features + d * hidden + j;
        h[b * hidden + j] = h0 ? h0[at] : 0.0f;
        c[b * hidden + j] = c0 ? c0[at] : 0.0f;
      }
    }
    const bool backward = d == 1 || p.reverse;
    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = backward ? steps - 1 - s : s;
      for (int64_t b = 0; b < batch; ++b) {
        std::memcpy(x_t + b * inputs, x + (b * steps + t) * inputs,
                    static_cast<size_t>(inputs) * sizeof(float));
      }
      w.Apply(batch, x_t, wx);
      ref::CellStep<ref::ReferenceMath>(cell, weights, wx, rows, u, &u_candidate, h, c,
                                        step_scratch);
      if (!p.output_sequence) continue;
      for (int64_t b = 0; b < batch; ++b) {
        std::memcpy(y + (b * steps + t) * features + d * hidden, h + b * hidden,
                    static_cast<size_t>(hidden) * sizeof(float));
      }
    }
    if (p.output_sequence) continue;
    const float* last = p.output_cell_state ? c : h;
    for (int64_t b = 0; b < batch; ++b) {
      std::memcpy(y + b * features + d * hidden, last + b * hidden,
                  static_cast<size_t>(hidden) * sizeof(float));
    }
  }
}

bool Equals(const char* a, const char* b) { return std::strcmp(a, b) == 0; }

// Reads a node's inputs in the layout's order (core/recurrent_layout.h).
class InputCursor {
 public:
  explicit InputCursor(PrepareContext& c) : c_(c) {}
  bool has_next() const { return next_ < c_.input_count(); }
  int index() const { return next_; }
  TensorInfo Next() { return c_.input(next_++); }
  int consumed() const { return next_; }

 private:
  PrepareContext& c_;
  int next_ = 1;
};

// A dense int8 constant [rows, cols] with one scale per row or one in all, zero points 0.
Status ReadDenseQ8(PrepareContext& c, InputCursor& in, const char* which, int64_t rows,
                   int64_t cols, DenseQ8* m) {
  if (!in.has_next()) return c.BadShape() << "W or U missing";
  const TensorInfo t = in.Next();
  if (t.dtype == DType::kF32) {
    return c.Unsupported() << which << " is f32: the microcontroller runtime takes int8 W and U "
                           << "(trit compress --weights int8)";
  }
  if (!t.is_constant() || t.dtype != DType::kI8 || t.rank != 2) {
    return c.Unsupported() << which << " must be a dense int8 constant";
  }
  if (t.dim(0) != rows || t.dim(1) != cols) {
    return c.BadShape() << which << " must be [" << rows << ", " << cols << "]";
  }
  const fb::QuantParams* quant = t.tensor->quant();
  if (!quant || !quant->scale() || (t.scale_count != 1 && t.scale_count != rows)) {
    return c.Unsupported() << which << " needs one scale per row or one in all";
  }
  if (quant->zero_point()) {
    for (const int32_t zero : *quant->zero_point()) {
      if (zero != 0) return c.Unsupported() << which << " has a nonzero zero point";
    }
  }
  *m = {c.ModelOffset(t.data), c.ModelOffset(quant->scale()->data()), static_cast<int32_t>(rows),
        static_cast<int32_t>(cols), t.scale_count};
  return Status::kOk;
}

// W or U of `gates` row blocks of `hidden` rows, dense or (`low_rank`) a pair a [hidden, k],
// b [k, cols] per gate, block after block (core/structured_layout.h).
Status ReadMatrixQ8(PrepareContext& c, InputCursor& in, const char* which, bool low_rank,
                    int32_t gates, int64_t hidden, int64_t cols, MatrixQ8* m) {
  m->gates = gates;
  m->low_rank = low_rank;
  m->dense.rows = static_cast<int32_t>(gates * hidden);
  m->dense.cols = static_cast<int32_t>(cols);
  if (!low_rank) {
    const Status s = ReadDenseQ8(c, in, which, gates * hidden, cols, &m->dense);
    m->rank = 0;
    return s;
  }
  auto* pairs = c.Allocate<DenseQ8>(2 * static_cast<size_t>(gates));
  if (!pairs) return Status::kInvalidArgument;
  m->pairs = c.ArenaOffset(pairs);
  for (int32_t g = 0; g < gates; ++g) {
    if (!in.has_next()) return c.BadShape() << which << ": a low-rank part missing";
    const int64_t rank = c.input(in.index()).rank == 2 ? c.input(in.index()).dim(1) : 0;
    if (rank < 1 || rank > (1 << 16) || (g > 0 && rank != m->rank)) {
      return c.BadShape() << which << ": low-rank parts of one rank, 1 to 65536";
    }
    m->rank = static_cast<int32_t>(rank);
    Status s = ReadDenseQ8(c, in, which, hidden, rank, &pairs[2 * g]);
    if (s == Status::kOk) s = ReadDenseQ8(c, in, which, rank, cols, &pairs[2 * g + 1]);
    if (s != Status::kOk) return s;
    if (pairs[2 * g + 1].scale_count != 1) {
      return c.Unsupported() << which << ": a low-rank B part needs one scale";
    }
  }
  return Status::kOk;
}

// The next input, an f32 constant of `elements` values: its model offset (0 when `empty_ok`
// and it has none).
Status ReadF32(PrepareContext& c, InputCursor& in, const char* which, int64_t elements,
               bool empty_ok, uint32_t* offset) {
  if (!in.has_next()) return c.BadShape() << which << " missing";
  const TensorInfo t = in.Next();
  if (empty_ok && t.elements == 0 && t.dtype == DType::kF32) {
    *offset = 0;
    return Status::kOk;
  }
  if (!IsConstant(t, DType::kF32, elements)) {
    return c.Unsupported() << which << " must be an f32 constant of " << elements << " values";
  }
  *offset = c.ModelOffset(t.data);
  return Status::kOk;
}

}  // namespace

Status PrepareRecurrent(PrepareContext& c) {
  const fb::Node* node = c.node();
  const auto op = static_cast<OpType>(node->op());
  if (c.output_count() != 1 || c.input_count() < 1) {
    return c.BadShape() << "a recurrent cell has inputs and 1 output";
  }
  const TensorInfo x = c.input(0), y = c.output(0);
  if (x.dtype != DType::kF32 || y.dtype != DType::kF32 || x.is_constant()) {
    return c.Unsupported() << "a recurrent cell takes and gives f32 (its weights are int8)";
  }
  if (x.rank != 3 || x.dim(1) < 1) return c.BadShape() << "input must be [N, T, I]";
  bool low_rank[2];
  int matrix_index = 0;
  for (const char* matrix : {"w_structure", "u_structure"}) {
    const char* structure = StringAttribute(node, matrix, "dense");
    low_rank[matrix_index++] = Equals(structure, "lowrank");
    if (!Equals(structure, "dense") && !Equals(structure, "lowrank")) {
      return c.Unsupported() << matrix << " '" << structure
                             << "': the microcontroller runtime takes dense and low-rank W and U";
    }
  }
  auto* p = c.Allocate<RecurrentParams>(1);
  if (!p) return Status::kInvalidArgument;
  c.params = p;
  p->cell = static_cast<int32_t>(op) - static_cast<int32_t>(OpType::kLstm);
  const int64_t hidden = IntAttribute(node, "hidden_size", 0);
  // Limits that keep every product exact in int32 and every size in 32 bits.
  constexpr int64_t kMaxSize = 1 << 16;
  if (hidden < 1 || hidden > kMaxSize || x.dim(2) < 1 || x.dim(2) > kMaxSize || x.dim(0) < 1 ||
      x.dim(0) > kMaxSize || x.dim(1) > kMaxSize) {
    return c.BadShape() << "sizes out of range (hidden_size and the input's from 1 to 65536)";
  }
  p->batch = static_cast<int32_t>(x.dim(0));
  p->steps = static_cast<int32_t>(x.dim(1));
  p->input_size = static_cast<int32_t>(x.dim(2));
  p->hidden = static_cast<int32_t>(hidden);
  const char* direction = StringAttribute(node, "direction", "forward");
  p->directions = Equals(direction, "bidirectional") ? 2 : 1;
  p->reverse = Equals(direction, "reverse");
  if (!Equals(direction, "forward") && !Equals(direction, "reverse") && p->directions == 1) {
    return c.Unsupported() << "direction '" << direction << "'";
  }
  p->output_sequence = IntAttribute(node, "output_sequence", 1) != 0;
  p->output_cell_state = IntAttribute(node, "output_cell_state", 0) != 0;
  if (p->output_cell_state && (op != OpType::kLstm || p->output_sequence)) {
    return c.BadShape() << "output_cell_state needs an LSTM with output_sequence=0";
  }
  const bool peepholes = op == OpType::kLstm && IntAttribute(node, "peepholes", 0) != 0;
  p->linear_before_reset = op == OpType::kGru && IntAttribute(node, "linear_before_reset", 0);
  if (op == OpType::kFastRnn) {
    const char* activation = StringAttribute(node, "activation", "tanh");
    if (Equals(activation, "sigmoid")) {
      p->activation = static_cast<uint8_t>(ref::CellNonlinearity::kSigmoid);
    } else if (Equals(activation, "relu")) {
      p->activation = static_cast<uint8_t>(ref::CellNonlinearity::kRelu);
    } else if (!Equals(activation, "tanh")) {
      return c.Unsupported() << "activation '" << activation << "'";
    }
  }
  const ref::CellParams cell = CellOf(*p);
  const int64_t rows = cell.gates() * hidden;
  // The scratch (LayoutOf) is under batch * (I + 8 rows) floats: keep it addressable in 32 bits.
  if (x.dim(0) * (x.dim(2) + 8 * rows) > (int64_t{1} << 26)) {
    return c.BadShape() << "too large for a microcontroller (scratch over 256 MiB)";
  }
  const int64_t bias_size = op == OpType::kFastGrnn ? hidden : rows;
  // An empty bias_u stands for zeros where it only adds to bias_w.
  const bool bias_u_may_fold = op == OpType::kLstm || op == OpType::kFastRnn ||
                               (op == OpType::kGru && !p->linear_before_reset);
  InputCursor in(c);
  for (int d = 0; d < p->directions; ++d) {
    DirectionParams& dir = p->direction[d];
    const int32_t gates = cell.gates();
    Status s = ReadMatrixQ8(c, in, "W", low_rank[0], gates, hidden, x.dim(2), &dir.w);
    if (s == Status::kOk) s = ReadMatrixQ8(c, in, "U", low_rank[1], gates, hidden, hidden, &dir.u);
    if (s == Status::kOk) s = ReadF32(c, in, "bias_w", bias_size, false, &dir.bias_w);
    if (s == Status::kOk) s = ReadF32(c, in, "bias_u", bias_size, bias_u_may_fold, &dir.bias_u);
    if (s == Status::kOk && peepholes) {
      s = ReadF32(c, in, "peephole", 3 * hidden, false, &dir.peephole);
    }
    dir.scalar_a = 1.0f;
    dir.scalar_b = 0.0f;
    if (s == Status::kOk && (op == OpType::kFastRnn || op == OpType::kFastGrnn)) {
      uint32_t a = 0, b = 0;
      s = ReadF32(c, in, "alpha or zeta", 1, false, &a);
      if (s == Status::kOk) s = ReadF32(c, in, "beta or nu", 1, false, &b);
      if (s == Status::kOk) {
        std::memcpy(&dir.scalar_a, c.input(in.consumed() - 2).data, sizeof(float));
        std::memcpy(&dir.scalar_b, c.input(in.consumed() - 1).data, sizeof(float));
      }
    }
    if (s != Status::kOk) return s;
  }
  const int64_t features = p->directions * hidden;
  if (IntAttribute(node, "initial_state", 0) != 0) {
    for (int32_t* slot : {&p->initial_h, &p->initial_c}) {
      if (slot == &p->initial_c && op != OpType::kLstm) break;
      if (!in.has_next()) return c.BadShape() << "initial state missing";
      *slot = in.index();
      const TensorInfo state = in.Next();
      if (state.dtype != DType::kF32 || state.elements != p->batch * features) {
        return c.BadShape() << "initial state must be f32 [N, D*H]";
      }
    }
  }
  if (in.has_next()) return c.BadShape() << "more inputs than its attributes name";
  const int64_t expected = p->batch * features * (p->output_sequence ? p->steps : 1);
  if (y.elements != expected) return c.BadShape() << "output must hold " << expected << " values";
  auto* zeros = c.Allocate<float>(static_cast<size_t>(rows));
  if (!zeros) return Status::kInvalidArgument;
  p->zeros = c.ArenaOffset(zeros);
  c.scratch_bytes = LayoutOf(*p, cell).bytes;
  c.run = RunRecurrent;
  // The row products' kernel at the context's level, for the report (the runtime compiled for
  // Helium runs it; kernels/registry/cortex_m.h).
  if (const auto* chosen = FindKernel(CortexMDotKernels(), true, c.level())) {
    c.kernel = chosen->name.data();
  }
  return Status::kOk;
}

}  // namespace trit::micro
