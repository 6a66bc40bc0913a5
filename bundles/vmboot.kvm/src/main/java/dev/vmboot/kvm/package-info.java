/**
 * The Linux KVM API ({@code /dev/kvm}, Documentation/virt/kvm/api.rst) through JNA direct mapping: system, VM and
 * vCPU file descriptors, the shared {@code kvm_run} page, and the x86 register structures. Struct layouts and ioctl
 * numbers follow {@code include/uapi/linux/kvm.h} and {@code arch/x86/include/uapi/asm/kvm.h}.
 */
@Export
@Version("0.2.0")
package dev.vmboot.kvm;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
