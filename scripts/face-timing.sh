#!/usr/bin/env bash
# Issue 16's timing block, in the order docs/face-detection.md ("Timing") reports it: the operating point on the
# live view's trimmed input and on the square input photos use, each in its own process, three times in turn; both
# inputs frame by frame in one process; then the live pipeline on the 100-validation-image clip and the astronaut
# clip. Run it on an otherwise idle machine (pause training first: pkill -STOP -f train.py, then -CONT) and write
# the load average down with the figures; the script prints it before each run.
#   scripts/face-timing.sh [FACE_MASK_DIR]      # default ../shared/data/face-mask
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-../shared/data/face-mask}"
[ -d "$data/with_mask" ] || { echo "face-mask images not found at $data (see models/deit-mask/README.md)" >&2; exit 2; }
[ -d target/test-classes/dev/vitlens/camera ] || mvn -q test-compile
[ -f cp.txt ] || mvn -q dependency:build-classpath -Dmdep.outputFile=cp.txt >/dev/null
cp="target/classes:target/test-classes:$(cat cp.txt)"
java=(java -Xss16m -cp "$cp")
trimmed="blazeface operating point (0.50 + verifier 0.90; rescue fill 0.6)"
square="blazeface operating point on the square input"
stamp() { echo "-- $1: $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

grep -m1 "model name" /proc/cpuinfo
for run in 1 2 3; do
    for config in "$trimmed" "$square"; do
        stamp "run $run, $config"
        "${java[@]}" dev.vitlens.camera.DetectorRecall --data "$data" --sample 8 --detector blazeface \
            --configs "$config" | grep "^| blazeface"
    done
done
stamp "both inputs in one process"
"${java[@]}" dev.vitlens.camera.DetectorRecall --data "$data" --sample 8 --compare-input | tail -n 7
stamp "live, 100 validation images"
"${java[@]}" dev.vitlens.camera.LiveBenchmark --model deit-mask --cv-threads 1 --val-clip 100 | grep -v "^detector\|^model"
stamp "live, astronaut clip"
"${java[@]}" dev.vitlens.camera.LiveBenchmark --frames 300 --model deit-mask --cv-threads 1 --detector blazeface \
    | grep -v "^detector\|^model"
stamp "end"
