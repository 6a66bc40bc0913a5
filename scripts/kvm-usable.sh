# Sourced by scripts: kvm_usable succeeds where KVM can really run guests here. A /dev/kvm node alone is not
# enough: some sandboxes (a microVM without nested virtualisation) have the node but no VT-x/AMD-V in the CPU.
kvm_usable() {
    [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qE '^flags.*\b(vmx|svm)\b' /proc/cpuinfo
}
