package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataSharingArchiveTest {
    @TempDir
    Path tmp;

    /** A maps line as fs/proc/task_mmu.c prints it, for FILE's device and inode. */
    private static String mapsLine(Path file) throws IOException {
        long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
        long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
        return String.format("800bc7000-80105f000 r--p 00001000 %02x:%02x %d                 %s%n",
                ClassDataSharingArchive.major(dev), ClassDataSharingArchive.minor(dev), inode, file);
    }

    @Test
    void anArchiveTheProcessMapsIsKept() throws IOException {
        Path archive = Files.write(tmp.resolve("vmboot.jsa"), new byte[] {1});
        Path maps = Files.writeString(tmp.resolve("maps"), "00400000-00401000 r-xp 00000000 00:00 0\n"
                + mapsLine(archive) + "7ffd0000-7ffd1000 rw-p 00000000 00:00 0                  [stack]\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new ClassDataSharingArchive(archive).checkUsed(maps, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(Files.exists(archive));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anArchiveTheJvmRefusedIsReportedAndRemoved() throws IOException {
        Path archive = Files.write(tmp.resolve("vmboot.jsa"), new byte[] {1});
        Path other = Files.write(tmp.resolve("felix.jar"), new byte[] {2});
        // The same path but another inode (a file replaced since) does not count either.
        Path maps = Files.writeString(tmp.resolve("maps"), mapsLine(other).replace(other.toString(),
                archive.toString()));
        Path real = archive.toRealPath();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new ClassDataSharingArchive(archive).checkUsed(maps, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertFalse(Files.exists(archive));
        assertEquals("vmboot: the class data sharing archive " + real
                + " was not used by this JVM (made for another JDK, or the jars changed since); removed, the next"
                + " start makes a new one\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void thisJvmMapsItsOwnJdkArchive() throws IOException {
        // The JDK's own base archive, which the JVM running this test maps unless sharing is off.
        Path base = Path.of(System.getProperty("java.home"), "lib/server/classes.jsa");
        if (Files.exists(base) && System.getProperty("java.vm.info", "").contains("sharing")) {
            assertTrue(new ClassDataSharingArchive(base).isMapped(ClassDataSharingArchive.SELF_MAPS));
        }
        assertFalse(new ClassDataSharingArchive(Files.write(tmp.resolve("x.jsa"), new byte[] {1}))
                .isMapped(ClassDataSharingArchive.SELF_MAPS));
    }

    @Test
    void deviceNumbersSplitAsGlibcDoes() {
        // makedev(259, 1), an NVMe partition; makedev(8, 300), a minor number beyond 8 bits; makedev(4096, 0).
        assertEquals(259, ClassDataSharingArchive.major(0x10301L));
        assertEquals(1, ClassDataSharingArchive.minor(0x10301L));
        long dev = (8L << 8) | (300L & 0xff) | ((300L & ~0xffL) << 12);
        assertEquals(8, ClassDataSharingArchive.major(dev));
        assertEquals(300, ClassDataSharingArchive.minor(dev));
        long big = (4096L & 0xfffff000L) << 32;
        assertEquals(4096, ClassDataSharingArchive.major(big));
        assertEquals(0, ClassDataSharingArchive.minor(big));
    }
}
