#!/usr/bin/env python3
"""Sums the instruction counts of bench/arm/insn_count_plugin.c: the total, or per function.

Usage:
  attribute.py total BLOCKS                       instructions executed
  attribute.py functions BLOCKS BINARY NM [N]     the N functions that executed the most
  attribute.py match BLOCKS BINARY NM REGEX       instructions in functions whose name matches
  attribute.py loop BLOCKS BINARY NM REGEX OBJDUMP  the hottest block of those functions (its
      inner loop): its instructions, and its MACs per instruction from its multiply
      instructions (SDOT 16, SMMLA 32, FMLA .4s 4, SMLAL/SMLAL2 .4s 4 MACs each)
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
    elif mode == "loop":
        binary, nm, objdump = sys.argv[3], sys.argv[4], sys.argv[6]
        starts, names = symbols(binary, nm)
        pattern = re.compile(sys.argv[5])
        best = None
        with open(sys.argv[2]) as f:
            for line in f:
                vaddr, instructions, executions = (int(v, 16) if i == 0 else int(v)
                                                   for i, v in enumerate(line.split()))
                i = bisect.bisect_right(starts, vaddr) - 1
                if i >= 0 and pattern.search(names[i]):
                    total = instructions * executions
                    if best is None or total > best[2]:
                        best = (vaddr, instructions, total)
        if best is None:
            sys.exit("no block in a matching function")
        vaddr, instructions = best[0], best[1]
        text = subprocess.run([objdump, "-d", "--no-show-raw-insn", f"--start-address={vaddr}",
                               f"--stop-address={vaddr + 4 * instructions}", binary],
                              check=True, capture_output=True, text=True).stdout
        macs = 0
        for line in text.splitlines():
            fields = line.split("\t")
            if len(fields) < 2:
                continue
            op = fields[1].strip().split()[0] if fields[1].strip() else ""
            macs += {"sdot": 16, "smmla": 32, "fmla": 4, "smlal": 4, "smlal2": 4}.get(op, 0)
        print(instructions, f"{macs / instructions:.2f}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
