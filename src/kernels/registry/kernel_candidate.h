// A row of a kernel table and the choice among rows, without exceptions: what the host's tables
// (kernel_table.h) and the freestanding Cortex-M runtime's share.
#pragma once

#include <span>
#include <string_view>

#include "kernels/isa.h"

namespace trit {

template <typename Problem, typename Entry>
struct KernelCandidate {
  std::string_view name;                      // as `trit info` prints it (a GEMM may refine it)
  Isa isa = Isa::kRef;                        // the lowest level it runs at (IsaCovers)
  bool (*applies)(const Problem&) = nullptr;  // the dtypes and shapes it handles; null: all
  Entry entry{};                              // what the binding runs or builds
};

// The first row that `level` covers and whose predicate holds; null when none does.
template <typename Problem, typename Entry>
const KernelCandidate<Problem, Entry>* FindKernel(
    std::span<const KernelCandidate<Problem, Entry>> table, const Problem& problem, Isa level) {
  for (const KernelCandidate<Problem, Entry>& candidate : table) {
    if (IsaCovers(level, candidate.isa) &&
        (candidate.applies == nullptr || candidate.applies(problem))) {
      return &candidate;
    }
  }
  return nullptr;
}

// Whether a table ends with a reference row that handles everything (every table's rule).
template <typename Problem, typename Entry>
bool EndsWithReference(std::span<const KernelCandidate<Problem, Entry>> table) {
  return !table.empty() && table.back().isa == Isa::kRef && table.back().applies == nullptr;
}

}  // namespace trit
