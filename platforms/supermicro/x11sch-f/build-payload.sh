#!/bin/bash
# Builds the X11SCH-F's LinuxBoot payload: this board's kernel (build-kernel.sh, cached) and the initramfs of the
# payload builder (platforms/payload, platform x11sch-f: no kernel modules, the kernel has everything built in), whose
# JRE is jlinked from the JDK of platforms/jvm/build-libjvm.sh (cached) with its purpose-built libjvm.so (C1 and Serial
# GC only), and prints the size report. Fails (status 1) when kernel + initramfs exceed the platform's flash budget
# (platforms/payload/src/main/platforms/x11sch-f.properties: an assumption until measured on the board).
# The payload is built and sized only: it is not booted in emulation (platforms/qemu-q35 boots the q35 payload).
# Needs the distribution built (`mvn install`, as scripts/test runs first). Writes
# platforms/payload/target/payload-x11sch-f/{bzImage,initramfs.cpio.xz,size-report.txt}.
# Usage: build-payload.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
log() { echo "build-payload: $*" >&2; }

image=$("$here/build-kernel.sh")
jvm=$("$root/platforms/jvm/build-libjvm.sh")
release=$(cat "$(dirname "$image")/kernel-release")
[ -n "$release" ] || { log "no kernel-release beside $image"; exit 1; }
[ -d "$root/distribution/target/vmboot" ] || { log "build the distribution first (mvn install)"; exit 1; }

# The builder takes a kernel as a package tree: boot/vmlinuz-RELEASE and lib/modules/RELEASE/kernel (none here).
tree=$(mktemp -d "${TMPDIR:-/tmp}/x11sch-f-kernel-tree.XXXXXX")
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/boot" "$tree/lib/modules/$release/kernel"
cp "$image" "$tree/boot/vmlinuz-$release"
# Its configuration, which the builder checks for what unpacking the initramfs needs (xz, the x86 BCJ filter).
cp "$(dirname "$image")/config" "$tree/boot/config-$release"

cd "$root"
mvn -B -ntp -o -q -Dpayload -Dpayload.platform=x11sch-f -Dpayload.kernel.option=--kernel-tree \
    -Dpayload.kernel.path="$tree" -Dpayload.jvm.args="--jvm $jvm" -DskipTests -pl platforms/payload package
cat platforms/payload/target/payload-x11sch-f/size-report.txt
