# Sourced by the peer scripts: installs ONNX Runtime's Node binding into $TRIT_PEERS (default
# ~/.cache/trit-peers, outside the repository) once, and points NODE_PATH at it; makes $work, a
# folder removed on exit; and defines peer_header, the lines each table starts with.
peers=${TRIT_PEERS:-$HOME/.cache/trit-peers}
if [[ ! -e $peers/node_modules/onnxruntime-node/package.json ]]; then
  mkdir -p "$peers"
  (cd "$peers" && npm install --ignore-scripts --silent onnxruntime-node@1.30.0 >/dev/null)
fi
export NODE_PATH=$peers/node_modules
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# peer_header [EXTRA]: the machine (with EXTRA after its cores), then the versions that ran.
peer_header() {
  echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores${1:+; $1}"
  echo "onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version"), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), trit $(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --short HEAD 2>/dev/null || echo '?')"
}
