package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LsCommandTest {
    @Test
    void aDirectoryListsItsEntriesByNameAndAFileItself(@TempDir Path tmp) {
        InMemoryDisk disk = new InMemoryDisk("disk.img").file("b.txt", "bb".getBytes(StandardCharsets.US_ASCII))
                .file("a.txt", "a".getBytes(StandardCharsets.US_ASCII));
        OneShotShell shell = new OneShotShell(new VmbootCommands(disk, new BlockDeviceOverlap(tmp)));
        assertEquals(new OneShotShell.Result(0, "-rw-r--r--            1 1970-01-01 00:00 a.txt\n"
                + "-rw-r--r--            2 1970-01-01 00:00 b.txt\n", ""), shell.command("vmboot:ls", "disk.img:/"));
        assertEquals(new OneShotShell.Result(0, "-rw-r--r--            2 1970-01-01 00:00 b.txt\n", ""),
                shell.command("vmboot:ls", "disk.img:/b.txt"));
    }
}
