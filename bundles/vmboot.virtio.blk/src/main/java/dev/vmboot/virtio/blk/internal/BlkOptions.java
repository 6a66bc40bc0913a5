package dev.vmboot.virtio.blk.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The options of a virtio-blk device, checked once:
 * {@code path=FILE_OR_DEVICE[,readonly=true|false][,serial=ID]}.
 *
 * @param path     the image file or host block device (required)
 * @param readOnly whether the guest may only read (default true: the backing file is then never opened for writing)
 * @param serial   the device ID string of {@code VIRTIO_BLK_T_GET_ID}: printable ASCII, at most 20 bytes (default:
 *                 the file name's first 20 characters, anything outside printable ASCII as {@code _})
 */
record BlkOptions(Path path, boolean readOnly, String serial) {
    static final String PATH = "path";
    static final String READONLY = "readonly";
    static final String SERIAL = "serial";
    private static final String ACCEPTED = "accepted: path=FILE_OR_DEVICE (required), readonly=true|false"
            + " (default true), serial=ID (printable ASCII, at most " + BlkRequestType.ID_BYTES + " bytes)";

    BlkOptions {
        Objects.requireNonNull(path, PATH);
        checkSerial(serial);
    }

    /**
     * Parses a device's options.
     *
     * @throws IllegalArgumentException for a missing path, an unknown option or a malformed value, naming the option
     *                                  and what it accepts
     */
    static BlkOptions parse(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.equals(PATH) && !key.equals(READONLY) && !key.equals(SERIAL)) {
                throw new IllegalArgumentException("blk: unknown option '" + key + "'; " + ACCEPTED);
            }
        }
        String pathText = options.get(PATH);
        if (pathText == null || pathText.isBlank()) {
            throw new IllegalArgumentException("blk: option 'path' is required (an image file or a block device); "
                    + ACCEPTED);
        }
        Path path;
        try {
            path = Path.of(pathText);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("blk: option 'path' is not a valid path: " + e.getMessage());
        }
        boolean readOnly = parseReadOnly(options.get(READONLY));
        String serial = options.containsKey(SERIAL) ? options.get(SERIAL) : defaultSerial(path);
        return new BlkOptions(path, readOnly, serial);
    }

    /** The serial as GET_ID returns it: NUL-padded to 20 bytes, no terminator when all 20 are used (5.2.6). */
    byte[] deviceId() {
        byte[] id = new byte[BlkRequestType.ID_BYTES];
        byte[] text = serial.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, id, 0, text.length);
        return id;
    }

    private static boolean parseReadOnly(String value) {
        if (value == null) {
            return true;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("blk: option 'readonly' must be true or false, not '"
                    + value + "'");
        };
    }

    private static void checkSerial(String serial) {
        Objects.requireNonNull(serial, SERIAL);
        if (serial.length() > BlkRequestType.ID_BYTES) {
            throw new IllegalArgumentException("blk: option 'serial' has " + serial.length()
                    + " characters; at most " + BlkRequestType.ID_BYTES + " are accepted");
        }
        for (int i = 0; i < serial.length(); i++) {
            if (!isPrintableAscii(serial.charAt(i))) {
                throw new IllegalArgumentException("blk: option 'serial' accepts printable ASCII only; character "
                        + i + " is U+" + String.format("%04X", (int) serial.charAt(i)));
            }
        }
    }

    private static String defaultSerial(Path path) {
        Path name = path.getFileName();
        String text = name == null ? "" : name.toString();
        StringBuilder b = new StringBuilder(BlkRequestType.ID_BYTES);
        for (int i = 0; i < text.length() && b.length() < BlkRequestType.ID_BYTES; i++) {
            char c = text.charAt(i);
            b.append(isPrintableAscii(c) ? c : '_');
        }
        return b.toString();
    }

    private static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c < 0x7F;
    }
}
