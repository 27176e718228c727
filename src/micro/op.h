// How an op joins the freestanding runtime: a prepare function, called once at load, checks the
// node (types, shapes, parameters: a hostile file must never reach a kernel with sizes that do
// not agree), computes its integer parameters into the arena's persistent part, states its
// scratch bytes and picks the run function; the run function then only computes.
//
// Persistent records hold no pointers, only offsets from the model or the arena, and fixed-width
// fields: they have the same size on the 64-bit host, where `trit deploy` computes the arena, and
// on the 32-bit microcontroller.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/isa.h"
#include "micro/model_view.h"
#include "micro/status.h"

namespace trit::micro {

// A bidirectional dense LSTM with peepholes and initial states has 13 inputs, a low-rank LSTM 19.
inline constexpr int kMaxNodeInputs = 24;
inline constexpr size_t kArenaAlignment = 16;

struct RunArgs {
  const void* params;
  const void* const* inputs;
  void* const* outputs;
  void* scratch;
  const uint8_t* model;  // what model offsets in params count from
  uint8_t* arena;        // what arena offsets in params count from
};
using RunFn = void (*)(const RunArgs&);

class PrepareContext {
 public:
  PrepareContext(const ModelView& model, const fb::Node* node, uint8_t* arena, size_t arena_bytes,
                 size_t* persistent_end, Isa level)
      : model_(model),
        node_(node),
        arena_(arena),
        arena_bytes_(arena_bytes),
        persistent_end_(persistent_end),
        level_(level) {}

  const fb::Node* node() const { return node_; }
  // The Cortex-M level kernels are chosen for: the one this runtime is compiled for, or, on a
  // host sizing a target's arena (trit deploy), the target's. Scratch follows the chosen kernel
  // even where only the reference is compiled, so the plan is the target's.
  Isa level() const { return level_; }
  const char* name() const { return NodeName(node_); }
  int input_count() const { return static_cast<int>(node_->inputs()->size()); }
  int output_count() const { return static_cast<int>(node_->outputs()->size()); }
  TensorInfo input(int i) const {
    return model_.tensor(node_->inputs()->Get(static_cast<unsigned>(i)));
  }
  TensorInfo output(int i) const {
    return model_.tensor(node_->outputs()->Get(static_cast<unsigned>(i)));
  }

  // Zeroed persistent memory for `count` T's (8-byte aligned); null when the arena is full, and
  // then the failure is already reported.
  template <typename T>
  T* Allocate(size_t count) {
    return static_cast<T*>(AllocateBytes(sizeof(T) * count));
  }
  void* AllocateBytes(size_t bytes);
  void* ArenaBase() const { return arena_; }
  uint32_t ArenaOffset(const void* p) const {
    return static_cast<uint32_t>(static_cast<const uint8_t*>(p) - arena_);
  }
  uint32_t ModelOffset(const void* p) const {
    return static_cast<uint32_t>(static_cast<const uint8_t*>(p) - model_.bytes());
  }

  // Failures naming the node.
  Failure Unsupported() const { return Fail(Status::kUnsupported) << "node " << name() << ": "; }
  Failure BadShape() const { return Fail(Status::kShape) << "node " << name() << ": "; }

  // Set by the prepare function.
  RunFn run = nullptr;
  const char* kernel = "ref";  // the kernel's name for trit deploy's report (the registry's)
  size_t scratch_bytes = 0;
  void* params = nullptr;
  // The input the kernel may overwrite with its output (-1: none): element-wise kernels whose
  // output element i depends on input element i alone, read before it is written, and takes no
  // more bytes. The interpreter uses it only where no later node reads that input.
  int in_place_input = -1;

 private:
  const ModelView& model_;
  const fb::Node* node_;
  uint8_t* arena_;
  size_t arena_bytes_;
  size_t* persistent_end_;
  Isa level_;
};

using PrepareFn = Status (*)(PrepareContext&);

// Resolves an offset stored in a persistent record.
template <typename T>
const T* FromModel(const RunArgs& args, uint32_t offset) {
  return reinterpret_cast<const T*>(args.model + offset);
}
template <typename T>
const T* FromArena(const RunArgs& args, uint32_t offset) {
  return reinterpret_cast<const T*>(args.arena + offset);
}

// The prepare function of each op this runtime runs (null: unsupported); aliases (Reshape,
// Flatten, Dropout) are handled by the interpreter.
PrepareFn PrepareFunction(uint16_t op);

// The ops' prepare functions, one file per family.
Status PrepareConv2D(PrepareContext& context);
Status PrepareDense(PrepareContext& context);
Status PreparePool(PrepareContext& context);
Status PrepareAdd(PrepareContext& context);
Status PrepareQuantize(PrepareContext& context);
Status PrepareDequantize(PrepareContext& context);
Status PrepareActivation(PrepareContext& context);
Status PrepareBatchNorm(PrepareContext& context);
Status PreparePad(PrepareContext& context);
Status PrepareConcat(PrepareContext& context);
Status PrepareRecurrent(PrepareContext& context);

// The run function for 8-bit input and output types (i8 or u8 each).
template <RunFn I8I8, RunFn I8U8, RunFn U8I8, RunFn U8U8>
RunFn PickQ8(DType in, DType out) {
  if (in == DType::kI8) return out == DType::kI8 ? I8I8 : I8U8;
  return out == DType::kI8 ? U8I8 : U8U8;
}

// Whether two tensors carry the same type and quantization parameters.
bool SameQuantization(const TensorInfo& a, const TensorInfo& b);

// Shared checks.
bool IsQ8(DType type);
// Input i is a constant of `type` with `elements` elements.
bool IsConstant(const TensorInfo& t, DType type, int64_t elements);

}  // namespace trit::micro
