# Sourced by the peer scripts: installs ONNX Runtime's Node binding into $TRIT_PEERS (default
# ~/.cache/trit-peers, outside the repository) once, and points NODE_PATH at it.
peers=${TRIT_PEERS:-$HOME/.cache/trit-peers}
if [[ ! -e $peers/node_modules/onnxruntime-node/package.json ]]; then
  mkdir -p "$peers"
  (cd "$peers" && npm install --ignore-scripts --silent onnxruntime-node@1.30.0 >/dev/null)
fi
export NODE_PATH=$peers/node_modules
