#!/usr/bin/env bash
# Regenerates the README's overlay images with the CLI: attention rollout of two Fashion-MNIST samples
# by beit-fashion and vit-fashion, and occlusion sensitivity by vit-fashion.
# Usage: scripts/readme-overlays.sh   (after `mvn -q -DskipTests package`)
set -euo pipefail
cd "$(dirname "$0")/.."
out=assets/overlays
mkdir -p "$out"
for sample in fashion-0000-ankle-boot fashion-0013-dress; do
    for model in beit-fashion vit-fashion; do
        java -jar target/vitlens.jar explain -m "$model" --grid --out "$out/$sample-$model-rollout.png" \
            "assets/samples/$sample.png"
    done
    java -jar target/vitlens.jar explain -m vit-fashion --method occlusion --grid \
        --out "$out/$sample-vit-fashion-occlusion.png" "assets/samples/$sample.png"
done
