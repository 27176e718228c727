// trit import model.onnx -o model.trit [--shape NAME:d0,d1,...] [--check] [--verify]
//   [-i input.npy ...] [--expect output.npy ...]
#include <cmath>
#include <iostream>
#include <map>
#include <sstream>

#include "cli_format.h"
#include "commands.h"
#include "core/error.h"
#include "data/npy.h"
#include "format/model_file.h"
#include "model_io.h"
#include "onnx/onnx_import.h"

namespace trit::cli {
namespace {

std::map<std::string, Shape> ParseShapes(const std::vector<std::string>& specs) {
  std::map<std::string, Shape> shapes;
  for (const std::string& spec : specs) {
    const size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--shape '" + spec + "' must look like NAME:1,3,224,224");
    }
    Shape shape;
    std::stringstream dims(spec.substr(colon + 1));
    std::string d;
    while (std::getline(dims, d, ',')) {
      try {
        size_t used = 0;
        const long long v = std::stoll(d, &used);
        if (used != d.size() || v <= 0) throw std::invalid_argument(d);
        shape.push_back(v);
      } catch (const std::exception&) {
        throw Error(ErrorCode::kInvalidArgument,
                    "--shape '" + spec + "': '" + d + "' is not a positive extent");
      }
    }
    if (shape.empty())
      throw Error(ErrorCode::kInvalidArgument, "--shape '" + spec + "' has no extents");
    shapes[spec.substr(0, colon)] = shape;
  }
  return shapes;
}

// Prints the table and the unsupported nodes; throws the one-line summary when there are any.
void PrintSupportReport(const onnx_import::ImportReport& report) {
  std::map<std::string, int> unsupported;
  for (const auto& u : report.unsupported) ++unsupported[u.op_type];
  std::cout << "opset " << report.opset << "\n";
  std::vector<std::vector<std::string>> rows = {{"op", "nodes", "unsupported"}};
  for (const auto& [op, count] : report.op_counts) {
    const auto it = unsupported.find(op);
    rows.push_back(
        {op, std::to_string(count), it == unsupported.end() ? "" : std::to_string(it->second)});
  }
  std::cout << Table(rows, {false, true, true});
  for (const auto& note : report.notes) std::cout << "note: " << note << "\n";
  if (report.unsupported.empty()) {
    std::cout << "every node is supported\n";
    return;
  }
  for (const auto& u : report.unsupported) {
    std::cout << "unsupported: " << u.op_type << " '" << u.node << "': " << u.reason << "\n";
  }
  throw Error(ErrorCode::kUnsupported, onnx_import::FormatUnsupported(report));
}

// Runs the imported graph; with expected outputs, compares them (|got - want| <= atol + rtol
// |want|, as numpy.allclose) and reports the largest absolute error.
bool Verify(Graph graph, const std::vector<std::string>& inputs,
            const std::vector<std::string>& expected) {
  const auto session = runtime::Session::FromGraph(std::move(graph));
  FillInputs(*session, inputs, 1);
  session->Run();
  if (!expected.empty() && expected.size() != session->output_count()) {
    throw Error(ErrorCode::kInvalidArgument,
                "--expect gives " + std::to_string(expected.size()) + " files, the model has " +
                    std::to_string(session->output_count()) + " outputs");
  }
  constexpr double kRtol = 1e-3, kAtol = 1e-4;
  bool ok = true;
  for (size_t i = 0; i < session->output_count(); ++i) {
    const std::vector<float> got = OutputAsFloat(*session, i);
    const Value& out = session->output(i);
    std::cout << "output '" << out.name << "' " << ShapeToString(out.shape);
    if (expected.empty()) {
      bool finite = true;
      for (const float v : got) finite = finite && std::isfinite(v);
      std::cout << (finite ? " ran, all values finite\n" : " ran, has non-finite values\n");
      continue;
    }
    const data::NpyArray want = data::ReadNpy(expected[i]);
    if (want.dtype != DType::kF32 || NumElements(want.shape) != NumElements(out.shape)) {
      throw Error(ErrorCode::kShape, "'" + expected[i] + "' holds " + ShapeToString(want.shape) +
                                         " (must be f32 " + ShapeToString(out.shape) + ")");
    }
    const auto* w = reinterpret_cast<const float*>(want.bytes.data());
    double max_error = 0;
    int64_t mismatches = 0;
    for (size_t k = 0; k < got.size(); ++k) {
      const double error = std::fabs(static_cast<double>(got[k]) - w[k]);
      max_error = std::max(max_error, error);
      if (!(error <= kAtol + kRtol * std::fabs(w[k]))) ++mismatches;
    }
    std::cout << " max abs error " << max_error
              << (mismatches ? " FAIL (" + std::to_string(mismatches) +
                                   " values beyond rtol 1e-3, atol 1e-4)"
                             : " ok")
              << "\n";
    ok = ok && mismatches == 0;
  }
  return ok;
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  struct Options {
    std::string model, output;
    std::vector<std::string> shapes, inputs, expected;
    bool check = false, verify = false, nhwc = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("import", "Convert an ONNX model to a .trit file");
  cmd->add_option("model", options->model, "The .onnx file")->required();
  cmd->add_option("-o,--output", options->output, "The .trit file to write");
  cmd->add_option("--shape", options->shapes,
                  "Fix a graph input's dynamic dimensions: NAME:1,3,224,224 (repeatable)");
  cmd->add_flag("--check", options->check,
                "Print the op support report only (exit 1 if any op is unsupported)");
  cmd->add_flag("--nhwc", options->nhwc,
                "Rank-4 inputs take NHWC data (trit's datasets and eval), not the model's NCHW");
  cmd->add_flag("--verify", options->verify,
                "Run the imported model; with --expect, compare its outputs");
  cmd->add_option("-i,--input", options->inputs, "Input .npy for --verify, one per model input");
  cmd->add_option("--expect", options->expected,
                  "Expected output .npy for --verify, one per model output");
  cmd->callback([options] {
    onnx_import::ImportOptions import_options;
    import_options.input_shapes = ParseShapes(options->shapes);
    import_options.nhwc_inputs = options->nhwc;
    if (options->check) {
      PrintSupportReport(onnx_import::CheckModel(options->model, import_options));
      return;
    }
    if (options->output.empty() && !options->verify) {
      throw Error(ErrorCode::kInvalidArgument, "give -o model.trit (or --check, or --verify)");
    }
    onnx_import::ImportReport report;
    Graph graph = onnx_import::ImportModel(options->model, import_options, &report);
    for (const auto& note : report.notes) std::cout << "note: " << note << "\n";
    std::cout << "imported " << options->model << " (opset " << report.opset
              << "): " << graph.nodes().size() << " nodes\n";
    for (const ValueId v : graph.inputs()) {
      std::cout << "  input  '" << graph.value(v).name << "' "
                << ShapeToString(graph.value(v).shape) << "\n";
    }
    for (const ValueId v : graph.outputs()) {
      std::cout << "  output '" << graph.value(v).name << "' "
                << ShapeToString(graph.value(v).shape) << "\n";
    }
    if (options->verify && !Verify(graph, options->inputs, options->expected)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--verify: outputs differ from --expect; nothing written");
    }
    if (!options->output.empty()) {
      format::WriteModelFile(graph, options->output);
      std::cout << "wrote " << options->output << "\n";
    }
  });
}

}  // namespace trit::cli
