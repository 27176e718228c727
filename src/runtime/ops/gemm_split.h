// Runs a prepared x86 GEMM (Q8Gemm or F32Gemm: Prepare, Compute, rows, tiles, rows_per_call)
// on a thread pool. Header-only so that the kernel benchmarks split work exactly as the
// runtime does.
#pragma once

#include <algorithm>
#include <cstdint>

#include "runtime/thread_pool.h"

namespace trit::runtime {

// Rows split in whole microkernel blocks when there are enough of them, else column tiles (a
// batch-1 Dense). Every output is computed by one thread.
template <typename Gemm, typename Prepared, typename Output>
class GemmSplit {
 public:
  // Prepare, then Run. With threads and a kernel that prepares in parts, each thread prepares
  // its share of the input first (a second hand-off): one thread preparing the whole input left
  // the other to fetch its half from the first core's cache, which cost small layers more than
  // the split saved (ResNet-44's 32x32x16 3x3: 13.7 us alone, 11.9 on two threads; 7.9 when
  // nothing moves the input between the cores). The parts split the input's vectors or rows as
  // Run splits the output's rows, and the pool runs part i on thread i, so a thread's share is
  // mostly what it computed in the op before.
  template <typename Input>
  static void PrepareAndRun(const Gemm& gemm, const Input* input, void* scratch, Output* output,
                            ThreadPool* pool) {
    const int threads = pool ? pool->threads() : 1;
    if (threads > 1 && gemm.prepares_in_parts()) {
      struct Parts {
        const Gemm& gemm;
        const Input* input;
        void* scratch;
        int64_t parts;
        const void* prepared;
      } parts{gemm, input, scratch, threads, nullptr};
      pool->Parallelize(
          threads,
          [](void* context, int64_t i) {
            auto& p = *static_cast<Parts*>(context);
            const void* prepared = p.gemm.PreparePart(p.input, p.scratch, i, p.parts);
            if (i == 0) p.prepared = prepared;
          },
          &parts);
      Run(gemm, static_cast<const Prepared*>(parts.prepared), output, pool);
      return;
    }
    Run(gemm, static_cast<const Prepared*>(gemm.Prepare(input, scratch)), output, pool);
  }

  static void Run(const Gemm& gemm, const Prepared* prepared, Output* output, ThreadPool* pool) {
    const int threads = pool ? pool->threads() : 1;
    const int64_t blocks = (gemm.rows() + gemm.rows_per_call() - 1) / gemm.rows_per_call();
    GemmSplit split{gemm, prepared, output, blocks, 1, true};
    if (threads > 1 && blocks >= threads) {
      split.parts_ = threads;
    } else if (threads > 1 && gemm.tiles() >= threads) {
      split.parts_ = threads;
      split.by_rows_ = false;
    } else if (threads > 1) {
      split.parts_ = std::max<int64_t>(blocks, gemm.tiles());
      split.by_rows_ = blocks >= gemm.tiles();
    }
    if (split.parts_ == 1) {
      gemm.Compute(prepared, output, 0, gemm.rows(), 0, gemm.tiles());
      return;
    }
    pool->Parallelize(split.parts_, &GemmSplit::Part, &split);
  }

 private:
  GemmSplit(const Gemm& gemm, const Prepared* prepared, Output* output, int64_t blocks,
            int64_t parts, bool by_rows)
      : gemm_(gemm),
        prepared_(prepared),
        output_(output),
        blocks_(blocks),
        parts_(parts),
        by_rows_(by_rows) {}

  static void Part(void* context, int64_t i) {
    const GemmSplit& s = *static_cast<const GemmSplit*>(context);
    if (s.by_rows_) {
      const int64_t rows = s.gemm_.rows_per_call();
      const int64_t begin = s.blocks_ * i / s.parts_ * rows;
      const int64_t end = std::min(s.blocks_ * (i + 1) / s.parts_ * rows, s.gemm_.rows());
      s.gemm_.Compute(s.prepared_, s.output_, begin, end, 0, s.gemm_.tiles());
    } else {
      const int64_t tiles = s.gemm_.tiles();
      s.gemm_.Compute(s.prepared_, s.output_, 0, s.gemm_.rows(), tiles * i / s.parts_,
                      tiles * (i + 1) / s.parts_);
    }
  }

  const Gemm& gemm_;
  const Prepared* prepared_;
  Output* output_;
  int64_t blocks_, parts_;
  bool by_rows_;
};

}  // namespace trit::runtime
