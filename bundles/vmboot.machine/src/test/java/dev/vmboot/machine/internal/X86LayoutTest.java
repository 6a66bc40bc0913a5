package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.memory.MemoryRegion;

class X86LayoutTest {

    @Test
    void smallMemoryIsOneLowRegion() {
        assertEquals(List.of(new MemoryRegion(0, 1L << 30, false)), X86Layout.ramRegions(1L << 30));
        assertEquals(1L << 30, X86Layout.ramBelow4GiB(1L << 30));
    }

    @Test
    void memoryAboveThreeGibGoesAboveFourGib() {
        assertEquals(List.of(new MemoryRegion(0, 0xC000_0000L, false), new MemoryRegion(0x1_0000_0000L,
                1L << 30, false)), X86Layout.ramRegions(4L << 30));
        assertEquals(List.of(new MemoryRegion(0, 0xC000_0000L, false)), X86Layout.ramRegions(3L << 30));
    }

    @Test
    void fixedAddressesSitInTheHoleWithoutOverlapping() {
        long[][] ranges = {
            {X86Layout.PCI_MMCONFIG_START, X86Layout.PCI_MMCONFIG_SIZE},
            {X86Layout.KVM_TSS_START, X86Layout.KVM_TSS_SIZE},
            {X86Layout.KVM_IDENTITY_MAP_START, 4096},
            {X86Layout.IOAPIC_START, X86Layout.IOAPIC_SIZE},
            {X86Layout.APIC_START, 4096},
        };
        for (int i = 0; i < ranges.length; i++) {
            long start = ranges[i][0];
            long end = start + ranges[i][1];
            assertEquals(true, start >= X86Layout.MEM_32BIT_RESERVED_START && end <= X86Layout.RAM_64BIT_START,
                    "range " + i);
            if (i > 0) {
                assertEquals(true, start >= ranges[i - 1][0] + ranges[i - 1][1], "range " + i + " overlaps");
            }
        }
        assertEquals(0xE800_0000L + (256L << 20), 0xF800_0000L); // ECAM ends where the TSS starts
    }
}
