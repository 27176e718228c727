// One op of a session, prepared for running. Created once at load: it may allocate, check
// types, precompute requantization multipliers and lookup tables, and repack weights. Run()
// is called for every inference and must not allocate on the heap.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "core/graph.h"

namespace trit::runtime {

// Bytes one run of an op moves, counted from its schedule (the recurrent cells count theirs:
// the Data Reuse Efficiency point that RNN inference streams far more than its working set).
struct DataMovement {
  int64_t steps = 0;                      // time steps per run (0: not counted)
  int64_t weight_bytes = 0;               // weights streamed in, every read counted
  int64_t step_by_step_weight_bytes = 0;  // the same with W x computed step by step
  int64_t activation_bytes = 0;           // inputs, outputs and state read and written
  int64_t working_set_bytes = 0;          // weights + state + input + output, each once
};

class OpKernel {
 public:
  virtual ~OpKernel() = default;

  // inputs[i] points at the bytes of node.inputs[i] (constants: their stored bytes),
  // outputs[0] at the output, scratch at scratch_bytes() bytes, 64-byte aligned.
  virtual void Run(const void* const* inputs, void* const* outputs, void* scratch) = 0;

  // Bytes of scratch memory Run() needs; the planner places it in the arena.
  virtual size_t scratch_bytes() const { return 0; }

  // True when the output is the input's bytes unchanged (Reshape, Flatten, Dropout): the planner
  // then gives both the same place in the arena and Run() is never called.
  virtual bool is_alias() const { return false; }

  // False when Run() never reads its constant inputs because the kernel packed its own copy of
  // them at load: the session then frees the model's bytes of a constant once every kernel
  // that reads it is built, so a loaded model holds its weights once, not twice.
  virtual bool reads_constants() const { return true; }

  virtual DataMovement data_movement() const { return {}; }

  // The kernel that runs the op, shown by `trit info` and `trit bench`, named as
  // ref_<op>_<types>, e.g. ref_conv2d_f32, ref_conv2d_q8_ternary, ref_add_q8.
  virtual std::string_view name() const = 0;
};

class ThreadPool;

// Picks and prepares the kernel for `node` of a validated, shape-inferred graph. Kernels that
// split their work across threads keep `pool` (the session's; it outlives them).
// Throws trit::Error (kUnsupported) naming the node when no kernel handles its types.
std::unique_ptr<OpKernel> CreateOpKernel(const Graph& graph, const Node& node, ThreadPool* pool);

}  // namespace trit::runtime
