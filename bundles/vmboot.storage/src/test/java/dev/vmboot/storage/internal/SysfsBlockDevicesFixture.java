package dev.vmboot.storage.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a fake {@code /sys} with the layout the kernel uses for a PCI-attached disk. */
public final class SysfsBlockDevicesFixture {

    private SysfsBlockDevicesFixture() {
    }

    /** A disk {@code name} under PCI function {@code pci} with the given IDs, size in 512-byte units. */
    public static Path disk(Path sys, String name, String pci, String vendor, String device, long sectors,
            int logicalBlockSize) throws IOException {
        Path function = sys.resolve("devices/pci0000:00/" + pci);
        Files.createDirectories(function);
        Files.writeString(function.resolve("vendor"), vendor + "\n");
        Files.writeString(function.resolve("device"), device + "\n");
        Path transport = function.resolve("virtio-or-host/" + name + "-dev");
        Files.createDirectories(transport);
        Files.writeString(transport.resolve("vendor"), "ATA     \n"); // SCSI-style vendor text: not a PCI ID
        Path disk = transport.resolve("block/" + name);
        Files.createDirectories(disk.resolve("queue"));
        Files.writeString(disk.resolve("size"), sectors + "\n");
        Files.writeString(disk.resolve("removable"), "0\n");
        Files.writeString(disk.resolve("queue/logical_block_size"), logicalBlockSize + "\n");
        Files.createSymbolicLink(disk.resolve("device"), disk.relativize(transport));
        Path classBlock = sys.resolve("class/block");
        Files.createDirectories(classBlock);
        Files.createSymbolicLink(classBlock.resolve(name), classBlock.relativize(disk));
        return disk;
    }

    /** A partition {@code name} of {@code disk}. */
    public static void partition(Path sys, Path disk, String name, long sectors) throws IOException {
        Path part = disk.resolve(name);
        Files.createDirectories(part);
        Files.writeString(part.resolve("size"), sectors + "\n");
        Files.writeString(part.resolve("partition"), "1\n");
        Path classBlock = sys.resolve("class/block");
        Files.createSymbolicLink(classBlock.resolve(name), classBlock.relativize(part));
    }
}
