package dev.vmboot.boottests;

import static dev.vmboot.boottests.GuestDisks.MIB;
import static dev.vmboot.boottests.GuestDisks.PROBE_BLOCK;
import static dev.vmboot.boottests.GuestDisks.PROBE_OFFSET;
import static dev.vmboot.boottests.GuestDisks.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * virtio-blk seen from a Linux guest: Debian's kernel booted directly ("linux" protocol) with the test initramfs,
 * whose /init loads the kernel's own virtio_pci and virtio_blk modules and, as vmboot.disk=... asks, hashes a disk
 * whole, writes a block and reads it back, or tries to write to a read-only disk (platforms/qemu/guest/
 * make-initramfs.sh), printing one exact line each. Disks are attached with {@code boot --disk PATH[,ro]}, one
 * virtio-blk PCI device each, writable unless {@code ,ro}; the first becomes /dev/vda, the second /dev/vdb. What the
 * guest saw is compared with the host's image before and after.
 * <p>
 * With {@code -Dvmboot.reference=qemu} the same boots run under QEMU-KVM (virtio-blk-pci, modern only; see
 * {@link QemuReference}), where all of this holds.
 */
@Tag("kvm")
class VirtioDiskTest {

    private static final int DATA_MIB = 64;
    /**
     * QEMU-KVM in the lab: 25-45 s from its start to the marker, hashing 64 MiB included; vmboot gets several times
     * that, bounded so that a VMM that loses a request fails these three tests within the lab's hour.
     */
    private static final Duration TO_MARKER = Duration.ofMinutes(5);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);

    private static BootTestEnvironment env;
    private static GuestImages guest;

    @TempDir
    Path dir;

    @BeforeAll
    static void prepareGuest() throws Exception {
        env = BootTestEnvironment.fromSystemProperties();
        guest = GuestImages.prepare(env);
    }

    @Test
    void aReadOnlyDiskIsReadWholeAndRefusesWrites() throws Exception {
        Path data = GuestDisks.data(env, dir.resolve("data.img"), DATA_MIB);
        String before = sha256(data);

        String console = bootToInit("disk-ro", "sha256,ro-check", data + ",ro");

        assertLine(console, "VMBOOT-DISK dev=vda sha256=" + before + " bytes=" + DATA_MIB * MIB);
        // ro=1: the device offers VIRTIO_BLK_F_RO, so the kernel marks the disk read-only and refuses the write itself
        assertLine(console, "VMBOOT-DISK-RO dev=vda ro=1 write=refused readback=unchanged");
        assertEquals(before, sha256(data), "the read-only image is unchanged");
    }

    @Test
    void aWriteReachesTheImageAndNothingElseChanges() throws Exception {
        Path disk = GuestDisks.data(env, dir.resolve("scratch.img"), DATA_MIB);
        String pattern = "vmboot-write-test.1";
        byte[] block = GuestDisks.probeBlock(pattern);
        String expected = sha256(disk, PROBE_OFFSET, block);
        assertNotEquals(sha256(disk), expected, "the test's write must change the image");

        String console = bootToInit("disk-write", "write:" + pattern + ",sha256", disk.toString());

        assertLine(console, "VMBOOT-DISK-WRITE dev=vda offset=" + PROBE_OFFSET + " bytes=" + PROBE_BLOCK + " pattern="
                + pattern + " readback=ok");
        // read whole after the write: the guest sees its block and the rest as it was
        assertLine(console, "VMBOOT-DISK dev=vda sha256=" + expected + " bytes=" + DATA_MIB * MIB);
        assertArrayEquals(block, GuestDisks.read(disk, PROBE_OFFSET, PROBE_BLOCK), "the written block in the image");
        assertEquals(expected, sha256(disk), "the image is the original with the one block written");
    }

    /** Two --disk options: two devices, in the order given, each with its own size, access and content. */
    @Test
    void twoDisksAppearInTheOrderGiven() throws Exception {
        int secondMib = 32;
        Path first = GuestDisks.data(env, dir.resolve("first.img"), DATA_MIB);
        Path second = GuestDisks.data(env, dir.resolve("second.img"), secondMib);
        String firstSha = sha256(first);
        String pattern = "second-disk";
        String secondExpected = sha256(second, PROBE_OFFSET, GuestDisks.probeBlock(pattern));

        String console = bootToInit("disk-two", "sha256@vda,ro-check@vda,write:" + pattern + "@vdb,sha256@vdb",
                first + ",ro", second.toString());

        assertLine(console, "VMBOOT-DISK dev=vda sha256=" + firstSha + " bytes=" + DATA_MIB * MIB);
        assertLine(console, "VMBOOT-DISK-RO dev=vda ro=1 write=refused readback=unchanged");
        assertLine(console, "VMBOOT-DISK-WRITE dev=vdb offset=" + PROBE_OFFSET + " bytes=" + PROBE_BLOCK + " pattern="
                + pattern + " readback=ok");
        assertLine(console, "VMBOOT-DISK dev=vdb sha256=" + secondExpected + " bytes=" + secondMib * MIB);
        assertEquals(firstSha, sha256(first), "the read-only first image is unchanged");
        assertEquals(secondExpected, sha256(second), "the second image has the block written");
    }

    /**
     * Boots the kernel with vmboot.disk=ACTIONS and the disks; returns the console once the init's marker line has
     * come and the VMM has ended with status 0 (the guest's power-off), after checking that no action failed.
     */
    private String bootToInit(String name, String actions, String... disks) throws Exception {
        String cmdline = "console=ttyS0 quiet vmboot.disk=" + actions;
        List<String> args = new ArrayList<>(List.of("-p", "linux", "-m", "512M", "-c", "1",
                "-i", guest.initramfs().toString(), "-a", cmdline));
        for (String disk : disks) {
            args.addAll(List.of("--disk", disk));
        }
        args.add(guest.bzImage().toString());
        try (VmbootProcess vm = QemuReference.boot(env, name, args)) {
            vm.awaitOutput(GuestMarker.PREFIX, TO_MARKER);
            int status = vm.awaitExit(TO_EXIT);
            String console = vm.output();
            GuestMarker marker = GuestMarker.find(console)
                    .orElseThrow(() -> new AssertionError("no complete marker line" + vm.diagnostics()));
            assertEquals(cmdline, marker.cmdline(), "the command line the kernel got" + vm.diagnostics());
            List<String> failures = new ArrayList<>(ConsoleLines.starting(console, "VMBOOT-DISK-ERROR"));
            failures.addAll(ConsoleLines.starting(console, "VMBOOT-DISK-MISSING"));
            assertEquals(List.of(), failures, "the guest's disk actions" + vm.diagnostics());
            assertEquals(0, status, "a clean guest power-off ends the VMM with status 0" + vm.diagnostics());
            return console;
        }
    }

    private static void assertLine(String console, String line) {
        assertTrue(ConsoleLines.has(console, line), "no console line \"" + line + "\"; the guest's disk lines: "
                + ConsoleLines.starting(console, "VMBOOT-DISK"));
    }
}
