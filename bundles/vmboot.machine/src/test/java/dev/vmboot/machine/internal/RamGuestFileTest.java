package dev.vmboot.machine.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.memory.GuestMemoryException;
import dev.vmboot.kvm.AnonymousMemory;

/**
 * {@link RamGuestFile} over real anonymous memory (no KVM needed): guest ranges become host addresses of the right
 * region, every range is checked before anything is read, more ranges than one {@code preadv} takes are read in
 * several, and the end of the file and released memory are told apart from success.
 */
class RamGuestFileTest {
    /** Two RAM regions of 64 KiB, at guest 0x10000 and 0x100000, in one host mapping, as the machine maps them. */
    static final long LOW = 0x10000;
    static final long HIGH = 0x100000;
    static final long SIZE = 64 << 10;

    @TempDir
    Path dir;
    AnonymousMemory ram;
    byte[] content;
    Path image;
    boolean mapped = true;
    RamGuestFile file;

    @BeforeEach
    void setUp() throws Exception {
        ram = AnonymousMemory.allocate(2 * SIZE);
        content = new byte[32 << 10];
        new Random(3).nextBytes(content);
        image = Files.write(dir.resolve("disk.img"), content);
        file = RamGuestFile.open(image, List.of(new RamGuestFile.HostRam(LOW, SIZE, ram.hostAddress()),
                new RamGuestFile.HostRam(HIGH, SIZE, ram.hostAddress() + SIZE)), () -> mapped);
    }

    @AfterEach
    void tearDown() {
        file.close();
        ram.close();
    }

    /** {@code length} bytes of guest RAM at {@code address} (in one of the two regions). */
    byte[] guest(long address, int length) {
        long offset = address >= HIGH ? SIZE + address - HIGH : address - LOW;
        ByteBuffer b = ram.buffers(0, 2 * SIZE, 20).get(0);
        byte[] out = new byte[length];
        b.get((int) offset, out);
        return out;
    }

    byte[] content(int from, int length) {
        byte[] out = new byte[length];
        System.arraycopy(content, from, out, 0, length);
        return out;
    }

    @Test
    void rangesInBothRegionsAreFilledInOrder() throws IOException {
        long[] addresses = { LOW + 100, HIGH + 4096, LOW + SIZE - 512 };
        long[] lengths = { 1000, 3000, 512 };
        assertEquals(4512, file.read(1024, addresses, lengths, 3));
        assertArrayEquals(content(1024, 1000), guest(LOW + 100, 1000));
        assertArrayEquals(content(2024, 3000), guest(HIGH + 4096, 3000));
        assertArrayEquals(content(5024, 512), guest(LOW + SIZE - 512, 512));
    }

    @Test
    void moreRangesThanOnePreadvTakesAreReadInSeveral() throws IOException {
        int n = 2000; // UIO_MAXIOV is 1024
        long[] addresses = new long[n];
        long[] lengths = new long[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = LOW + 16L * (n - 1 - i); // backwards through the region: order matters
            lengths[i] = 16;
        }
        assertEquals(16L * n, file.read(0, addresses, lengths, n));
        for (int i = 0; i < n; i += 333) {
            assertArrayEquals(content(16 * i, 16), guest(addresses[i], 16), "range " + i);
        }
    }

    @Test
    void aRangeOutsideRamOrAcrossRegionsOrWrappingReadsNothing() throws IOException {
        long[][] bad = { { LOW + SIZE - 8, 16 }, { HIGH - 16, 32 }, { 0, 512 }, { -8, 16 }, { HIGH, -1 },
                { HIGH + SIZE, 1 } };
        for (long[] range : bad) {
            long[] addresses = { LOW, range[0] };
            long[] lengths = { 512, range[1] };
            assertThrows(GuestMemoryException.class, () -> file.read(0, addresses, lengths, 2),
                    () -> String.format("[0x%x, +%d)", range[0], range[1]));
            assertArrayEquals(new byte[512], guest(LOW, 512), "the good first range was not read either");
        }
    }

    @Test
    void theEndOfTheFileShortensTheRead() throws IOException {
        long[] addresses = { LOW, HIGH };
        long[] lengths = { 4096, 8192 };
        assertEquals(content.length - 30000, file.read(30000, addresses, lengths, 2));
        assertEquals(0, file.read(content.length, addresses, lengths, 2));
    }

    @Test
    void releasedMemoryIsNotReadInto() {
        mapped = false;
        assertThrows(GuestMemoryException.class, () -> file.read(0, new long[] { LOW }, new long[] { 16 }, 1));
    }

    @Test
    void aCountBeyondTheArraysIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> file.read(0, new long[1], new long[1], 2));
        assertThrows(IllegalArgumentException.class, () -> file.read(-1, new long[1], new long[1], 1));
    }
}
