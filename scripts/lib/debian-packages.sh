# Sourced by the scripts that install the Debian packages they build with (platforms/qemu/firmware/build-cloudhv.sh,
# platforms/supermicro/x11sch-f/build-kernel.sh). scripts/install-deps keeps its own loop: it logs apt to a file.
# shellcheck shell=bash

# install_missing_packages NAME PACKAGE...: installs those of PACKAGE... not installed yet (as root: otherwise fails,
# naming them), retrying once after `apt-get update` (a fresh machine may have no package lists); messages go to
# stderr as "NAME: ...".
install_missing_packages() {
    local name=$1 p
    shift
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "$name: missing packages: ${missing[*]} (run as root, or install them)" >&2
        return 1
    fi
    echo "$name: installing ${missing[*]}" >&2
    local install=(apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300)
    if ! DEBIAN_FRONTEND=noninteractive "${install[@]}" "${missing[@]}" >&2; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300 >&2
        DEBIAN_FRONTEND=noninteractive "${install[@]}" "${missing[@]}" >&2
    fi
}
