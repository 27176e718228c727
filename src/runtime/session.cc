#include "runtime/session.h"

#include <chrono>
#include <cstdlib>
#include <numeric>
#include <optional>

#include "core/error.h"
#include "runtime/memory_planner.h"
#include "runtime/thread_pool.h"

namespace trit::runtime {
namespace {

constexpr size_t kAlignment = 64;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

size_t ValueBytes(const Value& v) { return StorageBytes(v.dtype, NumElements(v.shape)); }

}  // namespace

struct Session::State {
  std::optional<format::ModelFile> file;
  Graph graph;  // the file's graph, or the caller's
  std::vector<NodeId> order;
  std::unique_ptr<ThreadPool> pool;                // before the kernels: they hold it
  std::vector<std::unique_ptr<OpKernel>> kernels;  // by node id
  std::unique_ptr<uint8_t, FreeDeleter> arena;
  size_t arena_bytes = 0;
  size_t arena_lower_bound = 0;
  std::vector<uint8_t*> value_data;  // by value id: arena or constant bytes
  // Per executed step: the kernel and its pointer arrays, fixed at load.
  struct Step {
    NodeId node;
    OpKernel* kernel;
    std::vector<const void*> inputs;
    std::vector<void*> outputs;
    void* scratch;
  };
  std::vector<Step> steps;
  std::vector<NodeProfile> profile;

  const Graph& g() const { return file ? file->graph : graph; }
  void Build(const SessionOptions& options);
};

void Session::State::Build(const SessionOptions& options) {
  if (options.threads < 1 || options.threads > 1024) {
    throw Error(ErrorCode::kInvalidArgument,
                "threads must be between 1 and 1024, not " + std::to_string(options.threads));
  }
  pool = std::make_unique<ThreadPool>(options.threads);
  const Graph& graph_ref = g();
  order = graph_ref.TopologicalOrder();
  const auto& values = graph_ref.values();
  const size_t value_count = values.size();
  kernels.resize(graph_ref.nodes().size());
  for (const NodeId id : order)
    kernels[static_cast<size_t>(id)] = CreateOpKernel(graph_ref, graph_ref.node(id), pool.get());

  // Alias kernels share their input's storage: every value maps to a root value.
  std::vector<ValueId> root(value_count);
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
  std::vector<size_t> tensor_of_value(value_count, SIZE_MAX);
  for (size_t v = 0; v < value_count; ++v) {
    if (root[v] != static_cast<ValueId>(v) || values[v].is_constant()) continue;
    if (last_step[v] < 0) continue;  // never used
    tensor_of_value[v] = lifetimes.size();
    lifetimes.push_back({ValueBytes(values[v]), first_step[v], last_step[v]});
  }
  std::vector<size_t> tensor_of_scratch(order.size(), SIZE_MAX);
  for (size_t s = 0; s < order.size(); ++s) {
    const size_t bytes = kernels[static_cast<size_t>(order[s])]->scratch_bytes();
    if (bytes == 0) continue;
    tensor_of_scratch[s] = lifetimes.size();
    lifetimes.push_back({bytes, static_cast<int>(s) + 1, static_cast<int>(s) + 1});
  }
  const MemoryPlan plan = PlanMemory(lifetimes, kAlignment);
  arena_bytes = plan.arena_bytes;
  arena_lower_bound = plan.lower_bound;
  arena.reset(static_cast<uint8_t*>(
      std::aligned_alloc(kAlignment, std::max<size_t>(arena_bytes, kAlignment))));
  if (!arena)
    throw Error(ErrorCode::kInternal,
                "cannot allocate an arena of " + std::to_string(arena_bytes) + " bytes");

  value_data.assign(value_count, nullptr);
  for (size_t v = 0; v < value_count; ++v) {
    const size_t r = static_cast<size_t>(root[v]);
    if (values[r].is_constant()) {
      value_data[v] = const_cast<uint8_t*>(values[r].data->data());
    } else if (tensor_of_value[r] != SIZE_MAX) {
      value_data[v] = arena.get() + plan.offsets[tensor_of_value[r]];
    }
  }
  steps.clear();
  profile.clear();
  for (size_t s = 0; s < order.size(); ++s) {
    const NodeId id = order[s];
    const Node& node = graph_ref.node(id);
    OpKernel* kernel = kernels[static_cast<size_t>(id)].get();
    if (kernel->is_alias()) continue;
    Step step{id, kernel, {}, {}, nullptr};
    for (const ValueId v : node.inputs) step.inputs.push_back(value_data[static_cast<size_t>(v)]);
    for (const ValueId v : node.outputs) step.outputs.push_back(value_data[static_cast<size_t>(v)]);
    if (tensor_of_scratch[s] != SIZE_MAX)
      step.scratch = arena.get() + plan.offsets[tensor_of_scratch[s]];
    steps.push_back(std::move(step));
    profile.push_back({id, kernel->name(), 0, 0});
  }
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

void Session::Run() {
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
