#!/bin/bash
# Prepares the nested KVM lab: host packages, a Debian kernel (not installed,
# only unpacked), a kvm-amd.ko patched for CR8 (see kvm-amd-cr8-intercept.patch)
# and the L1 initramfs. Idempotent; when everything is cached it only checks.
# Prints the path of the ready cache dir (holding vmlinuz, initramfs.cpio.gz).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
cache_root=${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}
patch_file=$here/kvm-amd-cr8-intercept.patch
log() { echo "lab-setup: $*" >&2; }

# The L1 initramfs loads these, in this order (no modules.dep in the deb).
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev
  virtio_pci netfs fscache 9pnet 9pnet_virtio 9p irqbypass ccp kvm)
pkgs=(qemu-system-x86 busybox-static linux-source-6.1 gcc make libelf-dev bc
  flex bison xz-utils cpio patch ovmf)

installed() { # true when every named package is installed
  local st
  st=$(dpkg-query -W -f='${db:Status-Abbrev}\n' "$@" 2>/dev/null) || return 1
  ! grep -qv '^ii' <<<"$st"
}

# Install what is missing; refresh apt lists only if apt cannot place a package.
ensure_pkgs() {
  installed "$@" && return 0
  if ! apt-get install -y -s --no-install-recommends "$@" >/dev/null 2>&1; then
    log "apt-get update"
    apt-get update -q >&2
  fi
  log "installing: $*"
  apt-get install -y -q --no-install-recommends "$@" >&2
}

# One kernel ABI for everything: the one linux-image-amd64 depends on, at the
# exact version it pins. apt-cache needs lists; a fresh machine may have none.
meta() { apt-cache show --no-all-versions linux-image-amd64 2>/dev/null | sed -n 's/^Depends: \(linux-image-[0-9][^ ]*\) (= \([^)]*\)).*/\1 \2/p'; }
read -r image_pkg kpkgver < <(meta) || true
if [ -z "${image_pkg:-}" ]; then
  log "apt-get update"; apt-get update -q >&2
  read -r image_pkg kpkgver < <(meta) || true
fi
[ -n "${image_pkg:-}" ] || { log "cannot resolve linux-image-amd64's kernel"; exit 1; }
kver=${image_pkg#linux-image-}               # e.g. 6.1.0-56-amd64

# linux-source-6.1 and the headers must be the same Debian version as the image.
ensure_pkgs "${pkgs[@]}" "linux-headers-$kver"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
if [ "$srcver" != "$kpkgver" ]; then
  log "linux-source-6.1 is $srcver, want $kpkgver"
  apt-get install -y -q --no-install-recommends "linux-source-6.1=$kpkgver" >&2
fi

cache=$cache_root/$kver
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9   # concurrent runs share one cache; build it once

# 1. Kernel image + stock modules, unpacked (installing would run boot hooks).
img=$cache/image
if [ ! -e "$img/.done" ]; then
  log "unpacking $image_pkg $kpkgver"
  rm -rf "$img" "$cache/dl" && mkdir -p "$cache/dl"
  (cd "$cache/dl" && apt-get download -q -o APT::Sandbox::User=root "$image_pkg=$kpkgver" >&2)
  dpkg-deb -x "$cache"/dl/*.deb "$img"
  rm -rf "$cache/dl"
  touch "$img/.done"
fi
moddir=$img/lib/modules/$kver/kernel

vermagic() { objcopy -O binary --only-section=.modinfo "$1" /dev/stdout | tr '\0' '\n' | sed -n 's/^vermagic=//p'; }

# 2. kvm-amd.ko with the CR8 patch, keyed by kernel version + patch hash.
psha=$(sha256sum "$patch_file" | cut -c1-16)
ko=$cache/kvm-amd-$psha.ko
if [ ! -e "$ko" ]; then
  log "building patched kvm-amd.ko for $kver"
  b=$cache/build && rm -rf "$b" && mkdir -p "$b"
  # Only arch/x86/kvm is needed: its private headers are not in linux-headers.
  tar xJf /usr/src/linux-source-6.1.tar.xz -C "$b" linux-source-6.1/arch/x86/kvm
  (cd "$b/linux-source-6.1" && patch -p1 -s <"$patch_file")
  k=$b/linux-source-6.1/arch/x86/kvm
  { # Out-of-tree Kbuild: the kvm-amd-y lists (with their ifdef blocks) of this
    # version's Makefile, plus its rule for the offsets header vmenter.S needs.
    echo 'ccflags-y += -I$(src)'
    echo 'obj-m := kvm-amd.o'
    awk '/^if(def|eq|neq)/ { blk=$0; inb=1; body=""; next }
         inb && /^endif/   { if (body != "") printf "%s\n%sendif\n", blk, body; inb=0; next }
         inb               { if ($0 ~ /^kvm-amd-/) body = body $0 "\n"; next }
         /^kvm-amd-/' "$k/Makefile"
    cat <<'KB'
AFLAGS_svm/vmenter.o := -iquote $(obj)
$(obj)/svm/vmenter.o: $(obj)/kvm-asm-offsets.h
$(obj)/kvm-asm-offsets.h: $(obj)/kvm-asm-offsets.s FORCE
	$(call filechk,offsets,__KVM_ASM_OFFSETS_H__)
targets += kvm-asm-offsets.s
KB
  } >"$k/Kbuild"
  make -s -C "/usr/src/linux-headers-$kver" M="$k" -j"$(nproc)" modules >&2
  want=$(vermagic "$moddir/arch/x86/kvm/kvm.ko")
  got=$(vermagic "$k/kvm-amd.ko")
  [ "$want" = "$got" ] || { log "vermagic mismatch: '$got' != '$want'"; exit 1; }
  cp "$k/kvm-amd.ko" "$ko.tmp" && mv "$ko.tmp" "$ko"
  rm -rf "$b"
fi

# 3. L1 initramfs: busybox + modules + our init; keyed by everything in it.
isha=$( (cat "$here/guest-init.sh" "$here/setup.sh" "$ko"; echo "${modules[*]}") | sha256sum | cut -c1-16)
initrd=$cache/initramfs-$isha.cpio.gz
if [ ! -e "$initrd" ]; then
  log "building initramfs"
  r=$cache/initramfs.root && rm -rf "$r" && mkdir -p "$r"/{bin,dev,proc,sys,tmp,host,lib/modules}
  cp /bin/busybox "$r/bin/busybox"
  for a in $("$r/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$r/bin/$a"; done
  cp "$here/guest-init.sh" "$r/init" && chmod 755 "$r/init"
  for m in "${modules[@]}"; do
    f=$(find "$moddir" -name "$m.ko" | head -1)
    [ -n "$f" ] || { log "module $m.ko not found in $image_pkg"; exit 1; }
    cp "$f" "$r/lib/modules/"
    echo "$m" >>"$r/lib/modules/order"
  done
  cp "$ko" "$r/lib/modules/kvm-amd.ko" && echo kvm-amd >>"$r/lib/modules/order"
  (cd "$r" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp"
  mv "$initrd.tmp" "$initrd"
  rm -rf "$r"
  find "$cache" -maxdepth 1 -name 'initramfs-*.cpio.gz' ! -name "${initrd##*/}" -delete
fi

ln -sf "$img/boot/vmlinuz-$kver" "$cache/vmlinuz"
ln -sf "$(basename "$initrd")" "$cache/initramfs.cpio.gz"
echo "$cache"
