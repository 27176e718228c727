#include "kernels/ref/structured_matrix.h"

#include <algorithm>
#include <cstring>

namespace trit::ref {
namespace {

// y[b][0..p.rows) (row stride y_stride) = P x[b] for a dense part P.
void DensePart(const KroneckerFactor& p, int64_t batch, const float* x, float* y,
               int64_t y_stride) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* xb = x + b * p.cols;
    for (int64_t r = 0; r < p.rows; ++r) {
      const float* row = p.data + r * p.cols;
      float sum = 0.0f;
      for (int64_t c = 0; c < p.cols; ++c) sum += row[c] * xb[c];
      y[b * y_stride + r] = sum;
    }
  }
}

std::vector<KroneckerFactor> Factors(const StructuredMatrixF32& m) {
  const size_t first = m.kind == StructureKind::kHybridKronecker ? 1 : 0;
  return {m.parts.begin() + static_cast<std::ptrdiff_t>(first), m.parts.end()};
}

// Rows of M that are not the dense top part.
int64_t LowerRows(const StructuredMatrixF32& m) {
  return m.kind == StructureKind::kHybridKronecker || m.kind == StructureKind::kHmd
             ? m.rows - m.parts[0].rows
             : m.rows;
}

int64_t SingleScratchFloats(const StructuredMatrixF32& m, int64_t batch) {
  switch (m.kind) {
    case StructureKind::kDense:
      return 0;
    case StructureKind::kLowRank:
      return batch * m.parts[0].cols;
    case StructureKind::kKronecker:
      return PlanKronecker(Factors(m), batch).scratch_floats;
    case StructureKind::kHybridKronecker:
      return batch * LowerRows(m) + PlanKronecker(Factors(m), batch).scratch_floats;
    case StructureKind::kHmd:
      return batch * m.parts[1].rows;
  }
  return 0;
}

void SingleMatmulF32(const StructuredMatrixF32& m, int64_t batch, const float* x, float* y,
                     float* scratch) {
  switch (m.kind) {
    case StructureKind::kDense:
      DensePart(m.parts[0], batch, x, y, m.rows);
      return;
    case StructureKind::kLowRank: {
      const KroneckerFactor& a = m.parts[0];
      DensePart(m.parts[1], batch, x, scratch, a.cols);
      DensePart(a, batch, scratch, y, m.rows);
      return;
    }
    case StructureKind::kKronecker: {
      const std::vector<KroneckerFactor> factors = Factors(m);
      KroneckerMatmulF32(factors, PlanKronecker(factors, batch), batch, x, y, scratch);
      return;
    }
    case StructureKind::kHybridKronecker: {
      const KroneckerFactor& top = m.parts[0];
      DensePart(top, batch, x, y, m.rows);
      const std::vector<KroneckerFactor> factors = Factors(m);
      const int64_t lower = LowerRows(m);
      float* product = scratch;
      KroneckerMatmulF32(factors, PlanKronecker(factors, batch), batch, x, product,
                         scratch + batch * lower);
      for (int64_t b = 0; b < batch; ++b) {
        std::memcpy(y + b * m.rows + top.rows, product + b * lower,
                    static_cast<size_t>(lower) * sizeof(float));
      }
      return;
    }
    case StructureKind::kHmd: {
      const KroneckerFactor& top = m.parts[0];
      const KroneckerFactor& blocks = m.parts[1];
      const float* row_scale = m.parts[2].data;
      DensePart(top, batch, x, y, m.rows);
      DensePart(blocks, batch, x, scratch, blocks.rows);
      const int64_t lower = LowerRows(m), block_rows = lower / blocks.rows;
      for (int64_t b = 0; b < batch; ++b) {
        for (int64_t i = 0; i < lower; ++i) {
          y[b * m.rows + top.rows + i] = row_scale[i] * scratch[b * blocks.rows + i / block_rows];
        }
      }
      return;
    }
  }
}

std::vector<float> MaterializeSingle(const StructuredMatrixF32& m) {
  // Built from the definitions, not from StructuredMatmulF32, so that tests can check one
  // against the other.
  std::vector<float> dense(static_cast<size_t>(m.rows * m.cols), 0.0f);
  const auto at = [&](int64_t r, int64_t c) -> float& {
    return dense[static_cast<size_t>(r * m.cols + c)];
  };
  const KroneckerFactor& first = m.parts[0];
  switch (m.kind) {
    case StructureKind::kDense:
      std::copy(first.data, first.data + m.rows * m.cols, dense.begin());
      break;
    case StructureKind::kLowRank: {
      const KroneckerFactor& second = m.parts[1];
      for (int64_t r = 0; r < m.rows; ++r) {
        for (int64_t c = 0; c < m.cols; ++c) {
          for (int64_t k = 0; k < first.cols; ++k) {
            at(r, c) += first.data[r * first.cols + k] * second.data[k * m.cols + c];
          }
        }
      }
      break;
    }
    case StructureKind::kKronecker:
    case StructureKind::kHybridKronecker: {
      const int64_t top = m.kind == StructureKind::kHybridKronecker ? first.rows : 0;
      std::copy(first.data, first.data + top * m.cols, dense.begin());
      const std::vector<float> lower = MaterializeKronecker(Factors(m));
      std::copy(lower.begin(), lower.end(), dense.begin() + top * m.cols);
      break;
    }
    case StructureKind::kHmd: {
      std::copy(first.data, first.data + first.rows * m.cols, dense.begin());
      const KroneckerFactor& blocks = m.parts[1];
      const int64_t lower = LowerRows(m), block_rows = lower / blocks.rows;
      for (int64_t i = 0; i < lower; ++i) {
        for (int64_t c = 0; c < m.cols; ++c) {
          at(first.rows + i, c) = m.parts[2].data[i] * blocks.data[(i / block_rows) * m.cols + c];
        }
      }
      break;
    }
  }
  return dense;
}

int64_t SingleMatvecMacs(const StructuredMatrixF32& m) {
  switch (m.kind) {
    case StructureKind::kDense:
      return m.rows * m.cols;
    case StructureKind::kLowRank:
      return (m.rows + m.cols) * m.parts[0].cols;
    case StructureKind::kKronecker:
      return PlanKronecker(Factors(m), 1).macs;
    case StructureKind::kHybridKronecker:
      return m.parts[0].rows * m.cols + PlanKronecker(Factors(m), 1).macs;
    case StructureKind::kHmd:
      return (m.parts[0].rows + m.parts[1].rows) * m.cols + LowerRows(m);
  }
  return 0;
}

}  // namespace

StructuredMatrixF32 StructuredMatrixF32::Block(int64_t b) const {
  const auto per_block = static_cast<std::ptrdiff_t>(parts.size() / static_cast<size_t>(blocks));
  StructuredMatrixF32 block{kind, rows / blocks, cols, {}, 1};
  block.parts.assign(parts.begin() + b * per_block, parts.begin() + (b + 1) * per_block);
  return block;
}

int64_t StructuredScratchFloats(const StructuredMatrixF32& m, int64_t batch) {
  if (m.blocks == 1) return SingleScratchFloats(m, batch);
  // One block's product, then its own scratch.
  return batch * (m.rows / m.blocks) + SingleScratchFloats(m.Block(0), batch);
}

void StructuredMatmulF32(const StructuredMatrixF32& m, int64_t batch, const float* x, float* y,
                         float* scratch) {
  if (m.blocks == 1) return SingleMatmulF32(m, batch, x, y, scratch);
  const int64_t block_rows = m.rows / m.blocks;
  float* product = scratch;
  for (int64_t b = 0; b < m.blocks; ++b) {
    SingleMatmulF32(m.Block(b), batch, x, product, scratch + batch * block_rows);
    for (int64_t n = 0; n < batch; ++n) {
      std::memcpy(y + n * m.rows + b * block_rows, product + n * block_rows,
                  static_cast<size_t>(block_rows) * sizeof(float));
    }
  }
}

std::vector<float> MaterializeStructured(const StructuredMatrixF32& m) {
  std::vector<float> dense;
  for (int64_t b = 0; b < m.blocks; ++b) {
    const std::vector<float> block = MaterializeSingle(m.blocks == 1 ? m : m.Block(b));
    dense.insert(dense.end(), block.begin(), block.end());
  }
  return dense;
}

int64_t StructuredMatvecMacs(const StructuredMatrixF32& m) {
  return m.blocks == 1 ? SingleMatvecMacs(m) : m.blocks * SingleMatvecMacs(m.Block(0));
}

}  // namespace trit::ref
