package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDeviceOverlapTest {
    @Test
    void deviceNumbersSplitAsGlibcSplitsThem() {
        // makedev(8, 1), makedev(259, 3), makedev(0x12345, 0x678901) by glibc's __SYSMACROS_DEFINE_MAKEDEV
        assertEquals(8, BlockDeviceOverlap.major(0x801L));
        assertEquals(1, BlockDeviceOverlap.minor(0x801L));
        assertEquals(259, BlockDeviceOverlap.major(0x10303L));
        assertEquals(3, BlockDeviceOverlap.minor(0x10303L));
        long dev = (0x12345L & 0xfff) << 8 | (0x12345L & ~0xfffL) << 32 | (0x678901L & 0xff)
                | (0x678901L & ~0xffL) << 12;
        assertEquals(0x12345L, BlockDeviceOverlap.major(dev));
        assertEquals(0x678901L, BlockDeviceOverlap.minor(dev));
    }

    @Test
    void filesAndUnknownDevicesShareNothing(@TempDir Path tmp) throws Exception {
        BlockDeviceOverlap sysfs = new BlockDeviceOverlap(tmp.resolve("sys"));
        Path file = Files.writeString(tmp.resolve("disk.img"), "x");
        Path node = BlockDeviceNode.make(tmp, "node", 7);
        assertFalse(sysfs.overlap(file, file), "files are compared by Files.isSameFile, not here");
        assertFalse(sysfs.overlap(node, node), "sysfs knows no 0:7 here");
        assertFalse(sysfs.overlap(node, tmp.resolve("missing")));
    }
}
