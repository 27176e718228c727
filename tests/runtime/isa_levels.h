// The ISA levels this machine can run (the reference always), and a scope that forces the
// runtime to one of them through TRIT_ISA: for tests that compare the levels.
#pragma once

#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/isa.h"

namespace trit {

inline std::vector<Isa> IsaLevels() { return RunnableIsas(); }

class ForcedIsa {
 public:
  explicit ForcedIsa(Isa isa) { setenv("TRIT_ISA", std::string(IsaName(isa)).c_str(), 1); }
  ~ForcedIsa() { unsetenv("TRIT_ISA"); }
};

}  // namespace trit
