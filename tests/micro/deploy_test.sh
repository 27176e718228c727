#!/usr/bin/env bash
# trit deploy as a user runs it: projects built with arm-none-eabi-gcc and run in
# qemu-system-arm with the output compared to the host's (--validate), on the DeepChip ConvNet
# with ternary weights on the Cortex-M7 within 1 MB of flash and 320 KB of SRAM, and on LeNet-5
# on the M4 and M55; models too large refused with the report and nothing written; bad input a
# one-line error. Usage: deploy_test.sh TRIT FIXTURES_DIR
set -uo pipefail
trit=$1 fixtures=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
check_error() {  # check_error DESCRIPTION PATTERN COMMAND...: exit 1 or 2, one stderr line
  local what=$1 pattern=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [[ $rc -eq 0 || $rc -gt 2 ]]; then fail "$what: exit $rc"; return; fi
  if [[ $(wc -l <"$work/err") -ne 1 ]] || ! grep -q -- "$pattern" "$work/err"; then
    fail "$what: stderr was:"; cat "$work/err"
  fi
}

# The done criterion of the Cortex-M work: ternary ConvNet, M7, 1 MB flash, 320 KB SRAM.
if "$trit" deploy "$fixtures/convnet_ternary.trit" --target cortex-m7 --flash 1M --ram 320K \
    -o "$work/convnet" --validate >"$work/out" 2>"$work/err"; then
  grep -q "byte-identical to the host's reference kernels" "$work/out" || fail "convnet: not identical"
  grep -q "^fits  *yes" "$work/out" || fail "convnet: report does not say it fits"
  for file in model_data.c model_data.h main.c Makefile firmware.ld firmware.elf \
      port/startup.c trit/src/micro/interpreter.cc trit/third_party/flatbuffers/flatbuffers.h; do
    [[ -f $work/convnet/$file ]] || fail "convnet: project lacks $file"
  done
  grep -q "TRIT_MODEL_ARENA_BYTES" "$work/convnet/model_data.h" || fail "no arena size in model_data.h"
  # deploy built the firmware with the project's own Makefile: `make all` finds nothing to do.
  make -s -q -C "$work/convnet" all >/dev/null 2>&1 || fail "the written project's make is not up to date"
else
  fail "deploy convnet_ternary cortex-m7"; cat "$work/err"
fi
sed -n '/^MACs/,$p' "$work/out"

for case in "lenet5_int4 cortex-m4" "lenet5_ternary cortex-m55"; do
  set -- $case
  if "$trit" deploy "$fixtures/$1.trit" --target "$2" -o "$work/$1" --validate --json \
      >"$work/out" 2>"$work/err"; then
    /usr/bin/python3 - "$work/out" <<'PY' || fail "$1 on $2: JSON report"
import json, sys
text = open(sys.argv[1]).read()
report, validate = [json.loads(part) for part in text.replace("}\n{", "}\x00{").split("\x00")]
assert report["fits"] and report["code_measured"] and report["arena_bytes"] > 0, report
assert validate["validate"]["identical"], validate
PY
  else
    fail "deploy $1 $2"; cat "$work/err"
  fi
done

# Too large: the int8 ConvNet (2 MB of weights) on a 1 MB part; the arena over a small RAM.
check_error "too large for flash" "does not fit cortex-m7: flash" \
  "$trit" deploy "$fixtures/convnet_int8.trit" --target cortex-m7 -o "$work/big"
grep -q "largest weights: conv21" "$work/err" || fail "the refusal does not name the largest layer"
grep -q "^fits  *no" "$work/out" || fail "the refusal prints no report"
[[ ! -e $work/big && ! -e $work/big.tmp-deploy ]] || fail "a refused deploy left files"
check_error "too large for SRAM" "SRAM: .* B needed, budget 32,768 B; largest live memory at: conv4" \
  "$trit" deploy "$fixtures/convnet_ternary.trit" --target cortex-m7 --ram 32K -o "$work/small"

# Bad input.
check_error "unknown target" "unknown target 'cortex-m3'" \
  "$trit" deploy "$fixtures/lenet5_int8.trit" --target cortex-m3 -o "$work/x"
check_error "bad size" "--ram '12Q' is not a size" \
  "$trit" deploy "$fixtures/lenet5_int8.trit" --target cortex-m4 --ram 12Q -o "$work/x"
mkdir -p "$work/mine" && touch "$work/mine/notes.txt"
check_error "a user's folder" "not a trit deploy project" \
  "$trit" deploy "$fixtures/lenet5_int8.trit" --target cortex-m4 -o "$work/mine"
[[ -f $work/mine/notes.txt ]] || fail "deploy touched a user's folder"
check_error "unsupported op" "Binarize is not supported" \
  "$trit" deploy "$fixtures/bnn_binary.trit" --target cortex-m4 -o "$work/x"
printf 'not a model' >"$work/bad.trit"
check_error "not a model" "bad.trit" "$trit" deploy "$work/bad.trit" --target cortex-m4 -o "$work/x"
# Deploying over a previous project replaces it.
"$trit" deploy "$fixtures/lenet5_int8.trit" --target cortex-m4 -o "$work/lenet5_int4" >/dev/null 2>&1 \
  || fail "deploy over a previous project"
grep -q "cortex-m4" "$work/lenet5_int4/Makefile" || fail "the previous project was not replaced"

((failures == 0)) && echo "deploy: all checks passed"
exit $((failures > 0))
