#include "deploy/cortex_m_target.h"

#include <sstream>

#include "core/error.h"
#include "deploy/embedded_files.h"

namespace trit::cli {
std::vector<CortexMTarget> CortexMTargets() {
  std::vector<CortexMTarget> targets;
  std::istringstream lines{std::string(EmbeddedFileText("port/targets.txt"))};
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream row(line);
    for (std::string field; std::getline(row, field, '|');) fields.push_back(field);
    if (fields.size() != 11) throw Error(ErrorCode::kInternal, "bad targets.txt row: " + line);
    CortexMTarget t;
    t.name = fields[0];
    t.cpu_flags = fields[1];
    t.qemu_machine = fields[2];
    t.vectors_origin = std::stoull(fields[3], nullptr, 0);
    t.flash_origin = std::stoull(fields[4], nullptr, 0);
    t.ram_origin = std::stoull(fields[5], nullptr, 0);
    t.host_origin = std::stoull(fields[6], nullptr, 0);
    t.flash_budget = std::stoull(fields[7]);
    t.ram_budget = std::stoull(fields[8]);
    t.part = fields[9];
    t.level = fields[10] == "mve" ? Isa::kMve : fields[10] == "dsp" ? Isa::kArmDsp : Isa::kRef;
    targets.push_back(t);
  }
  return targets;
}

CortexMTarget FindCortexMTarget(const std::string& name) {
  std::string names;
  for (const CortexMTarget& t : CortexMTargets()) {
    if (t.name == name) return t;
    names += (names.empty() ? "" : ", ") + t.name;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "unknown target '" + name + "' (targets: " + names + ")");
}

uint64_t ParseByteSize(const std::string& text, const std::string& what) {
  size_t used = 0;
  uint64_t value = 0;
  try {
    value = std::stoull(text, &used, 10);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = used > 0 ? text.substr(used) : "";
  uint64_t scale = 0;
  if (unit.empty() || unit == "B") scale = 1;
  if (unit == "K" || unit == "KB" || unit == "KiB") scale = 1024;
  if (unit == "M" || unit == "MB" || unit == "MiB") scale = 1024 * 1024;
  if (used == 0 || scale == 0 || value == 0 || value > (uint64_t{1} << 32) / scale) {
    throw Error(ErrorCode::kInvalidArgument,
                what + " '" + text + "' is not a size (e.g. 1M, 320K or 327680)");
  }
  return value * scale;
}

}  // namespace trit::cli
