// The ReLU / ReLU6 that quant::FoldForInference fuses into an Add or a BatchNorm, in fp32: the
// Clip row of the fp32 table run over each part of the output right after the op wrote it,
// while the part is still in cache. Bit for bit the separate Relu or Clip it replaces (the same
// row), without the second pass over memory or the threads' second meeting.
#pragma once

#include <cstdint>
#include <limits>

#include "core/op_type.h"
#include "kernels/registry/activation.h"
#include "runtime/ops/op_support.h"

namespace trit::runtime {

class FusedActivationF32 {
 public:
  explicit FusedActivationF32(Activation activation) : activation_(activation) {
    if (activation == Activation::kNone) return;
    params_.lo = ActivationMin(activation);
    params_.hi = ActivationMax(activation);
    clip_ = ChooseKernel(F32UnaryKernels(), {F32UnaryOp::kClip}).entry;
  }
  // y[0, count) = clamp(y, lo, hi) in place; nothing without an activation.
  void Apply(float* y, int64_t count) const {
    if (clip_) clip_(F32UnaryOp::kClip, count, y, params_, y);
  }
  Activation activation() const { return activation_; }

 private:
  Activation activation_;
  F32UnaryParams params_;
  F32UnaryFn clip_ = nullptr;
};

}  // namespace trit::runtime
