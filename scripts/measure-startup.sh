#!/usr/bin/env bash
# Wall-clock time of one `vitlens classify` run with and without the ONNX Runtime native-library cache.
# Usage: scripts/measure-startup.sh [RUNS] [MODEL_DIR IMAGE]
# Without MODEL_DIR/IMAGE it generates the tiny test model (needs `mvn test-compile` and target/vitlens.jar).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
model="${2:-}"
image="${3:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ -z "$model" ]; then
    cat > "$work/Gen.java" <<'JAVA'
import java.nio.file.Paths;
public class Gen {
    public static void main(String[] a) throws Exception {
        dev.vitlens.testing.TinyModels.writeVitFolder(Paths.get(a[0]), 28, 7, 10, 2, 2);
        var img = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | 90);
        javax.imageio.ImageIO.write(img, "png", Paths.get(a[1]).toFile());
    }
}
JAVA
    java -cp target/vitlens.jar:target/test-classes "$work/Gen.java" "$work/tiny" "$work/img.png"
    model="$work/tiny"
    image="$work/img.png"
fi
cache="$work/cache"
measure() { # label, java options...
    local label="$1"; shift
    local start end
    start=$(date +%s%N)
    java "$@" -jar target/vitlens.jar classify -m "$model" "$image" >/dev/null 2>&1
    end=$(date +%s%N)
    local ms=$(( (end - start) / 1000000 ))
    printf '%-28s %3d.%02d s\n' "$label" $(( ms / 1000 )) $(( ms % 1000 / 10 ))
}
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
measure "first run (fills cache)" -Dvitlens.cache.dir="$cache"
for i in $(seq "$runs"); do
    measure "cached" -Dvitlens.cache.dir="$cache"
    measure "no cache (ORT extracts)" -Dvitlens.ort.nativeCache=false
done
