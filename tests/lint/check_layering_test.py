#!/usr/bin/env python3
"""scripts/check_layering.py on small fake trees: it passes a clean one and names each bad
include. Usage: check_layering_test.py SOURCE_DIR"""

import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = None  # set from the command line

# A tree with one file per layer, each including only what it may.
CLEAN_TREE = {
    "src/core/error.h": "#include <string>\n",
    "src/core/dtype.h": '#include "core/error.h"\n',
    "src/core/graph.h": '#include "core/dtype.h"\n',
    "src/kernels/gemm.h": '#include "core/dtype.h"\n#include "kernels/other.h"\n',
    "src/kernels/other.h": "",
    "src/format/model_file.h": '#include "core/graph.h"\n#include "trit_generated.h"\n',
    "src/runtime/session.h": '#include "format/model_file.h"\n#include "kernels/gemm.h"\n',
    "include/trit/trit.h": "#include <stddef.h>\n",
    "src/api/c_api.cc": '#include "runtime/session.h"\n#include "trit/trit.h"\n',
    "examples/embed.c": '#include "trit/trit.h"\n',
    "src/zoo/zoo.h": '#include "core/graph.h"\n',
    "src/data/npy.h": '#include "core/graph.h"\n',
    "src/quant/fold.h": '#include "runtime/session.h"\n',
    "src/onnx/import.h": '#include "quant/fold.h"\n#include <onnx/onnx_pb.h>\n',
    "src/train/trainer.h": '#include "data/npy.h"\n#include "kernels/gemm.h"\n',
    "tools/trit/commands.h": '#include "onnx/import.h"\n#include "zoo/zoo.h"\n',
    "tools/trit/main.cc": '#include "commands.h"\n#include "train/trainer.h"\n',
    "tests/runtime/session_test.cc": '#include "tools/trit/commands.h"\n#include "zoo/zoo.h"\n',
}


class CheckLayering(unittest.TestCase):
    def run_on(self, extra):
        with tempfile.TemporaryDirectory() as root:
            for path, text in {**CLEAN_TREE, **extra}.items():
                os.makedirs(os.path.dirname(os.path.join(root, path)), exist_ok=True)
                with open(os.path.join(root, path), "w") as file:
                    file.write(text)
            done = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True)
        return done.returncode, done.stdout.splitlines()

    def assert_violation(self, extra, line):
        code, lines = self.run_on(extra)
        self.assertEqual(code, 1)
        self.assertEqual(lines, [line])

    def test_clean_tree_passes(self):
        self.assertEqual(self.run_on({}), (0, []))

    def test_format_including_runtime(self):
        self.assert_violation(
            {"src/format/reader.cc": '#include <vector>\n#include "runtime/session.h"\n'},
            "src/format/reader.cc:2: includes runtime/session.h from layer runtime above its "
            "own layer format")

    def test_kernels_including_core_beyond_the_leaf_headers(self):
        self.assert_violation(
            {"src/kernels/conv.cc": '#include "core/graph.h"\n'},
            "src/kernels/conv.cc:1: includes core/graph.h from layer core, which layer kernels "
            "may not include")

    def test_leaf_header_including_the_rest_of_core(self):
        self.assert_violation(
            {"src/core/bitpack.h": '#include "core/graph.h"\n'},
            "src/core/bitpack.h:1: includes core/graph.h from layer core above its own layer "
            "core-leaf")

    def test_siblings(self):
        self.assert_violation(
            {"src/kernels/pack.h": '#include "format/model_file.h"\n'},
            "src/kernels/pack.h:1: includes format/model_file.h from layer format, which layer "
            "kernels may not include")

    def test_runtime_side_including_tool_side(self):
        self.assert_violation(
            {"src/runtime/op.cc": '#  include "zoo/zoo.h"\n'},
            "src/runtime/op.cc:1: includes zoo/zoo.h from layer zoo above its own layer runtime")

    def test_public_header_including_internals(self):
        self.assert_violation(
            {"include/trit/trit.hpp": '#include "trit/trit.h"\n#include <core/error.h>\n'},
            "include/trit/trit.hpp:2: includes core/error.h from layer core-leaf, which layer "
            "api-headers may not include")

    def test_tool_side_order(self):
        self.assert_violation(
            {"src/quant/calibrate.cc": '#include "../data/npy.h"\n'},
            "src/quant/calibrate.cc:1: includes ../data/npy.h from layer data, which layer "
            "quant may not include")

    def test_file_in_no_layer(self):
        self.assert_violation({"src/plugins/x.cc": ""},
                              "src/plugins/x.cc: in no layer of the table in "
                              "scripts/check_layering.py")


if __name__ == "__main__":
    SCRIPT = os.path.join(sys.argv.pop(1), "scripts", "check_layering.py")
    unittest.main()
