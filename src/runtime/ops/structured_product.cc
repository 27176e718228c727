#include "runtime/ops/structured_product.h"

#include <algorithm>
#include <cstring>

#include "kernels/registry/linear.h"
#include "kernels/registry/recurrent.h"
#include "kernels/sparse/f32_csr.h"

namespace trit::runtime {

namespace {

const StructuredKernels& KernelsFor(Isa isa) {
  return ChooseKernel(StructuredProductKernels(), RecurrentProblem{}, isa).entry;
}

}  // namespace

// y [batch, rows] = P x [batch, cols] for a dense row-major P: the level's fp32 GEMM, or
// compressed sparse rows for a pruned P.
class DenseProduct {
 public:
  DenseProduct(Isa isa, const float* data, int64_t rows, int64_t cols, int64_t batch)
      : part_{rows, cols, data},
        batch_(batch),
        dense_{ref::StructureKind::kDense, rows, cols, {part_}} {
    const auto zeros = std::count(data, data + rows * cols, 0.0f);
    if (rows * cols > 0 && sparse::F32Csr::Fits(cols) &&
        static_cast<double>(zeros) >=
            KernelsFor(isa).sparse_crossover * static_cast<double>(rows * cols)) {
      csr_ = std::make_unique<sparse::F32Csr>(data, rows, cols);
      return;
    }
    F32GemmLayer layer;
    layer.m = batch;
    layer.n = rows;
    layer.depth = cols;
    layer.vectors = batch;
    layer.indirection.resize(static_cast<size_t>(batch));
    for (int64_t i = 0; i < batch; ++i) layer.indirection[static_cast<size_t>(i)] = i;
    layer.weights = data;
    gemm_ = MakeTiledKernel(F32GemmKernels(), layer, isa);
  }

  size_t scratch_floats() const {
    if (gemm_) return (gemm_->scratch_bytes() + sizeof(float) - 1) / sizeof(float);
    return 0;
  }

  bool sparse() const { return csr_ != nullptr; }
  int64_t weight_bytes() const {
    if (csr_) return csr_->nonzeros() * 6 + (part_.rows + 1) * 4;
    return part_.rows * part_.cols * 4;
  }

  void Run(const float* x, float* y, float* scratch) const {
    if (csr_) {
      csr_->Run(batch_, x, y);
      return;
    }
    if (gemm_) {
      gemm_->Run(x, y, scratch);
      return;
    }
    ref::StructuredMatmulF32(dense_, batch_, x, y, nullptr);
  }

 private:
  ref::KroneckerFactor part_;
  int64_t batch_;
  ref::StructuredMatrixF32 dense_;  // the reference's view, built once
  std::unique_ptr<sparse::F32Csr> csr_;
  std::unique_ptr<TiledKernel> gemm_;  // null: the reference loops
};

namespace {

// Scratch offsets are kept in whole cache lines so that every buffer stays 64-byte aligned.
size_t Lines(size_t floats) { return (floats + 15) / 16 * 16; }

}  // namespace

StructuredProduct::StructuredProduct(Isa isa, const ref::StructuredMatrixF32& m, int64_t batch)
    : m_(m), batch_(batch) {
  using ref::StructureKind;
  const StructuredKernels& kernels = KernelsFor(isa);
  kronecker_ = kernels.kronecker;
  // Two factors per block: y_g = vec(A_g X B_g^T) with X the input as [n1, n2]. Every block's
  // B_g multiplies the same X, so they run as one GEMM on [batch * n1, n2] rows; the A_g then run
  // as short vectorized row updates. Per gate mode loops of 8- and 16-wide factors cost several
  // times their arithmetic at batch 1. Hybrid blocks' dense top rows run as a second GEMM, every
  // block's in one matrix.
  const size_t first = m.kind == StructureKind::kHybridKronecker ? 1 : 0;
  const size_t per_block = m.parts.size() / static_cast<size_t>(m.blocks);
  if (kernels.left_mode &&
      (m.kind == StructureKind::kKronecker || m.kind == StructureKind::kHybridKronecker) &&
      per_block == first + 2) {
    const ref::KroneckerFactor& a = m.parts[first];
    const ref::KroneckerFactor& b = m.parts[first + 1];
    left_rows_ = a.rows;
    left_cols_ = a.cols;
    right_rows_ = b.rows;
    top_rows_ = first == 1 ? m.parts[0].rows : 0;
    stacked_.resize(static_cast<size_t>(m.blocks * (b.rows * b.cols + top_rows_ * m.cols)));
    float* tops = stacked_.data() + m.blocks * b.rows * b.cols;
    for (int64_t g = 0; g < m.blocks; ++g) {
      const size_t block = static_cast<size_t>(g) * per_block;
      left_.push_back(m.parts[block + first].data);
      std::copy_n(m.parts[block + first + 1].data, b.rows * b.cols,
                  stacked_.data() + g * b.rows * b.cols);
      // copy_n: an empty top part may have no data pointer at all.
      if (first == 1)
        std::copy_n(m.parts[block].data, top_rows_ * m.cols, tops + g * top_rows_ * m.cols);
    }
    dense_.push_back(std::make_unique<DenseProduct>(isa, stacked_.data(), m.blocks * b.rows, b.cols,
                                                    batch * a.cols));
    scratch_floats_ = Lines(static_cast<size_t>(batch * a.cols * m.blocks * b.rows));
    if (top_rows_ > 0) {
      dense_.push_back(
          std::make_unique<DenseProduct>(isa, tops, m.blocks * top_rows_, m.cols, batch));
      scratch_floats_ += Lines(static_cast<size_t>(batch * m.blocks * top_rows_));
    }
    scratch_floats_ += LargestDenseScratch();
    left_mode_ = kernels.left_mode;
    return;
  }
  if (m.kind == StructureKind::kHmd) {
    // Every block's D and V rows stacked into one GEMM ([D_0; V_0; D_1; V_1; ..]): one pass over
    // x for all the gates, then each block's rank-1 rows scaled from its V results.
    const int64_t top = m.parts[0].rows, vs = m.parts[1].rows, stacked = top + vs;
    stacked_.resize(static_cast<size_t>(m.blocks * stacked * m.cols));
    for (int64_t g = 0; g < m.blocks; ++g) {
      // copy_n: an empty top part may have no data pointer at all.
      float* to = stacked_.data() + g * stacked * m.cols;
      std::copy_n(m.parts[static_cast<size_t>(3 * g)].data, top * m.cols, to);
      std::copy_n(m.parts[static_cast<size_t>(3 * g + 1)].data, vs * m.cols, to + top * m.cols);
    }
    dense_.push_back(
        std::make_unique<DenseProduct>(isa, stacked_.data(), m.blocks * stacked, m.cols, batch));
    scratch_floats_ =
        Lines(static_cast<size_t>(batch * m.blocks * stacked)) + Lines(dense_[0]->scratch_floats());
    return;
  }
  if (m.blocks > 1) {
    size_t largest = 0;
    for (int64_t b = 0; b < m.blocks; ++b) {
      blocks_.emplace_back(isa, m.Block(b), batch);
      largest = std::max(largest, blocks_.back().scratch_floats());
    }
    scratch_floats_ = Lines(static_cast<size_t>(batch * (m.rows / m.blocks))) + largest;
    return;
  }
  const auto dense = [&](const float* data, int64_t rows, int64_t cols) {
    dense_.push_back(std::make_unique<DenseProduct>(isa, data, rows, cols, batch));
  };
  size_t temp = 0;  // floats of intermediate results
  switch (m.kind) {
    case StructureKind::kDense:
      dense(m.parts[0].data, m.rows, m.cols);
      break;
    case StructureKind::kLowRank:
      dense(m.parts[1].data, m.parts[1].rows, m.cols);
      dense(m.parts[0].data, m.rows, m.parts[0].cols);
      temp = Lines(static_cast<size_t>(batch * m.parts[0].cols));
      break;
    case StructureKind::kKronecker:
    case StructureKind::kHybridKronecker: {
      const size_t first = m.kind == StructureKind::kHybridKronecker ? 1 : 0;
      factors_.assign(m.parts.begin() + static_cast<std::ptrdiff_t>(first), m.parts.end());
      plan_ = ref::PlanKronecker(factors_, batch);
      temp = Lines(static_cast<size_t>(plan_.scratch_floats));
      if (first == 1) {
        dense(m.parts[0].data, m.parts[0].rows, m.cols);
        temp += Lines(static_cast<size_t>(batch * m.rows));
      }
      break;
    }
    case StructureKind::kHmd:
      break;  // above
  }
  scratch_floats_ = temp + LargestDenseScratch();
}

StructuredProduct::StructuredProduct(Isa isa, const ref::StructuredMatrixQ8& m, int64_t batch)
    : m_{m.kind, m.rows, m.cols, {}, m.blocks},
      batch_(batch),
      q8_(m),
      q8_prepared_(std::make_shared<ref::PreparedMatmulQ8>(m, batch, KernelsFor(isa).q8())) {
  scratch_floats_ = Lines(static_cast<size_t>(q8_prepared_->scratch_bytes() + 3) / 4);
}

StructuredProduct::~StructuredProduct() = default;

size_t StructuredProduct::LargestDenseScratch() const {
  size_t largest = 0;
  for (const auto& d : dense_) largest = std::max(largest, d->scratch_floats());
  return Lines(largest);
}

int64_t StructuredProduct::weight_bytes() const {
  int64_t bytes = 0;
  if (q8_) {
    for (const ref::QuantPartQ8& p : q8_->parts) bytes += p.rows * p.cols + p.scale_count * 4;
    return bytes;
  }
  for (const StructuredProduct& b : blocks_) bytes += b.weight_bytes();
  for (const auto& d : dense_) bytes += d->weight_bytes();
  for (const ref::KroneckerFactor& f : factors_) bytes += f.rows * f.cols * 4;
  bytes += static_cast<int64_t>(left_.size()) * left_rows_ * left_cols_ * 4;
  if (m_.kind == ref::StructureKind::kHmd) {
    for (size_t p = 2; p < m_.parts.size(); p += 3) bytes += m_.parts[p].rows * 4;
  }
  return bytes;
}

bool StructuredProduct::sparse() const {
  return !q8_ && m_.kind == ref::StructureKind::kDense && dense_[0]->sparse();
}
StructuredProduct::StructuredProduct(StructuredProduct&&) noexcept = default;

void StructuredProduct::Run(const float* x, float* y, float* scratch) const {
  using ref::StructureKind;
  const int64_t rows = m_.rows;
  if (q8_) {
    q8_prepared_->Run(x, y, scratch);
    return;
  }
  if (left_mode_) {
    const int64_t gate_rows = rows / m_.blocks;
    float* t = scratch;
    float* tops = t + Lines(static_cast<size_t>(batch_ * left_cols_ * m_.blocks * right_rows_));
    float* rest =
        tops + (top_rows_ > 0 ? Lines(static_cast<size_t>(batch_ * m_.blocks * top_rows_)) : 0);
    dense_[0]->Run(x, t, rest);
    left_mode_(left_.data(), m_.blocks, left_rows_, left_cols_, right_rows_, batch_, t,
               y + top_rows_, gate_rows);
    if (top_rows_ == 0) return;
    dense_[1]->Run(x, tops, rest);
    for (int64_t b = 0; b < batch_; ++b) {
      for (int64_t g = 0; g < m_.blocks; ++g) {
        std::memcpy(y + b * rows + g * gate_rows, tops + (b * m_.blocks + g) * top_rows_,
                    static_cast<size_t>(top_rows_) * sizeof(float));
      }
    }
    return;
  }
  if (!blocks_.empty()) {
    const int64_t block_rows = rows / m_.blocks;
    float* product = scratch;
    float* rest = scratch + Lines(static_cast<size_t>(batch_ * block_rows));
    for (size_t b = 0; b < blocks_.size(); ++b) {
      blocks_[b].Run(x, product, rest);
      for (int64_t n = 0; n < batch_; ++n) {
        std::memcpy(y + n * rows + static_cast<int64_t>(b) * block_rows, product + n * block_rows,
                    static_cast<size_t>(block_rows) * sizeof(float));
      }
    }
    return;
  }
  switch (m_.kind) {
    case StructureKind::kDense:
      dense_[0]->Run(x, y, scratch);
      return;
    case StructureKind::kLowRank: {
      float* t = scratch;
      float* rest = scratch + Lines(static_cast<size_t>(batch_ * m_.parts[0].cols));
      dense_[0]->Run(x, t, rest);
      dense_[1]->Run(t, y, rest);
      return;
    }
    case StructureKind::kKronecker:
      kronecker_(factors_, plan_, batch_, x, y, scratch);
      return;
    case StructureKind::kHybridKronecker: {
      const int64_t top = m_.parts[0].rows, lower = rows - top;
      float* kron_scratch = scratch;
      float* product = kron_scratch + Lines(static_cast<size_t>(plan_.scratch_floats));
      float* rest = product + Lines(static_cast<size_t>(batch_ * rows));
      // [batch, top] then [batch, lower] in one buffer, interleaved into y per vector.
      dense_[0]->Run(x, product, rest);
      kronecker_(factors_, plan_, batch_, x, product + batch_ * top, kron_scratch);
      for (int64_t b = 0; b < batch_; ++b) {
        std::memcpy(y + b * rows, product + b * top, static_cast<size_t>(top) * sizeof(float));
        std::memcpy(y + b * rows + top, product + batch_ * top + b * lower,
                    static_cast<size_t>(lower) * sizeof(float));
      }
      return;
    }
    case StructureKind::kHmd: {
      const int64_t gate_rows = rows / m_.blocks, top = m_.parts[0].rows, vs = m_.parts[1].rows;
      const int64_t stacked = top + vs, block_rows = (gate_rows - top) / vs;
      float* t = scratch;
      dense_[0]->Run(x, t, scratch + Lines(static_cast<size_t>(batch_ * m_.blocks * stacked)));
      for (int64_t b = 0; b < batch_; ++b) {
        for (int64_t g = 0; g < m_.blocks; ++g) {
          const float* tg = t + (b * m_.blocks + g) * stacked;
          float* yg = y + b * rows + g * gate_rows;
          const float* row_scale = m_.parts[static_cast<size_t>(3 * g + 2)].data;
          std::memcpy(yg, tg, static_cast<size_t>(top) * sizeof(float));
          for (int64_t v = 0; v < vs; ++v) {
            const float tv = tg[top + v];
            float* __restrict out = yg + top + v * block_rows;
            const float* __restrict scale = row_scale + v * block_rows;
            for (int64_t i = 0; i < block_rows; ++i) out[i] = scale[i] * tv;
          }
        }
      }
      return;
    }
  }
}

ref::StructuredMatrixF32 StructuredMatrixOf(const Graph& g, const Node& node,
                                            const StructuredSlot& slot) {
  ref::StructuredMatrixF32 m;
  m.kind = static_cast<ref::StructureKind>(slot.structure);
  m.rows = slot.rows;
  m.cols = slot.cols;
  m.blocks = slot.blocks;
  for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
    const Value& v = g.value(node.inputs[i]);
    if (v.dtype != DType::kF32) return {};  // int8: see QuantStructuredMatrixOf
    m.parts.push_back({v.shape[0], v.shape.size() == 2 ? v.shape[1] : 1, v.data->as<float>()});
  }
  return m;
}

std::optional<ref::StructuredMatrixQ8> QuantStructuredMatrixOf(const Graph& g, const Node& node,
                                                               const StructuredSlot& slot) {
  if (g.value(node.inputs[slot.first]).dtype != DType::kI8) return std::nullopt;
  ref::StructuredMatrixQ8 m{
      static_cast<ref::StructureKind>(slot.structure), slot.rows, slot.cols, {}, slot.blocks};
  for (size_t i = slot.first; i < slot.first + slot.count; ++i) {
    const Value& v = g.value(node.inputs[i]);
    m.parts.push_back({v.shape[0], v.shape.size() == 2 ? v.shape[1] : 1, v.data->as<int8_t>(),
                       v.quant.scale.data(), static_cast<int64_t>(v.quant.scale.size())});
  }
  return m;
}

StructuredProduct PrepareStructuredProduct(Isa isa, const Graph& g, const Node& node,
                                           const StructuredSlot& slot, int64_t batch) {
  const auto q8 = QuantStructuredMatrixOf(g, node, slot);
  return q8 ? StructuredProduct(isa, *q8, batch)
            : StructuredProduct(isa, StructuredMatrixOf(g, node, slot), batch);
}

}  // namespace trit::runtime
