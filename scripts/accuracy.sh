#!/usr/bin/env bash
# Accuracy of a bundled model measured through the real CLI (`vitlens classify`), not through PyTorch:
#   scripts/accuracy.sh vit-fashion            # the whole Fashion-MNIST test set (10,000 PNG files)
#   scripts/accuracy.sh beit-fashion --limit 1000
#   scripts/accuracy.sh deit-mask              # the validation split of models/deit-mask/split.json
# Fashion-MNIST comes from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist); the test images are
# written once as 8-bit grayscale PNG files under target/accuracy/fashion-mnist-test/. The face-mask images are read
# in place from ../shared/data/face-mask (never copied). Prints per-class and overall top-1 accuracy and writes
# target/accuracy/<model>.json. Needs java, python3 (standard library only) and target/vitlens.jar (built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

model="${1:?usage: scripts/accuracy.sh MODEL_ID [--limit N]}"
shift
limit=0
while [ $# -gt 0 ]; do
    case "$1" in
        --limit) limit="$2"; shift 2 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
[ -f "models/$model/config.json" ] || { echo "no bundled model models/$model" >&2; exit 2; }
[ -f target/vitlens.jar ] || mvn -q -DskipTests package
out=target/accuracy
mkdir -p "$out"
list="$out/$model.files"

if grep -q '"with_mask"' "models/$model/config.json"; then
    data=../shared/data/face-mask
    [ -d "$data" ] || { echo "face-mask images not found at $data (see models/deit-mask/README.md)" >&2; exit 2; }
    python3 - "$model" "$data" "$limit" > "$list" <<'PY'
import json, sys
model, data, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
val = json.load(open(f"models/{model}/split.json"))["val"]
for rel in (val[:limit] if limit else val):
    print(f"{data}/{rel}")
PY
else
    fm=/usr/share/datasets/fashion-mnist
    [ -f "$fm/t10k-images-idx3-ubyte.gz" ] || { echo "Fashion-MNIST not found in $fm (apt install dataset-fashion-mnist)" >&2; exit 2; }
    python3 - "$fm" "$out/fashion-mnist-test" "$limit" > "$list" <<'PY'
# Writes each test image as <index>-<label>.png (8-bit grayscale PNG, standard library only) and lists the files.
import gzip, os, struct, sys, zlib
src, dst, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
images = gzip.open(f"{src}/t10k-images-idx3-ubyte.gz").read()
labels = gzip.open(f"{src}/t10k-labels-idx1-ubyte.gz").read()
magic, n, rows, cols = struct.unpack(">IIII", images[:16])
assert magic == 2051 and struct.unpack(">II", labels[:8]) == (2049, n), "not Fashion-MNIST idx files"
os.makedirs(dst, exist_ok=True)
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
for i in range(limit or n):
    path = f"{dst}/{i:05d}-{labels[8 + i]}.png"
    if not os.path.exists(path):
        px = images[16 + i * rows * cols:16 + (i + 1) * rows * cols]
        raw = b"".join(b"\0" + px[r * cols:(r + 1) * cols] for r in range(rows))
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
        with open(path + ".tmp", "wb") as f:
            f.write(png)
        os.replace(path + ".tmp", path)
    print(path)
PY
fi

n=$(wc -l < "$list")
echo "classifying $n images with $model through vitlens classify ..." >&2
start=$(date +%s)
# The paths go in an argument file (@FILE): ONNX Runtime 1.29 crashes at start-up when a command line is longer
# than about 58 KB (~1,400 such paths; see inference/CommandLineLimit), and the launcher refuses those clearly.
java -jar target/vitlens.jar classify -m "$model" -k 1 --format csv --device cpu "@$list" > "$out/$model.csv" || true
echo "classified in $(( $(date +%s) - start )) s" >&2

python3 - "$model" "$out/$model.csv" "$n" "$out/$model.json" <<'PY'
import csv, json, os, re, sys
model, path, expected, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
labels = json.load(open(f"models/{model}/config.json"))["id2label"]
names = [labels[str(i)] for i in range(len(labels))]
per = {name: [0, 0] for name in names}
seen, errors = set(), []
for row in csv.DictReader(open(path)):
    if row["file"] == "file":          # a header line (CSV files from several runs may be concatenated)
        continue
    f = row["file"]
    m = re.search(r"/(\d{5})-(\d+)\.png$", f)
    truth = names[int(m.group(2))] if m else os.path.basename(os.path.dirname(f))
    if truth not in per:
        sys.exit(f"cannot tell the true label of {f}")
    seen.add(f)
    per[truth][1] += 1
    if row.get("error") and not row.get("label"):
        errors.append((f, row["error"]))
    elif row["label"] == truth:
        per[truth][0] += 1
if len(seen) != expected:
    sys.exit(f"expected {expected} results, got {len(seen)}: see {path}")
correct = sum(c for c, _ in per.values())
total = sum(t for _, t in per.values())
for name, (c, t) in per.items():
    print(f"{name:>14}  {c:5d}/{t:<5d} {100 * c / t:6.2f}%")
print(f"{'overall':>14}  {correct:5d}/{total:<5d} {100 * correct / total:6.2f}%   ({len(errors)} unreadable)")
json.dump({"model": model, "images": total, "correct": correct, "accuracy": correct / total,
           "per_class": {k: {"correct": c, "images": t} for k, (c, t) in per.items()},
           "errors": [{"file": f, "error": e} for f, e in errors]}, open(out, "w"), indent=1)
PY
