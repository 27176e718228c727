// A tensor known at import time (an initializer, a Constant, or the result of folding), in
// ONNX axis order. Float types (float, double, float16) are held as float; integer and bool
// types as int64 (shape arithmetic).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shape.h"

namespace onnx {
class TensorProto;
}

namespace trit::onnx_import {

struct HostTensor {
  int32_t elem_type = 1;  // onnx::TensorProto::DataType
  Shape shape;
  std::vector<float> floats;  // when IsFloat()
  std::vector<int64_t> ints;  // otherwise

  bool IsFloat() const;
  int64_t size() const { return NumElements(shape); }
  // Element i as a double / int64, whatever the storage.
  double At(int64_t i) const;
  int64_t IntAt(int64_t i) const;

  static HostTensor Float(Shape shape, std::vector<float> values);
  static HostTensor Int64(Shape shape, std::vector<int64_t> values);
};

bool IsFloatType(int32_t elem_type);
std::string ElemTypeName(int32_t elem_type);

// Reads raw_data or the typed fields. Throws trit::Error (kFormat) naming the tensor when the
// bytes do not match the shape, and (kUnsupported) for external data, strings or complex types.
HostTensor FromProto(const onnx::TensorProto& proto);

// Reads a serialized TensorProto file (the test_data_set_*/*.pb of the ONNX test suite).
HostTensor ReadTensorFile(const std::string& path);

// The same tensor with its values converted to `elem_type` (Cast).
HostTensor CastTo(const HostTensor& t, int32_t elem_type);
HostTensor ToFloatHost(const HostTensor& t);  // CastTo float, or the tensor when it is float

// Output axis d is input axis perm[d] (the reference Transpose kernel; rank 8 at most, else
// trit::Error kUnsupported). `perm` must be a permutation.
HostTensor TransposeHost(const HostTensor& t, const std::vector<int64_t>& perm);
HostTensor ReshapeHost(HostTensor t, Shape shape);  // same values, new shape

}  // namespace trit::onnx_import
