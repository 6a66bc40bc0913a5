package dev.vmboot.storage.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.storage.DiskInfo;

class SysfsBlockDevicesTest {
    @TempDir
    Path sys;

    @Test
    void disksAndPartitionsWithSizesSectorSizesAndPciIds() throws IOException {
        Path vda = SysfsBlockDevicesFixture.disk(sys, "vda", "0000:00:04.0", "0x1af4", "0x1001", 2 * 2048 * 1024,
                512);
        SysfsBlockDevicesFixture.partition(sys, vda, "vda1", 2048);
        Path nvme = SysfsBlockDevicesFixture.disk(sys, "nvme0n1", "0000:01:00.0", "0x144D", "0xA808", 8 * 2048, 4096);
        SysfsBlockDevicesFixture.partition(sys, nvme, "nvme0n1p1", 4096);
        Files.writeString(nvme.resolve("removable"), "1\n");
        // ram0 and loop0 with size 0, and an empty partition: left out.
        Path ram = Files.createDirectories(sys.resolve("devices/virtual/block/ram0"));
        Files.writeString(ram.resolve("size"), "0\n");
        Files.createSymbolicLink(sys.resolve("class/block/ram0"), sys.resolve("class/block").relativize(ram));
        Path loop = Files.createDirectories(sys.resolve("devices/virtual/block/loop0"));
        Files.writeString(loop.resolve("size"), "0\n");
        Files.createSymbolicLink(sys.resolve("class/block/loop0"), sys.resolve("class/block").relativize(loop));
        SysfsBlockDevicesFixture.partition(sys, vda, "vda2", 0);
        // A disk with no device link (device-mapper): no PCI ID.
        Path dm = Files.createDirectories(sys.resolve("devices/virtual/block/dm-0/queue"));
        Files.writeString(dm.resolve("../size"), "100\n");
        Files.writeString(dm.resolve("logical_block_size"), "512\n");
        Files.createSymbolicLink(sys.resolve("class/block/dm-0"), sys.resolve("class/block").relativize(dm
                .getParent()));

        List<DiskInfo> found = new SysfsBlockDevices(sys, Path.of("/dev")).discover();
        assertEquals(List.of(
                new DiskInfo("dm-0", Path.of("/dev/dm-0"), 100 * 512, 512, false, false, Optional.empty()),
                new DiskInfo("nvme0n1", Path.of("/dev/nvme0n1"), 8 * 2048 * 512L, 4096, true, false,
                        Optional.of("144d:a808")),
                new DiskInfo("nvme0n1p1", Path.of("/dev/nvme0n1p1"), 4096 * 512L, 4096, true, true,
                        Optional.of("144d:a808")),
                new DiskInfo("vda", Path.of("/dev/vda"), 2L * 2048 * 1024 * 512, 512, false, false,
                        Optional.of("1af4:1001")),
                new DiskInfo("vda1", Path.of("/dev/vda1"), 2048 * 512L, 512, false, true,
                        Optional.of("1af4:1001"))), found);
    }

    @Test
    void noSysfsMeansNoDisks() throws IOException {
        assertEquals(List.of(), new SysfsBlockDevices(sys.resolve("absent"), Path.of("/dev")).discover());
    }

    @Test
    void openingAMissingFileOrADirectoryFailsClearly() {
        BlockStorage storage = new BlockStorage(new SysfsBlockDevices(sys, Path.of("/dev")));
        assertEquals(sys.resolve("nope") + ": no such file", assertThrows(IOException.class,
                () -> storage.open(sys.resolve("nope"))).getMessage());
        assertEquals(sys + ": not an image file or block device", assertThrows(IOException.class,
                () -> storage.open(sys)).getMessage());
    }

    @Test
    void thisMachinesSysfsIsReadable() throws IOException {
        for (DiskInfo d : new SysfsBlockDevices(Path.of("/sys"), Path.of("/dev")).discover()) {
            assertEquals(true, d.size() > 0, d.toString());
            assertEquals(true, d.logicalSectorSize() >= 512, d.toString());
        }
    }
}
