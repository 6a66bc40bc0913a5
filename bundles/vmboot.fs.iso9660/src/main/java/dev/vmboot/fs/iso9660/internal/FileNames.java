package dev.vmboot.fs.iso9660.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import dev.vmboot.api.fs.CorruptFilesystemException;

/** Turns recorded file identifiers into the names a directory listing shows. */
final class FileNames {

    private FileNames() {
    }

    /**
     * An ECMA-119 7.5 file identifier ({@code NAME.EXT;VERSION}) without its version number and without the
     * separator dot of a name that has no extension ({@code README.;1} is {@code README}), as Linux shows it apart
     * from case. Bytes are taken as ISO 8859-1.
     */
    static String plain(byte[] identifier, String structure, long offset) throws CorruptFilesystemException {
        return checked(stripVersion(new String(identifier, StandardCharsets.ISO_8859_1)), structure, offset);
    }

    /**
     * A Joliet identifier: UCS-2 big-endian (read as UTF-16, so surrogate pairs written by newer tools survive),
     * without a {@code ;1} version and without trailing dots, as Linux's isofs shows it.
     */
    static String joliet(byte[] identifier, String structure, long offset) throws CorruptFilesystemException {
        if (identifier.length % 2 != 0) {
            throw new CorruptFilesystemException(structure, offset, "Joliet file identifier of odd length "
                    + identifier.length);
        }
        String name = stripVersion(new String(identifier, StandardCharsets.UTF_16BE));
        int end = name.length();
        while (end > 1 && name.charAt(end - 1) == '.') {
            end--;
        }
        return checked(name.substring(0, end), structure, offset);
    }

    /** A Rock Ridge NM name: bytes as recorded (UTF-8 where valid, else ISO 8859-1, so no byte is lost). */
    static String rockRidge(byte[] name, String structure, long offset) throws CorruptFilesystemException {
        return checked(decodeBytes(name), structure, offset);
    }

    /** UTF-8 if the bytes are valid UTF-8, otherwise ISO 8859-1. */
    static String decodeBytes(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** The identifier for error messages: printable ASCII kept, everything else as {@code \xNN}. */
    static String printable(byte[] identifier) {
        StringBuilder sb = new StringBuilder();
        for (byte b : identifier) {
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return sb.toString();
    }

    /** Drops {@code ;digits} at the end, then the dot of an empty extension. */
    private static String stripVersion(String name) {
        int semicolon = name.lastIndexOf(';');
        if (semicolon >= 0) {
            boolean digits = true;
            for (int i = semicolon + 1; i < name.length(); i++) {
                digits &= Character.isDigit(name.charAt(i));
            }
            if (digits) {
                name = name.substring(0, semicolon);
            }
        }
        if (name.length() > 1 && name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static String checked(String name, String structure, long offset) throws CorruptFilesystemException {
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            throw new CorruptFilesystemException(structure, offset, "file name \"" + name + "\" is not allowed");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new CorruptFilesystemException(structure, offset, "file name \"" + name.replace("\0", "\\0")
                    + "\" contains '/' or NUL");
        }
        return name;
    }
}
