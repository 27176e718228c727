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
// With `cap` > 0, every other tensor goes to the highest free offset below the cap instead
// (ping-pong placement: optimal on chains, where neighbours then never collide).
MemoryPlan PlaceInOrder(const std::vector<TensorLifetime>& tensors,
                        const std::vector<size_t>& order, size_t alignment, size_t cap = 0) {
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
    if (cap > 0 && placed.size() % 2 == 1) {
      // Highest free place ending at the cap or at the start of a busy block.
      std::vector<size_t> tops = {cap};
      for (const auto& block : busy) tops.push_back(block.first);
      std::sort(tops.rbegin(), tops.rend());
      for (const size_t top : tops) {
        if (top > cap || top < bytes) continue;
        const size_t begin = top - bytes;
        const bool free = std::none_of(busy.begin(), busy.end(), [&](const auto& block) {
          return block.first < top && begin < block.second;
        });
        if (free) {
          offset = begin;
          break;
        }
      }
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
  std::stable_sort(by_size.begin(), by_size.end(),
                   [&](size_t a, size_t b) { return tensors[a].bytes > tensors[b].bytes; });
  std::vector<size_t> by_start = by_size;
  std::stable_sort(by_start.begin(), by_start.end(), [&](size_t a, size_t b) {
    return tensors[a].first_step < tensors[b].first_step;
  });
  // Greedy by size is usually best; placing in execution order wins on some long chains.
  std::map<int, size_t> live_delta;  // step -> change of live bytes
  for (const TensorLifetime& t : tensors) {
    live_delta[t.first_step] += AlignUp(t.bytes, alignment);
    live_delta[t.last_step + 1] -= AlignUp(t.bytes, alignment);
  }
  size_t live = 0, lower_bound = 0;
  for (const auto& [step, delta] : live_delta) {
    live += delta;  // unsigned wrap-around cancels out over the sum
    lower_bound = std::max(lower_bound, live);
  }
  // Three placements; keep the smallest arena.
  MemoryPlan plan = PlaceInOrder(tensors, by_size, alignment);
  for (MemoryPlan other : {PlaceInOrder(tensors, by_start, alignment),
                           PlaceInOrder(tensors, by_start, alignment, lower_bound)}) {
    if (other.arena_bytes < plan.arena_bytes) plan = std::move(other);
  }
  plan.lower_bound = lower_bound;
  return plan;
}

}  // namespace trit::runtime
