#include "runtime/ops/grouped_conv.h"

#include <algorithm>
#include <cstring>

#include "runtime/thread_pool.h"

namespace trit::runtime {
namespace {

size_t RoundUp64(size_t bytes) { return (bytes + 63) / 64 * 64; }

struct GroupTask {
  const GroupedConvKernel* kernel;
  const void* input;
  void* output;
  int64_t groups, slots;
};

// Part `slot` runs groups slot, slot + slots, ... in its own scratch slot.
void RunPart(void* context, int64_t slot) {
  const auto& task = *static_cast<const GroupTask*>(context);
  for (int64_t group = slot; group < task.groups; group += task.slots) {
    task.kernel->RunGroup(group, task.input, task.output, slot);
  }
}

}  // namespace

GroupedConvKernel::GroupedConvKernel(const ref::ConvGeometry& geometry,
                                     std::vector<std::unique_ptr<TiledKernel>> groups,
                                     size_t element_bytes, ThreadPool* pool)
    : geometry_(geometry),
      groups_(std::move(groups)),
      element_bytes_(element_bytes),
      pool_(pool),
      in_pixels_(int64_t{geometry.batch} * geometry.in_h * geometry.in_w),
      out_pixels_(int64_t{geometry.batch} * geometry.out_h * geometry.out_w) {
  const auto count = static_cast<int64_t>(groups_.size());
  group_in_bytes_ = static_cast<size_t>(geometry.in_c / count) * element_bytes;
  group_out_bytes_ = static_cast<size_t>(geometry.out_c / count) * element_bytes;
  size_t kernel_scratch = 0;
  for (const auto& group : groups_)
    kernel_scratch = std::max(kernel_scratch, group->scratch_bytes());
  in_offset_ = 0;
  out_offset_ = RoundUp64(static_cast<size_t>(in_pixels_) * group_in_bytes_);
  kernel_offset_ = out_offset_ + RoundUp64(static_cast<size_t>(out_pixels_) * group_out_bytes_);
  slot_bytes_ = kernel_offset_ + RoundUp64(kernel_scratch);
  slots_ = std::min<int64_t>(pool_ ? pool_->threads() : 1, count);
  name_ = std::string(groups_.front()->name()) + "_grouped";
}

void GroupedConvKernel::RunGroup(int64_t group, const void* input, void* output,
                                 int64_t slot) const {
  auto* base = static_cast<uint8_t*>(scratch_) + static_cast<size_t>(slot) * slot_bytes_;
  uint8_t* in = base + in_offset_;
  uint8_t* out = base + out_offset_;
  const size_t in_stride = group_in_bytes_ * groups_.size();
  const size_t out_stride = group_out_bytes_ * groups_.size();
  const auto* from =
      static_cast<const uint8_t*>(input) + static_cast<size_t>(group) * group_in_bytes_;
  for (int64_t p = 0; p < in_pixels_; ++p) {
    std::memcpy(in + static_cast<size_t>(p) * group_in_bytes_,
                from + static_cast<size_t>(p) * in_stride, group_in_bytes_);
  }
  groups_[static_cast<size_t>(group)]->Run(in, out, base + kernel_offset_);
  auto* to = static_cast<uint8_t*>(output) + static_cast<size_t>(group) * group_out_bytes_;
  for (int64_t p = 0; p < out_pixels_; ++p) {
    std::memcpy(to + static_cast<size_t>(p) * out_stride,
                out + static_cast<size_t>(p) * group_out_bytes_, group_out_bytes_);
  }
}

void GroupedConvKernel::Run(const void* const* inputs, void* const* outputs, void* scratch) {
  scratch_ = scratch;
  GroupTask task{this, inputs[0], outputs[0], static_cast<int64_t>(groups_.size()), slots_};
  if (slots_ > 1) {
    pool_->Parallelize(slots_, RunPart, &task);
  } else {
    RunPart(&task, 0);
  }
}

}  // namespace trit::runtime
