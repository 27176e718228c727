// The rules of the kernel tables (kernels/registry/): every table ends with a reference row that
// handles everything, so a choice always exists; the reference level picks it; a level never
// picks a row of another family or of a higher level; TRIT_ISA takes every level's name and
// refuses one this CPU lacks.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "core/error.h"
#include "kernel_tester.h"
#include "kernels/registry/activation.h"
#include "kernels/registry/batch_norm.h"
#include "kernels/registry/elementwise.h"
#include "kernels/registry/linear.h"
#include "kernels/registry/pool.h"
#include "kernels/registry/quantize.h"
#include "kernels/registry/recurrent.h"
#include "kernels/registry/transpose.h"

namespace trit::test {
namespace {

const Isa kEveryLevel[] = {Isa::kRef,     Isa::kAvx2,     Isa::kAvx512, Isa::kNeon,
                           Isa::kNeonDot, Isa::kNeonI8mm, Isa::kArmDsp, Isa::kMve};

// For one table: ends with the reference; at each level the choice is covered by the level, and
// at the reference level it is a reference row.
template <typename Problem, typename Entry>
void CheckTable(const char* what, std::span<const KernelCandidate<Problem, Entry>> table,
                const Problem& problem) {
  SCOPED_TRACE(what);
  ASSERT_TRUE(EndsWithReference(table));
  for (const Isa level : kEveryLevel) {
    const auto& chosen = ChooseKernel(table, problem, level);
    EXPECT_TRUE(IsaCovers(level, chosen.isa)) << IsaName(level) << " chose " << chosen.name;
    if (level == Isa::kRef) {
      EXPECT_EQ(chosen.isa, Isa::kRef) << chosen.name;
    }
  }
  for (const auto& row : table) EXPECT_FALSE(row.name.empty());
}

TEST(KernelTables, EveryTableEndsWithTheReferenceAndRespectsLevels) {
  CheckTable("q8 add", Q8AddKernels(), Q8AddProblem{});
  CheckTable("q8 mul", Q8MulKernels(), Q8MulProblem{});
  CheckTable("f32 unary", F32UnaryKernels(), F32UnaryProblem{});
  CheckTable("f32 softmax", F32SoftmaxKernels(), F32SoftmaxProblem{});
  CheckTable("f32 binary", F32BinaryKernels(), F32BinaryProblem{});
  CheckTable("avgpool f32", AvgPoolF32Kernels(), AvgPoolF32Problem{});
  CheckTable("q8 pointwise", Q8PointwiseKernels(), Q8PointwiseProblem{});
  CheckTable("quantize", QuantizeF32Kernels(), ConversionProblem{});
  CheckTable("dequantize", DequantizeQ8Kernels(), ConversionProblem{});
  CheckTable("binarize", BinarizeQ8Kernels(), ConversionProblem{});
  CheckTable("maxpool f32", MaxPoolF32Kernels(), MaxPoolF32Problem{});
  CheckTable("maxpool q8", MaxPoolQ8Kernels(), MaxPoolQ8Problem{true});
  CheckTable("avgpool q8", AvgPoolQ8Kernels(), AvgPoolQ8Problem{});
  CheckTable("batchnorm f32", BatchNormF32Kernels(), BatchNormProblem{16});
  CheckTable("batchnorm q8", BatchNormQ8Kernels(), BatchNormProblem{16});
  CheckTable("cell step", CellStepF32Kernels(), RecurrentProblem{});
  CheckTable("structured", StructuredProductKernels(), RecurrentProblem{});
  CheckTable("f32 gemm", F32GemmKernels(), F32GemmLayer{});
  CheckTable("f32 depthwise", F32DepthwiseKernels(), F32DepthwiseLayer{});
  CheckTable("q8 gemm", Q8GemmKernels(), Q8GemmLayer{});
  CheckTable("q8 depthwise", Q8DepthwiseKernels(), Q8DepthwiseLayer{});
  CheckTable("b1 gemm", B1GemmKernels(), B1GemmLayer{});
  CheckTable("q8 gemv", Q8GemvKernels(), Q8GemvProblem{});
  CheckTable("transpose", TransposeKernels(), TransposeProblem{3, 100, 4});
}

TEST(KernelTables, RowsAboveTheReferenceAreOnlyPickedAtTheirLevel) {
  // The reference level never builds an optimized Conv2D or Dense kernel.
  EXPECT_EQ(MakeTiledKernel(Q8GemmKernels(), Q8GemmLayer{}, Isa::kRef), nullptr);
  EXPECT_EQ(MakeTiledKernel(F32GemmKernels(), F32GemmLayer{}, Isa::kRef), nullptr);
  for (const Isa level : kEveryLevel) {
    // A level picks rows of its own family (those this build has) or the reference.
    const auto& chosen = ChooseKernel(Q8GemmKernels(), Q8GemmLayer{}, level);
    EXPECT_TRUE(FamilyOf(chosen.isa) == FamilyOf(level) ||
                FamilyOf(chosen.isa) == IsaFamily::kPortable)
        << IsaName(level) << " chose the row " << chosen.name;
  }
}

TEST(IsaLevels, CoverOnlyTheirFamilyUpToTheirLevel) {
  EXPECT_TRUE(IsaCovers(Isa::kAvx512, Isa::kAvx2));
  EXPECT_FALSE(IsaCovers(Isa::kAvx2, Isa::kAvx512));
  EXPECT_TRUE(IsaCovers(Isa::kNeonI8mm, Isa::kNeon));
  EXPECT_FALSE(IsaCovers(Isa::kNeonI8mm, Isa::kAvx2));
  EXPECT_FALSE(IsaCovers(Isa::kAvx512, Isa::kNeon));
  EXPECT_FALSE(IsaCovers(Isa::kMve, Isa::kNeon));
  for (const Isa level : kEveryLevel) EXPECT_TRUE(IsaCovers(level, Isa::kRef));
  const std::vector<Isa> runnable = RunnableIsas();
  ASSERT_FALSE(runnable.empty());
  EXPECT_EQ(runnable.front(), Isa::kRef);
  EXPECT_EQ(runnable.back(), DetectedIsa());
}

// The AArch64 suite runs under qemu-user at three CPU models, each with the level it must detect
// in TRIT_EXPECT_ISA (CMakePresets.json): cortex-a53 neon, cortex-a76 neondot, max i8mm. That
// the whole suite then passes at each model proves no kernel executes an instruction the CPU
// lacks (QEMU raises SIGILL for it).
TEST(IsaLevels, DetectionMatchesTheCpuModel) {
  const char* expected = std::getenv("TRIT_EXPECT_ISA");
  if (expected == nullptr) GTEST_SKIP() << "TRIT_EXPECT_ISA is set by the emulated runs only";
  EXPECT_EQ(IsaName(DetectedIsa()), expected);
}

TEST(IsaLevels, TritIsaNamesEveryLevelAndRefusesWhatTheCpuLacks) {
  for (const Isa level : kEveryLevel) {
    ForcedIsa forced(level);
    if (IsaCovers(DetectedIsa(), level)) {
      EXPECT_EQ(ActiveIsa(), level) << IsaName(level);
    } else {
      try {
        ActiveIsa();
        ADD_FAILURE() << "TRIT_ISA=" << IsaName(level) << " accepted";
      } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("this CPU supports up to"), std::string::npos)
            << e.what();
      }
    }
  }
  {
    ForcedIsa bogus_name(Isa::kRef);
    setenv("TRIT_ISA", "sse9", 1);
    EXPECT_THROW(ActiveIsa(), Error);
  }
}

}  // namespace
}  // namespace trit::test
