package dev.vmboot.payload;

import java.util.zip.CRC32;

/** A class that refers to nothing a trimmed JRE leaves out (JdkClassClosureTest). */
final class PlainFixture {
    private PlainFixture() {
    }

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
