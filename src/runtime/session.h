// A loaded model ready to run: kernels prepared, every intermediate tensor placed in one arena.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "format/model_file.h"
#include "runtime/op_kernel.h"

namespace trit::runtime {

// Where the arena (every intermediate tensor, the graph inputs and outputs, the kernels' scratch)
// lives. By default the session allocates it at load. A caller-owned `arena` (at least
// Session::arena_bytes() bytes, kArenaAlignment-aligned) is used instead and never freed; with
// `defer_arena` the session starts without one: read arena_bytes(), then SetArena().
struct SessionOptions {
  int threads = 1;  // the optimized Conv2D and Dense kernels split their work across these
  std::span<std::byte> arena;  // caller-owned when data() is set; too small or misaligned: error
  bool defer_arena = false;    // with no `arena`: none until SetArena (nothing allocated for it)
};

// Per-node timing, accumulated over runs.
struct NodeProfile {
  NodeId node = -1;
  std::string_view kernel;  // OpKernel::name()
  uint64_t total_ns = 0;
  uint64_t runs = 0;
};

class Session {
 public:
  static constexpr size_t kArenaAlignment = 64;

  // From a .trit file (mapped; constants used in place) or from an in-memory graph.
  static std::unique_ptr<Session> FromFile(const std::string& path, SessionOptions options = {});
  static std::unique_ptr<Session> FromGraph(Graph graph, SessionOptions options = {});

  // The model's graph. A constant that only kernels with their own packed copy read keeps its
  // name, type and shape here but not its bytes (empty data): they were freed at load.
  const Graph& graph() const;
  const format::ModelFile* model_file() const;  // null when built from a graph

  size_t input_count() const;
  size_t output_count() const;
  const Value& input(size_t i) const;
  const Value& output(size_t i) const;

  // Where input i is read and output i written: the arena, or the caller's bound buffer (null
  // while the session has no arena and the tensor is not bound).
  void* input_data(size_t i);
  const void* output_data(size_t i) const;
  size_t input_bytes(size_t i) const;
  size_t output_bytes(size_t i) const;

  // Gives the session a caller-owned arena (replacing, and freeing, one it allocated); an empty
  // span takes the arena away (Run then fails until another is set). Throws kInvalidArgument
  // naming the bytes needed and given, or the alignment, and then leaves the buffer untouched.
  // The arena's previous contents (inputs set by copy) do not move with it.
  void SetArena(std::span<std::byte> arena);
  bool has_arena() const;

  // Zero copy: Run reads input i from, or writes output i into, the caller's buffer, which must
  // hold exactly input_bytes(i) / output_bytes(i) bytes (else kShape), aligned to the element
  // size, and stay valid while bound. An empty span unbinds (back to the arena). Reshape,
  // Flatten and Dropout outputs share their input's bytes, so graph inputs and outputs joined
  // by such aliases (or listed twice) share one storage: binding them to different buffers is
  // refused (kInvalidArgument, naming both); binding one binds the storage of all. An output
  // that is a constant of the model cannot be bound. Inputs bound here are only read.
  void BindInput(size_t i, std::span<const std::byte> data);
  void BindOutput(size_t i, std::span<std::byte> data);
  bool input_bound(size_t i) const;
  bool output_bound(size_t i) const;

  // Runs every node in order. No heap allocation. Throws kInvalidArgument without an arena.
  void Run();

  int threads() const;
  // Bytes of the arena the session needs (known at load, before any arena exists).
  size_t arena_bytes() const;
  // The largest total size of tensors live at one step: no arena can be smaller.
  size_t arena_lower_bound() const;
  // The kernel chosen for each node (index = node id).
  std::string_view kernel_name(NodeId node) const;
  DataMovement data_movement(NodeId node) const;  // OpKernel::data_movement
  // Nodes in execution order with their timings; ResetProfile() clears the counters.
  const std::vector<NodeProfile>& profile() const;
  void ResetProfile();

  ~Session();

 private:
  Session();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace trit::runtime
