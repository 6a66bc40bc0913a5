package dev.vmboot.acpi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The 36-byte header every system description table starts with (ACPI 6.5, 5.2.6 "System Description Table Header",
 * Table 5.4): Signature 0, Length 4, Revision 8, Checksum 9, OEMID 10, OEM Table ID 16, OEM Revision 24, Creator ID
 * 28, Creator Revision 32.
 *
 * @param oemId           6 ASCII characters (padded with spaces)
 * @param oemTableId      8 ASCII characters (padded with spaces)
 * @param oemRevision     OEM revision
 * @param creatorId       4 ASCII characters: the vendor of the tool that made the table
 * @param creatorRevision revision of that tool
 */
public record SdtHeader(String oemId, String oemTableId, int oemRevision, String creatorId, int creatorRevision) {

    public static final int SIZE = 36;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 9;

    /** vmboot's identity in every table it builds. */
    public static final SdtHeader VMBOOT = new SdtHeader("VMBOOT", "VMBOOT", 1, "VMBT", 1);

    public SdtHeader {
        oemId = ascii(oemId, 6, "OEM ID");
        oemTableId = ascii(oemTableId, 8, "OEM table ID");
        creatorId = ascii(creatorId, 4, "creator ID");
    }

    /** A little-endian buffer of {@code length} bytes starting with this header for {@code signature}. */
    ByteBuffer start(String signature, int revision, int length) {
        if (length < SIZE) {
            throw new IllegalArgumentException("table shorter than its header: " + length);
        }
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(bytes(ascii(signature, 4, "signature")));
        b.putInt(length);
        b.put((byte) revision);
        b.put((byte) 0); // checksum, set by seal()
        b.put(bytes(oemId));
        b.put(bytes(oemTableId));
        b.putInt(oemRevision);
        b.put(bytes(creatorId));
        b.putInt(creatorRevision);
        return b;
    }

    /** Sets the checksum byte so that the whole table sums to zero, and returns the table. */
    static byte[] seal(ByteBuffer table) {
        byte[] t = table.array();
        t[CHECKSUM_OFFSET] = 0;
        t[CHECKSUM_OFFSET] = checksumFor(t, 0, t.length);
        return t;
    }

    /** The byte that makes {@code bytes[offset, offset + length)} sum to zero modulo 256. */
    public static byte checksumFor(byte[] bytes, int offset, int length) {
        return (byte) -sum(bytes, offset, length);
    }

    /** The sum of {@code bytes[offset, offset + length)} modulo 256; 0 for a correctly checksummed table. */
    public static int sum(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int s = 0;
        for (int i = offset; i < offset + length; i++) {
            s += bytes[i];
        }
        return s & 0xFF;
    }

    static String ascii(String s, int width, String what) {
        Objects.requireNonNull(s, what);
        if (s.length() > width || !s.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException(what + " must be at most " + width + " printable ASCII characters: "
                    + s);
        }
        return s + " ".repeat(width - s.length());
    }

    static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
