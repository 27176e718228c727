#include "micro/model_view.h"

#include <cstring>

#include "core/op_type.h"
#include "flatbuffers/flatbuffers.h"
#include "format/crc32.h"
#include "format/file_header.h"

namespace trit::micro {
namespace {

// Element counts and byte sizes are kept far below 2^31: a microcontroller's memory is.
constexpr int64_t kMaxElements = int64_t{1} << 30;

const char* TensorName(const fb::Tensor* t) { return t->name() ? t->name()->c_str() : ""; }

}  // namespace

const char* NodeName(const fb::Node* node) { return node->name() ? node->name()->c_str() : ""; }

Status ModelView::Verify(const uint8_t* bytes, size_t size) {
  using format::FileHeader;
  if (bytes == nullptr) return Fail(Status::kInvalidArgument) << "model: null pointer";
  if (reinterpret_cast<uintptr_t>(bytes) % 16 != 0) {
    return Fail(Status::kInvalidArgument) << "model: the array must be 16-byte aligned";
  }
  if (size < sizeof(FileHeader)) {
    return Fail(Status::kFormat) << "model: " << static_cast<uint64_t>(size)
                                 << " bytes, shorter than the 64-byte header";
  }
  FileHeader header;
  std::memcpy(&header, bytes, sizeof(header));
  if (std::memcmp(header.magic, format::kMagic, sizeof(format::kMagic)) != 0) {
    return Fail(Status::kFormat) << "model: not a .trit file (bad magic)";
  }
  if (header.format_version < format::kOldestFormatVersion ||
      header.format_version > format::kFormatVersion) {
    return Fail(Status::kFormat) << "model: format version " << header.format_version
                                 << " is not supported";
  }
  if (header.file_size != size) {
    return Fail(Status::kFormat) << "model: truncated or padded: header says " << header.file_size
                                 << " bytes, array has " << static_cast<uint64_t>(size);
  }
  if (header.header_bytes != format::kHeaderBytes ||
      header.flatbuffer_offset != format::kHeaderBytes || header.flatbuffer_size > size ||
      header.flatbuffer_offset + header.flatbuffer_size > header.data_offset ||
      header.data_offset > size || header.data_size != size - header.data_offset ||
      header.data_offset % format::kDataAlignment != 0) {
    return Fail(Status::kFormat) << "model: inconsistent section offsets in the header";
  }
  uint32_t crc = format::Crc32(0, bytes, format::kCrcFieldOffset);
  crc = format::Crc32(crc, bytes + format::kCrcFieldOffset + 4, size - format::kCrcFieldOffset - 4);
  if (crc != header.crc32) return Fail(Status::kFormat) << "model: checksum mismatch (corrupted)";
  const uint8_t* flatbuffer = bytes + header.flatbuffer_offset;
  flatbuffers::Verifier verifier(flatbuffer, static_cast<size_t>(header.flatbuffer_size));
  if (!fb::VerifyModelBuffer(verifier)) {
    return Fail(Status::kFormat) << "model: description fails FlatBuffers verification";
  }
  model_ = fb::GetModel(flatbuffer);
  if (!model_->tensors() || !model_->nodes() || !model_->inputs() || !model_->outputs()) {
    return Fail(Status::kFormat) << "model: missing tensors, nodes, inputs or outputs";
  }
  bytes_ = bytes;
  size_ = size;
  data_section_ = bytes + header.data_offset;
  data_size_ = header.data_size;
  const Status tensors = VerifyTensors();
  if (tensors != Status::kOk) return tensors;
  return VerifyNodes();
}

Status ModelView::VerifyTensors() {
  const auto* tensors = model_->tensors();
  for (unsigned i = 0; i < tensors->size(); ++i) {
    const fb::Tensor* t = tensors->Get(i);
    if (t->dtype() >= kNumDTypes) {
      return Fail(Status::kFormat) << "tensor " << TensorName(t) << ": bad dtype " << t->dtype();
    }
    if (!t->shape() || t->shape()->size() > static_cast<unsigned>(kMaxRank)) {
      return Fail(Status::kFormat) << "tensor " << TensorName(t) << ": missing shape or rank > 8";
    }
    int64_t elements = 1;
    for (const int64_t d : *t->shape()) {
      if (d < 0 || d > kMaxElements || (d > 0 && elements > kMaxElements / d)) {
        return Fail(Status::kFormat) << "tensor " << TensorName(t) << ": shape too large";
      }
      elements *= d;
    }
    const auto dtype = static_cast<DType>(t->dtype());
    if (t->encoding() == 0) {
      if (t->data_size() != 0) {
        return Fail(Status::kFormat) << "tensor " << TensorName(t) << ": data without an encoding";
      }
      continue;
    }
    // Weights are read in place: only the plain encodings can be (trit deploy writes them).
    const uint8_t plain = IsPacked(dtype) ? 2 : 1;
    if (t->encoding() != plain) {
      return Fail(Status::kUnsupported)
             << "tensor " << TensorName(t) << ": encoding " << t->encoding()
             << " must be decoded; store the model with trit deploy, which keeps weights plain";
    }
    if (t->data_offset() > data_size_ || t->data_size() > data_size_ - t->data_offset() ||
        t->data_size() != StorageBytes(dtype, elements) || t->data_offset() % 16 != 0) {
      return Fail(Status::kFormat) << "tensor " << TensorName(t)
                                   << ": bytes outside the data section or of the wrong size";
    }
  }
  return Status::kOk;
}

Status ModelView::VerifyNodes() {
  const int tensors = tensor_count();
  // A tensor is ready once it is a constant, a graph input, or an earlier node's output: the
  // nodes must come in execution order, each output written once.
  // Bits, one per tensor, kept on the stack in chunks would limit the count; instead every
  // input is checked against the producers before it (quadratic, at load only).
  auto in_range = [&](int32_t index) { return index >= 0 && index < tensors; };
  for (const int32_t index : *model_->inputs()) {
    if (!in_range(index)) return Fail(Status::kFormat) << "model: graph input index out of range";
  }
  for (const int32_t index : *model_->outputs()) {
    if (!in_range(index)) return Fail(Status::kFormat) << "model: graph output index out of range";
  }
  const auto* nodes = model_->nodes();
  for (unsigned n = 0; n < nodes->size(); ++n) {
    const fb::Node* node = nodes->Get(n);
    if (node->op() >= kNumOpTypes || !node->inputs() || !node->outputs() ||
        node->outputs()->size() == 0) {
      return Fail(Status::kFormat) << "node " << NodeName(node) << ": bad op or no inputs/outputs";
    }
    for (const int32_t index : *node->inputs()) {
      if (!in_range(index))
        return Fail(Status::kFormat) << "node " << NodeName(node) << ": input index out of range";
      if (model_->tensors()->Get(static_cast<unsigned>(index))->encoding() != 0) continue;
      bool ready = false;
      for (const int32_t input : *model_->inputs()) ready = ready || input == index;
      for (unsigned p = 0; p < n && !ready; ++p) {
        for (const int32_t output : *nodes->Get(p)->outputs()) ready = ready || output == index;
      }
      if (!ready) {
        return Fail(Status::kFormat)
               << "node " << NodeName(node) << ": reads a tensor no earlier node writes";
      }
    }
    for (const int32_t index : *node->outputs()) {
      if (!in_range(index) ||
          model_->tensors()->Get(static_cast<unsigned>(index))->encoding() != 0) {
        return Fail(Status::kFormat) << "node " << NodeName(node) << ": bad output index";
      }
      for (const int32_t input : *model_->inputs()) {
        if (input == index)
          return Fail(Status::kFormat) << "node " << NodeName(node) << ": writes a graph input";
      }
      for (unsigned p = 0; p < n; ++p) {
        for (const int32_t output : *nodes->Get(p)->outputs()) {
          if (output == index) {
            return Fail(Status::kFormat)
                   << "node " << NodeName(node) << ": writes a tensor an earlier node wrote";
          }
        }
      }
    }
  }
  return Status::kOk;
}

TensorInfo ModelView::tensor(int index) const {
  TensorInfo info;
  const fb::Tensor* t = model_->tensors()->Get(static_cast<unsigned>(index));
  info.tensor = t;
  info.name = TensorName(t);
  info.dtype = static_cast<DType>(t->dtype());
  info.rank = static_cast<int>(t->shape()->size());
  for (int d = 0; d < info.rank; ++d) {
    info.shape[d] = t->shape()->Get(static_cast<unsigned>(d));
    info.elements *= info.shape[d];
  }
  info.bytes = StorageBytes(info.dtype, info.elements);
  if (t->encoding() != 0) info.data = data_section_ + t->data_offset();
  if (const fb::QuantParams* q = t->quant()) {
    if (q->scale() && q->scale()->size() > 0) {
      info.scale = q->scale()->Get(0);
      info.scale_count = static_cast<int>(q->scale()->size());
    }
    if (q->zero_point() && q->zero_point()->size() > 0) info.zero_point = q->zero_point()->Get(0);
  }
  return info;
}

namespace {

const fb::Attribute* FindAttribute(const fb::Node* node, const char* name) {
  if (!node->attributes()) return nullptr;
  const size_t length = std::strlen(name);
  for (const fb::Attribute* a : *node->attributes()) {
    // By length and bytes: the verifier checked the string's length, not a terminator's place.
    if (a->name() && a->name()->size() == length &&
        std::memcmp(a->name()->data(), name, length) == 0) {
      return a;
    }
  }
  return nullptr;
}

}  // namespace

int64_t IntAttribute(const fb::Node* node, const char* name, int64_t fallback) {
  const fb::Attribute* a = FindAttribute(node, name);
  return a && a->type() == fb::AttributeType::Int ? a->i() : fallback;
}

float FloatAttribute(const fb::Node* node, const char* name, float fallback) {
  const fb::Attribute* a = FindAttribute(node, name);
  return a && a->type() == fb::AttributeType::Float ? a->f() : fallback;
}

const char* StringAttribute(const fb::Node* node, const char* name, const char* fallback) {
  const fb::Attribute* a = FindAttribute(node, name);
  return a && a->type() == fb::AttributeType::String && a->s() ? a->s()->c_str() : fallback;
}

bool ActivationAttribute(const fb::Node* node, Activation* activation) {
  const char* name = StringAttribute(node, "activation", "none");
  if (std::strcmp(name, "none") == 0) {
    *activation = Activation::kNone;
  } else if (std::strcmp(name, "relu") == 0) {
    *activation = Activation::kRelu;
  } else if (std::strcmp(name, "relu6") == 0) {
    *activation = Activation::kRelu6;
  } else {
    return false;
  }
  return true;
}

bool IntsAttribute(const fb::Node* node, const char* name, int64_t* values, int count) {
  const fb::Attribute* a = FindAttribute(node, name);
  if (!a || a->type() != fb::AttributeType::Ints || !a->ints() ||
      a->ints()->size() != static_cast<unsigned>(count)) {
    return false;
  }
  for (int i = 0; i < count; ++i) values[i] = a->ints()->Get(static_cast<unsigned>(i));
  return true;
}

}  // namespace trit::micro
