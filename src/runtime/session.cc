#include "runtime/session.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "runtime/memory_planner.h"
#include "runtime/thread_pool.h"

namespace trit::runtime {
namespace {

constexpr size_t kAlignment = Session::kArenaAlignment;
constexpr size_t kNoPlace = SIZE_MAX;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

size_t ValueBytes(const Value& v) { return StorageBytes(v.dtype, NumElements(v.shape)); }

// Bound buffers need only their elements' alignment: the kernels read and write activations
// with unaligned accesses (their aligned loads are of weights they packed themselves).
size_t ElementAlignment(DType type) {
  return static_cast<size_t>(std::max(1, BitsPerElement(type) / 8));
}

}  // namespace

struct Session::State {
  std::optional<format::ModelFile> file;
  Graph graph;  // the file's graph, or the caller's
  std::vector<NodeId> order;
  std::unique_ptr<ThreadPool> pool;                // before the kernels: they hold it
  std::vector<std::unique_ptr<OpKernel>> kernels;  // by node id
  size_t arena_bytes = 0;
  size_t arena_lower_bound = 0;
  std::unique_ptr<uint8_t, FreeDeleter> owned_arena;  // when the session allocated it
  uint8_t* arena = nullptr;                           // owned_arena or the caller's; null: none
  // The plan, by value: the value whose storage it shares (aliases), and where that root
  // value lies in the arena (kNoPlace for constants and unused values).
  std::vector<ValueId> root;
  std::vector<size_t> arena_offset;
  // Caller buffers bound to graph inputs and outputs (null: the arena), and the same by root.
  std::vector<uint8_t*> input_binding, output_binding;
  std::vector<uint8_t*> root_binding;
  std::vector<uint8_t*> value_data;  // by value: arena, bound buffer or constant bytes
  // Per executed step: the kernel and its pointer arrays, sized at load and refilled by Link().
  struct Step {
    NodeId node;
    OpKernel* kernel;
    std::vector<const void*> inputs;
    std::vector<void*> outputs;
    size_t scratch_offset;  // kNoPlace: no scratch
    void* scratch;
  };
  std::vector<Step> steps;
  std::vector<NodeProfile> profile;

  const Graph& g() const { return file ? file->graph : graph; }
  void Build(const SessionOptions& options);
  void BuildKernelsReleasingConstants();
  void CheckArena(std::span<std::byte> candidate) const;
  void Link();  // fills value_data and the steps' pointers; allocates nothing
  void Bind(bool is_input, size_t index, uint8_t* data, size_t bytes);
};

void Session::State::BuildKernelsReleasingConstants() {
  Graph& graph_ref = file ? file->graph : graph;
  // A constant is freed once the last node that uses it has its kernel and no kernel that uses
  // it reads it at run time: each packed its own copy. A decoded tensor is then freed while the
  // later layers are still being packed, so the peak holds about one layer twice, not the whole
  // model. A view into the mapped file frees nothing itself; its pages are dropped instead.
  std::vector<int> uses_left(graph_ref.values().size(), 0);
  std::vector<bool> keep(graph_ref.values().size(), false);
  for (const NodeId id : order) {
    for (const ValueId v : graph_ref.node(id).inputs) ++uses_left[static_cast<size_t>(v)];
  }
  for (const ValueId v : graph_ref.outputs()) keep[static_cast<size_t>(v)] = true;
  // Largest weights first: while a layer packs, its decoded tensor sits beside its packed
  // copy, and the peak is the kernels built so far plus that pair. Built first, the largest
  // pair meets the fewest kernels (AlexNet ternary: 2 MB less at the peak). Kernels do not
  // depend on one another, so any order builds the same session.
  std::vector<NodeId> build_order = order;
  std::vector<int64_t> constant_bytes(graph_ref.nodes().size(), 0);
  for (const NodeId id : order) {
    for (const ValueId v : graph_ref.node(id).inputs) {
      const Value& value = graph_ref.value(v);
      if (value.is_constant()) {
        constant_bytes[static_cast<size_t>(id)] +=
            static_cast<int64_t>(StorageBytes(value.dtype, NumElements(value.shape)));
      }
    }
  }
  std::stable_sort(build_order.begin(), build_order.end(), [&](NodeId a, NodeId b) {
    return constant_bytes[static_cast<size_t>(a)] > constant_bytes[static_cast<size_t>(b)];
  });
  for (const NodeId id : build_order) {
    const Node& node = graph_ref.node(id);
    auto& kernel = kernels[static_cast<size_t>(id)];
    kernel = CreateOpKernel(graph_ref, node, pool.get());
    for (const ValueId input : node.inputs) {
      const size_t v = static_cast<size_t>(input);
      Value& value = graph_ref.value(input);
      if (!value.is_constant()) continue;
      if (kernel->reads_constants()) keep[v] = true;
      if (--uses_left[v] == 0 && !keep[v]) value.data = Buffer();
    }
    // The pages the kernel packed from are read and done with: drop them now, not at the end,
    // or the whole file would be resident beside the packed copies by the last layer.
    if (!kernel->reads_constants() && file && file->mapping) file->mapping->DropResidentPages();
  }
}

void Session::State::CheckArena(std::span<std::byte> candidate) const {
  if (candidate.size() < arena_bytes) {
    throw Error(ErrorCode::kInvalidArgument, "arena of " + std::to_string(candidate.size()) +
                                                 " bytes is too small: the model needs " +
                                                 std::to_string(arena_bytes) + " bytes");
  }
  const size_t misalignment = reinterpret_cast<uintptr_t>(candidate.data()) % kAlignment;
  if (misalignment != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "arena is not " + std::to_string(kAlignment) + "-byte aligned (it starts " +
                    std::to_string(misalignment) + " bytes past a multiple)");
  }
}

void Session::State::Build(const SessionOptions& options) {
  if (options.threads < 1 || options.threads > 1024) {
    throw Error(ErrorCode::kInvalidArgument,
                "threads must be between 1 and 1024, not " + std::to_string(options.threads));
  }
  if (options.arena.data() && options.defer_arena) {
    throw Error(ErrorCode::kInvalidArgument, "an arena was given and deferred: choose one");
  }
  pool = std::make_unique<ThreadPool>(options.threads);
  const Graph& graph_ref = g();
  order = graph_ref.TopologicalOrder();
  const auto& values = graph_ref.values();
  const size_t value_count = values.size();
  kernels.resize(graph_ref.nodes().size());
  BuildKernelsReleasingConstants();

  // Alias kernels share their input's storage: every value maps to a root value.
  root.resize(value_count);
  std::iota(root.begin(), root.end(), 0);
  for (const NodeId id : order) {
    const Node& node = graph_ref.node(id);
    if (kernels[static_cast<size_t>(id)]->is_alias()) {
      root[static_cast<size_t>(node.outputs[0])] = root[static_cast<size_t>(node.inputs[0])];
    }
  }

  // Lifetimes of root values: step 0 holds the graph inputs, node k runs at step k + 1,
  // graph outputs stay live to the end.
  const int last = static_cast<int>(order.size()) + 1;
  std::vector<int> first_step(value_count, last + 1), last_step(value_count, -1);
  auto touch = [&](ValueId v, int step) {
    const size_t r = static_cast<size_t>(root[static_cast<size_t>(v)]);
    first_step[r] = std::min(first_step[r], step);
    last_step[r] = std::max(last_step[r], step);
  };
  for (const ValueId in : graph_ref.inputs()) touch(in, 0);
  for (size_t s = 0; s < order.size(); ++s) {
    const Node& node = graph_ref.node(order[s]);
    for (const ValueId v : node.inputs) touch(v, static_cast<int>(s) + 1);
    for (const ValueId v : node.outputs) touch(v, static_cast<int>(s) + 1);
  }
  for (const ValueId out : graph_ref.outputs()) touch(out, last);

  std::vector<TensorLifetime> lifetimes;
  std::vector<size_t> tensor_of_value(value_count, kNoPlace);
  for (size_t v = 0; v < value_count; ++v) {
    if (root[v] != static_cast<ValueId>(v) || values[v].is_constant()) continue;
    if (last_step[v] < 0) continue;  // never used
    tensor_of_value[v] = lifetimes.size();
    lifetimes.push_back({ValueBytes(values[v]), first_step[v], last_step[v]});
  }
  // On one thread each step's scratch lives for its step only and shares bytes with values.
  // With threads, every step's scratch takes one region of its own, live for the whole run:
  // threads write a value in contiguous halves and scratch in other patterns (a Winograd
  // layer's tiles interleave the halves), so a value placed over another step's scratch made
  // each thread write lines the other had written last, a transfer between the cores per line
  // (ResNet-44 fp32 on two vCPUs of an AMD EPYC VM: 0.90 -> 0.79 ms). It costs the arena the
  // largest scratch.
  std::vector<size_t> tensor_of_scratch(order.size(), kNoPlace);
  const bool shared_scratch = pool->threads() > 1;
  size_t shared_scratch_bytes = 0;
  for (size_t s = 0; s < order.size(); ++s) {
    const size_t bytes = kernels[static_cast<size_t>(order[s])]->scratch_bytes();
    if (bytes == 0) continue;
    if (shared_scratch) {
      shared_scratch_bytes = std::max(shared_scratch_bytes, bytes);
      continue;
    }
    tensor_of_scratch[s] = lifetimes.size();
    lifetimes.push_back({bytes, static_cast<int>(s) + 1, static_cast<int>(s) + 1});
  }
  if (shared_scratch_bytes > 0) {
    for (size_t s = 0; s < order.size(); ++s) {
      if (kernels[static_cast<size_t>(order[s])]->scratch_bytes() > 0) {
        tensor_of_scratch[s] = lifetimes.size();
      }
    }
    lifetimes.push_back({shared_scratch_bytes, 0, last});
  }
  const MemoryPlan plan = PlanMemory(lifetimes, kAlignment);
  arena_bytes = plan.arena_bytes;
  arena_lower_bound = plan.lower_bound;
  arena_offset.assign(value_count, kNoPlace);
  for (size_t v = 0; v < value_count; ++v) {
    if (tensor_of_value[v] != kNoPlace) arena_offset[v] = plan.offsets[tensor_of_value[v]];
  }

  steps.clear();
  profile.clear();
  for (size_t s = 0; s < order.size(); ++s) {
    const NodeId id = order[s];
    const Node& node = graph_ref.node(id);
    OpKernel* kernel = kernels[static_cast<size_t>(id)].get();
    if (kernel->is_alias()) continue;
    const size_t scratch_offset =
        tensor_of_scratch[s] == kNoPlace ? kNoPlace : plan.offsets[tensor_of_scratch[s]];
    steps.push_back({id, kernel, std::vector<const void*>(node.inputs.size()),
                     std::vector<void*>(node.outputs.size()), scratch_offset, nullptr});
    profile.push_back({id, kernel->name(), 0, 0});
  }
  input_binding.assign(graph_ref.inputs().size(), nullptr);
  output_binding.assign(graph_ref.outputs().size(), nullptr);
  root_binding.assign(value_count, nullptr);
  value_data.assign(value_count, nullptr);

  // The arena last: a caller's is checked only once its size is known, and is never written
  // during load.
  if (options.arena.data()) {
    CheckArena(options.arena);
    arena = reinterpret_cast<uint8_t*>(options.arena.data());
  } else if (!options.defer_arena) {
    owned_arena.reset(static_cast<uint8_t*>(
        std::aligned_alloc(kAlignment, std::max<size_t>(arena_bytes, kAlignment))));
    if (!owned_arena)
      throw Error(ErrorCode::kInternal,
                  "cannot allocate an arena of " + std::to_string(arena_bytes) + " bytes");
    arena = owned_arena.get();
  }
  Link();
}

void Session::State::Link() {
  const Graph& graph_ref = g();
  const auto& values = graph_ref.values();
  std::fill(root_binding.begin(), root_binding.end(), nullptr);
  for (size_t i = 0; i < input_binding.size(); ++i) {
    if (input_binding[i]) {
      root_binding[static_cast<size_t>(root[static_cast<size_t>(graph_ref.inputs()[i])])] =
          input_binding[i];
    }
  }
  for (size_t i = 0; i < output_binding.size(); ++i) {
    if (output_binding[i]) {
      root_binding[static_cast<size_t>(root[static_cast<size_t>(graph_ref.outputs()[i])])] =
          output_binding[i];
    }
  }
  for (size_t v = 0; v < values.size(); ++v) {
    const size_t r = static_cast<size_t>(root[v]);
    if (values[r].is_constant()) {
      value_data[v] = const_cast<uint8_t*>(values[r].data->data());
    } else if (root_binding[r]) {
      value_data[v] = root_binding[r];
    } else if (arena && arena_offset[r] != kNoPlace) {
      value_data[v] = arena + arena_offset[r];
    } else {
      value_data[v] = nullptr;
    }
  }
  for (Step& step : steps) {
    const Node& node = graph_ref.node(step.node);
    for (size_t k = 0; k < node.inputs.size(); ++k)
      step.inputs[k] = value_data[static_cast<size_t>(node.inputs[k])];
    for (size_t k = 0; k < node.outputs.size(); ++k)
      step.outputs[k] = value_data[static_cast<size_t>(node.outputs[k])];
    step.scratch = arena && step.scratch_offset != kNoPlace ? arena + step.scratch_offset : nullptr;
  }
}

void Session::State::Bind(bool is_input, size_t index, uint8_t* data, size_t bytes) {
  const Graph& graph_ref = g();
  const std::vector<ValueId>& ends = is_input ? graph_ref.inputs() : graph_ref.outputs();
  const char* kind = is_input ? "input" : "output";
  if (index >= ends.size()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(kind) + " index " + std::to_string(index) +
                                                 " out of range (" + std::to_string(ends.size()) +
                                                 " " + kind + "s)");
  }
  const Value& value = graph_ref.value(ends[index]);
  const ValueId value_root = root[static_cast<size_t>(ends[index])];
  std::vector<uint8_t*>& bindings = is_input ? input_binding : output_binding;
  if (data) {
    const Value& root_value = graph_ref.value(value_root);
    if (root_value.is_constant()) {
      throw Error(ErrorCode::kInvalidArgument, std::string(kind) + " '" + value.name +
                                                   "' is the model's constant '" + root_value.name +
                                                   "' and cannot be bound");
    }
    if (bytes != ValueBytes(value)) {
      throw Error(ErrorCode::kShape, std::string(kind) + " '" + value.name + "' has " +
                                         std::to_string(ValueBytes(value)) +
                                         " bytes; the buffer has " + std::to_string(bytes));
    }
    const size_t alignment = ElementAlignment(value.dtype);
    if (reinterpret_cast<uintptr_t>(data) % alignment != 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  std::string(kind) + " '" + value.name + "': the buffer is not " +
                      std::to_string(alignment) + "-byte aligned (" +
                      std::string(DTypeName(value.dtype)) + " elements)");
    }
    // Every other bound end that shares this storage must be bound to the same buffer.
    for (const bool other_is_input : {true, false}) {
      const std::vector<ValueId>& others =
          other_is_input ? graph_ref.inputs() : graph_ref.outputs();
      const std::vector<uint8_t*>& other_bindings = other_is_input ? input_binding : output_binding;
      for (size_t j = 0; j < others.size(); ++j) {
        if (other_is_input == is_input && j == index) continue;
        if (root[static_cast<size_t>(others[j])] != value_root) continue;
        if (!other_bindings[j] || other_bindings[j] == data) continue;
        throw Error(ErrorCode::kInvalidArgument,
                    std::string(kind) + " '" + value.name + "' shares its bytes with " +
                        (other_is_input ? "input" : "output") + " '" +
                        graph_ref.value(others[j]).name +
                        "' (Reshape, Flatten or Dropout alias), which is bound to another "
                        "buffer: bind both to one buffer");
      }
    }
  }
  bindings[index] = data;
  Link();
}

Session::Session() : state_(std::make_unique<State>()) {}
Session::~Session() = default;

std::unique_ptr<Session> Session::FromFile(const std::string& path, SessionOptions options) {
  std::unique_ptr<Session> session(new Session());
  session->state_->file = format::ReadModelFile(path);
  session->state_->Build(options);
  return session;
}

std::unique_ptr<Session> Session::FromGraph(Graph graph, SessionOptions options) {
  graph.InferShapes();
  graph.Validate();
  std::unique_ptr<Session> session(new Session());
  session->state_->graph = std::move(graph);
  session->state_->Build(options);
  return session;
}

const Graph& Session::graph() const { return state_->g(); }
const format::ModelFile* Session::model_file() const {
  return state_->file ? &*state_->file : nullptr;
}
size_t Session::input_count() const { return graph().inputs().size(); }
size_t Session::output_count() const { return graph().outputs().size(); }
const Value& Session::input(size_t i) const { return graph().value(graph().inputs().at(i)); }
const Value& Session::output(size_t i) const { return graph().value(graph().outputs().at(i)); }
void* Session::input_data(size_t i) {
  return state_->value_data[static_cast<size_t>(graph().inputs().at(i))];
}
const void* Session::output_data(size_t i) const {
  return state_->value_data[static_cast<size_t>(graph().outputs().at(i))];
}
size_t Session::input_bytes(size_t i) const { return ValueBytes(input(i)); }
size_t Session::output_bytes(size_t i) const { return ValueBytes(output(i)); }

void Session::SetArena(std::span<std::byte> arena) {
  if (arena.data()) state_->CheckArena(arena);
  state_->arena = reinterpret_cast<uint8_t*>(arena.data());
  state_->owned_arena.reset();
  state_->Link();
}
bool Session::has_arena() const { return state_->arena != nullptr; }

void Session::BindInput(size_t i, std::span<const std::byte> data) {
  state_->Bind(true, i, const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(data.data())),
               data.size());
}
void Session::BindOutput(size_t i, std::span<std::byte> data) {
  state_->Bind(false, i, reinterpret_cast<uint8_t*>(data.data()), data.size());
}
bool Session::input_bound(size_t i) const { return state_->input_binding.at(i) != nullptr; }
bool Session::output_bound(size_t i) const { return state_->output_binding.at(i) != nullptr; }

void Session::Run() {
  if (!state_->arena && state_->arena_bytes > 0) {
    throw Error(ErrorCode::kInvalidArgument, "the session has no arena: give it one of " +
                                                 std::to_string(state_->arena_bytes) +
                                                 " bytes before running");
  }
  using Clock = std::chrono::steady_clock;
  for (size_t s = 0; s < state_->steps.size(); ++s) {
    State::Step& step = state_->steps[s];
    const auto start = Clock::now();
    step.kernel->Run(step.inputs.data(), step.outputs.data(), step.scratch);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
    state_->profile[s].total_ns += static_cast<uint64_t>(ns.count());
    ++state_->profile[s].runs;
  }
}

int Session::threads() const { return state_->pool->threads(); }
size_t Session::arena_bytes() const { return state_->arena_bytes; }
size_t Session::arena_lower_bound() const { return state_->arena_lower_bound; }
std::string_view Session::kernel_name(NodeId node) const {
  return state_->kernels.at(static_cast<size_t>(node))->name();
}
DataMovement Session::data_movement(NodeId node) const {
  return state_->kernels.at(static_cast<size_t>(node))->data_movement();
}
const std::vector<NodeProfile>& Session::profile() const { return state_->profile; }
void Session::ResetProfile() {
  for (NodeProfile& p : state_->profile) p.total_ns = p.runs = 0;
}

}  // namespace trit::runtime
