// SerializeModel and the atomic WriteModelFile.

#include <cstring>

#include "core/atomic_file.h"
#include "core/error.h"
#include "flatbuffers/flatbuffers.h"
#include "format/crc32.h"
#include "format/file_header.h"
#include "format/model_file.h"
#include "format/tensor_encoding.h"
#include "trit_generated.h"

namespace trit::format {
namespace {

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

flatbuffers::Offset<fb::Attribute> WriteAttribute(flatbuffers::FlatBufferBuilder& b,
                                                  const std::string& name,
                                                  const AttributeValue& value) {
  const auto name_offset = b.CreateString(name);
  if (const auto* i = std::get_if<int64_t>(&value)) {
    return fb::CreateAttribute(b, name_offset, fb::AttributeType::Int, *i);
  }
  if (const auto* f = std::get_if<float>(&value)) {
    return fb::CreateAttribute(b, name_offset, fb::AttributeType::Float, 0, *f);
  }
  if (const auto* s = std::get_if<std::string>(&value)) {
    const auto text = b.CreateString(*s);
    return fb::CreateAttribute(b, name_offset, fb::AttributeType::String, 0, 0, text);
  }
  if (const auto* ints = std::get_if<std::vector<int64_t>>(&value)) {
    const auto vec = b.CreateVector(*ints);
    return fb::CreateAttribute(b, name_offset, fb::AttributeType::Ints, 0, 0, 0, vec);
  }
  const auto& floats = std::get<std::vector<float>>(value);
  const auto vec = b.CreateVector(floats);
  return fb::CreateAttribute(b, name_offset, fb::AttributeType::Floats, 0, 0, 0, 0, vec);
}

}  // namespace

std::vector<uint8_t> SerializeModel(const Graph& graph, const WriteOptions& options) {
  graph.Validate();
  flatbuffers::FlatBufferBuilder b(1 << 16);
  uint64_t data_size = 0;
  std::vector<uint64_t> data_offsets(graph.values().size(), 0);
  std::vector<std::vector<uint8_t>> encoded(graph.values().size());
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  for (size_t v = 0; v < graph.values().size(); ++v) {
    const Value& value = graph.values()[v];
    const QuantParams& q = value.quant;
    const auto quant =
        fb::CreateQuantParams(b, b.CreateVector(q.scale), b.CreateVector(q.zero_point), q.axis,
                              b.CreateVector(q.ternary_pos), b.CreateVector(q.ternary_neg));
    Encoding encoding = Encoding::kNone;
    uint64_t size = 0;
    if (value.is_constant()) {
      // Each constant is stored in the smallest encoding; plain ones stay 64-byte aligned so
      // that they can be used in place, encoded ones are decoded at load and packed tight.
      const int64_t count = NumElements(value.shape);
      encoding = options.plain_encodings
                     ? PlainEncoding(value.dtype)
                     : SmallestEncoding(value.dtype, count, value.data->bytes());
      if (IsPlainEncoding(encoding)) {
        data_size = AlignUp(data_size, kDataAlignment);
        size = value.data->size();
      } else {
        encoded[v] = EncodeTensor(encoding, value.dtype, count, value.data->bytes());
        size = encoded[v].size();
      }
      data_offsets[v] = data_size;
      data_size += size;
    }
    tensors.push_back(fb::CreateTensor(
        b, b.CreateString(value.name), static_cast<uint8_t>(value.dtype),
        b.CreateVector(value.shape), quant, static_cast<uint8_t>(encoding), data_offsets[v], size));
  }
  std::vector<flatbuffers::Offset<fb::Node>> nodes;
  for (const Node& node : graph.nodes()) {
    std::vector<flatbuffers::Offset<fb::Attribute>> attributes;
    for (const auto& [name, value] : node.attrs.values()) {
      attributes.push_back(WriteAttribute(b, name, value));
    }
    nodes.push_back(fb::CreateNode(b, static_cast<uint16_t>(node.op),
                                   b.CreateString(std::string(OpTypeName(node.op))),
                                   b.CreateString(node.name), b.CreateVector(node.inputs),
                                   b.CreateVector(node.outputs), b.CreateVector(attributes)));
  }
  const auto model = fb::CreateModel(
      b, kFormatVersion, b.CreateString(options.producer), b.CreateVector(tensors),
      b.CreateVector(nodes), b.CreateVector(graph.inputs()), b.CreateVector(graph.outputs()));
  b.Finish(model, fb::ModelIdentifier());

  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof(kMagic));
  header.format_version = kFormatVersion;
  header.header_bytes = kHeaderBytes;
  header.flatbuffer_offset = kHeaderBytes;
  header.flatbuffer_size = b.GetSize();
  header.data_offset = AlignUp(kHeaderBytes + b.GetSize(), kDataAlignment);
  header.data_size = data_size;
  header.file_size = header.data_offset + data_size;

  std::vector<uint8_t> file(header.file_size, 0);
  std::memcpy(file.data() + kHeaderBytes, b.GetBufferPointer(), b.GetSize());
  for (size_t v = 0; v < graph.values().size(); ++v) {
    const Value& value = graph.values()[v];
    if (!value.is_constant()) continue;
    const std::span<const uint8_t> bytes =
        encoded[v].empty() ? value.data->bytes() : std::span<const uint8_t>(encoded[v]);
    if (!bytes.empty()) {
      std::memcpy(file.data() + header.data_offset + data_offsets[v], bytes.data(), bytes.size());
    }
  }
  std::memcpy(file.data(), &header, sizeof(header));
  uint32_t crc = Crc32(0, file.data(), kCrcFieldOffset);
  crc = Crc32(crc, file.data() + kCrcFieldOffset + 4, file.size() - kCrcFieldOffset - 4);
  std::memcpy(file.data() + kCrcFieldOffset, &crc, sizeof(crc));
  return file;
}

void WriteModelFile(const Graph& graph, const std::string& path, const WriteOptions& options) {
  const std::vector<uint8_t> bytes = SerializeModel(graph, options);
  WriteFileAtomically(path, bytes.data(), bytes.size());
}

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kNone:
      return "none";
    case Encoding::kDense:
      return "dense";
    case Encoding::kBitPacked:
      return "bitpacked";
    case Encoding::kSparseBitmap:
      return "sparse-bitmap";
    case Encoding::kSparseDelta:
      return "sparse-delta";
    case Encoding::kEntropy:
      return "entropy";
  }
  return "invalid";
}

}  // namespace trit::format
