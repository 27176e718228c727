// A grouped convolution (groups > 1, not depthwise: ResNeXt, RegNet, ShuffleNet) on the groups-1
// kernels: each group's input channels are gathered into a contiguous tensor, its own GEMM (built
// on the group's slice of the weights) runs on it, and its output channels are scattered into
// the output. The copies move (Cin + Cout) values per pixel and group against Cout/g * taps *
// Cin/g multiply-adds: 1.4% of the work for RegNet's 16-channel groups of 3x3. The groups split
// across the threads, each with its own slot of scratch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/ref/conv2d.h"
#include "kernels/tiled_kernel.h"
#include "runtime/op_kernel.h"

namespace trit::runtime {

class ThreadPool;

class GroupedConvKernel final : public OpKernel {
 public:
  // `groups[j]` convolves group j's channels (geometry with in_c / groups, out_c / groups and
  // groups 1); `element_bytes` is 4 (f32) or 1 (8-bit) for input and output alike.
  GroupedConvKernel(const ref::ConvGeometry& geometry,
                    std::vector<std::unique_ptr<TiledKernel>> groups, size_t element_bytes,
                    ThreadPool* pool);

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override;
  size_t scratch_bytes() const override { return slot_bytes_ * slots_; }
  bool reads_constants() const override { return false; }  // each group packed its own
  std::string_view name() const override { return name_; }

  // Runs group j with the scratch slot `slot` (for the thread pool's tasks).
  void RunGroup(int64_t group, const void* input, void* output, int64_t slot) const;

 private:
  ref::ConvGeometry geometry_;
  std::vector<std::unique_ptr<TiledKernel>> groups_;
  size_t element_bytes_;
  ThreadPool* pool_;
  int64_t in_pixels_, out_pixels_;
  size_t group_in_bytes_, group_out_bytes_;  // one group's channels of one pixel
  size_t in_offset_, out_offset_, kernel_offset_, slot_bytes_;
  int64_t slots_;
  void* scratch_ = nullptr;  // this run's (Run sets it before the groups start)
  std::string name_;
};

}  // namespace trit::runtime
