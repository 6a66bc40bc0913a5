package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The marker parser, on console text as QEMU shows it (CR LF line ends, kernel messages around it). */
class GuestMarkerTest {

    @Test
    void parsesTheMarkerAmongKernelMessages() {
        String console = "[    0.000000] Linux version 6.1.0\r\n"
                + "VMBOOT-GUEST-OK nproc=2 mem_kib=468168 kernel=6.1.0-56-amd64 cmdline=console=ttyS0 quiet a=b c\r\n"
                + "[    2.237225] reboot: Power down\r\n";

        assertEquals(Optional.of(new GuestMarker(2, 468168, "6.1.0-56-amd64", "console=ttyS0 quiet a=b c")),
                GuestMarker.find(console));
    }

    @Test
    void anUnfinishedOrMangledLineIsNoMarker() {
        assertTrue(GuestMarker.find("VMBOOT-GUEST-OK nproc=2 mem_kib=").isEmpty());
        assertTrue(GuestMarker.find("VMBOOT-GUEST-OK nproc=x mem_kib=1 kernel=k cmdline=\n").isEmpty());
        assertTrue(GuestMarker.find("echo VMBOOT-GUEST-OK nproc=1 mem_kib=1 kernel=k cmdline=\n").isEmpty());
    }

    @Test
    void escapeSequencesBeforeTheMarkerAreSkipped() {
        // what OVMF leaves on the line when it hands over to the kernel (screen clear, cursor home, mode set)
        String console = "\u001b[2J\u001b[01;01H\u001b[=3h\u001b[2J\u001b[01;01HVMBOOT-GUEST-OK nproc=2 mem_kib=462228 "
                + "kernel=6.1.0-56-amd64 cmdline=console=ttyS0 initrd=initrd\r\n[    5.4] reboot: Power down\r\n";
        GuestMarker m = GuestMarker.find(console).orElseThrow();
        assertEquals(2, m.nproc());
        assertEquals("console=ttyS0 initrd=initrd", m.cmdline());
        assertTrue(GuestMarker.find("xVMBOOT-GUEST-OK nproc=1 mem_kib=1 kernel=k cmdline=\n").isEmpty(),
                "other text before the marker is no marker");
    }

    @Test
    void anEmptyCommandLineIsKept() {
        assertEquals("", GuestMarker.find("VMBOOT-GUEST-OK nproc=1 mem_kib=1 kernel=k cmdline=\n")
                .orElseThrow().cmdline());
    }
}
