// What the fold pass's pattern matchers (quant/fold_gelu.h, fold_layer_norm.h) share: a graph
// being rewritten, the nodes already removed from it, each value's producer and readers, and the
// question every pattern asks of an intermediate value: which live node made it for this one
// reader alone.
#pragma once

#include <set>
#include <vector>

#include "core/graph.h"
#include "quant/graph_edit.h"

namespace trit::quant {

class PatternMatcher {
 protected:
  PatternMatcher(Graph& g, std::set<NodeId>& removed)
      : g_(g), removed_(removed), producers_(g.Producers()), consumers_(Consumers(g)) {}

  // The node that alone reads `v` (and `v` is no graph output), or -1.
  NodeId SingleReader(ValueId v) const {
    return HasSingleConsumer(g_, consumers_, v) ? consumers_[static_cast<size_t>(v)][0] : -1;
  }
  // The live node that makes `v` when `reader` is its only reader, or -1.
  NodeId OnlyFor(ValueId v, NodeId reader) const {
    const NodeId p = producers_[static_cast<size_t>(v)];
    if (p < 0 || removed_.count(p) || SingleReader(v) != reader) return -1;
    return p;
  }
  // The same, where that node is an `op`.
  NodeId OnlyFor(ValueId v, NodeId reader, OpType op) const {
    const NodeId p = OnlyFor(v, reader);
    return p >= 0 && g_.node(p).op == op ? p : -1;
  }
  // Removes the matched nodes but the one that becomes the fused node; the readers are then
  // counted again.
  void Remove(const std::vector<NodeId>& nodes) {
    for (const NodeId p : nodes) {
      g_.nodes()[static_cast<size_t>(p)].inputs.clear();
      removed_.insert(p);
    }
  }
  void Recount() { consumers_ = Consumers(g_); }

  Graph& g_;
  std::set<NodeId>& removed_;
  const std::vector<NodeId> producers_;
  std::vector<std::vector<NodeId>> consumers_;
};

}  // namespace trit::quant
