#!/bin/bash
# Builds a tiny initramfs (gzip'd newc cpio) from Debian's busybox-static. Its /init mounts proc, sys and devtmpfs,
# prints one marker line on the console:
#   VMBOOT-GUEST-OK nproc=<online CPUs> mem_kib=<MemTotal> kernel=<uname -r> cmdline=<the kernel command line>
# and powers the machine off (poweroff -f: reboot(2) with RB_POWER_OFF; ACPI S5 where the kernel has ACPI).
# If the command line holds vmboot.echo=1, /init then prints "VMBOOT-GUEST-READY", reads one line from the
# console and prints "VMBOOT-GUEST-ECHO <line>" (tests that the VMM feeds its input to the guest UART; after the disk
# actions below, when there are any).
# If it holds vmboot.powerbutton=obey or =ignore, /init then prints "VMBOOT-GUEST-AWAITING-POWER-BUTTON" and waits
# (tests of vmboot:stop): obey loads the ACPI button driver (button.ko, and evdev.ko, with MODULES_DIR) and waits for
# the first press, then prints "VMBOOT-GUEST-POWER-BUTTON" and powers off as below (what acpid or systemd-logind do on
# a real system): where the DSDT has a control-method power button (PNP0C0C, the hardware-reduced platform's, raised
# through its Generic Event Device) by reading one key event from its input device, else by polling the fixed power
# button's event counter /sys/firmware/acpi/interrupts/ff_pwr_btn. ignore never acts on it. Without the driver or
# either button it prints "VMBOOT-GUEST-NO-POWER-BUTTON <why>" and waits like ignore.
# Debian's amd64 kernel needs no modules for this with console=ttyS0 (8250 console and devtmpfs are built in).
#
# Console and entropy checks (virtio-console, virtio-rng; the modules as for the disk checks below):
#   vmboot.console=hvc0  loads the modules, waits for /dev/hvc0 and from then on reads and writes it instead of
#                        /dev/console (which has no device at first with console=hvc0 alone, the console driver being a
#                        module: the init then starts on /dev/ttyS0), and prints there
#                        VMBOOT-CONSOLE dev=hvc0 active=<the kernel's consoles, /sys/class/tty/console/active>
#                        size=<rows cols of hvc0, stty size>
#                        or on ttyS0 VMBOOT-CONSOLE-MISSING dev=hvc0 waited_s=<s>
#   vmboot.hwrng=N       loads the modules, waits (vmboot.disk.wait) for a generator behind /dev/hwrng, reads N
#                        bytes from it: VMBOOT-HWRNG bytes=<bytes read> rng=<rng_current of hw_random>; without a
#                        generator that is bytes=0 rng=none
#
# Disk checks (virtio-blk): given MODULES_DIR (/lib/modules/<release> of the same kernel, e.g. the lab's unpacked
# image), virtio_pci and virtio_blk and what they depend on (the "depends=" of each module's .modinfo) are copied in,
# decompressed, with their load order, and so is the ACPI button driver (button.ko). Then vmboot.disk=ACTION[,ACTION...]
# on the command line makes /init load them
# (busybox insmod, in dependency order) and run each ACTION before the VMBOOT-GUEST-OK line. An ACTION works on
# /dev/vda unless it ends in @DEV (e.g. @vdb); its result is one line:
#   sha256           VMBOOT-DISK dev=<dev> sha256=<hex of the whole device> bytes=<device size>
#   write:PATTERN    writes a 4 KiB block at byte 1 MiB: PATTERN ([A-Za-z0-9._-], at most 64 characters), then zero
#                    bytes; fsync, drops the device's page cache (BLKFLSBUF), reads the block back:
#                    VMBOOT-DISK-WRITE dev=<dev> offset=1048576 bytes=4096 pattern=<PATTERN> readback=ok
#   ro-check         tries the same 4 KiB write of "VMBOOT-RO-PROBE" at byte 1 MiB and reads the block back:
#                    VMBOOT-DISK-RO dev=<dev> ro=<the kernel's read-only flag> write=<refused|accepted>
#                    readback=<unchanged|changed>
#   read-bench       reads the whole device with O_DIRECT (busybox dd bs=1M iflag=direct), timed by the guest's
#                    monotonic clock (/proc/timer_list's "now at", in ns; /proc/uptime's 10 ms if that is missing):
#                    VMBOOT-DISK-READ dev=<dev> bytes=<n> ms=<t>
#   queue-info       what the driver made of the device, and its I/O counters so far (two around read-bench give
#                    requests and sectors per request; Documentation/block/stat.rst):
#                    VMBOOT-DISK-QUEUE dev=<dev> max_segments=<n> max_segment_size=<bytes> max_sectors_kb=<n>
#                    max_hw_sectors_kb=<n> nr_requests=<n> scheduler=<...> clocksource=<name> stat=<the 17 fields, ,>
# The device is awaited for vmboot.disk.wait=SECONDS (default 30), else VMBOOT-DISK-MISSING dev=<dev> waited_s=<s>;
# any other failure is VMBOOT-DISK-ERROR <what>. The VMBOOT-GUEST-OK line and the power-off follow in every case.
#
# Network checks (virtio-net): with MODULES_DIR, virtio_net and what it depends on are copied in as well. Then
# vmboot.net=ADDR/PREFIX,PEER[,send:MIB:PORT|,zeros:MIB:PORT|,frames:SECONDS:PORT] makes /init load the modules, wait for eth0
# (vmboot.disk.wait), bring lo and eth0 up with ADDR/PREFIX and print
#   VMBOOT-NET-UP dev=eth0 mac=<eth0's MAC> addr=<ADDR/PREFIX>
# then ping PEER three times (busybox ping, 5 s for each reply):
#   VMBOOT-NET-PING peer=<PEER> sent=3 received=<n>
# and with send:MIB:PORT fill /tmp/net.data with MIB MiB of /dev/urandom and send it to PEER:PORT over TCP
# (busybox nc, bounded by 600 s; the receiver closes the connection when it has it all):
#   VMBOOT-NET-DATA bytes=<n> sha256=<hex>        (before sending)
#   VMBOOT-NET-SENT bytes=<n> rc=<nc's exit status>
# or with zeros:MIB:PORT send MIB MiB of zeros (dd from /dev/zero into nc, for bench/net.sh), timed by the monotonic
# clock from the start of dd to the end of nc:
#   VMBOOT-NET-ZEROS bytes=<n> ms=<t> rc=<nc's exit status>
# or with frames:SECONDS:PORT send UDP datagrams of 18 bytes (60-byte frames, 64 with the FCS) to PEER:PORT for
# SECONDS as fast as the driver takes them (frame-sender.c, for bench/net.sh's packets per second):
#   VMBOOT-NET-FRAMES sent=<n> failed=<n> ms=<t> payload=18
# A failure is VMBOOT-NET-ERROR <what>. This runs after the disk actions and before vmboot.echo.
# Usage: make-initramfs.sh OUT.cpio.gz [MODULES_DIR]
set -euo pipefail
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OUT.cpio.gz [MODULES_DIR]" >&2; exit 2; }
out=$1 modules=${2:-}
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! { ldd "$busybox" 2>&1 || true; } | grep -q "not a dynamic executable"; then
    echo "make-initramfs: need a static busybox: apt-get install busybox-static" >&2
    exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/vmboot-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys,tmp}
cp "$busybox" "$stage/bin/busybox"
# The packets-per-second sender of vmboot.net=...,frames: (frame-sender.c), static: the guest has no libc.
command -v gcc >/dev/null || { echo "make-initramfs: need gcc and a static libc: apt-get install gcc libc6-dev" >&2; exit 1; }
gcc -static -O2 -Wall -Werror -o "$stage/bin/frame-sender" "$(dirname "$0")/frame-sender.c"
ln -s busybox "$stage/bin/sh"
# The kernel opens /dev/console for init before devtmpfs is mounted: provide the node (character 5:1,
# Documentation/admin-guide/devices.txt). Without root (no mknod) the kernel's built-in initramfs still has one.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

# The virtio block stack, when MODULES_DIR is given: each module after the ones it depends on (a depth-first walk of
# the "depends=" entries in the modules' .modinfo sections, so no modules.dep or depmod is needed), listed in
# /lib/modules/load-order; /lib/modules/release names the kernel they were built for.
if [ -n "$modules" ]; then
    [ -d "$modules/kernel" ] || {
        echo "make-initramfs: $modules has no kernel/ (not a /lib/modules/<release>)" >&2; exit 1; }
    mkdir -p "$stage/lib/modules"
    declare -A placed=()
    module_file() { # name: its file under $modules (.ko, or compressed .ko.xz / .ko.zst); "-" and "_" are one
        local f
        f=$(find "$modules/kernel" \( -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" \
            -o -name "${1//_/-}.ko" -o -name "${1//_/-}.ko.xz" -o -name "${1//_/-}.ko.zst" \) -print -quit)
        [ -n "$f" ] || { echo "make-initramfs: no module $1 under $modules/kernel" >&2; return 1; }
        echo "$f"
    }
    module_bytes() { # file: the module, decompressed
        case $1 in *.xz) xz -dc "$1" ;; *.zst) zstd -qdc "$1" ;; *) cat "$1" ;; esac
    }
    place() { # name: copies its dependencies, then the module, appending each to load-order once
        local name=$1 f deps d
        [ -n "${placed[$name]:-}" ] && return 0
        placed[$name]=1
        f=$(module_file "$name")
        module_bytes "$f" >"$stage/lib/modules/$name.ko"
        deps=$(tr '\0' '\n' <"$stage/lib/modules/$name.ko" | sed -n 's/^depends=//p')
        for d in ${deps//,/ }; do place "$d"; done
        echo "$name" >>"$stage/lib/modules/load-order"
    }
    place virtio_pci
    place virtio_blk
    place virtio_console
    place virtio_rng
    place virtio_net
    place button
    place evdev
    basename "$modules" >"$stage/lib/modules/release"
fi

cat > "$stage/init" <<'INIT'
#!/bin/sh
export PATH=/bin
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
# With console=hvc0 alone /dev/console has no device until virtio_console is loaded: start on the UART then.
if (: </dev/console) 2>/dev/null; then
    exec </dev/console >/dev/console 2>&1
else
    exec </dev/ttyS0 >/dev/ttyS0 2>&1
fi
cmdline=$($bb cat /proc/cmdline)
disk_actions="" disk_wait=30 console_dev="" hwrng_bytes="" net_actions=""
set -f   # the command line is split into words below, never globbed
for arg in $cmdline; do
    case $arg in
        vmboot.disk=*) disk_actions=${arg#vmboot.disk=} ;;
        vmboot.disk.wait=*) disk_wait=${arg#vmboot.disk.wait=} ;;
        vmboot.console=*) console_dev=${arg#vmboot.console=} ;;
        vmboot.hwrng=*) hwrng_bytes=${arg#vmboot.hwrng=} ;;
        vmboot.net=*) net_actions=${arg#vmboot.net=} ;;
    esac
done
set +f
case $disk_wait in ''|*[!0-9]*) disk_wait=30 ;; esac

# now_ms: milliseconds of the monotonic clock. /proc/timer_list's header has "now at <ns> nsecs" (ktime_get);
# /proc/uptime (10 ms steps) is the fallback.
now_ms() {
    local ns
    ns=$($bb sed -n '/^now at /{s/^now at \([0-9]*\) nsecs$/\1/p;q}' /proc/timer_list 2>/dev/null)
    if [ -n "$ns" ]; then echo $((ns / 1000000)); return; fi
    $bb awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

modules_loaded=""
load_modules() { # insmod the modules (the virtio block stack, the ACPI button) once, in the order written
    local m out
    [ -n "$modules_loaded" ] && return 0
    if [ ! -f /lib/modules/load-order ]; then
        echo "VMBOOT-DISK-ERROR no virtio modules in this initramfs (made without MODULES_DIR)"; return 1
    fi
    if [ "$($bb cat /lib/modules/release)" != "$($bb uname -r)" ]; then
        echo "VMBOOT-DISK-ERROR modules are for $($bb cat /lib/modules/release), the kernel is $($bb uname -r)"
        return 1
    fi
    while read -r m; do
        [ -d "/sys/module/$m" ] && continue
        out=$($bb insmod "/lib/modules/$m.ko" 2>&1) || { echo "VMBOOT-DISK-ERROR insmod $m: $out"; return 1; }
    done </lib/modules/load-order
    modules_loaded=1
}

await_device() { # dev: polls for /dev/DEV (virtio_blk adds the disk when its probe has read the capacity)
    local i=0
    while [ ! -b "/dev/$1" ]; do
        if [ $i -ge $((disk_wait * 10)) ]; then
            echo "VMBOOT-DISK-MISSING dev=$1 waited_s=$disk_wait"; return 1
        fi
        $bb sleep 0.1
        i=$((i + 1))
    done
}

# probe_write dev text: writes one 4 KiB block (text, then zero bytes) at byte 1 MiB through the page cache and
# fsyncs it; the block is left in /tmp/block for comparison. Returns dd's status; its message goes to /tmp/dd.err.
probe_write() {
    $bb dd if=/dev/zero of=/tmp/block bs=4096 count=1 2>/dev/null
    printf '%s' "$2" | $bb dd of=/tmp/block conv=notrunc 2>/dev/null
    $bb dd if=/tmp/block of="/dev/$1" bs=4096 seek=256 count=1 conv=notrunc,fsync 2>/tmp/dd.err
}

# read_back dev: the 4 KiB block at byte 1 MiB as the device has it (the page cache dropped first) into /tmp/back
read_back() {
    $bb blockdev --flushbufs "/dev/$1" &&
        $bb dd if="/dev/$1" of=/tmp/back bs=4096 skip=256 count=1 2>/tmp/dd.err
}

disk_action() { # action dev
    local action=$1 dev=$2 out bytes sum t0 t1 records ro
    case $action in
        sha256)
            bytes=$($bb blockdev --getsize64 "/dev/$dev") &&
                out=$($bb sha256sum "/dev/$dev") || { echo "VMBOOT-DISK-ERROR dev=$dev sha256: read failed"; return; }
            echo "VMBOOT-DISK dev=$dev sha256=${out%% *} bytes=$bytes" ;;
        write:*)
            local pattern=${action#write:}
            case $pattern in ''|*[!A-Za-z0-9._-]*)
                echo "VMBOOT-DISK-ERROR dev=$dev write: pattern must be [A-Za-z0-9._-]+: '$pattern'"; return ;; esac
            if [ ${#pattern} -gt 64 ]; then
                echo "VMBOOT-DISK-ERROR dev=$dev write: pattern over 64 characters"; return
            fi
            if ! probe_write "$dev" "$pattern"; then
                echo "VMBOOT-DISK-ERROR dev=$dev write failed: $($bb head -1 /tmp/dd.err)"; return
            fi
            if ! read_back "$dev"; then
                echo "VMBOOT-DISK-ERROR dev=$dev read-back failed: $($bb head -1 /tmp/dd.err)"; return
            fi
            if $bb cmp -s /tmp/block /tmp/back; then
                echo "VMBOOT-DISK-WRITE dev=$dev offset=1048576 bytes=4096 pattern=$pattern readback=ok"
            else
                echo "VMBOOT-DISK-WRITE dev=$dev offset=1048576 bytes=4096 pattern=$pattern readback=differs"
            fi ;;
        ro-check)
            local write=accepted readback=changed
            ro=$($bb cat "/sys/block/$dev/ro")
            read_back "$dev" && $bb mv /tmp/back /tmp/before ||
                { echo "VMBOOT-DISK-ERROR dev=$dev read failed: $($bb head -1 /tmp/dd.err)"; return; }
            if ! probe_write "$dev" VMBOOT-RO-PROBE; then
                write=refused
                echo "ro-check: the write failed as it should: $($bb head -1 /tmp/dd.err)"
            fi
            read_back "$dev" || { echo "VMBOOT-DISK-ERROR dev=$dev read failed: $($bb head -1 /tmp/dd.err)"; return; }
            $bb cmp -s /tmp/before /tmp/back && readback=unchanged
            echo "VMBOOT-DISK-RO dev=$dev ro=$ro write=$write readback=$readback" ;;
        queue-info)
            local q=/sys/block/$dev/queue f line="VMBOOT-DISK-QUEUE dev=$dev"
            for f in max_segments max_segment_size max_sectors_kb max_hw_sectors_kb nr_requests scheduler; do
                line="$line $f=$($bb cat "$q/$f" 2>/dev/null | $bb tr ' ' '_')"
            done
            line="$line clocksource=$($bb cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
            echo "$line stat=$($bb cat "/sys/block/$dev/stat" | $bb tr -s ' ' | $bb sed 's/^ //' | $bb tr ' ' ',')" ;;
        read-bench)
            bytes=$($bb blockdev --getsize64 "/dev/$dev") || { echo "VMBOOT-DISK-ERROR dev=$dev no size"; return; }
            t0=$(now_ms)
            out=$($bb dd if="/dev/$dev" of=/dev/null bs=1M iflag=direct 2>&1) ||
                { echo "VMBOOT-DISK-ERROR dev=$dev read-bench: $out" | $bb head -1; return; }
            t1=$(now_ms)
            # busybox dd reports only records: "<full>+<partial> records in"
            records=$(echo "$out" | $bb sed -n 's/^\([0-9]*\)+0 records in$/\1/p')
            if [ -z "$records" ] || [ $((records * 1048576)) -ne "$bytes" ]; then
                echo "VMBOOT-DISK-ERROR dev=$dev read-bench read '$(echo "$out" | $bb head -1)' of $bytes bytes"
                return
            fi
            echo "VMBOOT-DISK-READ dev=$dev bytes=$bytes ms=$((t1 - t0))" ;;
        *)
            echo "VMBOOT-DISK-ERROR unknown action '$action' (sha256, write:PATTERN, ro-check, read-bench, queue-info)" ;;
    esac
}

# await_node path: polls for a device node (a driver's probe adds it), as long as await_device waits
await_node() {
    local i=0
    while [ ! -e "$1" ]; do
        [ $i -ge $((disk_wait * 10)) ] && return 1
        $bb sleep 0.1
        i=$((i + 1))
    done
}

if [ "$console_dev" = hvc0 ] && load_modules; then
    if await_node /dev/hvc0; then
        exec </dev/hvc0 >/dev/hvc0 2>&1
        echo "VMBOOT-CONSOLE dev=hvc0 active=$($bb cat /sys/class/tty/console/active) size=$($bb stty size)"
    else
        echo "VMBOOT-CONSOLE-MISSING dev=hvc0 waited_s=$disk_wait"
    fi
fi

case $hwrng_bytes in
    '') ;;
    *[!0-9]*) echo "VMBOOT-HWRNG-ERROR vmboot.hwrng=$hwrng_bytes is not a number of bytes" ;;
    *)
        if load_modules; then
            # rng-core is built in (/dev/hwrng is always there): wait for a generator, then read whatever is current
            i=0
            while [ "$($bb cat /sys/class/misc/hw_random/rng_current 2>/dev/null)" = none ] &&
                [ $i -lt $((disk_wait * 10)) ]; do
                $bb sleep 0.1
                i=$((i + 1))
            done
            got=$($bb head -c "$hwrng_bytes" /dev/hwrng 2>/dev/null | $bb wc -c)
            echo "VMBOOT-HWRNG bytes=$got rng=$($bb cat /sys/class/misc/hw_random/rng_current 2>/dev/null)"
        fi ;;
esac

if [ -n "$disk_actions" ] && load_modules; then
    set -f
    for a in $(echo "$disk_actions" | $bb tr ',' ' '); do
        dev=vda
        case $a in *@*) dev=${a##*@}; a=${a%@*} ;; esac
        await_device "$dev" && disk_action "$a" "$dev"
    done
    set +f
fi

net_check() { # ADDR/PREFIX,PEER[,send:MIB:PORT|,zeros:MIB:PORT|,frames:SECONDS:PORT]
    local addr peer send mib secs port i=0 out sent received bytes rc t0 t1
    addr=${1%%,*}; peer=${1#*,}; send=""
    case $peer in *,*) send=${peer#*,}; peer=${peer%%,*} ;; esac
    while [ ! -e /sys/class/net/eth0 ]; do
        if [ $i -ge $((disk_wait * 10)) ]; then echo "VMBOOT-NET-ERROR no eth0 after ${disk_wait}s"; return; fi
        $bb sleep 0.1
        i=$((i + 1))
    done
    $bb ip link set lo up && $bb ip addr add "$addr" dev eth0 && $bb ip link set eth0 up ||
        { echo "VMBOOT-NET-ERROR configuring eth0 with $addr failed"; return; }
    echo "VMBOOT-NET-UP dev=eth0 mac=$($bb cat /sys/class/net/eth0/address) addr=$addr"
    out=$($bb ping -c 3 -W 5 "$peer" 2>&1)
    sent=$(echo "$out" | $bb sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
    received=$(echo "$out" | $bb sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
    echo "VMBOOT-NET-PING peer=$peer sent=${sent:-0} received=${received:-0}"
    case $send in
        "") ;;
        send:*:*)
            mib=${send#send:}; port=${mib#*:}; mib=${mib%%:*}
            $bb dd if=/dev/urandom of=/tmp/net.data bs=1M count="$mib" iflag=fullblock 2>/dev/null ||
                { echo "VMBOOT-NET-ERROR making $mib MiB of data failed"; return; }
            bytes=$($bb wc -c </tmp/net.data)
            out=$($bb sha256sum /tmp/net.data)
            echo "VMBOOT-NET-DATA bytes=$bytes sha256=${out%% *}"
            $bb timeout 600 $bb nc "$peer" "$port" </tmp/net.data >/dev/null 2>/tmp/nc.err
            rc=$?
            echo "VMBOOT-NET-SENT bytes=$bytes rc=$rc"
            $bb rm -f /tmp/net.data ;;
        zeros:*:*)
            mib=${send#zeros:}; port=${mib#*:}; mib=${mib%%:*}
            t0=$(now_ms)
            $bb dd if=/dev/zero bs=1M count="$mib" iflag=fullblock 2>/dev/null |
                $bb timeout 600 $bb nc "$peer" "$port" >/dev/null
            rc=$?
            t1=$(now_ms)
            echo "VMBOOT-NET-ZEROS bytes=$((mib * 1048576)) ms=$((t1 - t0)) rc=$rc" ;;
        frames:*:*)
            secs=${send#frames:}; port=${secs#*:}; secs=${secs%%:*}
            out=$(/bin/frame-sender "$peer" "$port" "$secs" 18 2>&1) ||
                { echo "VMBOOT-NET-ERROR frame-sender: $out"; return; }
            echo "$out" ;;
        *) echo "VMBOOT-NET-ERROR unknown net action '$send' (send:MIB:PORT, zeros:MIB:PORT, frames:SECONDS:PORT)" ;;
    esac
}

if [ -n "$net_actions" ] && load_modules; then
    net_check "$net_actions"
fi

# After the disk actions, so that a VM can be held with its disk in use (bench/disk.sh measures the VMM's memory).
case " $cmdline " in
    *" vmboot.echo=1 "*)
        echo "VMBOOT-GUEST-READY"
        read -r line
        echo "VMBOOT-GUEST-ECHO $line" ;;
esac

# control_method_button_events: /dev/input/eventN of the control-method power button (PNP0C0C), or nothing
control_method_button_events() {
    local input e
    for input in /sys/class/input/input*; do
        [ "$($bb cat "$input/phys" 2>/dev/null)" = PNP0C0C/button/input0 ] || continue
        for e in "$input"/event*; do [ -e "$e" ] && echo "/dev/input/${e##*/}" && return; done
    done
}
await_power_button() { # obey|ignore
    local counter=/sys/firmware/acpi/interrupts/ff_pwr_btn why="" events=""
    if [ "$1" = obey ]; then
        load_modules >/dev/null || why="no button driver (made without MODULES_DIR)"
        [ -z "$why" ] && [ ! -d /sys/module/button ] && why="button.ko did not load"
        [ -z "$why" ] && events=$(control_method_button_events)
        [ -z "$why" ] && [ -z "$events" ] && [ ! -f $counter ] && why="no PNP0C0C button and no $counter"
    fi
    echo "VMBOOT-GUEST-AWAITING-POWER-BUTTON"
    if [ "$1" = obey ] && [ -z "$why" ]; then
        if [ -n "$events" ]; then
            # one struct input_event (24 bytes on x86-64): the key press; the read blocks until it comes
            $bb dd if="$events" of=/dev/null bs=24 count=1 2>/dev/null
        else
            while [ "$($bb awk '{print $1}' $counter)" = 0 ]; do $bb sleep 0.2; done
        fi
        echo "VMBOOT-GUEST-POWER-BUTTON"
        return
    fi
    [ -n "$why" ] && echo "VMBOOT-GUEST-NO-POWER-BUTTON $why"
    while :; do $bb sleep 3600; done
}
case " $cmdline " in
    *" vmboot.powerbutton=obey "*) await_power_button obey ;;
    *" vmboot.powerbutton=ignore "*) await_power_button ignore ;;
esac

nproc=$($bb grep -c '^processor' /proc/cpuinfo)
mem=$($bb awk '/^MemTotal:/ {print $2}' /proc/meminfo)
echo "VMBOOT-GUEST-OK nproc=$nproc mem_kib=$mem kernel=$($bb uname -r) cmdline=$cmdline"
$bb sync
$bb poweroff -f
# Only reached if power-off failed (no ACPI?): say so rather than hang silently.
echo "VMBOOT-GUEST-POWEROFF-FAILED"
while :; do $bb sleep 3600; done
INIT
chmod 755 "$stage/init"

tmp=$out.tmp.$$
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -9n > "$tmp"
mv "$tmp" "$out"
