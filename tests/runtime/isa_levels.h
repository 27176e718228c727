// The ISA levels this machine can run (the reference always), and a scope that forces the
// runtime to one of them through TRIT_ISA: for tests that compare the levels.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/isa.h"

namespace trit {

inline std::vector<Isa> IsaLevels() {
  std::vector<Isa> levels = {Isa::kRef};
  if (DetectedIsa() == Isa::kAvx2 || DetectedIsa() == Isa::kAvx512) levels.push_back(Isa::kAvx2);
  if (DetectedIsa() == Isa::kAvx512) levels.push_back(Isa::kAvx512);
  return levels;
}

class ForcedIsa {
 public:
  explicit ForcedIsa(Isa isa) { setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1); }
  ~ForcedIsa() { unsetenv("TRIT_ISA"); }
};

}  // namespace trit
