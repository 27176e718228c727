#!/usr/bin/env python3
"""Checks that every include points down the layers of docs/architecture.md.

Usage: check_layering.py [ROOT]   (ROOT: the source tree, default: this script's parent's parent)

Prints one line per violation and exits 1 if there is any; silent and 0 otherwise. An include
is resolved as the compiler would (next to the file for "...", then src/ and include/); one
that resolves to no file in the tree (the standard library, a dependency, a generated header)
is not checked.
"""

import os
import re
import sys

# The layers, bottom up: name, side, the paths it owns (a file overrides its folder), and the
# layers it may include directly. A layer may also include whatever those may include.
LAYERS = [
    # Runtime side: libtrit.
    ("core-leaf", "runtime",
     ["src/core/dtype.h", "src/core/bitpack.h", "src/core/error.h", "src/core/op_type.h",
      "src/core/arena_plan.h"], []),
    ("core", "runtime", ["src/core"], ["core-leaf"]),
    ("kernels", "runtime", ["src/kernels"], ["core-leaf"]),  # core's leaf headers only
    ("format-leaf", "runtime", ["src/format/file_header.h", "src/format/crc32.h"], []),
    ("format", "runtime", ["src/format"], ["core", "format-leaf"]),
    ("runtime", "runtime", ["src/runtime"], ["kernels", "format"]),
    ("api-headers", "runtime", ["include/trit"], []),  # the public headers stand alone
    # The freestanding Cortex-M runtime: kernels and the file's leaf headers, no heap.
    ("micro", "runtime", ["src/micro"], ["kernels", "format-leaf", "api-headers"]),
    ("api", "runtime", ["src/api"], ["api-headers", "runtime"]),
    ("examples", "runtime", ["examples"], ["api-headers"]),  # the C API only
    # Tool side: above the whole runtime side.
    ("zoo", "tool", ["src/zoo"], ["core"]),
    ("data", "tool", ["src/data"], ["core"]),
    ("quant", "tool", ["src/quant"], ["runtime"]),  # calibrates by running sessions
    ("onnx", "tool", ["src/onnx"], ["quant"]),  # folds and quantizes with quant
    ("train", "tool", ["src/train"], ["data", "quant"]),
    ("tools", "tool", ["tools/trit"], ["zoo", "data", "onnx", "train", "micro"]),
]
# Folders whose every C/C++ file must belong to a layer.
CHECKED = ["src", "include", "examples", "tools"]
# Where "..." and <...> includes are looked up after the including file's folder.
INCLUDE_ROOTS = ["src", "include"]
SOURCE_SUFFIXES = (".c", ".cc", ".h", ".hpp")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def allowed_layers():
    """Each layer's own name and everything it may include, directly or not."""
    direct = {name: set(below) for name, _, _, below in LAYERS}
    closure = {}
    for name, _, _, _ in LAYERS:  # bottom up, so the layers below are already closed
        reach = {name}
        for below in direct[name]:
            reach |= closure[below]
        closure[name] = reach
    return closure


def layer_of(path):
    """The layer owning `path` (relative, with /), the longest owned path winning; or None."""
    best, best_length = None, -1
    for name, _, owned, _ in LAYERS:
        for prefix in owned:
            if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > best_length:
                best, best_length = name, len(prefix)
    return best


def resolve(root, including, quote, target):
    """The relative path of the file an include names, or None when it is not in the tree."""
    folders = [os.path.dirname(including)] if quote == '"' else []
    for folder in folders + INCLUDE_ROOTS:
        candidate = os.path.normpath(os.path.join(folder, target))
        if not candidate.startswith("..") and os.path.isfile(os.path.join(root, candidate)):
            return candidate.replace(os.sep, "/")
    return None


def source_files(root):
    for top in CHECKED:
        for folder, subfolders, files in os.walk(os.path.join(root, top)):
            subfolders.sort()
            for file in sorted(files):
                if file.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(folder, file), root).replace(os.sep, "/")


def violations(root):
    reach = allowed_layers()
    side = {name: layer_side for name, layer_side, _, _ in LAYERS}
    for path in source_files(root):
        own = layer_of(path)
        if own is None:
            yield f"{path}: in no layer of the table in scripts/check_layering.py"
            continue
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as source:
            for number, line in enumerate(source, 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                target = resolve(root, path, match.group(1), match.group(2))
                other = layer_of(target) if target else None
                if other is None or other in reach[own]:
                    continue
                above = own in reach[other] or (side[other] == "tool" and side[own] == "runtime")
                where = f" above its own layer {own}" if above else f", which layer {own} may not include"
                yield f"{path}:{number}: includes {match.group(2)} from layer {other}{where}"


def main(argv):
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    found = list(violations(root))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
