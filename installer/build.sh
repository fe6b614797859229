#!/usr/bin/env bash
# Builds ViTLens as a native app image or installer with jlink + jpackage (JDK 17+).
# Usage: installer/build.sh [--variant cpu|gpu] [--type app-image|deb|rpm|msi|exe|dmg|pkg[,...]]
#                           [--skip-maven] [--maven-args "-o -q"] [--app-version X.Y.Z] [--dest DIR]
# See installer/README.md for what each step does and for the sizes measured.
set -euo pipefail

cd "$(dirname "$0")/.."
readonly ROOT="$PWD"

VARIANT=cpu
TYPE=app-image
SKIP_MAVEN=false
MAVEN_ARGS=""
APP_VERSION=""
DEST=""

usage() {
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-0}"
}
fail() { echo "build.sh: $*" >&2; exit 1; }
step() { echo "==> $*"; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --variant) VARIANT="${2:?--variant needs cpu or gpu}"; shift 2 ;;
        --type) TYPE="${2:?--type needs a value}"; shift 2 ;;
        --skip-maven) SKIP_MAVEN=true; shift ;;
        --maven-args) MAVEN_ARGS="${2?}"; shift 2 ;;
        --app-version) APP_VERSION="${2:?}"; shift 2 ;;
        --dest) DEST="${2:?}"; shift 2 ;;
        -h|--help) usage 0 ;;
        *) echo "Unknown option: $1" >&2; usage 2 ;;
    esac
done

# ---------------------------------------------------------------- platform
case "$(uname -s)" in
    Linux) OS=linux ;;
    Darwin) OS=macos ;;
    MINGW*|MSYS*|CYGWIN*) OS=windows ;;
    *) fail "unsupported OS $(uname -s)" ;;
esac
case "$(uname -m)" in
    x86_64|amd64) ARCH=x64 ;;
    aarch64|arm64) ARCH=aarch64 ;;
    *) fail "unsupported CPU architecture $(uname -m)" ;;
esac

# Folder names of the target platform's natives inside the ONNX Runtime and OpenCV (openpnp) jars.
case "$OS-$ARCH" in
    linux-x64) ORT_NATIVE=linux-x64; CV_NATIVE=linux/x86_64 ;;
    linux-aarch64) ORT_NATIVE=linux-aarch64; CV_NATIVE=linux/ARMv8 ;;
    macos-aarch64) ORT_NATIVE=osx-aarch64; CV_NATIVE=osx/ARMv8 ;;
    macos-x64) ORT_NATIVE=osx-x64; CV_NATIVE=osx/x86_64 ;;
    windows-x64) ORT_NATIVE=win-x64; CV_NATIVE=windows/x86_64 ;;
    *) fail "no native libraries known for $OS-$ARCH" ;;
esac

case "$VARIANT" in
    cpu) MAVEN_PROFILE=-Pcpu; ORT_JAR_PREFIX=onnxruntime-1 ;;
    gpu)
        [[ "$OS-$ARCH" == linux-x64 || "$OS-$ARCH" == windows-x64 ]] \
            || fail "the GPU variant exists for Linux and Windows x64 only (onnxruntime_gpu ships no other natives)"
        MAVEN_PROFILE=""; ORT_JAR_PREFIX=onnxruntime_gpu-1 ;;
    *) fail "--variant must be cpu or gpu" ;;
esac

IFS=, read -r -a TYPES <<< "$TYPE"
for type in "${TYPES[@]}"; do
    case "$OS:$type" in
        linux:app-image|linux:deb|linux:rpm|windows:app-image|windows:msi|windows:exe|macos:app-image|macos:dmg|macos:pkg) ;;
        *) fail "--type $type cannot be built on $OS" ;;
    esac
    if [[ "$type" == deb ]]; then
        command -v dpkg-deb >/dev/null && command -v fakeroot >/dev/null || fail "--type deb needs dpkg-deb and fakeroot"
    fi
    if [[ "$type" == rpm ]]; then
        command -v rpmbuild >/dev/null || fail "--type rpm needs rpmbuild (package rpm / rpm-build), not installed here"
    fi
done

# ---------------------------------------------------------------- JDK tools
jdk_tool() {
    local tool="$1"
    if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/$tool" ]]; then echo "$JAVA_HOME/bin/$tool"
    elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/$tool.exe" ]]; then echo "$JAVA_HOME/bin/$tool.exe"
    elif command -v "$tool" >/dev/null; then command -v "$tool"
    else fail "$tool not found: install a full JDK 17+ (with jmods) and set JAVA_HOME"
    fi
}
JAVA="$(jdk_tool java)"
JDEPS="$(jdk_tool jdeps)"
JLINK="$(jdk_tool jlink)"
JPACKAGE="$(jdk_tool jpackage)"
JAVA_RUNTIME_HOME="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.home = //p' | tr -d '\r')"
if [[ "$OS" == windows ]] && command -v cygpath >/dev/null; then JAVA_RUNTIME_HOME="$(cygpath -u "$JAVA_RUNTIME_HOME")"; fi
[[ -d "$JAVA_RUNTIME_HOME/jmods" ]] \
    || fail "no jmods in $JAVA_RUNTIME_HOME: jlink needs a full JDK (Debian/Ubuntu: openjdk-17-jdk-headless; set JAVA_HOME)"
# Single-file source programs: need only the JDK, so the same steps run on Linux, macOS and Windows.
jar_tool() { "$JAVA" "$ROOT/installer/tools/JarTool.java" "$@"; }
icons_tool() { "$JAVA" -Djava.awt.headless=true "$ROOT/installer/tools/Icons.java" "$@"; }

STAGE="target/installer/$VARIANT"
DEST="${DEST:-$STAGE/dist}"

# ---------------------------------------------------------------- 1. Maven build
if [[ "$SKIP_MAVEN" == false ]]; then
    step "mvn -DskipTests $MAVEN_PROFILE package"
    # The jar plugin keeps an up-to-date-looking jar, whose manifest Class-Path may name the other variant's
    # ONNX Runtime jar: remove it so the manifest is rewritten for this variant.
    rm -f target/vitlens.jar
    # shellcheck disable=SC2086 # MAVEN_ARGS is a list of options on purpose
    mvn -DskipTests $MAVEN_PROFILE $MAVEN_ARGS package
fi
[[ -f target/vitlens.jar ]] || fail "target/vitlens.jar missing: run without --skip-maven"

POM_VERSION="$(sed -n 's/^version=//p' target/maven-archiver/pom.properties | tr -d '\r')"
# jpackage wants 1 to 3 (4 on Windows) dot-separated integers: 0.1.0-SNAPSHOT -> 0.1.0.
APP_VERSION="${APP_VERSION:-${POM_VERSION%%-*}}"
[[ "$APP_VERSION" =~ ^[0-9]+(\.[0-9]+){0,2}$ ]] || fail "app version '$APP_VERSION' is not N[.N[.N]]: pass --app-version"
if [[ "$OS" == macos && "$APP_VERSION" == 0* ]]; then
    # jpackage checks CFBundleVersion: "The first number in an app-version cannot be zero or negative".
    fail "macOS bundle versions must start at 1 (pom version $POM_VERSION): pass e.g. --app-version 1.${APP_VERSION#0.}"
fi

# ---------------------------------------------------------------- 2. stage the input folder
step "staging $STAGE/input ($VARIANT, $ORT_NATIVE)"
rm -rf "$STAGE/input" "$STAGE/runtime" "$STAGE/classes" "$STAGE/icons"
mkdir -p "$STAGE/input/lib" "$STAGE/icons" "$DEST"
cp target/vitlens.jar "$STAGE/input/"

# Copy exactly the jars the manifest names: target/lib may still hold the other variant's ORT jar.
ORT_JAR=""
CLASS_PATH="$(jar_tool classpath target/vitlens.jar | tr -d '\r')"
for entry in $CLASS_PATH; do
    source_jar="target/$entry"
    [[ -f "$source_jar" ]] || fail "$source_jar (from the manifest Class-Path) is missing"
    name="$(basename "$entry")"
    case "$name" in
        onnxruntime-1*.jar|onnxruntime_gpu-1*.jar)
            [[ "$name" == "$ORT_JAR_PREFIX"* ]] \
                || fail "target/ holds $name, not the $VARIANT ONNX Runtime jar: run without --skip-maven"
            ORT_JAR="$source_jar"
            # All natives leave the jar: the target platform's are pre-extracted below and found through
            # -Donnxruntime.native.path, so start-up never unpacks (for GPU: the 580 MB CUDA provider).
            jar_tool filter "$source_jar" "$STAGE/input/lib/$name" ai/onnxruntime/native/ ;;
        opencv-*.jar)
            # OpenCV extracts its library itself (nu.pattern.OpenCV.loadLocally): keep this platform's only.
            jar_tool filter "$source_jar" "$STAGE/input/lib/$name" nu/pattern/opencv/ "nu/pattern/opencv/$CV_NATIVE/" ;;
        *) cp "$source_jar" "$STAGE/input/lib/" ;;
    esac
done
[[ -n "$ORT_JAR" ]] || fail "no ONNX Runtime jar on the class path of target/vitlens.jar"
jar_tool extract "$ORT_JAR" "ai/onnxruntime/native/$ORT_NATIVE" "$STAGE/input/native/onnxruntime" \
    || fail "$ORT_JAR has no natives for $ORT_NATIVE"

# Bundled models: every models/<id>/ with a model.onnx (models/recipes holds training code, not models).
model_count=0
if [[ -d models ]]; then
    for model in models/*/; do
        [[ -f "$model/model.onnx" ]] || continue
        mkdir -p "$STAGE/input/models"
        cp -R "${model%/}" "$STAGE/input/models/"
        model_count=$((model_count + 1))
    done
fi
if [[ $model_count -eq 0 ]]; then
    echo "build.sh: warning: no bundled models (models/<id>/model.onnx): the package will start with an empty catalogue" >&2
fi
# Same layout as the repository (models/ and assets/samples/ side by side), so sample paths that a model's
# vitlens.json gives relative to its folder (../../assets/samples/...) resolve inside the image too.
if [[ -d assets/samples ]]; then
    mkdir -p "$STAGE/input/assets/samples"
    cp -R assets/samples/. "$STAGE/input/assets/samples/"
fi

# ---------------------------------------------------------------- 3. trimmed Java runtime
step "jdeps + jlink"
jar_tool classes "$STAGE/classes" "$STAGE/input/vitlens.jar" "$STAGE"/input/lib/*.jar
DETECTED_MODULES="$("$JDEPS" --print-module-deps --ignore-missing-deps "$STAGE/classes" | tr -d '\r')"
rm -rf "$STAGE/classes"
# jdeps cannot see reflective and service-loader uses: JavaFX needs jdk.unsupported; java.prefs (settings),
# jdk.crypto.ec (TLS with EC certificates, e.g. model downloads), java.naming and jdk.zipfs are small insurance
# against errors that only show at run time; jdk.localedata gives dates and numbers in the user's locale
# rather than English only.
EXTRA_MODULES="java.desktop,java.logging,java.prefs,java.naming,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.localedata"
MODULES="$DETECTED_MODULES,$EXTRA_MODULES"
echo "modules: $MODULES"
"$JLINK" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --strip-native-commands --compress=2 --output "$STAGE/runtime"

# ---------------------------------------------------------------- 4. jpackage
case "$OS" in
    linux) ICON=assets/icons/vitlens.png ;;
    windows) ICON="$STAGE/icons/vitlens.ico" ;;
    macos) ICON="$STAGE/icons/vitlens.icns" ;;
esac
[[ -f assets/icons/vitlens.png ]] || fail "assets/icons/vitlens.png missing"
icons_tool convert assets/icons/vitlens.png "$STAGE/icons/vitlens.ico" "$STAGE/icons/vitlens.icns"

# $APPDIR is expanded by the jpackage launcher at start-up (the folder holding vitlens.jar).
ARGS=(
    --name ViTLens
    --app-version "$APP_VERSION"
    --vendor ViTLens
    --description "Image classification workbench for Vision Transformers (ViT, DeiT, BEiT)"
    --icon "$ICON"
    --input "$STAGE/input"
    --main-jar vitlens.jar
    --main-class dev.vitlens.Launcher
    --runtime-image "$STAGE/runtime"
    --java-options '-Dvitlens.models.dir=$APPDIR/models'
    --java-options '-Donnxruntime.native.path=$APPDIR/native/onnxruntime'
    --add-launcher "vitlens-cli=installer/$OS/vitlens-cli.properties"
    --dest "$DEST"
)
case "$OS" in
    macos)
        # installer/macos/Info.plist adds NSCameraUsageDescription: without it macOS denies the webcam.
        ARGS+=(--mac-package-identifier dev.vitlens --mac-package-name ViTLens --resource-dir installer/macos) ;;
    linux)
        # ViTLens.desktop passes opened files (%F); vitlens-cli.desktop hides the CLI from menus (NoDisplay):
        # jpackage 17 writes a menu entry for every launcher and has no per-launcher switch.
        ARGS+=(--resource-dir installer/linux) ;;
esac

# Options of the installer types (the app image takes none of them).
package_args() {
    local type="$1"
    [[ "$type" == app-image ]] && return 0
    for association in installer/file-associations/*.properties; do
        echo --file-associations; echo "$association"
    done
    case "$type" in
        deb|rpm)
            local package_name=vitlens
            [[ "$VARIANT" == gpu ]] && package_name=vitlens-gpu
            printf '%s\n' --linux-package-name "$package_name" --linux-shortcut \
                --linux-menu-group "Graphics;Education;Science;" --linux-app-category graphics
            # jpackage derives Depends from ldd on the image's .so files (libasound2, libxtst6, ...); JavaFX's
            # natives sit inside jars and open GTK 3 and OpenGL with dlopen, so those are added by hand.
            printf '%s\n' --linux-package-deps "libgtk-3-0, libxxf86vm1, libgl1"
            if [[ "$type" == deb && -n "${VITLENS_MAINTAINER:-}" ]]; then
                printf '%s\n' --linux-deb-maintainer "$VITLENS_MAINTAINER"
            fi ;;
        msi|exe)
            printf '%s\n' --win-menu --win-menu-group ViTLens --win-shortcut --win-dir-chooser
            # Fixed forever: lets a newer ViTLens installer replace an older one.
            printf '%s\n' --win-upgrade-uuid 5d0e5e4a-6f3b-4c1e-9a8e-2f1b7c3d9e41 ;;
    esac
}

for type in "${TYPES[@]}"; do
    step "jpackage --type $type"
    if [[ "$type" == app-image ]]; then
        case "$OS" in macos) rm -rf "$DEST/ViTLens.app" ;; *) rm -rf "$DEST/ViTLens" ;; esac
    fi
    TYPE_ARGS=()
    while IFS= read -r arg; do TYPE_ARGS+=("$arg"); done < <(package_args "$type")
    "$JPACKAGE" --type "$type" "${ARGS[@]}" ${TYPE_ARGS[@]+"${TYPE_ARGS[@]}"}
done

# ---------------------------------------------------------------- 5. report
step "done: $VARIANT ${TYPES[*]} in $DEST"
size_of() { du -sk "$1" | awk '{printf "%.1f MiB", $1 / 1024}'; }
echo "runtime image: $(size_of "$STAGE/runtime"), app input: $(size_of "$STAGE/input")"
for output in "$DEST"/*; do
    echo "  $(size_of "$output")  $output"
done
