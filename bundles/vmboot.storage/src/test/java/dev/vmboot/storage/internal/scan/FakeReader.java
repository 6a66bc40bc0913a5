package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.vmboot.api.fs.CorruptFilesystemException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.storage.BlockDevice;
import dev.vmboot.testkit.MemoryFileSystem;

/**
 * A reader for test volumes that start with "FAKEFS" and a one-byte volume number: each number maps to a prepared
 * {@link MemoryFileSystem} of type {@value #TYPE}, or to a corruption.
 */
final class FakeReader implements FileSystemReader {
    /** The type of this reader and of the filesystems it is given. */
    static final String TYPE = "fakefs";
    static final byte[] MAGIC = "FAKEFS".getBytes(StandardCharsets.US_ASCII);

    private final Map<Integer, MemoryFileSystem> volumes = new HashMap<>();
    private final Map<Integer, String> corrupt = new HashMap<>();

    FakeReader volume(int number, MemoryFileSystem fs) {
        volumes.put(number, fs);
        return this;
    }

    FakeReader corrupt(int number, String problem) {
        corrupt.put(number, problem);
        return this;
    }

    /** The first bytes of a volume this reader recognises. */
    static byte[] superblock(int number) {
        byte[] b = Arrays.copyOf(MAGIC, MAGIC.length + 1);
        b[MAGIC.length] = (byte) number;
        return b;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public boolean probe(BlockDevice device) throws IOException {
        if (device.size() < MAGIC.length + 1) {
            return false;
        }
        return Arrays.equals(device.readBytes(0, MAGIC.length), MAGIC);
    }

    @Override
    public FileSystem open(BlockDevice device) throws IOException {
        int number = device.readBytes(MAGIC.length, 1)[0];
        if (corrupt.containsKey(number)) {
            throw new CorruptFilesystemException("fake superblock", 0, corrupt.get(number));
        }
        MemoryFileSystem fs = volumes.get(number);
        if (fs == null) {
            throw new CorruptFilesystemException("fake superblock", MAGIC.length, "no volume " + number);
        }
        return fs;
    }
}
