#!/bin/sh
# Cold start to first prediction from the CLI, measured with hyperfine (apt-get install hyperfine):
#   JVM start -> model load -> decode -> preprocess -> inference -> top-k printed -> exit.
# Variants: as shipped (ORT natives cached in ~/.cache/vitlens/ort-natives), without the native cache (ORT copies
# its natives, incl. the 580 MB CUDA provider, to /tmp on every start), and with an AppCDS archive of the classes
# this command loads (-XX:SharedArchiveFile, archive made once with -XX:ArchiveClassesAtExit).
#   src/bench/coldstart.sh [MODEL] [IMAGE] [RUNS]      default: beit-fashion assets/samples/fashion-0000-ankle-boot.png 10
# Writes target/coldstart.json (hyperfine --export-json) and prints hyperfine's summary.
set -eu
cd "$(dirname "$0")/../.."
MODEL=${1:-beit-fashion}
IMAGE=${2:-assets/samples/fashion-0000-ankle-boot.png}
RUNS=${3:-10}
JAR=target/vitlens.jar
CDS=target/vitlens-cds.jsa
[ -f "$JAR" ] || { echo "build first: mvn -q -DskipTests package" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
CMD="classify -m $MODEL $IMAGE"
# The cached natives must exist before timing "as shipped" (first start extracts them once).
java -jar "$JAR" $CMD >/dev/null
rm -f "$CDS"
java -XX:ArchiveClassesAtExit="$CDS" -jar "$JAR" $CMD >/dev/null 2>&1
hyperfine --warmup 2 --runs "$RUNS" --export-json target/coldstart.json \
  -n "as shipped (native cache)" "java -jar $JAR $CMD" \
  -n "AppCDS + native cache" "java -XX:SharedArchiveFile=$CDS -jar $JAR $CMD" \
  -n "AppCDS + native cache + C1 only" "java -XX:SharedArchiveFile=$CDS -XX:TieredStopAtLevel=1 -jar $JAR $CMD" \
  -n "without native cache" "java -Dvitlens.ort.nativeCache=false -jar $JAR $CMD"
