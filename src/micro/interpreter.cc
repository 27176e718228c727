// The freestanding runtime's load and invoke (include/trit/trit_micro.h).
//
// Arena layout, bottom up:
//   the trit_micro record (64 bytes)
//   one TensorSlot per tensor, one NodeRecord per node
//   each node's prepared parameters (requantization multipliers, BatchNorm's integers, ...)
//   the planned region: every activation and each kernel's scratch, placed by liveness
// While loading, the planner's working memory sits where the planned region will be; the arena
// used is the persistent part plus the larger of the two.
#include <cstring>

#include "core/arena_plan.h"
#include "core/op_type.h"
#include "micro/compiled_ops.h"
#include "micro/conv_pool.h"
#include "micro/in_place.h"
#include "micro/inspect.h"
#include "micro/model_view.h"
#include "micro/node_record.h"
#include "micro/op.h"
#include "micro/status.h"
#include "trit/trit_micro.h"

using trit::micro::Fail;
using trit::micro::Status;

namespace trit::micro {
namespace {

constexpr uint32_t kMagic = 0x5452434Du;  // "TRCM"

// Where a tensor's bytes are: at `offset` in the model (a constant) or in the arena.
struct TensorSlot {
  uint32_t offset;
  uint32_t in_model;
};

size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

bool IsAlias(uint16_t op) {
  const auto type = static_cast<OpType>(op);
  return type == OpType::kReshape || type == OpType::kFlatten || type == OpType::kDropout;
}

}  // namespace

void* PrepareContext::AllocateBytes(size_t bytes) {
  const size_t begin = AlignUp(*persistent_end_, 8);
  if (begin > arena_bytes_ || bytes > arena_bytes_ - begin) {
    Fail(Status::kInvalidArgument)
        << "arena too small: preparing node " << name() << " needs more than "
        << static_cast<uint64_t>(arena_bytes_) << " bytes";
    return nullptr;
  }
  *persistent_end_ = begin + bytes;
  std::memset(arena_ + begin, 0, bytes);
  return arena_ + begin;
}

// An op's prepare function where the build holds the op, else null: folded when the build is
// compiled, so that nothing references the code of ops outside it.
constexpr PrepareFn IfCompiled(OpType op, PrepareFn prepare) {
  return OpCompiled(static_cast<uint16_t>(op)) ? prepare : nullptr;
}

PrepareFn PrepareFunction(uint16_t op) {
  switch (static_cast<OpType>(op)) {
    case OpType::kConv2D:
      return IfCompiled(OpType::kConv2D, PrepareConv2D);
    case OpType::kDense:
      return IfCompiled(OpType::kDense, PrepareDense);
    case OpType::kMaxPool:
      return IfCompiled(OpType::kMaxPool, PreparePool);
    case OpType::kAvgPool:
      return IfCompiled(OpType::kAvgPool, PreparePool);
    case OpType::kGlobalAvgPool:
      return IfCompiled(OpType::kGlobalAvgPool, PreparePool);
    case OpType::kAdd:
      return IfCompiled(OpType::kAdd, PrepareAdd);
    case OpType::kQuantize:
      return IfCompiled(OpType::kQuantize, PrepareQuantize);
    case OpType::kDequantize:
      return IfCompiled(OpType::kDequantize, PrepareDequantize);
    case OpType::kRelu:
      return IfCompiled(OpType::kRelu, PrepareActivation);
    case OpType::kClip:
      return IfCompiled(OpType::kClip, PrepareActivation);
    case OpType::kBatchNorm:
      return IfCompiled(OpType::kBatchNorm, PrepareBatchNorm);
    case OpType::kPad:
      return IfCompiled(OpType::kPad, PreparePad);
    case OpType::kConcat:
      return IfCompiled(OpType::kConcat, PrepareConcat);
    case OpType::kLstm:
      return IfCompiled(OpType::kLstm, PrepareRecurrent);
    case OpType::kGru:
      return IfCompiled(OpType::kGru, PrepareRecurrent);
    case OpType::kFastRnn:
      return IfCompiled(OpType::kFastRnn, PrepareRecurrent);
    case OpType::kFastGrnn:
      return IfCompiled(OpType::kFastGrnn, PrepareRecurrent);
    default:
      return nullptr;
  }
}

}  // namespace trit::micro

struct trit_micro {
  uint32_t magic;
  uint32_t tensor_count;
  uint32_t node_count;
  uint32_t tensors;  // arena offset of TensorSlot[tensor_count]
  uint32_t nodes;    // arena offset of NodeRecord[node_count]
  uint32_t arena_used;
  uint64_t model;  // address of the model bytes
  uint64_t model_bytes;
  uint32_t aliases;     // arena offset of int32_t[tensor_count]: the tensor whose bytes it uses
  uint32_t persistent;  // bytes below the planned region
  uint8_t reserved[16];
};
static_assert(sizeof(trit_micro) == 64, "the record has the same size on every target");

namespace trit::micro {
namespace {

uint8_t* ArenaOf(const trit_micro* m) {
  return reinterpret_cast<uint8_t*>(const_cast<trit_micro*>(m));
}
const uint8_t* ModelOf(const trit_micro* m) {
  return reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(m->model));
}
TensorSlot* SlotsOf(const trit_micro* m) {
  return reinterpret_cast<TensorSlot*>(ArenaOf(m) + m->tensors);
}
NodeRecord* RecordsOf(const trit_micro* m) {
  return reinterpret_cast<NodeRecord*>(ArenaOf(m) + m->nodes);
}

// Plans every activation and scratch buffer; fills the slots' and records' offsets.
Status Plan(const ModelView& model, uint8_t* arena, size_t arena_bytes, size_t persistent_end,
            const int32_t* alias_of, TensorSlot* slots, NodeRecord* records, size_t* used) {
  const int tensors = model.tensor_count();
  const int nodes = model.node_count();
  const int32_t end_step = nodes;  // graph outputs stay live after the last node
  // Temporary tables, where the planned region will be: per tensor, its buffer (or -1); per
  // buffer, its lifetime and planned offset; then the planner's workspace.
  const size_t max_buffers = static_cast<size_t>(tensors) + static_cast<size_t>(nodes);
  const size_t temp_begin = AlignUp(persistent_end, kArenaAlignment);
  const size_t temp_bytes = sizeof(int32_t) * static_cast<size_t>(tensors) + 8 +
                            (sizeof(BufferLifetime) + sizeof(size_t)) * max_buffers + 8 +
                            ArenaPlanWorkspaceBytes(max_buffers);
  if (temp_begin > arena_bytes || temp_bytes > arena_bytes - temp_begin) {
    return Fail(Status::kInvalidArgument)
           << "arena too small: planning needs " << static_cast<uint64_t>(temp_begin + temp_bytes)
           << " bytes, the arena has " << static_cast<uint64_t>(arena_bytes);
  }
  auto* buffer_of = reinterpret_cast<int32_t*>(arena + temp_begin);
  auto* lifetimes = reinterpret_cast<BufferLifetime*>(
      arena + AlignUp(temp_begin + sizeof(int32_t) * static_cast<size_t>(tensors), 8));
  auto* offsets = reinterpret_cast<size_t*>(lifetimes + max_buffers);
  void* workspace = offsets + max_buffers;

  size_t count = 0;
  for (int t = 0; t < tensors; ++t) buffer_of[t] = -1;
  auto add_tensor = [&](int32_t t, int32_t step) {
    const TensorInfo info = model.tensor(t);
    buffer_of[t] = static_cast<int32_t>(count);
    lifetimes[count++] = {info.bytes, step, step};
  };
  for (const int32_t t : *model.model()->inputs()) {
    if (buffer_of[t] < 0) add_tensor(t, 0);
  }
  for (int n = 0; n < nodes; ++n) {
    const fb::Node* node = model.node(n);
    // A fused node runs at its head's step; the tensors inside the fused chain (every output
    // but the last node's) are never materialized.
    const auto step = static_cast<int32_t>(records[n].head);
    const NodeRecord& head = records[step];
    if (head.last == static_cast<uint32_t>(n)) {
      for (const int32_t t : *node->outputs()) {
        if (alias_of[t] == t) add_tensor(t, step);
      }
    }
    for (const int32_t t : *node->inputs()) {
      const int32_t root = alias_of[t];
      if (buffer_of[root] >= 0 && lifetimes[buffer_of[root]].last_step < step) {
        lifetimes[buffer_of[root]].last_step = step;
      }
    }
    if (records[n].scratch_bytes > 0) {
      records[n].scratch_buffer = static_cast<uint32_t>(count);  // the scratch buffer, below
      lifetimes[count++] = {records[n].scratch_bytes, n, n};
    }
  }
  for (const int32_t t : *model.model()->outputs()) {
    const int32_t root = alias_of[t];
    if (buffer_of[root] < 0) {
      return Fail(Status::kFormat) << "model: graph output " << model.tensor(t).name
                                   << " is neither an input nor written by a node";
    }
    lifetimes[buffer_of[root]].last_step = end_step;
  }
  const ArenaPlan plan = PlanArena(lifetimes, count, kArenaAlignment, workspace, offsets);
  const size_t region = temp_begin;
  const size_t needed = region + (plan.arena_bytes > temp_bytes ? plan.arena_bytes : temp_bytes);
  if (needed > arena_bytes || needed > 0xFFFFFFFFu) {
    return Fail(Status::kInvalidArgument)
           << "arena too small: the model needs " << static_cast<uint64_t>(needed)
           << " bytes, the arena has " << static_cast<uint64_t>(arena_bytes);
  }
  for (int t = 0; t < tensors; ++t) {
    const TensorInfo info = model.tensor(t);
    if (info.is_constant()) {
      slots[t] = {static_cast<uint32_t>(info.data - model.bytes()), 1};
    }
  }
  for (int t = 0; t < tensors; ++t) {
    const int32_t root = alias_of[t];
    const TensorInfo info = model.tensor(root);
    if (info.is_constant()) {
      slots[t] = slots[root];
    } else if (buffer_of[root] >= 0) {
      slots[t] = {static_cast<uint32_t>(region + offsets[buffer_of[root]]), 0};
    }
  }
  for (int n = 0; n < nodes; ++n) {
    if (records[n].scratch_bytes > 0) {
      records[n].scratch_offset =
          static_cast<uint32_t>(region + offsets[records[n].scratch_buffer]);
    }
  }
  *used = needed;
  return Status::kOk;
}

Status Load(const uint8_t* bytes, size_t size, uint8_t* arena, size_t arena_bytes, Isa level,
            trit_micro** out, const char** kernels) {
  if (!arena || !out) return Fail(Status::kInvalidArgument) << "null arena or output pointer";
  if (reinterpret_cast<uintptr_t>(arena) % kArenaAlignment != 0) {
    return Fail(Status::kInvalidArgument) << "the arena must be 16-byte aligned";
  }
  ModelView model;
  const Status verified = model.Verify(bytes, size);
  if (verified != Status::kOk) return verified;
  const auto tensors = static_cast<size_t>(model.tensor_count());
  const auto nodes = static_cast<size_t>(model.node_count());
  for (const int32_t t : *model.model()->inputs()) {
    if (model.tensor(t).is_constant()) return Fail(Status::kFormat) << "model: a constant input";
  }
  // The record, the slots, the node records; then a temporary alias table (tensor -> the
  // tensor whose bytes it shares), kept until planning is done.
  const size_t slots_at = sizeof(trit_micro);
  const size_t records_at = AlignUp(slots_at + sizeof(TensorSlot) * tensors, 8);
  const size_t alias_at = records_at + sizeof(NodeRecord) * nodes;
  size_t persistent_end = alias_at;
  if (persistent_end > arena_bytes) {
    return Fail(Status::kInvalidArgument)
           << "arena too small: " << static_cast<uint64_t>(arena_bytes) << " bytes";
  }
  std::memset(arena, 0, persistent_end);
  auto* m = reinterpret_cast<trit_micro*>(arena);
  m->magic = 0;
  m->tensor_count = static_cast<uint32_t>(tensors);
  m->node_count = static_cast<uint32_t>(nodes);
  m->tensors = static_cast<uint32_t>(slots_at);
  m->nodes = static_cast<uint32_t>(records_at);
  m->model = reinterpret_cast<uintptr_t>(bytes);
  m->model_bytes = size;
  auto* records = RecordsOf(m);

  // Aliases first (they need no memory but their table), then every node's prepare.
  persistent_end = AlignUp(persistent_end, 8);
  if (sizeof(int32_t) * tensors > arena_bytes - persistent_end) {
    return Fail(Status::kInvalidArgument)
           << "arena too small: " << static_cast<uint64_t>(arena_bytes) << " bytes";
  }
  auto* alias_of = reinterpret_cast<int32_t*>(arena + persistent_end);
  persistent_end += sizeof(int32_t) * tensors;
  for (size_t t = 0; t < tensors; ++t) alias_of[t] = static_cast<int32_t>(t);
  for (size_t n = 0; n < nodes; ++n) {
    const fb::Node* node = model.node(static_cast<int>(n));
    if (node->inputs()->size() > static_cast<unsigned>(kMaxNodeInputs) ||
        node->outputs()->size() > 4) {
      return Fail(Status::kUnsupported)
             << "node " << NodeName(node) << ": " << node->inputs()->size()
             << " inputs, more than the " << kMaxNodeInputs
             << " this runtime takes, or more than 4 outputs";
    }
    if (!IsAlias(node->op())) continue;
    if (node->inputs()->size() < 1 || node->outputs()->size() != 1) {
      return Fail(Status::kShape) << "node " << NodeName(node) << ": an alias takes 1 input";
    }
    const int32_t from = node->inputs()->Get(0), to = node->outputs()->Get(0);
    const TensorInfo a = model.tensor(from), b = model.tensor(to);
    if (a.dtype != b.dtype || a.bytes != b.bytes) {
      return Fail(Status::kShape) << "node " << NodeName(node)
                                  << ": output differs from the input in type or size";
    }
    alias_of[to] = alias_of[from];
  }
  for (size_t n = 0; n < nodes; ++n) {
    const fb::Node* node = model.node(static_cast<int>(n));
    if (IsAlias(node->op())) continue;
    const PrepareFn prepare = PrepareFunction(node->op());
    if (!prepare && !OpCompiled(node->op())) {
      return Fail(Status::kUnsupported)
             << "node " << NodeName(node) << ": op "
             << (node->op_name() ? node->op_name()->c_str() : "?")
             << " is not compiled into this build (TRIT_MICRO_OPS: trit deploy compiles its "
                "model's ops)";
    }
    if (!prepare) {
      return Fail(Status::kUnsupported) << "node " << NodeName(node) << ": op "
                                        << (node->op_name() ? node->op_name()->c_str() : "?")
                                        << " is not supported by the microcontroller runtime";
    }
    PrepareContext context(model, node, arena, arena_bytes, &persistent_end, level);
    const Status status = prepare(context);
    if (status != Status::kOk) return status;
    if (!context.run)
      return Fail(Status::kUnsupported) << "node " << NodeName(node) << ": no kernel";
    if (context.scratch_bytes > 0xFFFFFFFFu) {
      return Fail(Status::kUnsupported) << "node " << NodeName(node) << ": scratch too large";
    }
    records[n].run = reinterpret_cast<uintptr_t>(context.run);
    records[n].head = records[n].last = static_cast<uint32_t>(n);
    records[n].params = context.params ? context.ArenaOffset(context.params) : 0;
    records[n].scratch_bytes = static_cast<uint32_t>(context.scratch_bytes);
    records[n].scratch_buffer = static_cast<uint32_t>(context.in_place_input + 1);
    if (kernels) kernels[n] = context.kernel;
  }
  // Aliases are their own head (they run nowhere).
  for (size_t n = 0; n < nodes; ++n) {
    if (records[n].run == 0) records[n].head = records[n].last = static_cast<uint32_t>(n);
  }
  // Memory-lean schedules over the prepared nodes.
  for (int n = 0; n < static_cast<int>(nodes); ++n) {
    const int length = ConvPoolChainLength(model, records, n);
    if (length == 0) continue;
    PrepareContext context(model, model.node(n), arena, arena_bytes, &persistent_end, level);
    const Status fused = FuseConvPool(model, records, n, length, context);
    if (fused != Status::kOk) return fused;
    for (int k = 1; kernels && k < length; ++k) kernels[n + k] = "in the conv's band";
    n += length - 1;
  }
  if (nodes > 0) {
    PrepareContext context(model, model.node(0), arena, arena_bytes, &persistent_end, level);
    const Status in_place = RunConvolutionsInPlace(model, records, alias_of, context);
    if (in_place != Status::kOk) return in_place;
  }
  RunElementwiseInPlace(model, records, alias_of);
  size_t used = 0;
  const Status planned =
      Plan(model, arena, arena_bytes, persistent_end, alias_of, SlotsOf(m), records, &used);
  if (planned != Status::kOk) return planned;
  m->arena_used = static_cast<uint32_t>(used);
  m->aliases = static_cast<uint32_t>(reinterpret_cast<uint8_t*>(alias_of) - arena);
  m->persistent = static_cast<uint32_t>(AlignUp(persistent_end, kArenaAlignment));
  m->magic = kMagic;
  *out = m;
  ClearError();
  return Status::kOk;
}

bool Valid(const trit_micro* m) { return m && m->magic == kMagic; }

Status Describe(const trit_micro* m, const flatbuffers::Vector<int32_t>* list, int index,
                trit_micro_tensor* out) {
  if (!Valid(m) || !out) return Fail(Status::kInvalidArgument) << "null or unloaded model";
  if (index < 0 || static_cast<unsigned>(index) >= list->size()) {
    return Fail(Status::kInvalidArgument) << "tensor index " << index << " out of range";
  }
  const int32_t t = list->Get(static_cast<unsigned>(index));
  const fb::Model* model = fb::GetModel(ModelOf(m) + 64);
  const fb::Tensor* tensor = model->tensors()->Get(static_cast<unsigned>(t));
  std::memset(out, 0, sizeof(*out));
  const TensorSlot slot = SlotsOf(m)[t];
  out->data = ArenaOf(m) + slot.offset;
  out->dtype = tensor->dtype();
  out->rank = static_cast<uint8_t>(tensor->shape()->size());
  int64_t elements = 1;
  for (unsigned d = 0; d < tensor->shape()->size(); ++d) {
    out->shape[d] = static_cast<int32_t>(tensor->shape()->Get(d));
    elements *= tensor->shape()->Get(d);
  }
  out->bytes = StorageBytes(static_cast<DType>(tensor->dtype()), elements);
  out->scale = 1.0f;
  if (const fb::QuantParams* q = tensor->quant()) {
    if (q->scale() && q->scale()->size() > 0) out->scale = q->scale()->Get(0);
    if (q->zero_point() && q->zero_point()->size() > 0) out->zero_point = q->zero_point()->Get(0);
  }
  return Status::kOk;
}

const fb::Model* ModelDescription(const trit_micro* m) { return fb::GetModel(ModelOf(m) + 64); }

Status Invoke(trit_micro* m) {
  if (!Valid(m)) return Fail(Status::kInvalidArgument) << "null or unloaded model";
  const fb::Model* model = ModelDescription(m);
  const uint8_t* model_bytes = ModelOf(m);
  uint8_t* arena = ArenaOf(m);
  const TensorSlot* slots = SlotsOf(m);
  const NodeRecord* records = RecordsOf(m);
  auto where = [&](int32_t t) -> uint8_t* {
    const TensorSlot s = slots[t];
    return s.in_model ? const_cast<uint8_t*>(model_bytes) + s.offset : arena + s.offset;
  };
  for (uint32_t n = 0; n < m->node_count; ++n) {
    const NodeRecord& record = records[n];
    if (record.run == 0) continue;  // an alias, or fused into an earlier node's schedule
    const fb::Node* node = model->nodes()->Get(n);
    const fb::Node* last = model->nodes()->Get(record.last);
    const void* inputs[kMaxNodeInputs];
    void* outputs[4];
    for (unsigned i = 0; i < node->inputs()->size(); ++i) inputs[i] = where(node->inputs()->Get(i));
    for (unsigned i = 0; i < last->outputs()->size(); ++i) {
      outputs[i] = where(last->outputs()->Get(i));
    }
    const RunArgs args{arena + record.params,
                       inputs,
                       outputs,
                       record.scratch_bytes ? arena + record.scratch_offset : nullptr,
                       model_bytes,
                       arena};
    reinterpret_cast<RunFn>(static_cast<uintptr_t>(record.run))(args);
  }
  return Status::kOk;
}

trit_micro_status ToC(Status status) { return static_cast<trit_micro_status>(status); }

}  // namespace

trit_micro_status LoadForLevel(const void* model, size_t model_bytes, void* arena,
                               size_t arena_bytes, Isa level, trit_micro** out,
                               const char** kernels) {
  return ToC(Load(static_cast<const uint8_t*>(model), model_bytes, static_cast<uint8_t*>(arena),
                  arena_bytes, level, out, kernels));
}

size_t PersistentBytes(const trit_micro* m) { return Valid(m) ? m->persistent : 0; }

size_t NodeScratchBytes(const trit_micro* m, int node) {
  if (!Valid(m) || node < 0 || static_cast<uint32_t>(node) >= m->node_count) return 0;
  return RecordsOf(m)[node].scratch_bytes;
}

int NodeStep(const trit_micro* m, int node) {
  if (!Valid(m) || node < 0 || static_cast<uint32_t>(node) >= m->node_count) return -1;
  return static_cast<int>(RecordsOf(m)[node].head);
}

bool NodeOutputsPlanned(const trit_micro* m, int node) {
  if (!Valid(m) || node < 0 || static_cast<uint32_t>(node) >= m->node_count) return false;
  const NodeRecord* records = RecordsOf(m);
  return records[records[node].head].last == static_cast<uint32_t>(node);
}

int32_t AliasRoot(const trit_micro* m, int tensor) {
  if (!Valid(m) || tensor < 0 || static_cast<uint32_t>(tensor) >= m->tensor_count) return -1;
  return reinterpret_cast<const int32_t*>(ArenaOf(m) + m->aliases)[tensor];
}

}  // namespace trit::micro

extern "C" {

trit_micro_status trit_micro_load(const void* model, size_t model_bytes, void* arena,
                                  size_t arena_bytes, trit_micro** out) {
  return trit::micro::ToC(trit::micro::Load(static_cast<const uint8_t*>(model), model_bytes,
                                            static_cast<uint8_t*>(arena), arena_bytes,
                                            trit::CompiledCortexMIsa(), out, nullptr));
}

size_t trit_micro_arena_used(const trit_micro* m) {
  return trit::micro::Valid(m) ? m->arena_used : 0;
}

int trit_micro_input_count(const trit_micro* m) {
  return trit::micro::Valid(m)
             ? static_cast<int>(trit::micro::ModelDescription(m)->inputs()->size())
             : 0;
}

int trit_micro_output_count(const trit_micro* m) {
  return trit::micro::Valid(m)
             ? static_cast<int>(trit::micro::ModelDescription(m)->outputs()->size())
             : 0;
}

trit_micro_status trit_micro_input(const trit_micro* m, int index, trit_micro_tensor* tensor) {
  if (!trit::micro::Valid(m)) {
    return trit::micro::ToC(Fail(Status::kInvalidArgument) << "null or unloaded model");
  }
  return trit::micro::ToC(
      trit::micro::Describe(m, trit::micro::ModelDescription(m)->inputs(), index, tensor));
}

trit_micro_status trit_micro_output(const trit_micro* m, int index, trit_micro_tensor* tensor) {
  if (!trit::micro::Valid(m)) {
    return trit::micro::ToC(Fail(Status::kInvalidArgument) << "null or unloaded model");
  }
  return trit::micro::ToC(
      trit::micro::Describe(m, trit::micro::ModelDescription(m)->outputs(), index, tensor));
}

trit_micro_status trit_micro_invoke(trit_micro* m) {
  return trit::micro::ToC(trit::micro::Invoke(m));
}

const char* trit_micro_last_error(void) { return trit::micro::LastError(); }

}  // extern "C"
