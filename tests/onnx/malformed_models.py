"""Small ONNX models that are malformed or on the edge of what trit converts, for the import
tests: each must give a one-line error (never a crash or a huge allocation), or convert right.

    malformed_models.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh


def save(out_dir, name, nodes, inputs, outputs, inits=(), check=True):
    graph = h.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    model = h.make_model(graph, opset_imports=[h.make_opsetid("", 14)])
    model.ir_version = 7
    if check:
        onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, name + ".onnx"))


def main():
    out = sys.argv[1]
    vi = h.make_tensor_value_info
    x4 = [vi("x", T.FLOAT, [1, 4])]
    y4 = [vi("y", T.FLOAT, [1, 4])]
    # Folding: Concat of constants that differ off the axis; Transpose with a repeated axis;
    # Range with an empty start.
    save(out, "bad_concat", [h.make_node("Concat", ["a", "b"], ["c"], axis=1),
                             h.make_node("Add", ["x", "c"], ["y"])],
         x4, y4, [nh.from_array(np.zeros((2, 3), np.float32), "a"),
                  nh.from_array(np.zeros((1, 1), np.float32), "b")], check=False)
    save(out, "bad_perm", [h.make_node("Transpose", ["a"], ["t"], perm=[0, 0]),
                           h.make_node("Add", ["x", "t"], ["y"])],
         x4, y4, [nh.from_array(np.zeros((1, 4), np.float32), "a")], check=False)
    save(out, "empty_range", [h.make_node("Range", ["s", "l", "d"], ["r"]),
                              h.make_node("Cast", ["r"], ["rf"], to=T.FLOAT),
                              h.make_node("Add", ["x", "rf"], ["y"])],
         x4, y4, [nh.from_array(np.zeros((0,), np.float32), "s"),
                  nh.from_array(np.array(4, np.float32), "l"),
                  nh.from_array(np.array(1, np.float32), "d")], check=False)
    # An initializer whose shape claims 2^33 values and holds one.
    big = onnx.TensorProto()
    big.name = "big"
    big.data_type = T.FLOAT
    big.dims.append(2 ** 33)
    big.float_data.append(1.0)
    save(out, "huge_initializer", [h.make_node("Add", ["x", "big"], ["y"])], x4, y4, [big],
         check=False)
    # Relu on an int8 tensor (ONNX allows it from opset 14): refused, not run on the real view.
    save(out, "int8_relu", [h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
                            h.make_node("Relu", ["q"], ["r"]),
                            h.make_node("Cast", ["r"], ["y"], to=T.FLOAT)],
         x4, y4, [nh.from_array(np.array(0.1, np.float32), "s"),
                  nh.from_array(np.array(10, np.int8), "z")])
    # A Dropout whose mask output is named but read by nobody: converts.
    save(out, "dropout_mask", [h.make_node("Dropout", ["x"], ["d", "mask"]),
                               h.make_node("Relu", ["d"], ["y"])], x4, y4)


if __name__ == "__main__":
    main()
