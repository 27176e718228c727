// A loaded model ready to run: kernels prepared, every intermediate tensor placed in one arena.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph.h"
#include "format/model_file.h"
#include "runtime/op_kernel.h"

namespace trit::runtime {

struct SessionOptions {
  int threads = 1;  // the optimized Conv2D and Dense kernels split their work across these
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
  // From a .trit file (mapped; constants used in place) or from an in-memory graph.
  static std::unique_ptr<Session> FromFile(const std::string& path, SessionOptions options = {});
  static std::unique_ptr<Session> FromGraph(Graph graph, SessionOptions options = {});

  const Graph& graph() const;
  const format::ModelFile* model_file() const;  // null when built from a graph

  size_t input_count() const;
  size_t output_count() const;
  const Value& input(size_t i) const;
  const Value& output(size_t i) const;

  // Pointers into the arena where the caller writes inputs and reads outputs.
  void* input_data(size_t i);
  const void* output_data(size_t i) const;
  size_t input_bytes(size_t i) const;
  size_t output_bytes(size_t i) const;

  // Runs every node in order. No heap allocation.
  void Run();

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
