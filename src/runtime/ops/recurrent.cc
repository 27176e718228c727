// LSTM, GRU, FastRNN and FastGRNN bindings (fp32). The schedule: W x for a block of time steps
// as one product over all of the block's (batch, step) rows, then only U h step by step; the
// gate arithmetic is the reference's (kernels/ref/cell_step.h) with vectorized polynomial
// sigmoid and tanh on x86 and AArch64 (kernels/fast_math.h), so results differ from
// ref::RecurrentF32 by the products' summation order and about 1e-7 per nonlinearity.
#include "kernels/ref/recurrent.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/recurrent_layout.h"
#include "kernels/registry/recurrent.h"
#include "runtime/op_kernel.h"
#include "runtime/ops/op_support.h"
#include "runtime/ops/structured_product.h"

namespace trit::runtime {
namespace {

// The kernel layer's enums follow the IR's order (core/recurrent_layout.h, core/op_type.h).
static_assert(static_cast<int>(ref::CellKind::kFastGrnn) ==
              static_cast<int>(OpType::kFastGrnn) - static_cast<int>(OpType::kLstm));
static_assert(static_cast<int>(ref::StructureKind::kHmd) ==
              static_cast<int>(MatrixStructure::kHmd));
static_assert(static_cast<int>(ref::CellNonlinearity::kRelu) ==
              static_cast<int>(CellActivation::kRelu));

size_t Lines(size_t floats) { return (floats + 15) / 16 * 16; }

// A prepared product seen as the reference step's LinearMap, with its scratch bound per run.
class BoundProduct final : public ref::LinearMap {
 public:
  BoundProduct(const StructuredProduct& product, float* scratch)
      : product_(product), scratch_(scratch) {}
  int64_t rows() const override { return product_.rows(); }
  void Apply(int64_t, const float* in, float* out) const override {
    product_.Run(in, out, scratch_);
  }

 private:
  const StructuredProduct& product_;
  float* scratch_;
};

// The candidate rows (the last `rows`) of a full product, for a structured U of a GRU with
// linear_before_reset=0.
class LastRows final : public ref::LinearMap {
 public:
  LastRows(const StructuredProduct& full, int64_t rows, float* product, float* scratch)
      : full_(full), rows_(rows), product_(product), scratch_(scratch) {}
  int64_t rows() const override { return rows_; }
  void Apply(int64_t batch, const float* in, float* out) const override {
    full_.Run(in, product_, scratch_);
    const int64_t skip = full_.rows() - rows_;
    for (int64_t b = 0; b < batch; ++b) {
      std::memcpy(out + b * rows_, product_ + b * full_.rows() + skip,
                  static_cast<size_t>(rows_) * sizeof(float));
    }
  }

 private:
  const StructuredProduct& full_;
  int64_t rows_;
  float* product_;
  float* scratch_;
};

struct DirectionProducts {
  StructuredProduct w, u;
  std::unique_ptr<StructuredProduct> u_candidate;  // dense U's last H rows (GRU, lbr=0)
};

class RecurrentKernel final : public OpKernel {
 public:
  RecurrentKernel(const Graph& g, const Node& node, const RecurrentLayout& layout)
      : initial_h_(layout.initial_h), initial_c_(layout.initial_c) {
    const Isa isa = ActiveIsa();
    step_ = ChooseKernel(CellStepF32Kernels(), RecurrentProblem{}, isa).entry;
    p_.cell =
        static_cast<ref::CellKind>(static_cast<int>(node.op) - static_cast<int>(OpType::kLstm));
    p_.batch = layout.batch;
    p_.steps = layout.steps;
    p_.input_size = layout.input_size;
    p_.hidden = layout.hidden;
    p_.reverse = layout.reverse;
    p_.output_sequence = layout.output_sequence;
    p_.output_cell_state = layout.output_cell_state;
    p_.linear_before_reset = layout.linear_before_reset;
    p_.activation = static_cast<ref::CellNonlinearity>(layout.activation);
    const int64_t rows = p_.gates() * p_.hidden;
    // Steps per block: W x for the block in at most about 64 KiB of results.
    block_ = std::clamp<int64_t>(16384 / std::max<int64_t>(1, p_.batch * rows), 1, p_.steps);
    const auto scalar = [&](const std::optional<size_t>& i, float fallback) {
      return i ? Input(g, node, *i).data->as<float>()[0] : fallback;
    };
    size_t product_scratch = 0;
    for (const RecurrentDirectionSlots& slots : layout.directions) {
      // Zeros standing for an empty (folded) bias_u, shared by the directions.
      if (slots.bias_u_folded) folded_bias_u_.assign(static_cast<size_t>(rows), 0.0f);
    }
    for (const RecurrentDirectionSlots& slots : layout.directions) {
      ref::RecurrentWeightsF32 weights;
      weights.w = StructuredMatrixOf(g, node, slots.w);
      weights.u = StructuredMatrixOf(g, node, slots.u);
      weights.bias_w = Input(g, node, slots.bias_w).data->as<float>();
      weights.bias_u = slots.bias_u_folded ? folded_bias_u_.data()
                                           : Input(g, node, slots.bias_u).data->as<float>();
      if (slots.peephole) weights.peephole = Input(g, node, *slots.peephole).data->as<float>();
      weights.scalar_a = scalar(slots.scalar_a, 1.0f);
      weights.scalar_b = scalar(slots.scalar_b, 0.0f);
      DirectionProducts products{PrepareStructuredProduct(isa, g, node, slots.w, p_.batch * block_),
                                 PrepareStructuredProduct(isa, g, node, slots.u, p_.batch),
                                 nullptr};
      quantized_ = quantized_ || products.w.int8() || products.u.int8();
      if (p_.cell == ref::CellKind::kGru && !p_.linear_before_reset &&
          weights.u.kind == ref::StructureKind::kDense && !weights.u.parts.empty()) {
        const ref::KroneckerFactor& u = weights.u.parts[0];
        const ref::StructuredMatrixF32 candidate{
            ref::StructureKind::kDense,
            p_.hidden,
            p_.hidden,
            {{p_.hidden, p_.hidden, u.data + 2 * p_.hidden * p_.hidden}}};
        products.u_candidate = std::make_unique<StructuredProduct>(isa, candidate, p_.batch);
      }
      product_scratch =
          std::max({product_scratch, products.w.scratch_floats(), products.u.scratch_floats(),
                    products.u_candidate ? products.u_candidate->scratch_floats() : size_t{0}});
      p_.directions.push_back(weights);
      products_.push_back(std::move(products));
    }
    // Scratch: x block, W x block, h, c, the step's scratch, the candidate's full product, the
    // products' own scratch.
    const auto block_rows = static_cast<size_t>(p_.batch * block_);
    offsets_[0] = 0;
    offsets_[1] = offsets_[0] + Lines(block_rows * static_cast<size_t>(p_.input_size));
    offsets_[2] = offsets_[1] + Lines(block_rows * static_cast<size_t>(rows));
    offsets_[3] = offsets_[2] + Lines(static_cast<size_t>(p_.batch * p_.hidden));
    offsets_[4] = offsets_[3] + Lines(static_cast<size_t>(p_.batch * p_.hidden));
    offsets_[5] = offsets_[4] + Lines(static_cast<size_t>(ref::CellStepScratchFloats(p_)));
    offsets_[6] = offsets_[5] + Lines(static_cast<size_t>(p_.batch * rows));
    scratch_floats_ = offsets_[6] + Lines(product_scratch);
    std::string cell(OpTypeName(node.op));
    std::transform(cell.begin(), cell.end(), cell.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    const auto structure = [&](const StructuredProduct& p, const StructuredSlot& slot) {
      return p.sparse() ? std::string("csr") : std::string(MatrixStructureName(slot.structure));
    };
    name_ = cell + (quantized_ ? "_w8_" : "_f32_") +
            structure(products_[0].w, layout.directions[0].w) + "_" +
            structure(products_[0].u, layout.directions[0].u) + "__" + std::string(IsaName(isa));
  }

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    const auto* x = static_cast<const float*>(inputs[0]);
    const auto* h0 = initial_h_ ? static_cast<const float*>(inputs[*initial_h_]) : nullptr;
    const auto* c0 = initial_c_ ? static_cast<const float*>(inputs[*initial_c_]) : nullptr;
    auto* y = static_cast<float*>(outputs[0]);
    auto* base = static_cast<float*>(scratch);
    float* x_block = base + offsets_[0];
    float* wx = base + offsets_[1];
    float* h = base + offsets_[2];
    float* c = base + offsets_[3];
    float* step_scratch = base + offsets_[4];
    float* full_product = base + offsets_[5];
    float* product_scratch = base + offsets_[6];
    const int64_t hidden = p_.hidden, rows = p_.gates() * hidden, steps = p_.steps;
    const auto directions = static_cast<int64_t>(p_.directions.size());
    const int64_t features = directions * hidden;
    const size_t in_bytes = static_cast<size_t>(p_.input_size) * sizeof(float);
    const size_t h_bytes = static_cast<size_t>(hidden) * sizeof(float);
    for (int64_t d = 0; d < directions; ++d) {
      const ref::RecurrentWeightsF32& weights = p_.directions[static_cast<size_t>(d)];
      const DirectionProducts& products = products_[static_cast<size_t>(d)];
      const BoundProduct u(products.u, product_scratch);
      const BoundProduct dense_candidate(products.u_candidate ? *products.u_candidate : products.u,
                                         product_scratch);
      const LastRows structured_candidate(products.u, hidden, full_product, product_scratch);
      const ref::LinearMap* candidate = products.u_candidate
                                            ? static_cast<const ref::LinearMap*>(&dense_candidate)
                                            : &structured_candidate;
      for (int64_t b = 0; b < p_.batch; ++b) {
        for (int64_t j = 0; j < hidden; ++j) {
          const int64_t at = b * features + d * hidden + j;
          h[b * hidden + j] = h0 ? h0[at] : 0.0f;
          c[b * hidden + j] = c0 ? c0[at] : 0.0f;
        }
      }
      const bool backward = d == 1 || p_.reverse;
      const auto time_of = [&](int64_t s) { return backward ? steps - 1 - s : s; };
      for (int64_t s0 = 0; s0 < steps; s0 += block_) {
        const int64_t count = std::min(block_, steps - s0);
        // Rows (b, k) of the block: x of step s0 + k, in processing order.
        for (int64_t b = 0; b < p_.batch; ++b) {
          for (int64_t k = 0; k < count; ++k) {
            std::memcpy(x_block + (b * block_ + k) * p_.input_size,
                        x + (b * steps + time_of(s0 + k)) * p_.input_size, in_bytes);
          }
        }
        products.w.Run(x_block, wx, product_scratch);
        for (int64_t k = 0; k < count; ++k) {
          step_(p_, weights, wx + k * rows, block_ * rows, u, candidate, h, c, step_scratch);
          if (!p_.output_sequence) continue;
          const int64_t t = time_of(s0 + k);
          for (int64_t b = 0; b < p_.batch; ++b) {
            std::memcpy(y + (b * steps + t) * features + d * hidden, h + b * hidden, h_bytes);
          }
        }
      }
      if (p_.output_sequence) continue;
      const float* last = p_.output_cell_state ? c : h;
      for (int64_t b = 0; b < p_.batch; ++b) {
        std::memcpy(y + b * features + d * hidden, last + b * hidden, h_bytes);
      }
    }
  }

  size_t scratch_bytes() const override { return scratch_floats_ * sizeof(float); }

  DataMovement data_movement() const override {
    DataMovement m;
    const int64_t n = p_.batch, t = p_.steps, h = p_.hidden, rows = p_.gates() * h;
    const int64_t blocks = (t + block_ - 1) / block_;
    const auto directions = static_cast<int64_t>(products_.size());
    m.steps = t;
    for (const DirectionProducts& d : products_) {
      int64_t u = d.u.weight_bytes();
      // A GRU with linear_before_reset=0 reads U's candidate rows again for r * h.
      if (p_.cell == ref::CellKind::kGru && !p_.linear_before_reset) {
        u += d.u_candidate ? d.u_candidate->weight_bytes() : d.u.weight_bytes();
      }
      m.weight_bytes += blocks * d.w.weight_bytes() + t * u;
      m.step_by_step_weight_bytes += t * (d.w.weight_bytes() + u);
      m.working_set_bytes += d.w.weight_bytes() + d.u.weight_bytes();
    }
    const int64_t x = n * t * p_.input_size * 4,
                  y = n * (p_.output_sequence ? t : 1) * directions * h * 4;
    const int64_t state = n * h * 4 * (p_.cell == ref::CellKind::kLstm ? 2 : 1);
    // Per direction: x read and copied into the block (read, write, read), W x written and read,
    // per step the state read and written and U h written and read.
    m.activation_bytes =
        directions * (3 * x + 2 * n * t * rows * 4 + t * (2 * state + 2 * n * rows * 4)) + y;
    m.working_set_bytes += x + y + directions * state;
    return m;
  }
  std::string_view name() const override { return name_; }

 private:
  ref::RecurrentParams p_;
  // The gate arithmetic: the reference's, or its vectorized build for the ISA.
  CellStepF32Fn step_ = ref::CellStepF32;
  std::vector<DirectionProducts> products_;
  std::vector<float> folded_bias_u_;  // zeros standing for an empty (folded) bias_u
  std::optional<size_t> initial_h_, initial_c_;
  int64_t block_ = 1;
  bool quantized_ = false;  // some W or U is int8
  size_t offsets_[7] = {};
  size_t scratch_floats_ = 0;
  std::string name_;
};

}  // namespace

std::unique_ptr<OpKernel> MakeRecurrentKernel(const Graph& g, const Node& node, ThreadPool*) {
  const RecurrentLayout layout = ParseRecurrentLayout(g, node);
  if (g.value(node.inputs[0]).dtype != DType::kF32) Unsupported(node, "a non-f32 input");
  return std::make_unique<RecurrentKernel>(g, node, layout);
}

}  // namespace trit::runtime
