package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@code etc/table-loader} fw_cfg file: the script by which firmware allocates fw_cfg blobs (ACPI tables)
 * in guest memory, patches pointers between them and fixes checksums (QEMU hw/acpi/bios-linker-loader.c; consumed by
 * OVMF's {@code OvmfPkg/Library/AcpiPlatformLib/QemuFwCfgAcpi.c}). Each command is a 128-byte little-endian entry.
 */
final class TableLoader {
    static final int ENTRY_SIZE = 128;
    static final int COMMAND_ALLOCATE = 1;
    static final int COMMAND_ADD_POINTER = 2;
    static final int COMMAND_ADD_CHECKSUM = 3;
    /** Allocation zones: anywhere below 4 GiB, or the F-segment (0xE0000–0xFFFFF, where the RSDP must be found). */
    static final byte ZONE_HIGH = 1;
    static final byte ZONE_FSEG = 2;
    private static final int NAME_SIZE = 56;

    private final List<ByteBuffer> commands = new ArrayList<>();
    private final Map<String, Integer> sizes = new HashMap<>();

    /** Allocates blob {@code file} (already added to fw_cfg, {@code size} bytes) with the given alignment and zone. */
    TableLoader allocate(String file, int size, int alignment, byte zone) {
        if (Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two: " + alignment);
        }
        sizes.put(file, size);
        ByteBuffer e = entry(COMMAND_ALLOCATE);
        name(e, file);
        e.putInt(alignment).put(zone);
        commands.add(e);
        return this;
    }

    /**
     * Adds the guest address of blob {@code source} to the {@code size}-byte little-endian value at {@code offset} in
     * blob {@code destination} (so the value there must hold the offset of the target inside {@code source}).
     */
    TableLoader addPointer(String destination, String source, int offset, int size) {
        requireAllocated(destination, offset, size);
        requireAllocated(source, 0, 0);
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            throw new IllegalArgumentException("pointer size must be 1, 2, 4 or 8: " + size);
        }
        ByteBuffer e = entry(COMMAND_ADD_POINTER);
        name(e, destination);
        name(e, source);
        e.putInt(offset).put((byte) size);
        commands.add(e);
        return this;
    }

    /** Sets the byte at {@code checksumOffset} so that {@code [start, start + length)} of {@code file} sums to 0. */
    TableLoader addChecksum(String file, int checksumOffset, int start, int length) {
        requireAllocated(file, start, length);
        requireAllocated(file, checksumOffset, 1);
        ByteBuffer e = entry(COMMAND_ADD_CHECKSUM);
        name(e, file);
        e.putInt(checksumOffset).putInt(start).putInt(length);
        commands.add(e);
        return this;
    }

    byte[] build() {
        ByteBuffer all = ByteBuffer.allocate(ENTRY_SIZE * commands.size());
        commands.forEach(c -> all.put(c.array()));
        return all.array();
    }

    private void requireAllocated(String file, int offset, int length) {
        Integer size = sizes.get(file);
        if (size == null) {
            throw new IllegalArgumentException("blob '" + file + "' is not allocated before it is used");
        }
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new IllegalArgumentException("range [" + offset + ", +" + length + ") outside blob '" + file
                    + "' of " + size + " bytes");
        }
    }

    private static ByteBuffer entry(int command) {
        return ByteBuffer.allocate(ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN).putInt(command);
    }

    private static void name(ByteBuffer e, String file) {
        byte[] ascii = file.getBytes(StandardCharsets.US_ASCII);
        if (ascii.length >= NAME_SIZE) {
            throw new IllegalArgumentException("blob name too long: " + file);
        }
        int at = e.position();
        e.put(ascii);
        e.position(at + NAME_SIZE);
    }
}
