// Which nodes of a session still run a scalar reference kernel, and why: what `trit info` and
// `trit bench` list under their tables, so that a slow imported model says where it is slow.
#pragma once

#include <string>
#include <vector>

#include "core/graph.h"
#include "runtime/session.h"

namespace trit::cli {

struct ReferenceKernelGroup {
  std::string op, dtype, kernel, why;
  std::vector<NodeId> nodes;
};

// Nodes with a `ref_` kernel (aliases, which move nothing, left out), grouped by op, input type
// and kernel, in the graph's order.
std::vector<ReferenceKernelGroup> ReferenceKernels(const Graph& graph,
                                                   const runtime::Session& session);

}  // namespace trit::cli
