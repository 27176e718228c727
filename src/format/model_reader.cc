// ReadModelFile / ReadModelBytes: every check happens before the graph is handed out.
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/error.h"
#include "flatbuffers/flatbuffers.h"
#include "format/crc32.h"
#include "format/file_header.h"
#include "format/mapped_file.h"
#include "format/model_file.h"
#include "format/tensor_encoding.h"
#include "trit_generated.h"

namespace trit::format {
namespace {

class Checker {
 public:
  explicit Checker(std::string source) : source_(std::move(source)) {}
  [[noreturn]] void Fail(const std::string& problem) const {
    throw Error(ErrorCode::kFormat, source_ + ": " + problem);
  }
  void Require(bool condition, const std::string& problem) const {
    if (!condition) Fail(problem);
  }

 private:
  std::string source_;
};

// The FlatBuffers verifier checks only 4-byte alignment of vectors; a hostile file could
// misalign a vector of 8-byte scalars, so their alignment is checked before reading. An empty
// vector (a scalar's shape) reads nothing, and the builder may leave it at any 4-byte offset.
template <typename T>
bool Aligned(const flatbuffers::Vector<T>* v) {
  return !v || v->size() == 0 || reinterpret_cast<uintptr_t>(v->data()) % alignof(T) == 0;
}

template <typename T>
std::vector<T> ToVector(const flatbuffers::Vector<T>* v) {
  return v ? std::vector<T>(v->begin(), v->end()) : std::vector<T>();
}

std::string ToString(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

AttributeValue ReadAttribute(const Checker& check, const fb::Attribute& a) {
  switch (a.type()) {
    case fb::AttributeType::Int:
      return a.i();
    case fb::AttributeType::Float:
      return a.f();
    case fb::AttributeType::String:
      return ToString(a.s());
    case fb::AttributeType::Ints:
      check.Require(Aligned(a.ints()), "attribute '" + ToString(a.name()) + "' is misaligned");
      return ToVector(a.ints());
    case fb::AttributeType::Floats:
      return ToVector(a.floats());
  }
  check.Fail("attribute '" + ToString(a.name()) + "' has an unknown type");
}

}  // namespace

namespace {

// `mapping`: the file mapping the bytes are, when they are one (its pages may be dropped).
ModelFile ReadModel(const uint8_t* data, size_t size, std::shared_ptr<const void> keep_alive,
                    const std::string& source, const MappedFile* mapping) {
  const Checker check(source);
  check.Require(size >= kHeaderBytes,
                "truncated: " + std::to_string(size) + " bytes is shorter than the 64-byte header");
  FileHeader header;
  std::memcpy(&header, data, sizeof(header));
  check.Require(std::memcmp(header.magic, kMagic, sizeof(kMagic)) == 0,
                "not a .trit file (bad magic)");
  check.Require(
      header.format_version >= kOldestFormatVersion && header.format_version <= kFormatVersion,
      "format version " + std::to_string(header.format_version) +
          " is not supported (this build reads versions " + std::to_string(kOldestFormatVersion) +
          " to " + std::to_string(kFormatVersion) + ")");
  check.Require(header.file_size == size, "truncated or padded: header says " +
                                              std::to_string(header.file_size) +
                                              " bytes, file has " + std::to_string(size));
  check.Require(header.header_bytes == kHeaderBytes && header.flatbuffer_offset == kHeaderBytes,
                "bad header layout");
  check.Require(header.flatbuffer_size <= size - kHeaderBytes &&
                    header.data_offset % kDataAlignment == 0 &&
                    header.data_offset >= kHeaderBytes + header.flatbuffer_size &&
                    header.data_offset <= size && header.data_size == size - header.data_offset,
                "header sections do not fit the file");
  uint32_t crc = Crc32(0, data, kCrcFieldOffset);
  crc = Crc32(crc, data + kCrcFieldOffset + 4, size - kCrcFieldOffset - 4);
  check.Require(crc == header.crc32, "checksum mismatch: the file is corrupted");

  const uint8_t* fb_data = data + kHeaderBytes;
  flatbuffers::Verifier verifier(fb_data, header.flatbuffer_size);
  check.Require(fb::VerifyModelBuffer(verifier), "model description fails verification");
  const fb::Model* model = fb::GetModel(fb_data);

  ModelFile result;
  result.format_version = model->format_version();
  result.producer = ToString(model->producer());
  result.file_bytes = size;
  Graph& graph = result.graph;
  const uint8_t* data_section = data + header.data_offset;
  check.Require(model->tensors() != nullptr && model->tensors()->size() > 0, "no tensors");
  const size_t tensor_count = model->tensors()->size();
  check.Require(tensor_count < (1u << 24), "too many tensors");
  for (const fb::Tensor* t : *model->tensors()) {
    const std::string name = ToString(t->name());
    const std::string where = "tensor '" + name + "'";
    check.Require(t->dtype() < kNumDTypes, where + " has an unknown type");
    Value value;
    value.name = name;
    value.dtype = static_cast<DType>(t->dtype());
    check.Require(Aligned(t->shape()), where + " has a misaligned shape");
    value.shape = ToVector(t->shape());
    check.Require(value.shape.size() <= 8, where + " has rank above 8");
    int64_t elements = 1;
    for (const int64_t extent : value.shape) {
      check.Require(extent >= 0 && extent <= (int64_t{1} << 40), where + " has an invalid extent");
      check.Require(extent == 0 || elements <= (int64_t{1} << 40) / extent,
                    where + " is too large");
      elements *= extent;
    }
    if (const fb::QuantParams* q = t->quant()) {
      value.quant.scale = ToVector(q->scale());
      value.quant.zero_point = ToVector(q->zero_point());
      value.quant.axis = q->axis();
      value.quant.ternary_pos = ToVector(q->ternary_pos());
      value.quant.ternary_neg = ToVector(q->ternary_neg());
    }
    const auto encoding = static_cast<Encoding>(t->encoding());
    TensorStorage storage{encoding, t->data_size()};
    if (encoding == Encoding::kNone) {
      check.Require(t->data_size() == 0, where + " has data but no encoding");
    } else {
      check.Require(t->data_offset() <= header.data_size &&
                        t->data_size() <= header.data_size - t->data_offset(),
                    where + " data lies outside the file");
      if (IsPlainEncoding(encoding)) {
        const Encoding expected = IsPacked(value.dtype) ? Encoding::kBitPacked : Encoding::kDense;
        check.Require(encoding == expected, where + " has an encoding that does not fit its type");
        check.Require(t->data_offset() % kDataAlignment == 0,
                      where + " data is not 64-byte aligned");
        check.Require(t->data_size() == StorageBytes(value.dtype, elements),
                      where + " holds " + std::to_string(t->data_size()) +
                          " bytes, its shape and type need " +
                          std::to_string(StorageBytes(value.dtype, elements)));
        value.data = Buffer::View(data_section + t->data_offset(), t->data_size(), keep_alive);
      } else {
        check.Require(encoding == Encoding::kSparseBitmap || encoding == Encoding::kSparseDelta ||
                          encoding == Encoding::kEntropy,
                      where + " has an unknown encoding " + std::to_string(t->encoding()));
        const std::span<const uint8_t> stored(data_section + t->data_offset(), t->data_size());
        try {
          // Decoded once here to check it, and again when first read: only one decoded tensor
          // is held at a time while the file loads, whatever the model's size.
          (void)DecodeTensor(encoding, value.dtype, elements, stored);
          value.data = Buffer::Deferred(
              StorageBytes(value.dtype, elements),
              [encoding, type = value.dtype, elements, stored, keep_alive, mapping] {
                std::vector<uint8_t> plain = DecodeTensor(encoding, type, elements, stored);
                // The stored bytes are done with: their pages leave the resident set.
                if (mapping) mapping->DropResidentPages(stored.data(), stored.size());
                return plain;
              });
        } catch (const Error& e) {
          check.Fail(where + ": " + e.what());
        } catch (const std::bad_alloc&) {
          check.Fail(where + " is too large to decode");
        }
      }
    }
    graph.AddValue(std::move(value));
    result.storage.push_back(storage);
  }
  auto check_id = [&](int32_t id, const std::string& where) {
    check.Require(id >= 0 && static_cast<size_t>(id) < tensor_count,
                  where + " refers to tensor " + std::to_string(id) + ", out of range");
  };
  if (model->nodes()) {
    for (const fb::Node* n : *model->nodes()) {
      Node node;
      node.name = ToString(n->name());
      const std::string where = "node '" + node.name + "'";
      check.Require(n->op() < kNumOpTypes, where + " has an unknown op " + std::to_string(n->op()));
      node.op = static_cast<OpType>(n->op());
      check.Require(ToString(n->op_name()) == OpTypeName(node.op),
                    where + " op name does not match its op number");
      node.inputs = ToVector(n->inputs());
      node.outputs = ToVector(n->outputs());
      for (const int32_t id : node.inputs) check_id(id, where);
      for (const int32_t id : node.outputs) check_id(id, where);
      if (n->attributes()) {
        for (const fb::Attribute* a : *n->attributes()) {
          node.attrs.Set(ToString(a->name()), ReadAttribute(check, *a));
        }
      }
      graph.AddNodeWithOutputs(std::move(node));
    }
  }
  for (const int32_t id : ToVector(model->inputs())) {
    check_id(id, "graph input");
    graph.mutable_inputs().push_back(id);
  }
  for (const int32_t id : ToVector(model->outputs())) {
    check_id(id, "graph output");
    graph.mutable_outputs().push_back(id);
  }

  try {
    graph.Validate();
    // A file that lies about shapes must never reach a kernel: re-infer and compare.
    Graph inferred = graph;
    inferred.InferShapes();
    for (size_t v = 0; v < tensor_count; ++v) {
      const Value& stored = graph.values()[v];
      const Value& computed = inferred.values()[v];
      if (stored.shape != computed.shape || stored.dtype != computed.dtype ||
          !(stored.quant == computed.quant)) {
        check.Fail("tensor '" + stored.name + "' is stored as " + ShapeToString(stored.shape) +
                   " " + std::string(DTypeName(stored.dtype)) + " but its inputs give " +
                   ShapeToString(computed.shape) + " " + std::string(DTypeName(computed.dtype)));
      }
    }
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kFormat) throw;
    check.Fail(e.what());
  }
  return result;
}

}  // namespace

ModelFile ReadModelBytes(const uint8_t* data, size_t size, std::shared_ptr<const void> keep_alive,
                         const std::string& source) {
  return ReadModel(data, size, std::move(keep_alive), source, nullptr);
}

ModelFile ReadModelBytes(const uint8_t* data, size_t size, std::shared_ptr<const void> keep_alive) {
  return ReadModel(data, size, std::move(keep_alive), "model", nullptr);
}

ModelFile ReadModelFile(const std::string& path) {
  std::shared_ptr<const MappedFile> file = MappedFile::Open(path);
  const uint8_t* data = file->data();
  const size_t size = file->size();
  ModelFile model = ReadModel(data, size, std::shared_ptr<const void>(file), path, file.get());
  // The checksum read every page and the encoded tensors were checked: until a constant is read
  // again, none of the file needs to be resident.
  file->DropResidentPages();
  model.mapping = std::move(file);
  return model;
}

}  // namespace trit::format
