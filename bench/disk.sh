#!/usr/bin/env bash
# virtio-blk: vmboot vs QEMU-KVM, side by side in one run (alternating, so both see the same machine state), medians of
# N runs each (default 5), and the ratio vmboot ÷ QEMU. Both VMMs get the same images, Debian's kernel with the test
# initramfs (platforms/qemu/guest: vmboot.disk=... in its command line makes its /init use the disk), 512 MiB, 1 vCPU.
# QEMU: -machine pc (i440FX, the chipset of vmboot's OVMF personality) -accel kvm -cpu host, each disk as
# -drive if=none,format=raw + -device virtio-blk-pci,disable-legacy=on (modern only, as vmboot's), default cache
# (writeback: the host page cache). vmboot: bin/vmboot boot ... --disk PATH[,ro].
#   (a) sequential read inside the guest: dd if=/dev/vda of=/dev/null bs=1M iflag=direct of a 256 MiB disk, read-only,
#       timed by the guest's monotonic clock (VMBOOT-DISK-READ bytes=<n> ms=<t>); MB/s, ratio vmboot ÷ QEMU,
#       goal >= 1.0 (bigger is better). vmboot twice per run, labelled: from process start (a fresh vmboot whose first
#       guest reads: its JIT compiles the read path during that read) and resident (one bin/vmboot -c "boot ...;
#       boot ..." whose second guest's read is taken, the first having run the read path once, as (b) times a
#       resident vmboot's second boot). QEMU's whole process each time.
#   (b) boot from the disk: OVMF.fd booting a GPT/FAT32 ESP whose \EFI\BOOT\BOOTX64.EFI is GRUB (prepare.sh's
#       grubx64.efi), its grub.cfg booting the kernel and initrd from the ESP, up to the init's VMBOOT-GUEST-OK.
#       vmboot: one resident process (bin/vmboot -c "boot ...; boot ...") boots it twice; the second boot is timed,
#       from the first guest's power-off line to the second marker. QEMU: its whole process, from start to the marker.
#       Ratio vmboot ÷ QEMU, goal <= 0.80 (smaller is better)
#   (c) VMM memory beyond guest RAM with one disk attached: the guest reads its disk whole, then waits
#       (vmboot.echo=1: VMBOOT-GUEST-READY); then the VMM's resident memory (the Rss of every mapping in its smaps,
#       summed over its process group; VmRSS came out 2-4 MiB below it for vmboot in the lab, likely because Linux
#       before 6.2 folds each thread's count in only every 64 page faults, and vmboot has ~30 threads) less
#       the resident part of the guest's RAM (the anonymous mappings of exactly the guest's size in /proc/PID/smaps:
#       vmboot's and QEMU's guest RAM is one such mapping at 512 MiB), goal <= 64 MiB for vmboot; QEMU's for reading.
#       One run each (memory does not vary like time). RSS less the whole guest RAM size is printed too, but it is no
#       measure here: the guest touches only a part of its RAM (about 130 of 512 MiB under QEMU), so it comes out
#       negative.
#       Both VMMs are measured under two transparent huge page settings, labelled: the host's own (Debian's kernel:
#       "always", all of the JVM's anonymous memory then faults in 2 MiB pages) and "madvise", what the X11SCH-F
#       payload's kernel is configured for (only memory asked for gets huge pages: vmboot and QEMU both ask for guest
#       RAM). Setting it needs root (the lab's L1 is); where it cannot be set, that line says so.
# Where vmboot cannot do it (yet), its column says why ("cannot measure: ...") instead of a number; nothing is ever
# estimated. One failed vmboot run voids its median.
#
# Needs KVM: where /dev/kvm is usable it runs directly; otherwise it runs itself inside the nested lab
# (platforms/qemu/lab/run.sh, one L1 CPU as scripts/test-kvm), where KVM is itself nested under TCG: absolute times
# are 10-50x real hardware and vary by +-40% between runs, so only the ratios of one run mean anything.
# DISK_LAB_CPUS=2 gives the lab two CPUs (both VMMs alike; a fresh JVM's compiler then need not share the one CPU
# with the guest's vCPU thread; wants two idle host cores).
# DISK_PAYLOAD=DIR (a built payload: DIR/initramfs.cpio.xz, e.g. platforms/payload/target/payload-x11sch-f) adds to
# (c) vmboot as that payload runs it: its /opt (the jlinked JRE, for the X11SCH-F its purpose-built libjvm.so, and
# the distribution with the bundle cache made at build time) unpacked from the initramfs and bound over /opt, started
# as its /init starts it (JAVA_HOME=/opt/jre, VMBOOT_CDS=off), the same boot command.
# The images are made on the host (make-disk.sh; the lab sees the host read-only) under target/bench-disk/, and copied
# into a work dir under /tmp (in the lab: L1's tmpfs, so the VMMs do not read them over 9p).
# Usage: bench/disk.sh [runs]        (build first: mvn -B -pl distribution -am package -DskipTests)
#        bench/disk.sh --memory      (c) only
#        bench/disk.sh --inner RUNS GUEST_DIR IMAGE_DIR [abc|c [PAYLOAD_OPT]]   (what the lab runs; c: (c) only;
#            PAYLOAD_OPT: the payload's /opt unpacked)
set -euo pipefail
if [ -n "${DISK_PAYLOAD:-}" ] && [ "${1:-}" != --inner ]; then
    DISK_PAYLOAD=$(cd "$DISK_PAYLOAD" && pwd) || { echo "disk: DISK_PAYLOAD: no directory $DISK_PAYLOAD" >&2; exit 2; }
fi
cd "$(dirname "$0")/.."
root=$(pwd)
bin=$root/distribution/target/vmboot/bin/vmboot
ovmf=/usr/share/ovmf/OVMF.fd
data_mib=256 esp_mib=64 guest_mib=512

if [ "${1:-}" != --inner ]; then
    parts=abc
    if [ "${1:-}" = --memory ]; then parts=c; shift; set -- 1; fi
    runs=${1:-5}
    case $runs in ''|*[!0-9]*|0) echo "usage: bench/disk.sh [runs]" >&2; exit 2 ;; esac
    guest=$(platforms/qemu/guest/prepare.sh)
    images=$root/target/bench-disk
    mkdir -p "$images"
    # The data disk depends only on make-disk.sh; the ESP also on the guest images (their dir name is their key).
    key=$(cat platforms/qemu/guest/make-disk.sh | sha256sum | cut -c1-12)-$(basename "$guest")
    if [ ! -f "$images/$key.done" ]; then
        rm -f "$images"/*.img "$images"/*.done
        platforms/qemu/guest/make-disk.sh data "$images/data.img" "$data_mib"
        cat >"$images/grub.cfg" <<'CFG'
set timeout=0
set timeout_style=hidden
menuentry 'Debian GNU/Linux (vmboot bench)' {
    linux /EFI/debian/vmlinuz console=ttyS0 quiet
    initrd /EFI/debian/initrd.img
}
CFG
        platforms/qemu/guest/make-disk.sh esp "$images/esp.img" "$esp_mib" EFI/BOOT/BOOTX64.EFI="$guest/grubx64.efi" \
            EFI/BOOT/grub.cfg="$images/grub.cfg" EFI/debian/vmlinuz="$guest/vmlinuz" \
            EFI/debian/initrd.img="$guest/initramfs.cpio.gz"
        touch "$images/$key.done"
    fi
    payload_opt=""
    if [ -n "${DISK_PAYLOAD:-}" ]; then
        cpio_xz=$DISK_PAYLOAD/initramfs.cpio.xz
        [ -f "$cpio_xz" ] || { echo "disk: DISK_PAYLOAD: no $cpio_xz (build the payload first)" >&2; exit 2; }
        payload_opt=$images/payload-$(sha256sum <"$cpio_xz" | cut -c1-12)
        if [ ! -d "$payload_opt/opt" ]; then
            rm -rf "$images"/payload-*
            mkdir -p "$payload_opt.part"
            # -m: the files' times as the payload has them (the launcher checks the bundle cache's jars by them)
            (cd "$payload_opt.part" && xz -dc "$cpio_xz" | cpio -idm --quiet 'opt/*')
            [ -x "$payload_opt.part/opt/vmboot/bin/vmboot" ] && [ -x "$payload_opt.part/opt/jre/bin/java" ] ||
                { echo "disk: $cpio_xz holds no opt/vmboot/bin/vmboot and opt/jre/bin/java" >&2; exit 2; }
            basename "$DISK_PAYLOAD" >"$payload_opt.part/name"   # the label of its line
            mv "$payload_opt.part" "$payload_opt"
        fi
    fi
    # shellcheck source=scripts/kvm-usable.sh
    . scripts/kvm-usable.sh
    if kvm_usable; then
        exec "$0" --inner "$runs" "$guest" "$images" "$parts" "$payload_opt"
    fi
    echo "disk: no usable /dev/kvm here: running in the nested lab (KVM under TCG; compare ratios, not times)"
    # Per run: (a) ~30-60 s per side, (b) ~40-90 s QEMU and two boots for vmboot; (c) once. Failures are bounded.
    exec platforms/qemu/lab/run.sh --cpus "${DISK_LAB_CPUS:-1}" --timeout $((900 + runs * 900)) -- "$0" --inner "$runs" "$guest" "$images" \
        "$parts" "$payload_opt"
fi

runs=$2 guest=$3 images=$4 parts=${5:-abc} payload_opt=${6:-}
[ -c /dev/kvm ] || { echo "disk: no /dev/kvm" >&2; exit 1; }
work=$(mktemp -d /tmp/vmboot-bench-disk.XXXXXX)
# shellcheck source=bench/lib/process-timing.sh
. bench/lib/process-timing.sh
cp "$images/data.img" "$images/esp.img" "$work/"
data=$work/data.img esp=$work/esp.img

# read_rate NAME [GUEST]: MB/s (MiB/s, integer) from the VMBOOT-DISK-READ line of NAME's output, or "FAIL <the guest's
# line>"; GUEST: which guest's line when NAME's process booted more than one (default 1)
read_rate() {
    local line
    line=$(tr -d '\r' <"$work/$1.out" | grep -aE '^VMBOOT-DISK(-READ|-ERROR|-MISSING) ' | sed -n "${2:-1}p" || true)
    if [[ $line =~ ^VMBOOT-DISK-READ\ dev=vda\ bytes=([0-9]+)\ ms=([0-9]+)$ ]]; then
        local bytes=${BASH_REMATCH[1]} ms=${BASH_REMATCH[2]}
        [ "$ms" -gt 0 ] || ms=1
        echo $(( bytes * 1000 / ms / 1048576 ))
    else
        echo "FAIL the guest printed: ${line:-no VMBOOT-DISK-READ line}"
    fi
}

qemu_base=(qemu-system-x86_64 -accel kvm -machine pc -cpu host -m "$guest_mib" -smp 1 -nodefaults -no-user-config
    -display none -serial stdio -no-reboot)
qdisk() { # PATH [ro]: QEMU's arguments for one virtio-blk PCI disk
    echo -drive "file=$1,if=none,id=d0,format=raw${2:+,readonly=on}" -device virtio-blk-pci,drive=d0,disable-legacy=on
}
vmboot_cmd=(env VMBOOT_LOG_LEVEL=info "$bin")
have_vmboot() { [ -x "$bin" ]; }
payload_cmd=()
if [ -n "$payload_opt" ]; then
    # The copy is writable, as the payload's /opt is (an initramfs); cp -a keeps the times. Bound over /opt in a mount
    # namespace of its own, where the payload's bundle cache was made for.
    cp -a "$payload_opt/opt" "$work/payload-opt"
    # shellcheck disable=SC2016 # expanded by that sh
    payload_cmd=(unshare -m sh -c 'mount --bind "$0" /opt && exec env JAVA_HOME=/opt/jre VMBOOT_CDS=off \
        VMBOOT_LOG_LEVEL=info /opt/vmboot/bin/vmboot "$@"' "$work/payload-opt")
fi

echo "disk: $runs runs per side, alternating; host $(uname -r), $(nproc) CPUs," \
    "$(qemu-system-x86_64 --version | head -1)"
echo "disk: guest images from $guest; disks: $data_mib MiB data, $esp_mib MiB ESP (GRUB) from $images"

if [ "$parts" = abc ]; then
# (a) -------------------------------------------------------------------------------------------------------------
echo "(a) sequential O_DIRECT read of /dev/vda ($data_mib MiB, read-only) inside the guest (goal vmboot/qemu >= 1.0)"
append="console=ttyS0 quiet vmboot.disk=read-bench"
# One QEMU run first, not counted: in one fresh lab the first guest read was 4x slower than the others (43 vs 160-230
# MB/s; in the next, 204 like the rest), and in the alternation below that would count against QEMU only.
r=$(time_between read-warm-up 300 "" 'VMBOOT-GUEST-OK' "${qemu_base[@]}" -kernel "$guest/vmlinuz" \
    -initrd "$guest/initramfs.cpio.gz" -append "$append" $(qdisk "$data" ro))
case $r in FAIL*) w="FAILED: ${r#FAIL }" ;; *) w="$(read_rate read-warm-up) MB/s" ;; esac
echo "  warm-up (QEMU, not counted): $w"
qr=() vr=() vrr=() vreason="" rreason=""
# The resident run's script: the same boot twice in one vmboot.
boot_read="boot -p linux -m ${guest_mib}M -c 1 -i $guest/initramfs.cpio.gz -a '$append' --disk $data,ro $guest/vmlinuz"
for i in $(seq "$runs"); do
    r=$(time_between "read-qemu-$i" 300 "" 'VMBOOT-GUEST-OK' "${qemu_base[@]}" -kernel "$guest/vmlinuz" \
        -initrd "$guest/initramfs.cpio.gz" -append "$append" $(qdisk "$data" ro))
    case $r in FAIL*) q="FAILED: ${r#FAIL }" ;; *) q=$(read_rate "read-qemu-$i") ;; esac
    case $q in FAIL*) q="FAILED: ${q#FAIL }" ;; FAILED*) ;; *) qr+=("$q"); q="$q MB/s" ;; esac
    if [ -n "$vreason" ]; then v="skipped"
    elif ! have_vmboot; then vreason="not built ($bin missing)"; v=$vreason
    else
        r=$(time_between "read-vmboot-$i" 300 "" 'VMBOOT-GUEST-OK' "${vmboot_cmd[@]}" boot -p linux \
            -m "${guest_mib}M" -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" --disk "$data,ro" "$guest/vmlinuz")
        case $r in FAIL*) v=$r ;; *) v=$(read_rate "read-vmboot-$i") ;; esac
        case $v in FAIL*) vreason=${v#FAIL }; v="FAILED: $vreason" ;; *) vr+=("$v"); v="$v MB/s" ;; esac
    fi
    # Its own failure reason: a failed resident run voids the resident median only, and the other way round.
    if [ -n "$rreason" ]; then vres="skipped"
    elif ! have_vmboot; then rreason="not built ($bin missing)"; vres=$rreason
    else
        r=$(time_between "read-resident-$i" 600 'reboot: Power down' 'VMBOOT-GUEST-OK' "${vmboot_cmd[@]}" \
            -c "$boot_read; $boot_read")
        case $r in FAIL*) vres=$r ;; *) vres=$(read_rate "read-resident-$i" 2) ;; esac
        case $vres in
            FAIL*) rreason=${vres#FAIL }; vres="FAILED: $rreason" ;;
            *) vrr+=("$vres"); vres="$vres MB/s" ;;
        esac
    fi
    echo "  read run $i: qemu $q; vmboot from process start $v, resident (second guest) $vres"
done
report_pair read MB/s qr vr "$vreason" "$runs" ">=" 1.0 "vmboot (from process start)"
report_pair read-resident MB/s qr vrr "$rreason" "$runs" ">=" 1.0 "vmboot (resident, second guest)"

# (b) -------------------------------------------------------------------------------------------------------------
echo "(b) OVMF -> GRUB on the virtio ESP -> Linux init marker: resident vmboot's second boot vs QEMU-KVM's whole" \
    "process (goal <= 0.80)"
boot_args="-p firmware -m ${guest_mib}M -c 1 --disk $esp $ovmf"
qt=() vt=() vreason=""
for i in $(seq "$runs"); do
    r=$(time_between "esp-qemu-$i" 400 "" 'VMBOOT-GUEST-OK' "${qemu_base[@]}" -bios "$ovmf" $(qdisk "$esp"))
    case $r in FAIL*) q="FAILED: ${r#FAIL }" ;; *) qt+=("$r"); q="$r ms" ;; esac
    if [ -n "$vreason" ]; then v="skipped"
    elif ! have_vmboot; then vreason="not built ($bin missing)"; v=$vreason
    else
        r=$(time_between "esp-vmboot-$i" 800 'reboot: Power down' 'VMBOOT-GUEST-OK' \
            "${vmboot_cmd[@]}" -c "boot $boot_args; boot $boot_args")
        case $r in FAIL*) vreason=${r#FAIL }; v="FAILED: $vreason" ;; *) vt+=("$r"); v="$r ms" ;; esac
    fi
    echo "  boot run $i: qemu $q; vmboot (second boot) $v"
done
report_pair esp-boot ms qt vt "$vreason" "$runs" "<=" 0.80 "vmboot (resident, second boot)"
fi

# (c) -------------------------------------------------------------------------------------------------------------
# memory NAME: "<RSS KiB> <resident KiB of guest-sized anonymous mappings> <how many such mappings>" of the process
# group time_between left running as NAME
memory() {
    local pgid pids p rss=0 ram=0 maps=0 t r n
    pgid=$(cat "$work/$1.pid")
    pids=$(ps -e -o pid=,pgid= | awk -v g="$pgid" '$2 == g { print $1 }')
    for p in $pids; do
        # smaps: a header line per mapping ("start-end perms offset dev inode [path]"), then "Size:", "Rss:", ...
        # (here-strings, not process substitution: the lab's chroot has no /dev/fd)
        read -r t r n <<<"$(awk -v want=$((guest_mib * 1024)) '
            /^[0-9a-f]+-[0-9a-f]+ / { anon = (NF < 6) }
            /^Size:/ { size = $2 }
            /^Rss:/ { all += $2; if (anon && size == want) { sum += $2; n++ } }
            END { print all + 0, sum + 0, n + 0 }' "/proc/$p/smaps" 2>/dev/null || echo "0 0 0")"
        rss=$((rss + t)) ram=$((ram + r)) maps=$((maps + n))
    done
    echo "$rss $ram $maps"
}
echo "(c) VMM memory beyond guest RAM with one disk attached (the guest has read it whole and waits), one run" \
    "each (goal <= 64 MiB for vmboot)"
append="console=ttyS0 quiet vmboot.disk=read-bench vmboot.echo=1"
report_memory() { # LABEL NAME RESULT [GOAL_MIB]
    local label=$1 name=$2 res=$3 goal=${4:-} rss ram maps
    case $res in FAIL*) echo "memory: $label: cannot measure: ${res#FAIL }"; return ;; esac
    sleep 2   # let the VMM settle after the guest's last output
    read -r rss ram maps <<<"$(memory "$name")"
    stop "$name"
    if [ "$maps" -ne 1 ]; then
        echo "memory: $label: cannot measure: $maps anonymous mappings of exactly $guest_mib MiB (guest RAM) found," \
            "not 1 (RSS $((rss / 1024)) MiB)"
        return
    fi
    awk -v l="$label" -v rss="$rss" -v ram="$ram" -v g=$((guest_mib * 1024)) -v goal="$goal" 'BEGIN {
        beyond = (rss - ram) / 1024
        printf "memory: %s: RSS %.1f MiB, of which guest RAM %.1f MiB resident: beyond guest RAM %.1f MiB", l,
            rss / 1024, ram / 1024, beyond
        if (goal != "") printf " (goal <= %d MiB): %s", goal, (beyond <= goal ? "met" : "NOT met")
        printf "; RSS - guest RAM size %.1f MiB\n", (rss - g) / 1024 }'
}
# Transparent huge pages (sysfs, mm/transparent_hugepage/enabled: "always [madvise] never", the one in brackets is on)
thp_file=/sys/kernel/mm/transparent_hugepage/enabled
thp_setting() { sed 's/.*\[\(.*\)\].*/\1/' "$thp_file" 2>/dev/null || echo "not configured"; }
thp_host=$(thp_setting)
trap 'echo "$thp_host" >"$thp_file" 2>/dev/null || true; cleanup' EXIT   # cleanup: process-timing.sh's
for thp in "$thp_host" madvise; do
    if [ "$thp" = madvise ] && [ "$thp_host" = madvise ]; then
        break   # the host's setting was madvise: measured already
    fi
    if [ "$thp" = "$thp_host" ]; then
        label="THP $thp (this host's setting)"
    elif echo "$thp" >"$thp_file" 2>/dev/null && [ "$(thp_setting)" = "$thp" ]; then
        label="THP $thp (as the X11SCH-F payload's kernel)"
    else
        echo "memory: THP $thp: cannot measure: cannot set $thp_file (not root?)"
        continue
    fi
    r=$(KEEP=1 time_between "mem-qemu-$thp" 300 "" 'VMBOOT-GUEST-READY' "${qemu_base[@]}" -kernel "$guest/vmlinuz" \
        -initrd "$guest/initramfs.cpio.gz" -append "$append" $(qdisk "$data" ro))
    report_memory "qemu-kvm, $label" "mem-qemu-$thp" "$r"
    if have_vmboot; then
        r=$(KEEP=1 time_between "mem-vmboot-$thp" 300 "" 'VMBOOT-GUEST-READY' "${vmboot_cmd[@]}" boot -p linux \
            -m "${guest_mib}M" -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" --disk "$data,ro" "$guest/vmlinuz")
        report_memory "vmboot, $label" "mem-vmboot-$thp" "$r" 64
    else
        echo "memory: vmboot, $label: cannot measure: not built ($bin missing)"
    fi
    if [ ${#payload_cmd[@]} -gt 0 ]; then
        r=$(KEEP=1 time_between "mem-payload-$thp" 300 "" 'VMBOOT-GUEST-READY' "${payload_cmd[@]}" boot -p linux \
            -m "${guest_mib}M" -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" --disk "$data,ro" "$guest/vmlinuz")
        report_memory "vmboot as in $(cat "$payload_opt/name") (its JRE, no archive), $label" \
            "mem-payload-$thp" "$r" 64
    fi
done
echo "$thp_host" >"$thp_file" 2>/dev/null || true
