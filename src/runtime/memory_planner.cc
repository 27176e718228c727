#include "runtime/memory_planner.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace trit::runtime {
namespace {

size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool Intersect(const TensorLifetime& a, const TensorLifetime& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

// Places tensors in `order`, each at the lowest offset free over its whole lifetime.
MemoryPlan PlaceInOrder(const std::vector<TensorLifetime>& tensors,
                        const std::vector<size_t>& order, size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(tensors.size(), 0);
  std::vector<size_t> placed;
  std::vector<std::pair<size_t, size_t>> busy;  // [begin, end) of conflicting tensors
  for (const size_t t : order) {
    const size_t bytes = AlignUp(tensors[t].bytes, alignment);
    busy.clear();
    for (const size_t p : placed) {
      if (Intersect(tensors[t], tensors[p])) {
        busy.emplace_back(plan.offsets[p], plan.offsets[p] + AlignUp(tensors[p].bytes, alignment));
      }
    }
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto& [begin, end] : busy) {
      if (begin >= offset + bytes) break;  // the gap before this block fits
      offset = std::max(offset, end);
    }
    plan.offsets[t] = offset;
    plan.arena_bytes = std::max(plan.arena_bytes, offset + bytes);
    placed.push_back(t);
  }
  return plan;
}

}  // namespace

MemoryPlan PlanMemory(const std::vector<TensorLifetime>& tensors, size_t alignment) {
  std::vector<size_t> by_size(tensors.size());
  std::iota(by_size.begin(), by_size.end(), 0);
  std::stable_sort(by_size.begin(), by_size.end(), [&](size_t a, size_t b) {
    return tensors[a].bytes > tensors[b].bytes;
  });
  std::vector<size_t> by_start = by_size;
  std::stable_sort(by_start.begin(), by_start.end(), [&](size_t a, size_t b) {
    return tensors[a].first_step < tensors[b].first_step;
  });
  // Greedy by size is usually best; placing in execution order wins on some long chains.
  MemoryPlan plan = PlaceInOrder(tensors, by_size, alignment);
  MemoryPlan other = PlaceInOrder(tensors, by_start, alignment);
  if (other.arena_bytes < plan.arena_bytes) plan = std::move(other);

  std::map<int, size_t> live_delta;  // step -> change of live bytes
  for (const TensorLifetime& t : tensors) {
    live_delta[t.first_step] += AlignUp(t.bytes, alignment);
    live_delta[t.last_step + 1] -= AlignUp(t.bytes, alignment);
  }
  size_t live = 0;
  for (const auto& [step, delta] : live_delta) {
    live += delta;  // unsigned wrap-around cancels out over the sum
    plan.lower_bound = std::max(plan.lower_bound, live);
  }
  return plan;
}

}  // namespace trit::runtime
