package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The items behind QEMU's firmware configuration interface: fixed items by selector and a directory of named files.
 * Selector values and layouts are from QEMU's docs/specs/fw_cfg.rst and include/standard-headers/linux/qemu_fw_cfg.h.
 */
final class FwCfgItems {
    static final int SIGNATURE = 0x0000;
    static final int ID = 0x0001;
    static final int UUID = 0x0002;
    static final int RAM_SIZE = 0x0003;
    static final int NB_CPUS = 0x0005;
    static final int BOOT_MENU = 0x000E;
    static final int MAX_CPUS = 0x000F;
    static final int FILE_DIR = 0x0019;
    static final int FILE_FIRST = 0x0020;
    /** FW_CFG_VERSION (traditional interface) | FW_CFG_VERSION_DMA. */
    static final int ID_TRADITIONAL_AND_DMA = 0x3;

    private final Map<Integer, byte[]> items = new HashMap<>();
    /** Files made when first selected, by selector; replaced in {@link #items} once made. */
    private final Map<Integer, Supplier<byte[]>> lazy = new HashMap<>();
    private final List<FwCfgFile> files = new ArrayList<>();

    FwCfgItems(long ramSize, int cpus, byte[] uuid) {
        items.put(SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
        items.put(ID, le(4, ID_TRADITIONAL_AND_DMA));
        items.put(UUID, uuid.clone());
        items.put(RAM_SIZE, le(8, ramSize));
        items.put(NB_CPUS, le(2, cpus));
        items.put(MAX_CPUS, le(2, cpus));
        items.put(BOOT_MENU, le(2, 0));
        items.put(FILE_DIR, directory());
    }

    /** Sets a fixed (non-file) item, such as the kernel a firmware is to boot. */
    synchronized void addItem(int selector, byte[] contents) {
        if (selector >= FILE_FIRST || selector == FILE_DIR || items.containsKey(selector)) {
            throw new IllegalArgumentException(String.format("fw_cfg item 0x%x is taken or a file selector", selector));
        }
        items.put(selector, contents.clone());
    }

    /** Adds a file; its selector is the next free one. */
    synchronized void addFile(String name, byte[] contents) {
        if (files.stream().anyMatch(f -> f.name().equals(name))) {
            throw new IllegalArgumentException("fw_cfg file '" + name + "' added twice");
        }
        FwCfgFile f = new FwCfgFile(name, FILE_FIRST + files.size(), contents.clone());
        files.add(f);
        items.put(f.selector(), f.contents());
        items.put(FILE_DIR, directory());
    }

    /**
     * Adds a file of {@code size} bytes whose contents are made when the guest first selects it, so they can describe
     * what the firmware set up before (QEMU builds its ACPI tables that way, after firmware has programmed the PM base).
     * The directory announces {@code size} from the start; {@code contents} must keep to it.
     */
    synchronized void addLazyFile(String name, int size, Supplier<byte[]> contents) {
        addFile(name, new byte[size]);
        lazy.put(FILE_FIRST + files.size() - 1, contents);
    }

    /** The item for {@code selector}, or an empty array for one that does not exist (reads give zeros). */
    synchronized byte[] item(int selector) {
        Supplier<byte[]> maker = lazy.remove(selector);
        if (maker != null) {
            byte[] made = maker.get();
            int announced = items.get(selector).length;
            if (made.length != announced) {
                throw new IllegalStateException(String.format("fw_cfg item 0x%x was announced with %d bytes but made "
                        + "with %d", selector, announced, made.length));
            }
            items.put(selector, made.clone());
        }
        return items.getOrDefault(selector, new byte[0]);
    }

    /** FWCfgFiles: be32 count, then per file be32 size, be16 select, be16 reserved, char name[56]; sorted by name. */
    private byte[] directory() {
        List<FwCfgFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(FwCfgFile::name));
        ByteBuffer b = ByteBuffer.allocate(4 + 64 * sorted.size()).order(ByteOrder.BIG_ENDIAN);
        b.putInt(sorted.size());
        for (FwCfgFile f : sorted) {
            b.putInt(f.contents().length).putShort((short) f.selector()).putShort((short) 0);
            byte[] name = new byte[FwCfgFile.MAX_NAME];
            byte[] ascii = f.name().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(ascii, 0, name, 0, ascii.length);
            b.put(name);
        }
        return b.array();
    }

    private static byte[] le(int size, long value) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            b.put((byte) (value >>> (8 * i)));
        }
        return b.array();
    }
}
