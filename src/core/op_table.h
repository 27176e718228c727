// Per-op tables: arrays indexed by OpType, built at compile time from rows that name their op.
// Every layer that keeps one row per op (core/op_def.cc, the ONNX exporter, the trainer) builds
// its table with IndexByOp, so a table that misses an op or names one twice does not compile.
#pragma once

#include <array>
#include <cstddef>

#include "core/op_type.h"

namespace trit {

// Row is an aggregate with a member `OpType op`. Evaluated at compile time: a `throw` reached
// here is a compile error that points at the line saying which check failed.
template <typename Row, size_t N>
consteval std::array<Row, kNumOpTypes> IndexByOp(const Row (&rows)[N]) {
  std::array<Row, kNumOpTypes> table{};
  std::array<bool, kNumOpTypes> has_row{};
  for (const Row& row : rows) {
    const auto index = static_cast<size_t>(row.op);
    if (index >= has_row.size()) throw "a row names an op beyond kNumOpTypes";
    if (has_row[index]) throw "two rows name the same op";
    has_row[index] = true;
    table[index] = row;
  }
  for (const bool found : has_row) {
    if (!found) throw "an op has no row in this table";
  }
  return table;
}

}  // namespace trit
