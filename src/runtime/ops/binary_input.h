// Binary activations (1 bit per element, +-1) into a quantized Conv2D or Dense written for int8
// inputs: the bits are unpacked to +-1 levels in scratch, then the int8 kernel runs with zero
// point 0. This is the reference semantics of a binary layer, and the path for binary inputs
// whose weights are not binary (binary x binary has its own xor + popcount kernel).
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <string>

#include "kernels/ref/binarize.h"
#include "runtime/op_kernel.h"

namespace trit::runtime {

class UnpackedBinaryInput final : public OpKernel {
 public:
  // name: e.g. ref_conv2d_b1_binary (binary input, binary weights).
  UnpackedBinaryInput(std::unique_ptr<OpKernel> int8_kernel, int64_t input_count, size_t inputs,
                      std::string name)
      : inner_(std::move(int8_kernel)),
        count_(input_count),
        inputs_(inputs),
        name_(std::move(name)) {}

  void Run(const void* const* inputs, void* const* outputs, void* scratch) override {
    auto* levels = static_cast<int8_t*>(scratch);
    ref::UnpackBinary(count_, static_cast<const uint8_t*>(inputs[0]), levels);
    std::array<const void*, 3> unpacked{levels, nullptr, nullptr};
    std::copy(inputs + 1, inputs + std::min<size_t>(inputs_, unpacked.size()),
              unpacked.begin() + 1);
    inner_->Run(unpacked.data(), outputs, static_cast<uint8_t*>(scratch) + LevelBytes());
  }
  size_t scratch_bytes() const override { return LevelBytes() + inner_->scratch_bytes(); }
  std::string_view name() const override { return name_; }

 private:
  // Rounded up so that the inner kernel's scratch stays 64-byte aligned.
  size_t LevelBytes() const { return (static_cast<size_t>(count_) + 63) / 64 * 64; }

  std::unique_ptr<OpKernel> inner_;
  int64_t count_;
  size_t inputs_;
  std::string name_;
};

}  // namespace trit::runtime
