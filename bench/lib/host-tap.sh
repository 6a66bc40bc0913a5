# Sourced by the network benchmarks (bench/net.sh, bench/net-profile.sh): the host's end of the guest's network.
# shellcheck shell=bash

# host_tap TAP IP: makes TAP afresh (an old one of that name is deleted first), with IP/24, up. Inside the lab, whose
# kernel has tun as a module, loads tun.ko from the lab's unpacked kernel image first. Needs root.
host_tap() {
    local tap=$1 ip=$2 rel
    if [ ! -e /dev/net/tun ]; then
        rel=$(uname -r)
        busybox insmod "${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}/$rel/image/lib/modules/$rel/kernel/drivers/net/tun.ko"
        for _ in $(seq 50); do [ -e /dev/net/tun ] && break; sleep 0.1; done
    fi
    ip link del "$tap" 2>/dev/null || true
    ip tuntap add dev "$tap" mode tap
    ip addr add "$ip/24" dev "$tap"
    ip link set "$tap" up
}
