#!/usr/bin/env bash
# Faithfulness (deletion and insertion AUC) of every explanation method on the bundled models, through the real CLI
# (`vitlens faithfulness`), and the methods x models table of docs/explanations.md:
#   scripts/faithfulness.sh                    # 500 Fashion-MNIST test images per fashion model, deit-mask's val split
#   scripts/faithfulness.sh --limit 20         # a quick pilot
#   scripts/faithfulness.sh --models vit-fashion     # run some models; the table uses every JSON already written
#   scripts/faithfulness.sh --models none            # only print the table from target/faithfulness/*.json
# Fashion-MNIST test PNGs come from target/accuracy/fashion-mnist-test/ (scripts/accuracy.sh vit-fashion writes them);
# face-mask images are read in place from ../shared/data/face-mask. Writes target/faithfulness/<model>.json and
# prints the markdown table. VITLENS overrides the command (default: java -jar target/vitlens.jar).
set -euo pipefail
cd "$(dirname "$0")/.."

limit=500
methods=rollout,attention,flow,occlusion,random
models="vit-fashion beit-fashion deit-mask"
while [ $# -gt 0 ]; do
    case "$1" in
        --limit) limit="$2"; shift 2 ;;
        --models) models="${2//,/ }"; shift 2 ;;
        --methods) methods="$2"; shift 2 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
if [ -z "${VITLENS:-}" ]; then
    [ -f target/vitlens.jar ] || mvn -q -DskipTests package
    VITLENS="java -jar target/vitlens.jar"
fi
out=target/faithfulness
mkdir -p "$out"
fashion=target/accuracy/fashion-mnist-test
[ "$(ls "$fashion" 2>/dev/null | wc -l)" -ge "$limit" ] || {
    echo "need $limit Fashion-MNIST test PNGs in $fashion: run scripts/accuracy.sh vit-fashion --limit $limit" >&2
    exit 2
}
data=../shared/data/face-mask
[ -d "$data" ] || { echo "face-mask images not found at $data (see models/deit-mask/README.md)" >&2; exit 2; }
# deit-mask: its whole validation split (or the first N with --limit below 500), as an argument file (@FILE).
python3 - "$data" "$limit" > "$out/deit-mask.files" <<'PY'
import json, sys
data, limit = sys.argv[1], int(sys.argv[2])
val = json.load(open("models/deit-mask/split.json"))["val"]
for rel in (val if limit >= 500 else val[:limit]):
    print(f"{data}/{rel}")
PY

for model in $models; do
    [ "$model" = none ] && continue
    args=(faithfulness -m "$model" --methods "$methods" --steps 20 --baseline blur --seeds 5 --device cpu --format json)
    if [ "$model" = deit-mask ]; then args+=("@$out/deit-mask.files"); else args+=(--limit "$limit" "$fashion"); fi
    echo "faithfulness of $model ..." >&2
    # VITLENS is a command with arguments: split on purpose.
    # shellcheck disable=SC2086
    $VITLENS "${args[@]}" > "$out/$model.json.tmp" && mv "$out/$model.json.tmp" "$out/$model.json"
done

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
import os
runs = {m: json.load(open(f"{out}/{m}.json")) for m in ("vit-fashion", "beit-fashion", "deit-mask")
        if os.path.exists(f"{out}/{m}.json")}
methods = list(next(iter(runs.values()))["methods"])
print("| method | " + " | ".join(f"{m} deletion ↓ | {m} insertion ↑" for m in runs) + " |")
print("|---|" + "---|---|" * len(runs))
def cell(entry, key):
    if "unavailable" in entry:
        return "n/a"
    lo, hi = entry[f"{key}_ci95"] or (None, None)
    return f"{entry[key + '_auc']:.3f}" + (f" [{lo:.3f}, {hi:.3f}]" if lo is not None else "")
for method in methods:
    row = [method]
    for run in runs.values():
        entry = run["methods"].get(method, {"unavailable": "not run"})
        row += [cell(entry, "deletion"), cell(entry, "insertion")]
    print("| " + " | ".join(row) + " |")
print()
print("images: " + ", ".join(f"{m} {r['images']} ({r['timings_ms']['per_image'] / 1000:.2f} s/image)"
                             for m, r in runs.items()))
PY
