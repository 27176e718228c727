#include "kernels/ref/structured_matrix_q8.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "kernels/ref/kronecker_modes.h"
#include "kernels/ref/quantize_vector_q8.h"

namespace trit::ref {
namespace {

float Scale(const QuantPartQ8& p, int64_t row) { return p.scales[p.scale_count == 1 ? 0 : row]; }

// Whether applying the factors in `plan` order to int8 vectors keeps every intermediate sum
// within int32: the largest magnitude grows by cols * max|A| per mode from 127.
bool KroneckerFitsInt32(const QuantPartQ8* factors, size_t count, const KroneckerPlan& plan) {
  double bound = 127.0;
  for (const int k : plan.order) {
    const QuantPartQ8& f = factors[static_cast<size_t>(k)];
    int largest = 0;
    for (int64_t i = 0; i < f.rows * f.cols; ++i)
      largest = std::max(largest, std::abs(int{f.data[i]}));
    bound *= static_cast<double>(f.cols) * largest;
  }
  return bound <= 2147483647.0;
}

// The product of the factors' scales, in factor order.
float ScaleProduct(const QuantPartQ8* factors, size_t count) {
  float s = 1.0f;
  for (size_t k = 0; k < count; ++k) s *= factors[k].scales[0];
  return s;
}

KroneckerPlan PlanQ8(const QuantPartQ8* factors, size_t count, int64_t batch) {
  std::vector<KroneckerFactor> shapes;
  for (size_t k = 0; k < count; ++k) shapes.push_back({factors[k].rows, factors[k].cols, nullptr});
  return PlanKronecker(shapes, batch);
}

// Words of Kronecker scratch: the plan's two intermediate buffers.
int64_t KroneckerScratch(const KroneckerPlan& plan) { return 2 * (plan.scratch_floats / 2); }

// One block: `parts` of a rows x cols matrix of `kind`; `plan` the Kronecker factors' order.
struct BlockQ8 {
  StructureKind kind;
  int64_t rows, cols;
  const QuantPartQ8* parts;
  size_t count;
};

// How a block's products run: the Kronecker plan and accumulator width, the block's prepared
// dense rows (by part; null: DotRowsQ8).
struct ProductQ8 {
  const KroneckerPlan* plan;
  bool kron_int32;
  const std::unique_ptr<DenseRowsQ8>* dense_rows;
};

// Which parts of a block are products of dense int8 rows with the input vector.
bool IsDenseRowsPart(StructureKind kind, size_t part) {
  switch (kind) {
    case StructureKind::kDense:
    case StructureKind::kHybridKronecker:
      return part == 0;
    case StructureKind::kLowRank:
      return part == 1;
    case StructureKind::kHmd:
      return part < 2;
    case StructureKind::kKronecker:
      return false;
  }
  return false;
}

// The Kronecker factors' product of `batch` vectors into `lower` rows, dequantized into y.
template <typename Acc>
void KroneckerRowsQ8(const QuantPartQ8* factors, size_t count, const KroneckerPlan& plan,
                     int64_t batch, const int8_t* q, const float* x_scale, int64_t rows,
                     int64_t top, float* y, int64_t* work) {
  const int64_t lower = rows - top;
  auto* product = reinterpret_cast<Acc*>(work);
  Acc* const buffers[2] = {product + batch * lower,
                           product + batch * lower + plan.scratch_floats / 2};
  KroneckerModes<void>(factors, count, plan, batch, q, product, buffers);
  const float factor_scale = ScaleProduct(factors, count);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t r = 0; r < lower; ++r) {
      y[b * rows + top + r] =
          static_cast<float>(product[b * lower + r]) * (x_scale[b] * factor_scale);
    }
  }
}

void SingleQ8(const BlockQ8& m, const ProductQ8& how, int64_t batch, const int8_t* q,
              const float* x_scale, float* y, int64_t* work) {
  const QuantPartQ8& first = m.parts[0];
  const auto dense = [&](const QuantPartQ8& p, int32_t* acc) {
    const auto& prepared = how.dense_rows[&p - m.parts];
    if (prepared) {
      prepared->Run(q, batch, acc);
    } else {
      DotRowsQ8(p.data, p.rows, p.cols, batch, q, acc);
    }
  };
  const auto dense_rows = [&](const QuantPartQ8& p, int64_t row_offset) {
    auto* acc = reinterpret_cast<int32_t*>(work);
    dense(p, acc);
    for (int64_t b = 0; b < batch; ++b) {
      for (int64_t r = 0; r < p.rows; ++r) {
        y[b * m.rows + row_offset + r] =
            static_cast<float>(acc[b * p.rows + r]) * (x_scale[b] * Scale(p, r));
      }
    }
  };
  switch (m.kind) {
    case StructureKind::kDense:
      dense_rows(first, 0);
      return;
    case StructureKind::kLowRank: {
      const QuantPartQ8& right = m.parts[1];  // [r, cols], one scale
      const int64_t rank = right.rows;
      auto* t = reinterpret_cast<int32_t*>(work);
      dense(right, t);
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t r = 0; r < m.rows; ++r) {
          int64_t sum = 0;
          for (int64_t k = 0; k < rank; ++k) {
            sum += int64_t{first.data[r * rank + k]} * t[b * rank + k];
          }
          y[b * m.rows + r] =
              static_cast<float>(sum) * (x_scale[b] * (Scale(first, r) * right.scales[0]));
        }
      }
      return;
    }
    case StructureKind::kKronecker:
    case StructureKind::kHybridKronecker: {
      const bool hybrid = m.kind == StructureKind::kHybridKronecker;
      const QuantPartQ8* factors = m.parts + (hybrid ? 1 : 0);
      const size_t count = m.count - (hybrid ? 1 : 0);
      const int64_t top = hybrid ? first.rows : 0;
      if (hybrid) dense_rows(first, 0);
      if (how.kron_int32) {
        KroneckerRowsQ8<int32_t>(factors, count, *how.plan, batch, q, x_scale, m.rows, top, y,
                                 work);
      } else {
        KroneckerRowsQ8<int64_t>(factors, count, *how.plan, batch, q, x_scale, m.rows, top, y,
                                 work);
      }
      return;
    }
    case StructureKind::kHmd: {
      dense_rows(first, 0);
      const QuantPartQ8& blocks = m.parts[1];
      const QuantPartQ8& row_scale = m.parts[2];  // [rows - t] levels, one scale
      auto* v = reinterpret_cast<int32_t*>(work);
      dense(blocks, v);
      const int64_t lower = m.rows - first.rows, block_rows = lower / blocks.rows;
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t i = 0; i < lower; ++i) {
          const int64_t block = i / block_rows;
          const int64_t acc = int64_t{row_scale.data[i]} * v[b * blocks.rows + block];
          y[b * m.rows + first.rows + i] =
              static_cast<float>(acc) * (x_scale[b] * (row_scale.scales[0] * Scale(blocks, block)));
        }
      }
      return;
    }
  }
}

int MaxLevel(const QuantPartQ8& p) {
  int largest = 0;
  for (int64_t i = 0; i < p.rows * p.cols; ++i)
    largest = std::max(largest, std::abs(int{p.data[i]}));
  return largest;
}

int64_t SingleWorkWords(const BlockQ8& m, const KroneckerPlan& plan, int64_t batch) {
  int64_t words = batch * m.rows;  // int32 accumulators fit in int64 words too
  if (m.kind == StructureKind::kKronecker || m.kind == StructureKind::kHybridKronecker) {
    words += KroneckerScratch(plan);
  }
  if (m.kind == StructureKind::kLowRank) words += batch * m.parts[1].rows;
  if (m.kind == StructureKind::kHmd) words += batch * m.parts[1].rows;
  return words;
}

size_t Align(size_t bytes) { return (bytes + 63) / 64 * 64; }

}  // namespace

float QuantizeVectorQ8(const float* v, int64_t count, int8_t* q) {
  return QuantizeVectorQ8Loops<void>(v, count, q);
}

void DotRowsQ8(const int8_t* w, int64_t rows, int64_t cols, int64_t batch, const int8_t* q,
               int32_t* acc) {
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t r = 0; r < rows; ++r) {
      const int8_t* row = w + r * cols;
      int32_t sum = 0;
      for (int64_t c = 0; c < cols; ++c) sum += int32_t{row[c]} * q[b * cols + c];
      acc[b * rows + r] = sum;
    }
  }
}

PreparedMatmulQ8::PreparedMatmulQ8(const StructuredMatrixQ8& m, int64_t batch,
                                   const Q8Kernels& kernels)
    : m_(m), batch_(batch), dense_rows_(m.parts.size()) {
  const DenseRowsQ8Maker& make_dense_rows = kernels.dense_rows;
  if (kernels.quantize) quantize_ = kernels.quantize;
  const auto per_block = m.parts.size() / static_cast<size_t>(m.blocks);
  for (size_t i = 0; make_dense_rows && i < m.parts.size(); ++i) {
    if (IsDenseRowsPart(m.kind, i % per_block) && m.parts[i].rows > 0) {
      dense_rows_[i] = make_dense_rows(m.parts[i]);
    }
  }
  const bool kron =
      m.kind == StructureKind::kKronecker || m.kind == StructureKind::kHybridKronecker;
  const size_t skip = m.kind == StructureKind::kHybridKronecker ? 1 : 0;
  if (kron) {
    plan_ = PlanQ8(m.parts.data() + skip, per_block - skip, batch);
    kron_int32_ = true;
    for (int64_t g = 0; g < m.blocks; ++g) {
      const QuantPartQ8* factors = m.parts.data() + static_cast<size_t>(g) * per_block + skip;
      kron_int32_ = kron_int32_ && KroneckerFitsInt32(factors, per_block - skip, plan_);
    }
  }
  const BlockQ8 block{m.kind, m.rows / m.blocks, m.cols, m.parts.data(), per_block};
  const size_t inputs = Align(static_cast<size_t>(batch * m.cols)) +
                        Align(static_cast<size_t>(batch) * sizeof(float));
  if (m.kind == StructureKind::kKronecker && per_block == 2) {
    stacked_kron_ = true;
    const int64_t m2 = m.parts[1].rows, n2 = m.parts[1].cols, n1 = m.parts[0].cols;
    stacked_right_.resize(static_cast<size_t>(m.blocks * m2 * n2));
    int max_a = 0, max_b = 0;
    for (int64_t g = 0; g < m.blocks; ++g) {
      const QuantPartQ8& right = m.parts[static_cast<size_t>(2 * g + 1)];
      std::copy_n(right.data, m2 * n2, stacked_right_.data() + g * m2 * n2);
      stacked_left_.push_back(m.parts[static_cast<size_t>(2 * g)].data);
      stacked_scales_.push_back(ScaleProduct(m.parts.data() + 2 * g, 2));
      max_a = std::max(max_a, MaxLevel(m.parts[static_cast<size_t>(2 * g)]));
      max_b = std::max(max_b, MaxLevel(right));
    }
    if (make_dense_rows) {
      stacked_rows_ = make_dense_rows({m.blocks * m2, n2, stacked_right_.data(), nullptr, 1});
    }
    stacked_int32_ =
        127.0 * static_cast<double>(n2) * max_b * static_cast<double>(n1) * max_a <= 2147483647.0;
    left_mode_int32_ = kernels.left_mode_int32 ? kernels.left_mode_int32
                                               : KroneckerLeftMode<void, int32_t, int8_t, int32_t>;
    // The left mode's sums: int32 where they provably fit, else int64.
    const size_t sum_bytes = stacked_int32_ ? 4 : 8;
    scratch_bytes_ =
        static_cast<int64_t>(inputs + Align(static_cast<size_t>(batch * n1 * m.blocks * m2) * 4) +
                             Align(static_cast<size_t>(batch * m.rows) * sum_bytes));
    return;
  }
  const size_t block_out = m.blocks == 1 ? 0 : Align(static_cast<size_t>(batch * block.rows) * 4);
  scratch_bytes_ = static_cast<int64_t>(
      inputs + block_out + static_cast<size_t>(SingleWorkWords(block, plan_, batch)) * 8);
}

void PreparedMatmulQ8::Run(const float* x, float* y, void* scratch) const {
  const StructuredMatrixQ8& m = m_;
  const int64_t batch = batch_;
  auto* bytes = static_cast<uint8_t*>(scratch);
  auto* q = reinterpret_cast<int8_t*>(bytes);
  bytes += Align(static_cast<size_t>(batch * m.cols));
  auto* x_scale = reinterpret_cast<float*>(bytes);
  bytes += Align(static_cast<size_t>(batch) * sizeof(float));
  for (int64_t b = 0; b < batch; ++b) {
    x_scale[b] = quantize_(x + b * m.cols, m.cols, q + b * m.cols);
  }
  if (stacked_kron_) {
    const int64_t n1 = m.parts[0].cols, n2 = m.parts[1].cols, m2 = m.parts[1].rows;
    auto* t = reinterpret_cast<int32_t*>(bytes);
    bytes += Align(static_cast<size_t>(batch * n1 * m.blocks * m2) * 4);
    if (stacked_rows_) {
      stacked_rows_->Run(q, batch * n1, t);
    } else {
      DotRowsQ8(stacked_right_.data(), m.blocks * m2, n2, batch * n1, q, t);
    }
    // y[b][g m1 m2 + i m2 + j] = float(sum_k A_g[i][k] t[b n1 + k][g m2 + j]) *
    // (x_scale[b] * s_A_g * s_B_g).
    const int64_t m1 = m.parts[0].rows, block_rows = m1 * m2;
    const auto scale = [&](const auto* sums) {
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t g = 0; g < m.blocks; ++g) {
          const float s = x_scale[b] * stacked_scales_[static_cast<size_t>(g)];
          const int64_t offset = b * m.rows + g * block_rows;
          for (int64_t r = 0; r < block_rows; ++r) {
            y[offset + r] = static_cast<float>(sums[offset + r]) * s;
          }
        }
      }
    };
    if (stacked_int32_) {
      auto* sums = reinterpret_cast<int32_t*>(bytes);
      left_mode_int32_(stacked_left_.data(), m.blocks, m1, n1, m2, batch, t, sums, block_rows);
      scale(sums);
    } else {
      auto* sums = reinterpret_cast<int64_t*>(bytes);
      KroneckerLeftMode<void>(stacked_left_.data(), m.blocks, m1, n1, m2, batch, t, sums,
                              block_rows);
      scale(sums);
    }
    return;
  }
  const auto per_block = m.parts.size() / static_cast<size_t>(m.blocks);
  const int64_t block_rows = m.rows / m.blocks;
  if (m.blocks == 1) {
    const ProductQ8 how{&plan_, kron_int32_, dense_rows_.data()};
    SingleQ8({m.kind, m.rows, m.cols, m.parts.data(), per_block}, how, batch, q, x_scale, y,
             reinterpret_cast<int64_t*>(bytes));
    return;
  }
  auto* product = reinterpret_cast<float*>(bytes);
  bytes += Align(static_cast<size_t>(batch * block_rows) * 4);
  for (int64_t g = 0; g < m.blocks; ++g) {
    const size_t first = static_cast<size_t>(g) * per_block;
    const BlockQ8 block{m.kind, block_rows, m.cols, m.parts.data() + first, per_block};
    const ProductQ8 how{&plan_, kron_int32_, dense_rows_.data() + first};
    SingleQ8(block, how, batch, q, x_scale, product, reinterpret_cast<int64_t*>(bytes));
    for (int64_t b = 0; b < batch; ++b) {
      std::memcpy(y + b * m.rows + g * block_rows, product + b * block_rows,
                  static_cast<size_t>(block_rows) * sizeof(float));
    }
  }
}

int64_t StructuredScratchBytesQ8(const StructuredMatrixQ8& m, int64_t batch) {
  return PreparedMatmulQ8(m, batch).scratch_bytes();
}

void StructuredMatmulQ8(const StructuredMatrixQ8& m, int64_t batch, const float* x, float* y,
                        void* scratch) {
  PreparedMatmulQ8(m, batch).Run(x, y, scratch);
}

std::vector<float> MaterializeStructuredQ8(const StructuredMatrixQ8& m) {
  // Dequantize every part, then form the matrix as the float definition does.
  std::vector<std::vector<float>> storage;
  StructuredMatrixF32 f{m.kind, m.rows, m.cols, {}, m.blocks};
  for (const QuantPartQ8& p : m.parts) {
    std::vector<float> values(static_cast<size_t>(p.rows * p.cols));
    for (int64_t r = 0; r < p.rows; ++r) {
      for (int64_t c = 0; c < p.cols; ++c) {
        values[static_cast<size_t>(r * p.cols + c)] = p.data[r * p.cols + c] * Scale(p, r);
      }
    }
    storage.push_back(std::move(values));
  }
  for (size_t i = 0; i < m.parts.size(); ++i) {
    f.parts.push_back({m.parts[i].rows, m.parts[i].cols, storage[i].data()});
  }
  return MaterializeStructured(f);
}

}  // namespace trit::ref
