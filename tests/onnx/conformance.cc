// Runs ONNX backend test cases (model.onnx + test_data_set_*/input_*.pb, output_*.pb) through
// the importer and the runtime, and counts: passed / supported / total.
//
//   onnx_conformance [--report FILE.md] DIR...   (each DIR holds test_* case folders)
//
// A case is supported when the importer converts it. Weights that a case passes as graph inputs
// (a Conv's W, say) are frozen to the case's values on a second try, as a deployed model holds
// them. Exits 1 when a supported case fails.
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "core/error.h"
#include "onnx/onnx_import.h"
#include "runtime/session.h"

namespace fs = std::filesystem;
using namespace trit;
using onnx_import::HostTensor;

namespace {

struct CaseResult {
  std::string name;
  std::string status;  // pass, fail, unsupported
  std::string detail;
  bool frozen = false;
};

std::vector<fs::path> Numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> files;
  for (int i = 0;; ++i) {
    const fs::path p = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(p)) break;
    files.push_back(p);
  }
  return files;
}

// The graph inputs that are not initializers, in order.
std::vector<std::string> LiveInputs(const fs::path& model_path) {
  onnx::ModelProto model;
  std::ifstream file(model_path, std::ios::binary);
  if (!model.ParseFromIstream(&file)) return {};
  std::set<std::string> initializers;
  for (const auto& init : model.graph().initializer()) initializers.insert(init.name());
  std::vector<std::string> names;
  for (const auto& input : model.graph().input()) {
    if (!initializers.count(input.name())) names.push_back(input.name());
  }
  return names;
}

std::string Compare(const HostTensor& want, const runtime::Session& session, size_t i) {
  const Value& out = session.output(i);
  if (out.shape != want.shape && NumElements(out.shape) != want.size()) {
    return "output " + std::to_string(i) + " shape " + ShapeToString(out.shape) + ", expected " +
           ShapeToString(want.shape);
  }
  if (out.shape != want.shape) {
    return "output " + std::to_string(i) + " shape " + ShapeToString(out.shape) + ", expected " +
           ShapeToString(want.shape);
  }
  const auto* got = static_cast<const float*>(session.output_data(i));
  constexpr double kRtol = 1e-3, kAtol = 1e-7;  // the ONNX backend test defaults
  double worst = 0;
  int64_t bad = 0;
  for (int64_t k = 0; k < want.size(); ++k) {
    const double w = want.At(k), g = got[k];
    const double error = std::fabs(g - w);
    const bool same_nan = std::isnan(w) && std::isnan(g);
    const bool same_inf = std::isinf(w) && g == w;
    if (!same_nan && !same_inf && !(error <= kAtol + kRtol * std::fabs(w))) {
      ++bad;
      worst = std::max(worst, error);
    }
  }
  if (bad == 0) return "";
  return "output " + std::to_string(i) + ": " + std::to_string(bad) + " of " +
         std::to_string(want.size()) + " values off, max abs error " + std::to_string(worst);
}

CaseResult RunCase(const fs::path& dir) {
  CaseResult result{dir.filename().string(), "unsupported", "", false};
  const fs::path model = dir / "model.onnx";
  const fs::path data = dir / "test_data_set_0";
  const auto input_files = Numbered(data, "input_");
  const auto output_files = Numbered(data, "output_");
  const std::vector<std::string> names = LiveInputs(model);
  std::vector<HostTensor> inputs, outputs;
  try {
    for (const auto& f : input_files) inputs.push_back(onnx_import::ReadTensorFile(f.string()));
    for (const auto& f : output_files) outputs.push_back(onnx_import::ReadTensorFile(f.string()));
  } catch (const Error& e) {
    result.detail = std::string("test data: ") + e.what();
    return result;
  }
  if (inputs.size() != names.size()) {
    result.detail = "test data has " + std::to_string(inputs.size()) + " inputs, the model " +
                    std::to_string(names.size());
    return result;
  }
  for (const auto& o : outputs) {
    if (!o.IsFloat() || o.elem_type != onnx::TensorProto::FLOAT) {
      result.detail = "output type " + onnx_import::ElemTypeName(o.elem_type);
      return result;
    }
  }
  onnx_import::ImportOptions options;
  for (size_t i = 0; i < names.size(); ++i) options.input_shapes[names[i]] = inputs[i].shape;
  Graph graph;
  bool imported = false;
  for (int attempt = 0; attempt < 2 && !imported; ++attempt) {
    if (attempt == 1) {
      if (names.size() < 2) break;
      for (size_t i = 1; i < names.size(); ++i) {
        options.frozen_inputs[names[i]] = inputs[i];
        options.input_shapes.erase(names[i]);
      }
      result.frozen = true;
    }
    try {
      graph = onnx_import::ImportModel(model.string(), options);
      imported = true;
    } catch (const Error& e) {
      result.detail = e.what();
      if (e.code() != ErrorCode::kUnsupported) break;
    }
  }
  if (!imported) {
    result.frozen = false;
    return result;
  }
  result.detail.clear();
  try {
    const auto session = runtime::Session::FromGraph(std::move(graph));
    const size_t live = result.frozen ? 1 : names.size();
    if (session->input_count() != live || session->output_count() != outputs.size()) {
      result.status = "fail";
      result.detail = "the imported graph has " + std::to_string(session->input_count()) +
                      " inputs and " + std::to_string(session->output_count()) + " outputs";
      return result;
    }
    for (size_t i = 0; i < live; ++i) {
      const HostTensor f = onnx_import::CastTo(inputs[i], onnx::TensorProto::FLOAT);
      if (session->input_bytes(i) != f.floats.size() * sizeof(float)) {
        result.status = "fail";
        result.detail = "input " + std::to_string(i) + " size differs";
        return result;
      }
      std::memcpy(session->input_data(i), f.floats.data(), session->input_bytes(i));
    }
    session->Run();
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string problem = Compare(outputs[i], *session, i);
      if (!problem.empty()) {
        result.status = "fail";
        result.detail = problem;
        return result;
      }
    }
  } catch (const Error& e) {
    result.status = "fail";
    result.detail = std::string("runtime: ") + e.what();
    return result;
  }
  result.status = "pass";
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  std::string report_path;
  std::vector<fs::path> suites;
  // Cases that passed before ("suite/case" per line): one that no longer passes, even as
  // unsupported, fails the run, so that a supported op cannot drop out unnoticed.
  std::set<std::string> expected;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--report" && i + 1 < argc) {
      report_path = argv[++i];
    } else if (arg == "--expect" && i + 1 < argc) {
      std::ifstream list(argv[++i]);
      if (!list) {
        std::cerr << "onnx_conformance: error: cannot read '" << argv[i] << "'\n";
        return 1;
      }
      for (std::string line; std::getline(list, line);) {
        if (!line.empty() && line[0] != '#') expected.insert(line);
      }
    } else {
      suites.emplace_back(arg);
    }
  }
  if (suites.empty()) {
    std::cerr << "usage: onnx_conformance [--report FILE.md] DIR...\n";
    return 2;
  }
  bool all_pass = true;
  std::ofstream report;
  if (!report_path.empty()) report.open(report_path);
  for (const fs::path& suite : suites) {
    if (!fs::is_directory(suite)) {
      std::cerr << "onnx_conformance: error: '" << suite.string()
                << "' is not a folder (install libonnx-testdata)\n";
      return 1;
    }
    std::vector<fs::path> cases;
    for (const auto& entry : fs::directory_iterator(suite)) {
      if (fs::exists(entry.path() / "model.onnx")) cases.push_back(entry.path());
    }
    std::sort(cases.begin(), cases.end());
    int passed = 0, supported = 0, frozen = 0;
    std::vector<CaseResult> results;
    for (const auto& c : cases) {
      CaseResult r = RunCase(c);
      if (r.status != "unsupported") ++supported;
      if (r.status == "pass") ++passed;
      if (r.status != "unsupported" && r.frozen) ++frozen;
      if (r.status == "fail") {
        std::cout << "FAIL " << r.name << ": " << r.detail << "\n";
        all_pass = false;
      } else if (r.status != "pass" && expected.count(suite.filename().string() + "/" + r.name)) {
        std::cout << "FAIL " << r.name << " passed before and is now " << r.status << ": "
                  << r.detail << "\n";
        all_pass = false;
      }
      results.push_back(std::move(r));
    }
    std::cout << suite.filename().string() << ": passed " << passed << " / supported " << supported
              << " / total " << cases.size() << " (" << frozen
              << " supported with weights given as inputs frozen to constants)\n";
    if (report.is_open()) {
      report << "### " << suite.filename().string() << ": passed " << passed << " / supported "
             << supported << " / total " << cases.size()
             << "\n\n| case | result | detail |\n|---|---|---|\n";
      for (const auto& r : results) {
        std::string detail = r.detail;
        std::replace(detail.begin(), detail.end(), '|', '/');
        report << "| " << r.name << " | " << r.status << (r.frozen ? " (frozen)" : "") << " | "
               << detail << " |\n";
      }
      report << "\n";
    }
  }
  return all_pass ? 0 : 1;
}
