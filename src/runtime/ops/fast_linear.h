// Conv2D and Dense (fp32, 8-bit, binary inputs) on the optimized kernels: the layer described
// for the kernel tables (kernels/registry/linear.h), which pick the kernel for the ISA level
// (kernels/isa.h: the CPU, or TRIT_ISA); the threads split its rows or column tiles.
#pragma once

#include <memory>

#include "kernels/ref/conv2d.h"
#include "runtime/op_kernel.h"

namespace trit::runtime {

// Null when no optimized kernel handles the layer (the caller then uses the reference).
std::unique_ptr<OpKernel> MakeFastF32Conv2D(const Graph& g, const Node& node,
                                            const ref::ConvGeometry& geometry,
                                            Activation activation, ThreadPool* pool);
std::unique_ptr<OpKernel> MakeFastF32Dense(const Graph& g, const Node& node, int rows,
                                           int in_features, int out_features, Activation activation,
                                           ThreadPool* pool);
std::unique_ptr<OpKernel> MakeFastQ8Conv2D(const Graph& g, const Node& node,
                                           const ref::ConvGeometry& geometry, Activation activation,
                                           ThreadPool* pool);
std::unique_ptr<OpKernel> MakeFastQ8Dense(const Graph& g, const Node& node, int rows,
                                          int in_features, int out_features, Activation activation,
                                          ThreadPool* pool);

// Binary activations (+-1, packed bits) into a groups-1 Conv2D or a Dense.
std::unique_ptr<OpKernel> MakeFastBinaryConv2D(const Graph& g, const Node& node,
                                               const ref::ConvGeometry& geometry,
                                               Activation activation, ThreadPool* pool);
std::unique_ptr<OpKernel> MakeFastBinaryDense(const Graph& g, const Node& node, int rows,
                                              int in_features, int out_features,
                                              Activation activation, ThreadPool* pool);

}  // namespace trit::runtime
