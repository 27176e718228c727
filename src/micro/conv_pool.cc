#include "micro/conv_pool.h"

#include "core/op_type.h"
#include "micro/params.h"

namespace trit::micro {
namespace {

struct ConvPoolParams {
  uint64_t conv_run, pool_run, tail_run;  // RunFn; tail_run 0 without a Quantize
  uint32_t conv_params, pool_params, tail_params;
  uint32_t band_bytes;      // scratch: the convolution outputs of one patch
  uint32_t row_bytes;       // scratch: one pooled patch, when a Quantize follows
  uint32_t pool_row_bytes;  // bytes of one pooled row (in the pool's output type)
  uint32_t out_row_bytes;   // bytes of one output row (the Quantize's type, or the pool's)
  uint32_t patch_columns;   // pooled columns computed at a time
};

RunFn AsRun(uint64_t value) { return reinterpret_cast<RunFn>(static_cast<uintptr_t>(value)); }

void RunConvPool(const RunArgs& a) {
  const auto& p = *static_cast<const ConvPoolParams*>(a.params);
  const auto& conv = *FromArena<LinearParams>(a, p.conv_params);
  const auto& pool = *FromArena<PoolParams>(a, p.pool_params);
  auto* band = static_cast<uint8_t*>(a.scratch);
  uint8_t* row = band + p.band_bytes;
  void* conv_scratch = row + p.row_bytes;
  auto* out = static_cast<uint8_t*>(a.outputs[0]);
  const ref::ConvGeometry& g = pool.geometry;
  const size_t pool_position = p.pool_row_bytes / static_cast<size_t>(g.out_w);
  const size_t out_position = p.out_row_bytes / static_cast<size_t>(g.out_w);
  for (int r = 0; r < g.out_h; ++r) {
    // The window's rows, clipped to the image.
    const int top = r * g.stride_h - g.pad_top;
    const int y0 = top < 0 ? 0 : top;
    const int y1 = top + g.kernel_h < g.in_h ? top + g.kernel_h : g.in_h;
    for (int c0 = 0; c0 < g.out_w; c0 += static_cast<int>(p.patch_columns)) {
      const int c1 = c0 + static_cast<int>(p.patch_columns) < g.out_w
                         ? c0 + static_cast<int>(p.patch_columns)
                         : g.out_w;
      // The patch's pooled columns [c0, c1) read convolution columns [x0, x1).
      const int left = c0 * g.stride_w - g.pad_left;
      const int x0 = left < 0 ? 0 : left;
      const int right = (c1 - 1) * g.stride_w - g.pad_left + g.kernel_w;
      const int x1 = right < g.in_w ? right : g.in_w;
      LinearParams conv_patch = conv;
      conv_patch.geometry.out_h = y1 - y0;
      conv_patch.geometry.out_w = x1 - x0;
      conv_patch.geometry.pad_top = conv.geometry.pad_top - y0 * conv.geometry.stride_h;
      conv_patch.geometry.pad_left = conv.geometry.pad_left - x0 * conv.geometry.stride_w;
      void* band_out[1] = {band};
      AsRun(p.conv_run)({&conv_patch, a.inputs, band_out, conv_scratch, a.model, a.arena});
      PoolParams pool_patch = pool;
      pool_patch.geometry.in_h = y1 - y0;
      pool_patch.geometry.in_w = x1 - x0;
      pool_patch.geometry.out_h = 1;
      pool_patch.geometry.out_w = c1 - c0;
      pool_patch.geometry.pad_top = y0 - top;
      pool_patch.geometry.pad_left = x0 - left;
      const void* pool_in[1] = {band};
      uint8_t* pooled =
          out + static_cast<size_t>(r) * p.pool_row_bytes + static_cast<size_t>(c0) * pool_position;
      void* pool_out[1] = {p.tail_run ? row : pooled};
      AsRun(p.pool_run)({&pool_patch, pool_in, pool_out, nullptr, a.model, a.arena});
      if (p.tail_run) {
        CountParams tail = *FromArena<CountParams>(a, p.tail_params);
        tail.count = static_cast<int64_t>(c1 - c0) * g.out_c;
        const void* tail_in[1] = {row};
        void* tail_out[1] = {out + static_cast<size_t>(r) * p.out_row_bytes +
                             static_cast<size_t>(c0) * out_position};
        AsRun(p.tail_run)({&tail, tail_in, tail_out, nullptr, a.model, a.arena});
      }
    }
  }
}

// Whether tensor `t` is read by node `reader` alone and is not a graph output.
bool OnlyReader(const ModelView& model, int32_t t, int reader) {
  for (const int32_t output : *model.model()->outputs()) {
    if (output == t) return false;
  }
  for (int n = 0; n < model.node_count(); ++n) {
    for (const int32_t input : *model.node(n)->inputs()) {
      if (input == t && n != reader) return false;
    }
  }
  return true;
}

}  // namespace

int ConvPoolChainLength(const ModelView& model, const NodeRecord* records, int n) {
  if (n + 1 >= model.node_count()) return 0;
  const fb::Node* conv = model.node(n);
  const fb::Node* pool = model.node(n + 1);
  const auto pool_op = static_cast<OpType>(pool->op());
  if (static_cast<OpType>(conv->op()) != OpType::kConv2D ||
      (pool_op != OpType::kMaxPool && pool_op != OpType::kAvgPool) || !records[n].run ||
      !records[n + 1].run || pool->inputs()->Get(0) != conv->outputs()->Get(0) ||
      !OnlyReader(model, conv->outputs()->Get(0), n + 1)) {
    return 0;
  }
  int length = 2;
  if (n + 2 < model.node_count()) {
    const fb::Node* tail = model.node(n + 2);
    if (static_cast<OpType>(tail->op()) == OpType::kQuantize && records[n + 2].run &&
        tail->inputs()->Get(0) == pool->outputs()->Get(0) &&
        OnlyReader(model, pool->outputs()->Get(0), n + 2)) {
      length = 3;
    }
  }
  return length;
}

Status FuseConvPool(const ModelView& model, NodeRecord* records, int n, int length,
                    PrepareContext& context) {
  uint8_t* arena = static_cast<uint8_t*>(context.ArenaBase());
  const auto& conv = *reinterpret_cast<const LinearParams*>(arena + records[n].params);
  const auto& pool = *reinterpret_cast<const PoolParams*>(arena + records[n + 1].params);
  // One image; windows that do not overlap (each convolution output is computed once).
  const ref::ConvGeometry& g = pool.geometry;
  if (conv.geometry.batch != 1 || g.stride_h < g.kernel_h || g.stride_w < g.kernel_w) {
    return Status::kOk;
  }
  const TensorInfo conv_out = model.tensor(model.node(n)->outputs()->Get(0));
  const TensorInfo pool_out = model.tensor(model.node(n + 1)->outputs()->Get(0));
  const size_t conv_position = conv_out.bytes / static_cast<size_t>(conv.geometry.out_h) /
                               static_cast<size_t>(conv.geometry.out_w);
  const size_t pool_row = pool_out.bytes / static_cast<size_t>(g.out_h);
  auto* p = context.Allocate<ConvPoolParams>(1);
  if (!p) return Status::kInvalidArgument;
  // Each row in four patches: the band is a few KB even for wide early layers, at the cost of
  // four kernel calls per pooled row.
  const int patches = g.out_w < 4 ? g.out_w : 4;
  p->patch_columns = static_cast<uint32_t>((g.out_w + patches - 1) / patches);
  const size_t band_columns =
      static_cast<size_t>(p->patch_columns) * g.stride_w + static_cast<size_t>(g.kernel_w);
  p->conv_run = records[n].run;
  p->pool_run = records[n + 1].run;
  p->conv_params = records[n].params;
  p->pool_params = records[n + 1].params;
  p->band_bytes =
      static_cast<uint32_t>(conv_position * band_columns * static_cast<size_t>(g.kernel_h));
  p->pool_row_bytes = static_cast<uint32_t>(pool_row);
  p->out_row_bytes = p->pool_row_bytes;
  if (length == 3) {
    const TensorInfo out = model.tensor(model.node(n + 2)->outputs()->Get(0));
    p->tail_run = records[n + 2].run;
    p->tail_params = records[n + 2].params;
    p->row_bytes =
        static_cast<uint32_t>(pool_row / static_cast<size_t>(g.out_w) * p->patch_columns);
    p->out_row_bytes = static_cast<uint32_t>(out.bytes / static_cast<size_t>(g.out_h));
  }
  // Scratch: the band, the pooled row, then the convolution's own (8-byte aligned pieces).
  p->band_bytes = (p->band_bytes + 7u) & ~7u;
  p->row_bytes = (p->row_bytes + 7u) & ~7u;
  records[n].scratch_bytes += p->band_bytes + p->row_bytes;
  records[n].run = reinterpret_cast<uintptr_t>(&RunConvPool);
  records[n].params = context.ArenaOffset(p);
  records[n].last = static_cast<uint32_t>(n + length - 1);
  for (int k = 1; k < length; ++k) {
    records[n + k].run = 0;
    records[n + k].head = static_cast<uint32_t>(n);
    records[n + k].scratch_bytes = 0;
  }
  return Status::kOk;
}

}  // namespace trit::micro
