// One prepared Conv2D or Dense kernel of any ISA, as the runtime runs it: the input prepared
// once per run (packed or converted into scratch, or used as it is), then any split of the
// output's rows and column tiles computed, each output by one thread (runtime/ops/gemm_split.h).
// The ISA classes (x86::Q8Gemm, F32Gemm, Q8Depthwise, B1Gemm, x86::LowBitGemv,
// sparse::TernaryGemv, ...) keep their own typed interfaces for their tests and benchmarks;
// TiledKernelOf wraps one for the kernel tables (kernels/registry/linear.h). Each packs what it
// needs of its layer's weights at construction and never reads the layer's arrays again, so
// the model's copy of them may be freed once the kernel exists.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace trit {

class TiledKernel {
 public:
  virtual ~TiledKernel() = default;

  // e.g. qu8_igemm_12x32__avx512vnni: the microkernel and its tile.
  virtual std::string_view name() const = 0;
  virtual size_t scratch_bytes() const = 0;
  // The prepared input for Compute (in scratch, or `input` itself).
  virtual const void* Prepare(const void* input, void* scratch) const = 0;
  // Whether Prepare splits into parts that threads run at once, each its share of the input's
  // vectors or rows (then the threads that compute on a share find it in their own caches:
  // runtime/ops/gemm_split.h). Each part returns what Prepare does.
  virtual bool prepares_in_parts() const { return false; }
  virtual const void* PreparePart(const void* input, void* scratch, int64_t part,
                                  int64_t parts) const {
    return parts == 1 ? Prepare(input, scratch) : nullptr;
  }
  // Output rows [row_begin, row_end) of column tiles [tile_begin, tile_end).
  virtual void Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
                       int64_t tile_begin, int64_t tile_end) const = 0;
  virtual int64_t rows() const = 0;
  virtual int64_t tiles() const = 0;
  virtual int64_t rows_per_call() const = 0;  // rows split best in multiples of this

  void Run(const void* input, void* output, void* scratch) const {
    Compute(Prepare(input, scratch), output, 0, rows(), 0, tiles());
  }
};

namespace tiled_detail {

template <typename Kernel>
concept HasRowsAndTiles = requires(const Kernel& k) {
  k.rows_per_call();
};

template <typename Kernel>
concept PreparesInParts = requires(const Kernel& k) {
  k.PreparePart(nullptr, nullptr, int64_t{0}, int64_t{1});
};

template <typename T>
struct PointeeOf;
template <typename T>
struct PointeeOf<const T*> {
  using type = T;
};

}  // namespace tiled_detail

// A kernel with rows and column tiles (the GEMMs, depthwise), or one with output channel
// blocks only (the batch-1 GEMVs: one row, each block a tile).
template <typename Kernel>
class TiledKernelOf final : public TiledKernel {
 public:
  template <typename... Args>
  explicit TiledKernelOf(Args&&... args) : kernel_(std::forward<Args>(args)...) {}

  std::string_view name() const override { return kernel_.name(); }
  size_t scratch_bytes() const override { return kernel_.scratch_bytes(); }
  const void* Prepare(const void* input, void* scratch) const override {
    return kernel_.Prepare(static_cast<const Input*>(input), scratch);
  }
  bool prepares_in_parts() const override { return tiled_detail::PreparesInParts<Kernel>; }
  const void* PreparePart(const void* input, void* scratch, int64_t part,
                          int64_t parts) const override {
    if constexpr (tiled_detail::PreparesInParts<Kernel>) {
      return kernel_.PreparePart(input, scratch, part, parts);
    } else {
      return parts == 1 ? Prepare(input, scratch) : nullptr;
    }
  }
  void Compute(const void* prepared, void* output, int64_t row_begin, int64_t row_end,
               int64_t tile_begin, int64_t tile_end) const override {
    if constexpr (tiled_detail::HasRowsAndTiles<Kernel>) {
      kernel_.Compute(static_cast<const Prepared*>(prepared), static_cast<Output*>(output),
                      row_begin, row_end, tile_begin, tile_end);
    } else {
      kernel_.Compute(static_cast<const Prepared*>(prepared), output, tile_begin, tile_end);
    }
  }
  int64_t rows() const override {
    if constexpr (tiled_detail::HasRowsAndTiles<Kernel>) {
      return kernel_.rows();
    } else {
      return 1;
    }
  }
  int64_t tiles() const override {
    if constexpr (tiled_detail::HasRowsAndTiles<Kernel>) {
      return kernel_.tiles();
    } else {
      return kernel_.blocks();
    }
  }
  int64_t rows_per_call() const override {
    if constexpr (tiled_detail::HasRowsAndTiles<Kernel>) {
      return kernel_.rows_per_call();
    } else {
      return 1;
    }
  }

 private:
  // The typed pointers of the kernel's own interface (float kernels: floats; others: void).
  using Prepared = typename tiled_detail::PointeeOf<decltype(std::declval<const Kernel&>().Prepare(
      nullptr, nullptr))>::type;
  using Input = std::conditional_t<std::is_same_v<std::remove_const_t<Prepared>, float>,
                                   const float, const void>;
  using Output =
      std::conditional_t<std::is_same_v<std::remove_const_t<Prepared>, float>, float, void>;

  Kernel kernel_;
};

}  // namespace trit
