package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Console lines as QEMU-KVM's transcripts show them (OVMF's shell and GRUB under the lab, verbatim bytes). */
class ConsoleLinesTest {

    @Test
    void theShellsColoursAreRemovedFromItsMapOutput() {
        String console = "\u001b[1m\u001b[33m\u001b[40mMapping table\u001b[0m\u001b[37m\u001b[40m\r\n"
                + "\u001b[1m\u001b[33m\u001b[40m      FS0:\u001b[0m\u001b[37m\u001b[40m \u001b[1m\u001b[37m\u001b[40m"
                + "Alias(s):\u001b[0m\u001b[37m\u001b[40mHD0b:;BLK1:\r\n"
                + "          PciRoot(0x0)/Pci(0x2,0x0)/HD(1,GPT,8A4E2F61-3B7C-4D95-A1E8-6C2D0F9B7E34,0x800,0x1F000)\r\n";
        assertEquals(List.of("Mapping table", "      FS0: Alias(s):HD0b:;BLK1:",
                "          PciRoot(0x0)/Pci(0x2,0x0)/HD(1,GPT,8A4E2F61-3B7C-4D95-A1E8-6C2D0F9B7E34,0x800,0x1F000)", ""),
                ConsoleLines.of(console));
    }

    @Test
    void aLoneCarriageReturnBeforeALineIsDropped() {
        String console = "Booting in blind mode\r\n\rVMBOOT-DISK dev=vda sha256=ab bytes=1\r\nnext\n";
        assertTrue(ConsoleLines.has(console, "VMBOOT-DISK dev=vda sha256=ab bytes=1"));
        assertEquals(List.of("VMBOOT-DISK dev=vda sha256=ab bytes=1"), ConsoleLines.starting(console, "VMBOOT-DISK"));
    }

    @Test
    void onlyWholeLinesMatch() {
        String console = "Shell> echo VMBOOT-ESP-STARTUP\r\nVMBOOT-ESP-STARTUP-NOT\r\n";
        assertFalse(ConsoleLines.has(console, "VMBOOT-ESP-STARTUP"));
        assertTrue(ConsoleLines.has(console + "VMBOOT-ESP-STARTUP\r\n", "VMBOOT-ESP-STARTUP"));
    }
}
