package dev.vmboot.machine.internal;

import java.util.ArrayList;
import java.util.List;

import dev.vmboot.api.memory.MemoryRegion;

/**
 * Guest physical address map, the same as cloud-hypervisor's {@code arch/src/x86_64/layout.rs} (which EDK2 CloudHv is
 * built against; see shared/reference/vmm-anchors.md 3.1): RAM from 0 up to 3 GiB, the 32-bit device hole from 3 GiB to
 * 4 GiB, and the rest of RAM from 4 GiB up.
 */
public final class X86Layout {
    private X86Layout() {
    }

    /** layout.rs {@code MEM_32BIT_RESERVED_START}: end of low RAM, start of the 32-bit device hole (3 GiB). */
    public static final long MEM_32BIT_RESERVED_START = 0xC000_0000L;
    /** layout.rs {@code MEM_32BIT_RESERVED_SIZE}: the hole is 1 GiB, up to 4 GiB. */
    public static final long MEM_32BIT_RESERVED_SIZE = 0x4000_0000L;
    /** layout.rs {@code MEM_32BIT_DEVICES_START}: 32-bit MMIO for devices, the start of the hole. */
    public static final long MEM_32BIT_DEVICES_START = MEM_32BIT_RESERVED_START;
    /** layout.rs {@code PCI_MMCONFIG_START}: PCIe ECAM. */
    public static final long PCI_MMCONFIG_START = 0xE800_0000L;
    /** layout.rs {@code PCI_MMCONFIG_SIZE}: 256 buses x 32 devices x 8 functions x 4 KiB. */
    public static final long PCI_MMCONFIG_SIZE = 256L << 20;
    /** layout.rs {@code KVM_TSS_START}: three pages for KVM's real-mode TSS (Intel without unrestricted guest). */
    public static final long KVM_TSS_START = 0xF800_0000L;
    public static final long KVM_TSS_SIZE = 3 * 4096;
    /** layout.rs {@code KVM_IDENTITY_MAP_START}: one page for KVM's EPT identity map, after the TSS. */
    public static final long KVM_IDENTITY_MAP_START = 0xF800_3000L;
    /** layout.rs {@code IOAPIC_START}: the default IOAPIC base (82093AA datasheet). */
    public static final long IOAPIC_START = 0xFEC0_0000L;
    public static final long IOAPIC_SIZE = 0x20;
    /** layout.rs {@code APIC_START}: the default local APIC base (Intel SDM 3A, 10.4.1). */
    public static final long APIC_START = 0xFEE0_0000L;
    /** layout.rs {@code RAM_64BIT_START}: RAM above the hole starts at 4 GiB. */
    public static final long RAM_64BIT_START = 0x1_0000_0000L;

    /** Guest RAM regions for {@code memoryBytes} of memory: below the hole, then from 4 GiB. */
    public static List<MemoryRegion> ramRegions(long memoryBytes) {
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("memory size " + memoryBytes);
        }
        List<MemoryRegion> regions = new ArrayList<>(2);
        long low = Math.min(memoryBytes, MEM_32BIT_RESERVED_START);
        regions.add(new MemoryRegion(0, low, false));
        if (memoryBytes > low) {
            regions.add(new MemoryRegion(RAM_64BIT_START, memoryBytes - low, false));
        }
        return regions;
    }

    /** Bytes of RAM below 4 GiB for {@code memoryBytes}. */
    public static long ramBelow4GiB(long memoryBytes) {
        return Math.min(memoryBytes, MEM_32BIT_RESERVED_START);
    }
}
