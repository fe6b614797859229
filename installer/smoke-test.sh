#!/usr/bin/env bash
# Packaging smoke test (called by .ci/run after the test suite; Linux only).
#  1. builds the Linux CPU app image and .deb with installer/build.sh;
#  2. classifies a bundled sample with a bundled model through the image's own CLI launcher (bin/vitlens-cli:
#     the jlinked runtime, the bundled models, the pre-extracted ONNX Runtime natives) and checks the label
#     against the one the sample's file name encodes (fashion-0002-trouser.png -> Trouser);
#  3. opens the GUI launcher under Xvfb (when xvfb-run exists) and checks it is still running after a while;
#  4. extracts the .deb with dpkg-deb -x and classifies with its launcher the same way;
#  5. as root with apt-get: installs the .deb, classifies with /opt/vitlens/bin/vitlens-cli, removes it.
# Environment: SMOKE_SKIP_MAVEN=1 reuses target/ from an earlier `mvn -Pcpu package`; SMOKE_INSTALL=0 skips step 5;
# SMOKE_MODEL / SMOKE_SAMPLE choose the model id and sample (default beit-fashion, else vit-fashion; trouser).
set -euo pipefail
cd "$(dirname "$0")/.."
readonly ROOT="$PWD"

say() { echo "smoke-test: $*"; }
fail() { echo "smoke-test: FAIL: $*" >&2; exit 1; }

if [[ "$(uname -s)" != Linux ]]; then
    say "packaging smoke test runs on Linux only; skipped"
    exit 0
fi

# ------------------------------------------------------------ prerequisites
SUDO=""
[[ "$(id -u)" -ne 0 ]] && command -v sudo >/dev/null && SUDO="sudo"
missing=()
command -v fakeroot >/dev/null || missing+=(fakeroot)
command -v xvfb-run >/dev/null || missing+=(xvfb xauth)
if [[ ${#missing[@]} -gt 0 ]] && command -v apt-get >/dev/null && [[ "$(id -u)" -eq 0 || -n "$SUDO" ]]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
        || say "could not install ${missing[*]}"
fi
command -v fakeroot >/dev/null || fail "fakeroot is needed to build the .deb"
command -v dpkg-deb >/dev/null || fail "dpkg-deb is needed to build the .deb"

# ------------------------------------------------------------ the sample and its true label
SAMPLE="${SMOKE_SAMPLE:-assets/samples/fashion-0002-trouser.png}"
[[ -f "$SAMPLE" ]] || SAMPLE="$(ls assets/samples/fashion-*.png 2>/dev/null | head -1 || true)"
# Labels compare as lower-case words: "T-shirt/top" ~ t-shirt-top, "Ankle boot" ~ ankle-boot.
normalize() { tr '[:upper:]' '[:lower:]' | sed -E 's/[^a-z0-9]+/-/g; s/^-+//; s/-+$//'; }
# A bundled Fashion-MNIST model to classify with (the samples are Fashion-MNIST test images).
MODEL="${SMOKE_MODEL:-}"
if [[ -z "$MODEL" ]]; then
    for candidate in beit-fashion vit-fashion; do
        if [[ -f "models/$candidate/model.onnx" ]]; then MODEL="$candidate"; break; fi
    done
fi
if [[ -n "$SAMPLE" && -f "$SAMPLE" && -n "$MODEL" ]]; then
    SAMPLE="$ROOT/$SAMPLE"
    EXPECTED="$(basename "$SAMPLE" .png | sed -E 's/^[a-z]+-[0-9]+-//' | normalize)"
    say "model $MODEL, sample $(basename "$SAMPLE"), expected label '$EXPECTED'"
else
    # Like a JUnit assumption: the models arrive from the models branch; until then check the launchers only.
    SAMPLE=""
    say "no bundled Fashion-MNIST model (models/beit-fashion or models/vit-fashion) or no sample" \
        "(assets/samples/fashion-*.png): classification checks are SKIPPED, only the launchers are checked"
fi

# ------------------------------------------------------------ build
WORK="$(mktemp -d)"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
DEST="$WORK/dist"
build_args=(--variant cpu --type app-image,deb --dest "$DEST" --maven-args "-B -q")
[[ "${SMOKE_SKIP_MAVEN:-0}" == 1 ]] && build_args+=(--skip-maven)
# Fast .deb compression: this checks that the package works; release builds keep dpkg's xz (see README sizes).
DPKG_DEB_COMPRESSOR_TYPE=gzip DPKG_DEB_COMPRESSOR_LEVEL=1 installer/build.sh "${build_args[@]}"

IMAGE="$DEST/ViTLens"
DEB="$(ls "$DEST"/vitlens_*.deb | head -1)"
[[ -x "$IMAGE/bin/vitlens-cli" ]] || fail "no $IMAGE/bin/vitlens-cli"
[[ -f "$DEB" ]] || fail "no .deb in $DEST"

# ------------------------------------------------------------ checks
# Runs `<launcher> classify -m MODEL --format json SAMPLE` with an empty home, so a native-library cache written there
# (what the ONNX Runtime natives would need without the image's pre-extracted copy) shows up as growth.
classify_with() {
    local launcher="$1" where="$2" home="$WORK/home-$2" output label
    mkdir -p "$home"
    if [[ -z "$SAMPLE" ]]; then
        output="$(HOME="$home" "$launcher" --version 2>&1)" || fail "$where: $launcher --version failed: $output"
        HOME="$home" "$launcher" models --format json >/dev/null 2>"$WORK/stderr-$where" \
            || { cat "$WORK/stderr-$where" >&2; fail "$where: $launcher models failed"; }
        say "$where: OK, launcher runs ($output); classification skipped"
        return 0
    fi
    if ! output="$(cd "$WORK" && HOME="$home" XDG_DATA_HOME="" XDG_CACHE_HOME="" \
            "$launcher" classify -m "$MODEL" --format json "$SAMPLE" 2>"$WORK/stderr-$where")"; then
        cat "$WORK/stderr-$where" >&2
        fail "$where: $launcher classify exited with an error"
    fi
    label="$(printf '%s' "$output" | grep -o '"label" *: *"[^"]*"' | head -1 | sed -E 's/.*"([^"]*)"$/\1/')"
    [[ -n "$label" ]] || fail "$where: no label in the output: $output"
    [[ "$(printf '%s' "$label" | normalize)" == "$EXPECTED" ]] \
        || fail "$where: top label '$label', expected '$EXPECTED'. Output: $output"
    local home_kb
    home_kb="$(du -sk "$home" | cut -f1)"
    [[ "$home_kb" -lt 10240 ]] || fail "$where: the run wrote ${home_kb} KB under HOME (natives extracted?)"
    say "$where: OK, top label '$label' ($(printf '%s' "$output" | grep -o '"device" *: *"[^"]*"' | head -1))"
}

classify_with "$IMAGE/bin/vitlens-cli" app-image

if command -v xvfb-run >/dev/null; then
    # The GUI must come up with the trimmed runtime and stay up; a crash (missing module, GTK) exits early.
    set +e
    xvfb-run -a bash -c '"$1" >"$2" 2>&1 & pid=$!
        sleep 15
        if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null; exit 0; fi
        wait "$pid"; exit 3' _ "$IMAGE/bin/ViTLens" "$WORK/gui.log"
    gui_status=$?
    set -e
    if [[ $gui_status -ne 0 ]]; then
        cat "$WORK/gui.log" >&2
        fail "app-image: the GUI launcher exited within 15 s"
    fi
    if grep -E "Exception|Error:" "$WORK/gui.log" >&2; then
        fail "app-image: the GUI launcher logged errors"
    fi
    say "app-image: GUI launcher up for 15 s under Xvfb"
else
    say "app-image: xvfb-run not available, GUI start not checked"
fi

mkdir -p "$WORK/deb-root"
dpkg-deb -x "$DEB" "$WORK/deb-root"
classify_with "$WORK/deb-root/opt/vitlens/bin/vitlens-cli" extracted-deb

# ------------------------------------------------------------ install (root sandboxes only)
if [[ "${SMOKE_INSTALL:-1}" == 0 ]]; then
    say "install: skipped (SMOKE_INSTALL=0)"
elif [[ "$(id -u)" -ne 0 ]]; then
    say "install: skipped (not root; installing a package needs root)"
elif ! command -v apt-get >/dev/null; then
    say "install: skipped (no apt-get to resolve the package's dependencies)"
elif dpkg-query -W -f '${Status}' vitlens 2>/dev/null | grep -q "ok installed"; then
    say "install: skipped (a vitlens package is already installed here; not touching it)"
else
    # apt-get resolves the Depends (GTK, xdg-utils, ...) that a bare dpkg -i would leave unconfigured.
    if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$DEB" >"$WORK/install.log" 2>&1; then
        installed_ok=true
        (classify_with /opt/vitlens/bin/vitlens-cli installed-deb) || installed_ok=false
        dpkg --purge vitlens >/dev/null
        [[ ! -e /opt/vitlens ]] || fail "installed-deb: /opt/vitlens still exists after dpkg --purge"
        [[ "$installed_ok" == true ]] || fail "installed-deb: classification failed"
        say "install: dpkg --purge removed the package cleanly"
    elif grep -q "script subprocess returned error" "$WORK/install.log"; then
        tail -20 "$WORK/install.log" >&2
        dpkg --purge vitlens >/dev/null 2>&1 || true
        fail "install: a maintainer script of the package failed (log above)"
    else
        # Typically no network for the dependencies: not the package's fault.
        tail -20 "$WORK/install.log" >&2
        dpkg --purge vitlens >/dev/null 2>&1 || true
        say "install: skipped (apt-get could not install the .deb here; see the log above)"
    fi
fi
say "all packaging checks passed"
