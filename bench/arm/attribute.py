#!/usr/bin/env python3
"""Sums the instruction counts of bench/arm/insn_count_plugin.c: the total, or per function.

Usage:
  attribute.py total BLOCKS                       instructions executed
  attribute.py functions BLOCKS BINARY NM [N]     the N functions that executed the most
  attribute.py match BLOCKS BINARY NM REGEX       instructions in functions whose name matches
BLOCKS: the plugin's "vaddr instructions executions" lines; BINARY: the statically linked guest
program (its symbols give each block's function); NM: the target's nm.
"""
import bisect
import re
import subprocess
import sys


def blocks(path):
    with open(path) as f:
        for line in f:
            vaddr, instructions, executions = line.split()
            yield int(vaddr, 16), int(instructions) * int(executions)


def symbols(binary, nm):
    out = subprocess.run([nm, "-C", "--defined-only", "-n", binary], check=True,
                         capture_output=True, text=True).stdout
    starts, names = [], []
    for line in out.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "TtWw":
            starts.append(int(parts[0], 16))
            names.append(parts[2])
    return starts, names


def per_function(path, binary, nm):
    starts, names = symbols(binary, nm)
    totals = {}
    for vaddr, count in blocks(path):
        i = bisect.bisect_right(starts, vaddr) - 1
        name = names[i] if i >= 0 else "?"
        totals[name] = totals.get(name, 0) + count
    return totals


def main():
    mode = sys.argv[1]
    if mode == "total":
        print(sum(count for _, count in blocks(sys.argv[2])))
    elif mode == "functions":
        totals = per_function(sys.argv[2], sys.argv[3], sys.argv[4])
        n = int(sys.argv[5]) if len(sys.argv) > 5 else 15
        for name, count in sorted(totals.items(), key=lambda kv: -kv[1])[:n]:
            print(f"{count:>14} {name[:150]}")
    elif mode == "match":
        totals = per_function(sys.argv[2], sys.argv[3], sys.argv[4])
        pattern = re.compile(sys.argv[5])
        print(sum(count for name, count in totals.items() if pattern.search(name)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
