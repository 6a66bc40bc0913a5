package dev.vmboot.machine.internal.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.platform.PciFunction;

/** MSI-X (PCI Local Bus Specification 3.0, 6.8.2) as the guest programs it through the capability and the BAR. */
class MsixTableTest {

    /** Writes entry {@code vector} of the table through the function's BAR, unmasking it. */
    static void program(VirtioPciFunction f, int vector, long address, int data) {
        long entry = VirtioPciFunction.MSIX_TABLE_OFFSET + 16L * vector;
        f.bar().write(entry, 4, address & 0xFFFF_FFFFL);
        f.bar().write(entry + 4, 4, address >>> 32);
        f.bar().write(entry + 8, 4, data);
        f.bar().write(entry + 12, 4, 0);
    }

    /** Sets Message Control's MSI-X Enable and Function Mask bits, as a driver does through configuration space. */
    static void enable(VirtioPciFunction f, boolean enable, boolean functionMask) {
        int control = f.readConfig(VirtioPciFunction.CAP_MSIX + 2, 2);
        control = (control & 0x07FF) | (enable ? 0x8000 : 0) | (functionMask ? 0x4000 : 0);
        f.writeConfig(VirtioPciFunction.CAP_MSIX + 2, 2, control);
    }

    @Test
    void theCapabilityDescribesTheTableAndThePbaInBar0() {
        TransportHarness h = new TransportHarness();
        PciFunction f = h.function;
        assertEquals(0x11, f.readConfig(VirtioPciFunction.CAP_MSIX, 1));
        assertEquals(2, f.readConfig(VirtioPciFunction.CAP_MSIX + 2, 2) & 0x7FF, "table size - 1: 2 queues + config");
        assertEquals(VirtioPciFunction.MSIX_TABLE_OFFSET, f.readConfig(VirtioPciFunction.CAP_MSIX + 4, 4));
        assertEquals(VirtioPciFunction.MSIX_PBA_OFFSET, f.readConfig(VirtioPciFunction.CAP_MSIX + 8, 4));
        f.writeConfig(VirtioPciFunction.CAP_MSIX + 2, 2, 0x07FF);
        assertEquals(2, f.readConfig(VirtioPciFunction.CAP_MSIX + 2, 2), "the table size is read-only");
    }

    @Test
    void everyVectorStartsMasked() {
        TransportHarness h = new TransportHarness();
        assertEquals(1, h.function.bar().read(VirtioPciFunction.MSIX_TABLE_OFFSET + 12, 4));
    }

    @Test
    void aMaskedVectorIsHeldPendingAndSentWhenUnmasked() {
        List<String> sent = new ArrayList<>();
        MsixTable t = new MsixTable(2, (a, d) -> sent.add(Long.toHexString(a) + ":" + d));
        t.control(true, false);
        t.writeTable(16, 4, 0xFEE0_1000L);
        t.writeTable(24, 4, 7);
        assertTrue(t.trigger(1));
        assertEquals(List.of(), sent, "6.8.2.9: vectors are masked after reset");
        assertTrue(t.isPending(1));
        assertEquals(2, t.readPba(0, 8));
        t.writeTable(28, 4, 0);
        assertEquals(List.of("fee01000:7"), sent);
        assertFalse(t.isPending(1));
        assertEquals(0, t.readPba(0, 4));
    }

    @Test
    void theFunctionMaskHoldsEveryVector() {
        List<String> sent = new ArrayList<>();
        MsixTable t = new MsixTable(2, (a, d) -> sent.add(Long.toHexString(a) + ":" + d));
        t.writeTable(0, 8, 0xFEE0_0000L);
        t.writeTable(8, 4, 0x31);
        t.writeTable(12, 4, 0);
        t.control(true, true);
        t.trigger(0);
        assertEquals(List.of(), sent);
        t.control(true, false);
        assertEquals(List.of("fee00000:49"), sent);
    }

    @Test
    void disabledMsixLeavesTheInterruptToIntxAndOutOfRangeVectorsAreDropped() {
        List<String> sent = new ArrayList<>();
        MsixTable t = new MsixTable(2, (a, d) -> sent.add(a + ":" + d));
        assertFalse(t.trigger(0), "MSI-X disabled: the caller uses INTx");
        t.control(true, false);
        assertTrue(t.trigger(0xFFFF));
        assertTrue(t.trigger(-1));
        assertEquals(List.of(), sent);
    }

    @Test
    void oddAccessesReadZeroAndChangeNothing() {
        MsixTable t = new MsixTable(1, (a, d) -> { });
        t.writeTable(2, 2, 0xFFFF);
        t.writeTable(13, 1, 0);
        t.writeTable(4096, 4, 1);
        assertEquals(0, t.readTable(0, 4));
        assertEquals(1, t.readTable(12, 4));
        assertEquals(0, t.readTable(1, 4));
        assertEquals(0, t.readTable(16, 4));
        assertEquals(0, t.readPba(3, 4));
    }
}
