#include "core/arena_plan.h"

#include <initializer_list>

namespace trit {
namespace {

size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

bool Intersect(const BufferLifetime& a, const BufferLifetime& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

// Insertion sort: no heap (std::stable_sort may allocate), stable, and the buffer counts of a
// network (hundreds) make its quadratic cost negligible beside one inference.
template <typename T, typename Less>
void SortStable(T* items, size_t count, Less less) {
  for (size_t i = 1; i < count; ++i) {
    const T item = items[i];
    size_t j = i;
    for (; j > 0 && less(item, items[j - 1]); --j) items[j] = items[j - 1];
    items[j] = item;
  }
}

struct Interval {
  size_t begin, end;
};

struct Workspace {
  size_t* order;
  size_t* placed;
  Interval* busy;
  size_t* tops;
  size_t* candidate;
};

// Places buffers in `order`, each at the lowest offset free over its whole lifetime. With
// `cap` > 0, every other buffer goes to the highest free offset below the cap instead
// (ping-pong placement: optimal on chains, where neighbours then never collide).
size_t PlaceInOrder(const BufferLifetime* buffers, size_t count, const size_t* order,
                    size_t alignment, size_t cap, Workspace& w, size_t* offsets) {
  size_t arena = 0;
  size_t placed_count = 0;
  for (size_t k = 0; k < count; ++k) {
    const size_t t = order[k];
    const size_t bytes = AlignUp(buffers[t].bytes, alignment);
    size_t busy_count = 0;
    for (size_t i = 0; i < placed_count; ++i) {
      const size_t p = w.placed[i];
      if (Intersect(buffers[t], buffers[p])) {
        w.busy[busy_count++] = {offsets[p], offsets[p] + AlignUp(buffers[p].bytes, alignment)};
      }
    }
    SortStable(w.busy, busy_count, [](const Interval& a, const Interval& b) {
      return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
    });
    size_t offset = 0;
    for (size_t i = 0; i < busy_count; ++i) {
      if (w.busy[i].begin >= offset + bytes) break;  // the gap before this block fits
      if (w.busy[i].end > offset) offset = w.busy[i].end;
    }
    if (cap > 0 && placed_count % 2 == 1) {
      // Highest free place ending at the cap or at the start of a busy block.
      size_t top_count = 0;
      w.tops[top_count++] = cap;
      for (size_t i = 0; i < busy_count; ++i) w.tops[top_count++] = w.busy[i].begin;
      SortStable(w.tops, top_count, [](size_t a, size_t b) { return a > b; });
      for (size_t i = 0; i < top_count; ++i) {
        const size_t top = w.tops[i];
        if (top > cap || top < bytes) continue;
        const size_t begin = top - bytes;
        bool free = true;
        for (size_t j = 0; j < busy_count && free; ++j) {
          free = !(w.busy[j].begin < top && begin < w.busy[j].end);
        }
        if (free) {
          offset = begin;
          break;
        }
      }
    }
    offsets[t] = offset;
    if (offset + bytes > arena) arena = offset + bytes;
    w.placed[placed_count++] = t;
  }
  return arena;
}

}  // namespace

size_t ArenaPlanWorkspaceBytes(size_t count) {
  // order, placed, tops (count + 1), candidate offsets, busy intervals; then the step events.
  return sizeof(size_t) * (4 * count + 1) + sizeof(Interval) * count +
         sizeof(int64_t) * 2 * count * 2;
}

ArenaPlan PlanArena(const BufferLifetime* buffers, size_t count, size_t alignment, void* workspace,
                    size_t* offsets) {
  Workspace w;
  auto* words = static_cast<size_t*>(workspace);
  w.order = words;
  w.placed = w.order + count;
  w.tops = w.placed + count;
  w.candidate = w.tops + count + 1;
  w.busy = reinterpret_cast<Interval*>(w.candidate + count);
  auto* events = reinterpret_cast<int64_t*>(w.busy + count);  // (step, +-bytes) pairs

  ArenaPlan plan;
  // Lower bound: the largest total of aligned bytes live at one step.
  for (size_t i = 0; i < count; ++i) {
    const auto bytes = static_cast<int64_t>(AlignUp(buffers[i].bytes, alignment));
    events[4 * i] = buffers[i].first_step;
    events[4 * i + 1] = bytes;
    events[4 * i + 2] = int64_t{buffers[i].last_step} + 1;
    events[4 * i + 3] = -bytes;
  }
  struct Event {
    int64_t step, delta;
  };
  auto* event_pairs = reinterpret_cast<Event*>(events);
  SortStable(event_pairs, 2 * count,
             [](const Event& a, const Event& b) { return a.step < b.step; });
  int64_t live = 0;
  for (size_t i = 0; i < 2 * count; ++i) {
    live += event_pairs[i].delta;
    // Only at the end of a step's events: a buffer freed and another allocated at one step
    // are not live together.
    const bool step_done = i + 1 == 2 * count || event_pairs[i + 1].step != event_pairs[i].step;
    if (step_done && static_cast<size_t>(live) > plan.lower_bound) {
      plan.lower_bound = static_cast<size_t>(live);
    }
  }

  // Largest first (ties in index order): usually best.
  for (size_t i = 0; i < count; ++i) w.order[i] = i;
  SortStable(w.order, count,
             [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });
  plan.arena_bytes = PlaceInOrder(buffers, count, w.order, alignment, 0, w, offsets);
  // Execution order (ties by size), plain and ping-pong; keep whichever is smallest.
  SortStable(w.order, count,
             [&](size_t a, size_t b) { return buffers[a].first_step < buffers[b].first_step; });
  for (const size_t cap : {size_t{0}, plan.lower_bound}) {
    const size_t arena = PlaceInOrder(buffers, count, w.order, alignment, cap, w, w.candidate);
    if (arena < plan.arena_bytes) {
      plan.arena_bytes = arena;
      for (size_t i = 0; i < count; ++i) offsets[i] = w.candidate[i];
    }
  }
  return plan;
}

}  // namespace trit
