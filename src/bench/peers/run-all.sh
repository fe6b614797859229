#!/bin/sh
# One command for the whole comparison: ViTLens (ORT Java) stage by stage, then PyTorch eager and transformers.js
# on the same models and images, each runtime in its own process, one after another; prints the table of ratios.
#   src/bench/peers/run-all.sh [vitlens bench options...]     e.g. -m vit-b16 --iterations 20
# Needs: target/vitlens.jar (mvn -q -DskipTests package), /usr/bin/python3 with python3-torch (PyTorch peer),
# node + `ONNXRUNTIME_NODE_INSTALL=skip npm ci` in src/bench/peers (transformers.js peer).
set -eu
cd "$(dirname "$0")/../../.."
if [ ! -d src/bench/peers/node_modules/@huggingface/transformers ]; then
  (cd src/bench/peers && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund)
fi
exec java -jar target/vitlens.jar bench --peers "$@"
