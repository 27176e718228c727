// The shape of every op family's kernel table (kernels/registry/*.h): one row per candidate
// kernel, best first, each with the level it needs, the dtypes and shapes it handles, and its
// name. The last row of every table is the reference, which handles everything, so a choice
// always exists. Bindings (runtime/ops) ask the family's table and run what it returns; which
// kernel runs where is read off the table, never off a binding.
#pragma once

#include <span>
#include <string_view>

#include "core/error.h"
#include "kernels/isa.h"

namespace trit {

template <typename Problem, typename Entry>
struct KernelCandidate {
  std::string_view name;                      // as `trit info` prints it (a GEMM may refine it)
  Isa isa = Isa::kRef;                        // the lowest level it runs at (IsaCovers)
  bool (*applies)(const Problem&) = nullptr;  // the dtypes and shapes it handles; null: all
  Entry entry{};                              // what the binding runs or builds
};

// The first row that `level` covers and whose predicate holds.
template <typename Problem, typename Entry>
const KernelCandidate<Problem, Entry>& ChooseKernel(
    std::span<const KernelCandidate<Problem, Entry>> table, const Problem& problem, Isa level) {
  for (const KernelCandidate<Problem, Entry>& candidate : table) {
    if (IsaCovers(level, candidate.isa) &&
        (candidate.applies == nullptr || candidate.applies(problem))) {
      return candidate;
    }
  }
  // Unreachable while every table ends with its reference row (tested).
  throw Error(ErrorCode::kInternal, "no kernel in the table handles this problem");
}

// Whether a table ends with a reference row that handles everything (the rule above).
template <typename Problem, typename Entry>
bool EndsWithReference(std::span<const KernelCandidate<Problem, Entry>> table) {
  return !table.empty() && table.back().isa == Isa::kRef && table.back().applies == nullptr;
}

}  // namespace trit
