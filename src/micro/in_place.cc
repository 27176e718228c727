#include "micro/in_place.h"

#include <cstring>

#include "core/op_type.h"
#include "micro/params.h"

namespace trit::micro {
namespace {

bool RootIn(const int32_t* alias_of, int32_t root, const flatbuffers::Vector<int32_t>* list) {
  for (const int32_t t : *list) {
    if (alias_of[t] == root) return true;
  }
  return false;
}

// Whether node n may overwrite the bytes of its input `input` (an index into its inputs) with
// its output: they are not a constant's or the caller's, no other operand of n and no later node
// reads them, they are no fewer than the output's, and the output is no alias already.
bool InputDiesAt(const ModelView& model, const int32_t* alias_of, int n, unsigned input) {
  const fb::Node* node = model.node(n);
  const int32_t root = alias_of[node->inputs()->Get(input)];
  const int32_t output = node->outputs()->Get(0);
  if (model.tensor(root).is_constant() || RootIn(alias_of, root, model.model()->inputs()) ||
      RootIn(alias_of, root, model.model()->outputs()) ||
      model.tensor(output).bytes > model.tensor(root).bytes || alias_of[output] != output) {
    return false;
  }
  for (unsigned i = 0; i < node->inputs()->size(); ++i) {
    if (i != input && alias_of[node->inputs()->Get(i)] == root) return false;
  }
  for (int later = n + 1; later < model.node_count(); ++later) {
    if (RootIn(alias_of, root, model.node(later)->inputs())) return false;
  }
  return true;
}

// Node n's output (and its own aliases) now use its input's bytes.
void AliasOutputToInput(const ModelView& model, int32_t* alias_of, int n, unsigned input) {
  const int32_t root = alias_of[model.node(n)->inputs()->Get(input)];
  const int32_t output = model.node(n)->outputs()->Get(0);
  for (int32_t t = 0; t < model.tensor_count(); ++t) {
    if (alias_of[t] == output) alias_of[t] = root;
  }
}

struct ConvInPlaceParams {
  uint64_t conv_run;  // RunFn
  uint32_t conv_params;
  uint32_t row_bytes;   // one row of the input and of the output
  uint32_t band_rows;   // output rows computed per kernel call
  uint32_t ring_bytes;  // scratch: (pad_top + band_rows) rows, 8-byte aligned
};

void RunConvInPlaceBands(const RunArgs& a) {
  const auto& p = *static_cast<const ConvInPlaceParams*>(a.params);
  const auto& conv = *FromArena<LinearParams>(a, p.conv_params);
  const auto run = reinterpret_cast<RunFn>(static_cast<uintptr_t>(p.conv_run));
  auto* ring = static_cast<uint8_t*>(a.scratch);
  void* conv_scratch = ring + p.ring_bytes;
  auto* out = static_cast<uint8_t*>(a.outputs[0]);  // the input's bytes
  const int rows = conv.geometry.out_h, pad_top = conv.geometry.pad_top;
  const size_t row_bytes = p.row_bytes;
  int pending = 0;  // computed rows not yet copied out: the ring's first rows
  for (int y0 = 0; y0 < rows; y0 += static_cast<int>(p.band_rows)) {
    const int y1 =
        y0 + static_cast<int>(p.band_rows) < rows ? y0 + static_cast<int>(p.band_rows) : rows;
    LinearParams band = conv;
    band.geometry.out_h = y1 - y0;
    band.geometry.pad_top = pad_top - y0;  // stride 1: output row y reads from row y - pad_top
    void* band_out[1] = {ring + static_cast<size_t>(pending) * row_bytes};
    run({&band, a.inputs, band_out, conv_scratch, a.model, a.arena});
    pending += y1 - y0;
    // Output rows below y1 - pad_top: no later output row reads their input rows.
    const int done = y1 == rows ? y1 : y1 - pad_top;
    const int first = y1 - pending;
    const int copied = done > first ? done - first : 0;
    std::memcpy(out + static_cast<size_t>(first) * row_bytes, ring,
                static_cast<size_t>(copied) * row_bytes);
    std::memmove(ring, ring + static_cast<size_t>(copied) * row_bytes,
                 static_cast<size_t>(pending - copied) * row_bytes);
    pending -= copied;
  }
}

}  // namespace

void RunElementwiseInPlace(const ModelView& model, NodeRecord* records, int32_t* alias_of) {
  for (int n = 0; n < model.node_count(); ++n) {
    NodeRecord& record = records[n];
    const uint32_t in_place = record.scratch_buffer;
    record.scratch_buffer = 0;
    if (in_place == 0 || record.run == 0 || record.head != static_cast<uint32_t>(n) ||
        record.last != static_cast<uint32_t>(n)) {
      continue;  // none declared, or run inside a fused schedule
    }
    if (InputDiesAt(model, alias_of, n, in_place - 1)) {
      AliasOutputToInput(model, alias_of, n, in_place - 1);
    }
  }
}

Status RunConvolutionsInPlace(const ModelView& model, NodeRecord* records, int32_t* alias_of,
                              PrepareContext& context) {
  auto* arena = static_cast<uint8_t*>(context.ArenaBase());
  for (int n = 0; n < model.node_count(); ++n) {
    NodeRecord& record = records[n];
    const fb::Node* node = model.node(n);
    if (static_cast<OpType>(node->op()) != OpType::kConv2D || record.run == 0 ||
        record.head != static_cast<uint32_t>(n) || record.last != static_cast<uint32_t>(n)) {
      continue;
    }
    const auto& conv = *reinterpret_cast<const LinearParams*>(arena + record.params);
    const ref::ConvGeometry& g = conv.geometry;
    const TensorInfo in = model.tensor(node->inputs()->Get(0));
    const TensorInfo out = model.tensor(node->outputs()->Get(0));
    const bool eight_bit = (in.dtype == DType::kI8 || in.dtype == DType::kU8) &&
                           (out.dtype == DType::kI8 || out.dtype == DType::kU8);
    if (!eight_bit || g.out_c != g.in_c || g.batch != 1 || g.stride_h != 1 || g.pad_top < 0 ||
        g.out_h > g.in_h || g.out_w != g.in_w || !InputDiesAt(model, alias_of, n, 0)) {
      continue;
    }
    auto* p = context.Allocate<ConvInPlaceParams>(1);
    if (!p) return Status::kInvalidArgument;
    // About eight kernel calls a layer: each call of the Cortex-M kernels has a set-up (the
    // depthwise ones repack the weights), so one row a call would cost more; the ring grows
    // with the band.
    p->band_rows = static_cast<uint32_t>(g.out_h >= 16 ? g.out_h / 8 : 1);
    p->row_bytes = static_cast<uint32_t>(g.in_w) * static_cast<uint32_t>(g.in_c);
    const size_t ring = static_cast<size_t>(p->row_bytes) * (g.pad_top + p->band_rows);
    p->ring_bytes = static_cast<uint32_t>((ring + 7) & ~size_t{7});
    p->conv_run = record.run;
    p->conv_params = record.params;
    record.run = reinterpret_cast<uintptr_t>(&RunConvInPlaceBands);
    record.params = context.ArenaOffset(p);
    record.scratch_bytes += p->ring_bytes;
    AliasOutputToInput(model, alias_of, n, 0);
  }
  return Status::kOk;
}

}  // namespace trit::micro
