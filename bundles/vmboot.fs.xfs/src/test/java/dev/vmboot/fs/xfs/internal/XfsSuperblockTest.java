package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.fs.CorruptFilesystemException;

/** Superblock fields against what mkfs.xfs was asked for and what xfs_db reports. */
class XfsSuperblockTest {
    @TempDir
    Path work;

    @Test
    void geometryLabelAndUuidMatchMkfs() throws IOException {
        String uuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
        Path image = XfsImages.mkfs(work.resolve("sb.img"), 64L << 20, "-L", "bootvol", "-m", "uuid=" + uuid,
                "-d", "agcount=4", "-b", "size=2048", "-n", "size=8192");
        byte[] sector = Files.readAllBytes(image);
        XfsSuperblock sb = XfsSuperblock.parse(sector);
        assertEquals(5, sb.version());
        assertEquals("bootvol", sb.label());
        assertEquals(uuid, sb.uuidString());
        assertEquals(2048, sb.blockSize());
        assertEquals(4, sb.agCount());
        assertEquals(2, sb.dirBlockLog());
        assertTrue(sb.hasFtype());
        String db = dev.vmboot.testkit.ExternalTool.run("xfs_db", "-r", "-c", "sb 0", "-c", "p agblocks agblklog",
                image.toString());
        assertTrue(db.contains("agblocks = " + sb.agBlocks()) && db.contains("agblklog = " + sb.agBlockLog()), db);
    }

    @Test
    void inodeNumbersSplitIntoAgBlockAndIndex() throws IOException {
        Path image = XfsImages.mkfs(work.resolve("ino.img"), 64L << 20, "-d", "agcount=4");
        byte[] data = Files.readAllBytes(image);
        XfsSuperblock sb = XfsSuperblock.parse(data);
        long ino = (3L << (sb.agBlockLog() + sb.inodesPerBlockLog())) | (5L << sb.inodesPerBlockLog()) | 1;
        assertEquals(((3 * sb.agBlocks() + 5) << sb.blockLog()) + sb.inodeSize(), sb.inodeOffset(ino));
        assertThrows(CorruptFilesystemException.class,
                () -> sb.inodeOffset(4L << (sb.agBlockLog() + sb.inodesPerBlockLog())));
        assertThrows(CorruptFilesystemException.class, () -> sb.deviceBlock(sb.agBlocks() - 1, 2, "test"));
    }
}
