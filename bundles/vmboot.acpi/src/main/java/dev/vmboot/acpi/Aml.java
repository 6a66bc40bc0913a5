package dev.vmboot.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small encoder for the ACPI Machine Language (ACPI 6.5, chapter 20 "ACPI Machine Language (AML) Specification").
 * Each method returns the bytes of one term; terms nest by passing those bytes to the enclosing object. Only what
 * vmboot's DSDT needs: names, integers, strings, EISA IDs, buffers, packages, Scope/Device/Method/Name/Return, and for
 * the Generic Event Device an operation region with a field, Store, And, If and Notify.
 */
public final class Aml {

    // 20.2.3 Data Objects Encoding
    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int ONES_OP = 0xFF;
    static final int BYTE_PREFIX = 0x0A;
    static final int WORD_PREFIX = 0x0B;
    static final int DWORD_PREFIX = 0x0C;
    static final int STRING_PREFIX = 0x0D;
    static final int QWORD_PREFIX = 0x0E;
    // 20.2.5 Term Objects Encoding
    static final int NAME_OP = 0x08;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int PACKAGE_OP = 0x12;
    static final int METHOD_OP = 0x14;
    static final int RETURN_OP = 0xA4;
    static final int EXT_OP_PREFIX = 0x5B;
    static final int OP_REGION_OP = 0x80; // after ExtOpPrefix
    static final int FIELD_OP = 0x81; // after ExtOpPrefix
    static final int DEVICE_OP = 0x82; // after ExtOpPrefix
    // 20.2.5.3 Statement Opcodes Encoding, 20.2.5.4 Expression Opcodes Encoding
    static final int STORE_OP = 0x70;
    static final int AND_OP = 0x7B;
    static final int NOTIFY_OP = 0x86;
    static final int IF_OP = 0xA0;
    // 20.2.6.2 Local Objects Encoding
    static final int LOCAL0_OP = 0x60;
    /** 19.6.100 OperationRegion: RegionSpace SystemMemory. */
    public static final int REGION_SYSTEM_MEMORY = 0x00;
    /** 20.2.5.2 FieldFlags: AccessType ByteAcc (bits 3:0), LockRule NoLock (bit 4), UpdateRule WriteAsZeros (6:5). */
    public static final int FIELD_BYTE_ACCESS_NO_LOCK_WRITE_AS_ZEROS = 0x01 | 0x2 << 5;
    // 20.2.2 Name Objects Encoding
    static final int ROOT_CHAR = '\\';
    static final int PARENT_PREFIX_CHAR = '^';
    static final int DUAL_NAME_PREFIX = 0x2E;
    static final int MULTI_NAME_PREFIX = 0x2F;
    static final int NULL_NAME = 0x00;
    /** 20.2.4 PkgLength: at most 4 bytes, 28 bits. */
    static final int MAX_PKG_LENGTH = (1 << 28) - 1;

    private Aml() {
    }

    /**
     * A NameString (20.2.2): an optional root {@code \} or parent {@code ^} prefixes, then dot-separated NameSegs of
     * at most 4 characters ({@code A-Z}, {@code _} first; digits after), padded with {@code _}.
     */
    public static byte[] nameString(String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        if (path.startsWith("\\")) {
            out.write(ROOT_CHAR);
            i = 1;
        } else {
            while (i < path.length() && path.charAt(i) == '^') {
                out.write(PARENT_PREFIX_CHAR);
                i++;
            }
        }
        String rest = path.substring(i);
        String[] segs = rest.isEmpty() ? new String[0] : rest.split("\\.", -1);
        if (segs.length == 2) {
            out.write(DUAL_NAME_PREFIX);
        } else if (segs.length > 2) {
            if (segs.length > 255) {
                throw new IllegalArgumentException("too many name segments: " + path);
            }
            out.write(MULTI_NAME_PREFIX);
            out.write(segs.length);
        } else if (segs.length == 0) {
            out.write(NULL_NAME);
        }
        for (String seg : segs) {
            out.writeBytes(nameSeg(seg, path));
        }
        return out.toByteArray();
    }

    private static byte[] nameSeg(String seg, String path) {
        if (seg.isEmpty() || seg.length() > 4) {
            throw new IllegalArgumentException("bad name segment '" + seg + "' in " + path);
        }
        for (int k = 0; k < seg.length(); k++) {
            char c = seg.charAt(k);
            boolean lead = (c >= 'A' && c <= 'Z') || c == '_';
            if (!(lead || (k > 0 && c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException("bad character '" + c + "' in name " + path);
            }
        }
        return (seg + "___".substring(0, 4 - seg.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /** An Integer in the shortest encoding: Zero/One/Ones op or Byte/Word/DWord/QWord prefix (20.2.3). */
    public static byte[] integer(long value) {
        if (value == 0) {
            return new byte[] {ZERO_OP};
        }
        if (value == 1) {
            return new byte[] {ONE_OP};
        }
        if (value == -1L) {
            return new byte[] {(byte) ONES_OP};
        }
        if ((value & ~0xFFL) == 0) {
            return new byte[] {BYTE_PREFIX, (byte) value};
        }
        if ((value & ~0xFFFFL) == 0) {
            return le(WORD_PREFIX, value, 2);
        }
        if ((value & ~0xFFFF_FFFFL) == 0) {
            return le(DWORD_PREFIX, value, 4);
        }
        return le(QWORD_PREFIX, value, 8);
    }

    private static byte[] le(int prefix, long value, int n) {
        byte[] b = new byte[n + 1];
        b[0] = (byte) prefix;
        for (int k = 0; k < n; k++) {
            b[k + 1] = (byte) (value >>> (8 * k));
        }
        return b;
    }

    /** A String: StringPrefix, ASCII characters 0x01–0x7F, NUL (20.2.3). */
    public static byte[] string(String s) {
        if (!s.chars().allMatch(c -> c >= 0x01 && c <= 0x7F)) {
            throw new IllegalArgumentException("AML strings are 7-bit ASCII without NUL: " + s);
        }
        byte[] chars = s.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[chars.length + 2];
        b[0] = STRING_PREFIX;
        System.arraycopy(chars, 0, b, 1, chars.length);
        return b;
    }

    /**
     * An EISA ID such as {@code PNP0A03} as the DWord the ASL {@code EISAID()} macro makes (ACPI 6.5, 19.6.35): three
     * upper-case letters packed 5 bits each (letter − 0x40) into a big-endian 16-bit word, then four hex digits as two
     * bytes, stored in that byte order.
     */
    public static byte[] eisaId(String id) {
        return integer(eisaIdValue(id));
    }

    static long eisaIdValue(String id) {
        if (id.length() != 7) {
            throw new IllegalArgumentException("EISA ID must be 3 letters and 4 hex digits: " + id);
        }
        int packed = 0;
        for (int k = 0; k < 3; k++) {
            char c = id.charAt(k);
            if (c < 'A' || c > 'Z') {
                throw new IllegalArgumentException("EISA ID must start with 3 upper-case letters: " + id);
            }
            packed = (packed << 5) | (c - 0x40);
        }
        int product = Integer.parseInt(id.substring(3), 16);
        byte[] bytes = {(byte) (packed >> 8), (byte) packed, (byte) (product >> 8), (byte) product};
        return (bytes[0] & 0xFFL) | (bytes[1] & 0xFFL) << 8 | (bytes[2] & 0xFFL) << 16 | (bytes[3] & 0xFFL) << 24;
    }

    /**
     * A PkgLength (20.2.4) for {@code contentLength} bytes that follow it; the encoded value counts the PkgLength
     * bytes themselves. One byte holds up to 63; otherwise bits 7:6 of the lead byte give 1–3 following bytes, bits
     * 3:0 the low nibble.
     */
    public static byte[] pkgLength(int contentLength) {
        return lengthEncoding(contentLength, true);
    }

    /**
     * {@code value} in the PkgLength encoding (20.2.4), counting the encoding's own bytes if {@code selfInclusive} (a
     * package's length) or not (a field's width in bits, 20.2.5.2 NamedField).
     */
    private static byte[] lengthEncoding(int value, boolean selfInclusive) {
        for (int n = 1; n <= 4; n++) {
            long total = (long) value + (selfInclusive ? n : 0);
            long limit = n == 1 ? 0x3F : (1L << (4 + 8 * (n - 1))) - 1;
            if (total <= limit) {
                byte[] b = new byte[n];
                if (n == 1) {
                    b[0] = (byte) total;
                } else {
                    b[0] = (byte) (((n - 1) << 6) | (total & 0x0F));
                    for (int k = 1; k < n; k++) {
                        b[k] = (byte) (total >>> (4 + 8 * (k - 1)));
                    }
                }
                return b;
            }
        }
        throw new IllegalArgumentException("AML length too large: " + value);
    }

    /** DefName: {@code Name(name, value)}. */
    public static byte[] name(String name, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameString(name), value);
    }

    /** DefScope: {@code Scope(name) { terms }}. */
    public static byte[] scope(String name, byte[]... terms) {
        return withPkgLength(new byte[] {SCOPE_OP}, concat(nameString(name), concat(terms)));
    }

    /** DefDevice: {@code Device(name) { terms }}. */
    public static byte[] device(String name, byte[]... terms) {
        return withPkgLength(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, concat(nameString(name), concat(terms)));
    }

    /**
     * DefMethod: {@code Method(name, argCount, Serialized|NotSerialized) { terms }}. MethodFlags (20.2.5.2): bits 2:0
     * ArgCount, bit 3 SerializeFlag, bits 7:4 SyncLevel (0).
     */
    public static byte[] method(String name, int argCount, boolean serialized, byte[]... terms) {
        if (argCount < 0 || argCount > 7) {
            throw new IllegalArgumentException("AML methods take 0..7 arguments, not " + argCount);
        }
        byte flags = (byte) (argCount | (serialized ? 0x08 : 0));
        return withPkgLength(new byte[] {METHOD_OP}, concat(nameString(name), new byte[] {flags}, concat(terms)));
    }

    /** Local0 (20.2.6.2), as a SuperName or a TermArg. */
    public static byte[] local0() {
        return new byte[] {LOCAL0_OP};
    }

    /**
     * DefOpRegion: {@code OperationRegion(name, space, offset, length)}.
     *
     * @param space RegionSpace, e.g. {@link #REGION_SYSTEM_MEMORY}
     */
    public static byte[] operationRegion(String name, int space, long offset, long length) {
        return concat(new byte[] {EXT_OP_PREFIX, (byte) OP_REGION_OP}, nameString(name), new byte[] {(byte) space},
                integer(offset), integer(length));
    }

    /**
     * DefField: {@code Field(region, flags) { name, bits ... }}: NamedFields (20.2.5.2), each a NameSeg and its width in
     * bits encoded as a PkgLength, laid out from bit 0 of the region.
     *
     * @param namesAndBits alternately a 4-character name and its width in bits, e.g. {@code "GDAT", 8}
     */
    public static byte[] field(String region, int flags, Object... namesAndBits) {
        if (namesAndBits.length == 0 || namesAndBits.length % 2 != 0) {
            throw new IllegalArgumentException("a Field lists names and widths in pairs");
        }
        byte[][] fields = new byte[namesAndBits.length / 2][];
        for (int i = 0; i < fields.length; i++) {
            String name = (String) namesAndBits[2 * i];
            int bits = (Integer) namesAndBits[2 * i + 1];
            if (!name.matches("[A-Z_][A-Z0-9_]{3}")) {
                throw new IllegalArgumentException("a field is named by one 4-character NameSeg, not " + name);
            }
            if (bits <= 0) {
                throw new IllegalArgumentException("field " + name + " of " + bits + " bits");
            }
            fields[i] = concat(nameString(name), lengthEncoding(bits, false));
        }
        return withPkgLength(new byte[] {EXT_OP_PREFIX, (byte) FIELD_OP},
                concat(nameString(region), new byte[] {(byte) flags}, concat(fields)));
    }

    /** DefStore: {@code Store(value, target)}; target a SuperName such as {@link #local0()}. */
    public static byte[] store(byte[] value, byte[] target) {
        return concat(new byte[] {STORE_OP}, value, target);
    }

    /** DefAnd: {@code And(a, b)}, its result not stored (Target NullName). */
    public static byte[] and(byte[] a, byte[] b) {
        return concat(new byte[] {AND_OP}, a, b, new byte[] {NULL_NAME});
    }

    /** DefIfElse without Else: {@code If(predicate) { terms }}. */
    public static byte[] ifThen(byte[] predicate, byte[]... terms) {
        return withPkgLength(new byte[] {(byte) IF_OP}, concat(predicate, concat(terms)));
    }

    /** DefNotify: {@code Notify(object, value)}, the object by its path. */
    public static byte[] notify(String object, int value) {
        return concat(new byte[] {(byte) NOTIFY_OP}, nameString(object), integer(value));
    }

    /** DefReturn: {@code Return(value)}. */
    public static byte[] returnValue(byte[] value) {
        return concat(new byte[] {(byte) RETURN_OP}, value);
    }

    /** DefPackage: {@code Package() { elements }} with NumElements = the number of elements (at most 255). */
    public static byte[] pkg(byte[]... elements) {
        if (elements.length > 255) {
            throw new IllegalArgumentException("a Package holds at most 255 elements, not " + elements.length);
        }
        return withPkgLength(new byte[] {PACKAGE_OP}, concat(new byte[] {(byte) elements.length}, concat(elements)));
    }

    /** DefBuffer: {@code Buffer() { bytes }} with BufferSize = the number of bytes. */
    public static byte[] buffer(byte[] bytes) {
        return withPkgLength(new byte[] {BUFFER_OP}, concat(integer(bytes.length), bytes));
    }

    private static byte[] withPkgLength(byte[] op, byte[] content) {
        return concat(op, pkgLength(content.length), content);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n = Math.addExact(n, p.length);
        }
        byte[] r = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, r, at, p.length);
            at += p.length;
        }
        return r;
    }
}
