package dev.vmboot.machine.internal.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.vmboot.platform.PciFunction;

/** What a driver finds in configuration space (virtio 1.2, 4.1.2 and 4.1.4) and how the BAR sizes. */
class VirtioPciFunctionTest {

    @Test
    void identifiesAsAModernVirtioBlockDevice() {
        PciFunction f = new TransportHarness().function;
        assertEquals(0x1AF4, f.vendorId());
        assertEquals(0x1042, f.deviceId(), "4.1.2.1: 0x1040 + device type 2");
        assertEquals(1, f.readConfig(PciFunction.REVISION_ID, 1), "non-transitional: revision 1");
        assertEquals(0x018000, f.readConfig(PciFunction.REVISION_ID, 4) >>> 8, "class: other mass storage");
        assertEquals(0x1AF4, f.readConfig(PciFunction.SUBSYSTEM_VENDOR_ID, 2));
        assertEquals(1, f.readConfig(PciFunction.INTERRUPT_PIN, 1), "INTA#");
        assertEquals(0x10, f.readConfig(PciFunction.STATUS, 2) & 0x10, "a capabilities list");
    }

    /** Walks the capability list as a driver does, from the pointer at 0x34, and keys virtio ones by cfg_type. */
    static Map<Integer, int[]> capabilities(PciFunction f) {
        Map<Integer, int[]> caps = new LinkedHashMap<>();
        int at = f.readConfig(PciFunction.CAPABILITIES_POINTER, 1);
        for (int seen = 0; at != 0 && seen < 48; seen++) {
            int id = f.readConfig(at, 1);
            if (id == VirtioPciFunction.CAP_ID_VENDOR) {
                caps.put(f.readConfig(at + 3, 1), new int[] {at, f.readConfig(at + 2, 1), f.readConfig(at + 4, 1),
                        f.readConfig(at + 8, 4), f.readConfig(at + 12, 4)});
            } else {
                caps.put(-id, new int[] {at});
            }
            at = f.readConfig(at + 1, 1);
        }
        return caps;
    }

    @Test
    void theCapabilityListHoldsEveryVirtioStructureAndMsix() {
        PciFunction f = new TransportHarness().function;
        Map<Integer, int[]> caps = capabilities(f);
        assertEquals(java.util.List.of(1, 2, 3, 4, 5, -0x11), java.util.List.copyOf(caps.keySet()));
        // {offset in config space, cap_len, bar, offset in BAR, length}
        assertEquals("[64, 16, 0, 0, 56]", java.util.Arrays.toString(caps.get(1)));
        assertEquals("[80, 20, 0, 12288, 8]", java.util.Arrays.toString(caps.get(2)));
        assertEquals(4, f.readConfig(caps.get(2)[0] + 16, 4), "notify_off_multiplier");
        assertEquals("[100, 16, 0, 4096, 1]", java.util.Arrays.toString(caps.get(3)));
        assertEquals("[116, 16, 0, 8192, 4096]", java.util.Arrays.toString(caps.get(4)));
        assertEquals(20, caps.get(5)[1]);
        for (int[] c : caps.values()) {
            assertEquals(0, c[0] % 4, "PCI 3.0, 6.7: capabilities are dword aligned");
        }
    }

    @Test
    void bar0IsA64BitMemoryBarOf32KiB() {
        PciFunction f = new TransportHarness().function;
        f.writeConfig(PciFunction.BAR0, 4, 0xFFFF_FFFF);
        f.writeConfig(PciFunction.BAR0 + 4, 4, 0xFFFF_FFFF);
        long low = f.readConfig(PciFunction.BAR0, 4) & 0xFFFF_FFFFL;
        long high = f.readConfig(PciFunction.BAR0 + 4, 4) & 0xFFFF_FFFFL;
        assertEquals(0x4, low & 0xF, "memory, 64-bit, not prefetchable");
        long mask = high << 32 | (low & ~0xFL);
        assertEquals(0x8000, -mask);
    }

    @Test
    void thePciCfgWindowReadsAndWritesTheBar() {
        TransportHarness h = new TransportHarness();
        PciFunction f = h.function;
        int cap = capabilities(f).get(VirtioPciFunction.CAP_PCI_CFG)[0];
        f.writeConfig(cap + 4, 1, 0);
        f.writeConfig(cap + 8, 4, VirtioPciTransport.NUM_QUEUES);
        f.writeConfig(cap + 12, 4, 2);
        assertEquals(2, f.readConfig(cap + 16, 2), "4.1.4.9: num_queues through configuration space");

        f.writeConfig(cap + 8, 4, VirtioPciTransport.QUEUE_SELECT);
        f.writeConfig(cap + 16, 4, 1);
        assertEquals(1, h.read(VirtioPciTransport.QUEUE_SELECT, 2));

        f.writeConfig(cap + 12, 4, 3);
        assertEquals(0, f.readConfig(cap + 16, 4), "a length of 3 is not served");
    }
}
