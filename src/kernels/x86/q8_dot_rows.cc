#include "kernels/x86/q8_dot_rows.h"

namespace trit::x86 {

PackedQ8Rows::PackedQ8Rows(Isa isa, const int8_t* w, int64_t rows, int64_t cols)
    : isa_(isa),
      rows_(rows),
      cols_(cols),
      group_(isa == Isa::kAvx512 ? 16 : 8),
      pairs_((cols + 1) / 2),
      packed_(static_cast<size_t>((rows + group_ - 1) / group_ * group_ * pairs_ * 2)) {
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t g = r / group_, lane = r % group_;
    for (int64_t c = 0; c < cols; ++c) {
      packed_.data()[((g * pairs_ + c / 2) * group_ + lane) * 2 + c % 2] = w[r * cols + c];
    }
  }
}

void PackedQ8Rows::Run(const int8_t* q, int64_t batch, int32_t* acc) const {
  if (isa_ == Isa::kAvx512) {
    PackedQ8RowsAvx512(*this, q, batch, acc);
  } else {
    PackedQ8RowsAvx2(*this, q, batch, acc);
  }
}

ref::DenseRowsQ8Maker PackedQ8RowsMaker(Isa isa) {
  if (isa != Isa::kAvx2 && isa != Isa::kAvx512) return nullptr;
  return [isa](const ref::QuantPartQ8& p) -> std::unique_ptr<ref::DenseRowsQ8> {
    return std::make_unique<PackedQ8Rows>(isa, p.data, p.rows, p.cols);
  };
}

}  // namespace trit::x86
