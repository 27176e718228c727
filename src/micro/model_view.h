// A .trit file in flash, verified in place: header, CRC-32, FlatBuffers verifier, then the
// structural checks every later step relies on (indices in range, constants inside the data
// section in a plain encoding of exactly their size, shapes that cannot overflow, nodes in
// execution order). Nothing is copied: the accessors read the FlatBuffer where it lies.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/dtype.h"
#include "core/op_type.h"
#include "micro/status.h"
#include "trit_generated.h"

namespace trit::micro {

inline constexpr int kMaxRank = 8;

// What the runtime needs of one tensor, read once from the FlatBuffer.
struct TensorInfo {
  const fb::Tensor* tensor = nullptr;
  DType dtype = DType::kF32;
  int rank = 0;
  int64_t shape[kMaxRank] = {};
  int64_t elements = 1;
  size_t bytes = 0;               // StorageBytes(dtype, elements)
  const uint8_t* data = nullptr;  // constants only: their bytes in the model
  float scale = 1.0f;             // first scale (quantized tensors)
  int32_t zero_point = 0;         // first zero point
  int scale_count = 0;            // 1, or one per channel
  const char* name = "";

  bool is_constant() const { return data != nullptr; }
  int64_t dim(int d) const { return shape[d]; }
};

class ModelView {
 public:
  // Checks the bytes; on failure the message names the problem.
  Status Verify(const uint8_t* bytes, size_t size);

  const uint8_t* bytes() const { return bytes_; }
  const fb::Model* model() const { return model_; }
  int tensor_count() const { return static_cast<int>(model_->tensors()->size()); }
  int node_count() const { return static_cast<int>(model_->nodes()->size()); }
  const fb::Node* node(int index) const {
    return model_->nodes()->Get(static_cast<unsigned>(index));
  }
  TensorInfo tensor(int index) const;

 private:
  Status VerifyTensors();
  Status VerifyNodes();

  const uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  const uint8_t* data_section_ = nullptr;
  uint64_t data_size_ = 0;
  const fb::Model* model_ = nullptr;
};

// The node's name for messages ("" if it has none).
const char* NodeName(const fb::Node* node);

// Attribute lookups (the fallback when absent or of another type).
int64_t IntAttribute(const fb::Node* node, const char* name, int64_t fallback);
float FloatAttribute(const fb::Node* node, const char* name, float fallback);
const char* StringAttribute(const fb::Node* node, const char* name, const char* fallback);
// The `name` ints attribute if it has exactly `count` values: copied into `values`, true.
bool IntsAttribute(const fb::Node* node, const char* name, int64_t* values, int count);
// The fused "activation" (none, relu, relu6) of a Conv2D, Dense, Add or BatchNorm; false for
// any other name.
bool ActivationAttribute(const fb::Node* node, Activation* activation);

}  // namespace trit::micro
