// ONNX -> trit graph IR: the public entry points of the importer (docs/onnx-support.md).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "onnx/host_tensor.h"

namespace trit::onnx_import {

struct ImportOptions {
  // Fixed extents for graph inputs with dynamic dimensions (`--shape NAME:1,3,224,224`).
  std::map<std::string, Shape> input_shapes;
  // Graph inputs replaced by these constants (a test case's weights given as inputs).
  std::map<std::string, HostTensor> frozen_inputs;
  // Rank-4 graph inputs take NHWC data (trit's datasets, `trit eval`) instead of the ONNX
  // model's NCHW: no layout change at the input.
  bool nhwc_inputs = false;
};

struct UnsupportedNode {
  std::string op_type;  // "domain:Op" outside the default domain
  std::string node;     // node name, or its first output when unnamed
  std::string reason;
};

struct ImportReport {
  int opset = 0;
  std::map<std::string, int> op_counts;      // every op type of the model
  std::vector<UnsupportedNode> unsupported;  // in graph order; empty when the import worked
  std::vector<std::string> notes;  // e.g. a dynamic batch dimension set to 1, and what was folded
};

// Reads, checks and converts `path`: ONNX shape inference, constant folding of the shape
// arithmetic, NCHW -> NHWC, Conv + BatchNorm + Relu fused. Inputs and outputs keep the ONNX
// names, shapes and axis order. Throws trit::Error: kIo / kFormat for an unreadable or
// malformed file, kUnsupported listing every unsupported node at once (FormatUnsupported).
// The returned graph is validated and shape-inferred.
Graph ImportModel(const std::string& path, const ImportOptions& options,
                  ImportReport* report = nullptr);

// The support report only: what ImportModel would convert and what it would reject. Throws
// for an unreadable or malformed file.
ImportReport CheckModel(const std::string& path, const ImportOptions& options);

// One line: "3 unsupported nodes: LSTM x2 (first 'lstm_1': no converter), ...".
std::string FormatUnsupported(const ImportReport& report);

// The op types the importer converts, with their conditions.
struct OpSupport {
  std::string op_type;
  bool constant_only;  // folded at import time only (shape arithmetic, weight preprocessing)
  std::string conditions;
};
std::vector<OpSupport> SupportedOps();

}  // namespace trit::onnx_import
