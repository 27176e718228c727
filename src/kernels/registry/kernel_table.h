// The shape of every op family's kernel table (kernels/registry/*.h): one row per candidate
// kernel, best first, each with the level it needs, the dtypes and shapes it handles, and its
// name. The last row of every table is the reference, which handles everything, so a choice
// always exists. Bindings (runtime/ops) ask the family's table and run what it returns; which
// kernel runs where is read off the table, never off a binding.
#pragma once

#include <span>

#include "core/error.h"
#include "kernels/registry/kernel_candidate.h"

namespace trit {

// The first row that `level` covers and whose predicate holds.
template <typename Problem, typename Entry>
const KernelCandidate<Problem, Entry>& ChooseKernel(
    std::span<const KernelCandidate<Problem, Entry>> table, const Problem& problem, Isa level) {
  if (const auto* chosen = FindKernel(table, problem, level)) return *chosen;
  // Unreachable while every table ends with its reference row (tested).
  throw Error(ErrorCode::kInternal, "no kernel in the table handles this problem");
}

}  // namespace trit
