package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.LogLineCapture;
import dev.vmboot.testkit.RecordingMachine;

/**
 * The fw_cfg device as {@link FirmwareBootProtocol} sets it up for a flash image (the fixed items, e820, the ACPI
 * tables made when first selected, for the PM base the guest programmed), under a guest that selects items, reads the
 * data port at any width, and runs DMA requests: mostly what OVMF's QemuFwCfgLib does, now and then a descriptor or a
 * target in the flash, across the end of RAM or anywhere, a huge length, a write, unknown control bits. Nothing may
 * be thrown, and:
 * <ul>
 * <li>DMA touches guest RAM only where it should: the target range of a read that succeeded (the item's bytes, zeros
 * past its end) and the control word, which is 0 after success and has the error bit after a failure (a target
 * outside RAM or in ROM, a write); a descriptor outside writable RAM (where no status could be written back) changes
 * nothing; every other byte of RAM stays as it was;</li>
 * <li>an item reads the same through the data port and through DMA, every time (the ACPI tables are made once),
 * its size is the one the file directory announced, it reads zeros past its end, and the fixed items hold what the
 * machine is (signature, interface ID, CPUs, RAM size); DMA skip and read move the offset as the data port does;</li>
 * <li>the DMA address register reads "QEMU CFG";</li>
 * <li>log output is bounded by {@link LogLineCapture#GUEST_LOG_BUDGET}, however many bad requests the guest makes.</li>
 * </ul>
 * No item grows and the guest cannot add one, so memory is bounded by the items the machine was made with; the work
 * of one DMA request is bounded by the size of guest RAM. A normal build replays the inputs under
 * {@code FwCfgFuzzTestInputs/requests} (written by {@link FwCfgFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: u16 PMBA and a PMREGMISC byte the guest programmed in the PIIX4 PM function before it reads the ACPI tables;
 * then operations, an opcode byte and its operands each (the {@code OP_} constants).
 */
class FwCfgFuzzTest {

    static final int MAX_OPERATIONS = 1024;
    static final long RAM_SIZE = 128 << 10;
    /** The flash image: 64 KiB ending at 4 GiB, the smallest {@link FlashImage} maps. */
    static final int FLASH_SIZE = 64 << 10;
    static final long FLASH_BASE = (1L << 32) - FLASH_SIZE;

    /** 0x00-0x3F: the selector: (bit 0) a raw u16, else one of {@link Items#selectors} by a u8 index. */
    static final int OP_SELECT = 0x00;
    /** 0x40-0x7F: a data port read, width {@link #size(int)}. */
    static final int OP_DATA_READ = 0x40;
    /**
     * 0x80-0x9F: a DMA request: bit 0 writes the high half of the address first; operands: where the descriptor is,
     * its control, length and target (see {@link Run#dma}).
     */
    static final int OP_DMA = 0x80;
    /** 0xA0-0xBF: a raw port write: port (u8 mod 12), width {@link #size(int)}, the value's bytes. */
    static final int OP_RAW_WRITE = 0xA0;
    /** 0xC0-0xFF: a raw port read: port (u8 mod 12), width {@link #size(int)}. */
    static final int OP_RAW_READ = 0xC0;

    /** Where a descriptor or a target lies: kinds 0-5 in RAM, 6 in the flash, 7 anywhere (a raw u64). */
    static final int PLACE_FLASH = 6;
    static final int PLACE_ANYWHERE = 7;
    /** Control kinds: select+read, read, select+skip, skip, select+write, nothing, raw u32 (6 and 7). */
    static final int CONTROL_RAW = 6;

    private static final int[] SIZES = { 1, 1, 2, 4 };
    private static final int PORT_SELECTOR = 0;
    private static final int PORT_DATA = 1;
    private static final int PORT_DMA_HIGH = 4;
    private static final int PORT_DMA_LOW = 8;
    private static final byte[] DMA_SIGNATURE = "QEMU CFG".getBytes(StandardCharsets.US_ASCII);
    private static final MachineSpec SPEC = new MachineSpec("fuzz", 512L << 20, 2, Personality.I440FX);

    /** The access width an opcode names: bits 4:3 pick 1, 1, 2 or 4 bytes. */
    static int size(int opcode) {
        return SIZES[(opcode >>> 3) & 3];
    }

    @FuzzTest(maxDuration = "60s")
    void requests(byte[] data) throws BootException {
        FuzzInput in = new FuzzInput(data);
        RegionGuestMemory memory = RegionGuestMemory.onHeap(new MemoryRegion(0, RAM_SIZE, false),
                new MemoryRegion(FLASH_BASE, FLASH_SIZE, true));
        RecordingMachine vm = new RecordingMachine(SPEC, memory);
        vm.setPciConfig(Piix4PmBase.DEVICE, Piix4PmBase.FUNCTION, Piix4PmBase.PMBA, in.u16());
        vm.setPciConfig(Piix4PmBase.DEVICE, Piix4PmBase.FUNCTION, Piix4PmBase.PMREGMISC, in.u8());
        try (LogLineCapture log = LogLineCapture.start("dev.vmboot.boot.firmware")) {
            new FirmwareBootProtocol().load(flash(), BootOptions.none(), vm);
            FwCfgDevice device = (FwCfgDevice) vm.ports().get(0).device();
            new Run(in, memory, device).run();
            check(log.count() <= LogLineCapture.GUEST_LOG_BUDGET, log.count() + " log records: " + log.firstRecords());
        }
    }

    /** The smallest image {@link FlashImage} takes: a firmware volume header signature at 40. */
    private static BootImage flash() {
        ByteBuffer b = ByteBuffer.allocate(FLASH_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(FlashImage.FVH_SIGNATURE_OFFSET, FlashImage.FVH_SIGNATURE);
        return new BootImage("fuzz.fd", b);
    }

    /** What the model knows of the items: their sizes, and their bytes as far as fixed or seen. */
    private static final class Items {
        final Map<Integer, Integer> sizes = new HashMap<>();
        final Map<Integer, byte[]> bytes = new HashMap<>();
        final Map<Integer, boolean[]> known = new HashMap<>();
        final int[] selectors;

        Items(FwCfgDevice device) {
            fixed(FwCfgItems.SIGNATURE, "QEMU".getBytes(StandardCharsets.US_ASCII));
            fixed(FwCfgItems.ID, new byte[] { FwCfgItems.ID_TRADITIONAL_AND_DMA, 0, 0, 0 });
            fixed(FwCfgItems.NB_CPUS, new byte[] { 2, 0 });
            fixed(FwCfgItems.MAX_CPUS, new byte[] { 2, 0 });
            fixed(FwCfgItems.BOOT_MENU, new byte[] { 0, 0 });
            fixed(FwCfgItems.RAM_SIZE, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(SPEC.memoryBytes()).array());
            unknown(FwCfgItems.UUID, 16);
            // the directory, read the way firmware reads it; the device is then put back as it was made
            device.write(PORT_SELECTOR, 2, FwCfgItems.FILE_DIR);
            int count = (int) readBigEndian(device, 4);
            check(count > 0 && count < 64, "file directory of " + count + " files");
            List<Integer> list = new ArrayList<>(List.of(FwCfgItems.SIGNATURE, FwCfgItems.ID, FwCfgItems.UUID,
                    FwCfgItems.RAM_SIZE, FwCfgItems.NB_CPUS, FwCfgItems.BOOT_MENU, FwCfgItems.MAX_CPUS,
                    FwCfgItems.FILE_DIR, 0x0004, 0x7FFF, 0xFFFF));
            String previous = "";
            for (int i = 0; i < count; i++) {
                int size = (int) readBigEndian(device, 4);
                int selector = (int) readBigEndian(device, 2);
                readBigEndian(device, 2);
                byte[] name = new byte[FwCfgFile.MAX_NAME];
                for (int k = 0; k < name.length; k++) {
                    name[k] = (byte) device.read(PORT_DATA, 1);
                }
                String n = new String(name, StandardCharsets.US_ASCII).replaceAll("\0+$", "");
                check(n.compareTo(previous) > 0, "directory not sorted: " + previous + ", " + n);
                check(selector >= FwCfgItems.FILE_FIRST && !sizes.containsKey(selector), "selector " + selector);
                previous = n;
                unknown(selector, size);
                list.add(selector);
            }
            unknown(FwCfgItems.FILE_DIR, 4 + 64 * count);
            device.write(PORT_SELECTOR, 2, FwCfgItems.SIGNATURE);
            selectors = list.stream().mapToInt(Integer::intValue).toArray();
        }

        private void fixed(int selector, byte[] contents) {
            sizes.put(selector, contents.length);
            bytes.put(selector, contents);
            boolean[] all = new boolean[contents.length];
            Arrays.fill(all, true);
            known.put(selector, all);
        }

        private void unknown(int selector, int size) {
            sizes.put(selector, size);
            bytes.put(selector, new byte[size]);
            known.put(selector, new boolean[size]);
        }

        int size(int selector) {
            return sizes.getOrDefault(selector, 0);
        }

        /** Byte {@code offset} of the item as read now: learnt the first time, the same every later time. */
        void observe(int selector, int offset, byte value) {
            if (offset >= size(selector)) {
                check(value == 0, String.format("item 0x%x reads 0x%x at %d, past its end", selector, value, offset));
                return;
            }
            boolean[] k = known.get(selector);
            byte[] b = bytes.get(selector);
            if (k[offset]) {
                check(b[offset] == value, String.format("item 0x%x byte %d read 0x%x, before 0x%x", selector, offset,
                        value, b[offset]));
            } else {
                k[offset] = true;
                b[offset] = value;
            }
        }

        private static long readBigEndian(FwCfgDevice device, int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = v << 8 | (device.read(PORT_DATA, 1) & 0xFF);
            }
            return v;
        }
    }

    /** The guest's program, the device and the model. */
    private static final class Run {
        private final FuzzInput in;
        private final RegionGuestMemory memory;
        private final FwCfgDevice device;
        private final Items items;
        /** What guest RAM should hold. */
        private final byte[] ram = new byte[(int) RAM_SIZE];
        private int selector = FwCfgItems.SIGNATURE;
        private long offset;
        private long dmaHigh;

        Run(FuzzInput in, RegionGuestMemory memory, FwCfgDevice device) {
            this.in = in;
            this.memory = memory;
            this.device = device;
            this.items = new Items(device);
            memory.read(0, ram, 0, ram.length);
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                if (code < OP_DATA_READ) {
                    int s = (code & 1) != 0 ? in.u16() : items.selectors[in.u8() % items.selectors.length];
                    write(PORT_SELECTOR, 2, s);
                } else if (code < OP_DMA) {
                    read(PORT_DATA, size(code));
                } else if (code < OP_RAW_WRITE) {
                    dma((code & 1) != 0);
                } else if (code < OP_RAW_READ) {
                    int size = size(code);
                    write(in.u8() % FwCfgDevice.LENGTH, size, (int) in.bytes(size));
                } else {
                    read(in.u8() % FwCfgDevice.LENGTH, size(code));
                }
            }
        }

        private void write(int port, int size, int value) {
            device.write(port, size, value);
            switch (port) {
            case PORT_SELECTOR -> select(value & 0xFFFF);
            case PORT_DMA_HIGH -> dmaHigh = Integer.reverseBytes(value) & 0xFFFF_FFFFL;
            case PORT_DMA_LOW -> {
                long address = dmaHigh << 32 | (Integer.reverseBytes(value) & 0xFFFF_FFFFL);
                dmaHigh = 0;
                afterDma(address);
            }
            default -> {
                // the data port and the other bytes take no writes
            }
            }
        }

        private void read(int port, int size) {
            int value = device.read(port, size);
            if (port == PORT_DATA) {
                for (int i = 0; i < size; i++) {
                    items.observe(selector, (int) Math.min(offset, Integer.MAX_VALUE), (byte) (value >>> (8 * i)));
                    offset = Math.min(offset + 1, items.size(selector));
                }
            } else if (port >= PORT_DMA_HIGH && port + size <= FwCfgDevice.LENGTH) {
                for (int i = 0; i < size; i++) {
                    check((byte) (value >>> (8 * i)) == DMA_SIGNATURE[port - PORT_DMA_HIGH + i],
                            "DMA address register reads " + Integer.toHexString(value) + " at port " + port);
                }
            } else {
                check(value == -1, "port " + port + " reads " + value);
            }
        }

        private void select(int s) {
            selector = s;
            offset = 0;
        }

        /**
         * A request as OVMF makes one: the descriptor (be32 control, be32 length, be64 address) written to guest
         * memory where it can be, then the address, high half (if asked) and low half, big-endian.
         */
        private void dma(boolean highHalf) {
            long at = place(in.u8(), 16);
            int control = control(in.u8());
            int kindOfLength = in.u8();
            int length = (kindOfLength & 0x80) != 0 ? (int) in.u32() : in.u16() % 4097;
            long target = place(in.u8(), Math.max(1, length & 0xFFFF_FFFFL));
            if (inRam(at, 16)) {
                ByteBuffer d = ByteBuffer.allocate(16).putInt(control).putInt(length).putLong(target);
                memory.write(at, d.array());
                System.arraycopy(d.array(), 0, ram, (int) at, 16);
            }
            if (highHalf) {
                write(PORT_DMA_HIGH, 4, Integer.reverseBytes((int) (at >>> 32)));
            }
            write(PORT_DMA_LOW, 4, Integer.reverseBytes((int) at));
        }

        /** An address of a {@code length}-byte range: in RAM, in the flash, or anywhere. */
        private long place(int kind, long length) {
            return switch (kind % 8) {
            case PLACE_FLASH -> FLASH_BASE + (in.u16() * 16L) % FLASH_SIZE;
            case PLACE_ANYWHERE -> in.u64();
            default -> (in.u16() * 16L) % Math.max(16, RAM_SIZE - Math.min(length, RAM_SIZE) + 1);
            };
        }

        private int control(int kind) {
            int s = items.selectors[in.u8() % items.selectors.length] << 16;
            return switch (kind % 8) {
            case 0 -> s | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_READ;
            case 1 -> FwCfgDevice.DMA_READ;
            case 2 -> s | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_SKIP;
            case 3 -> FwCfgDevice.DMA_SKIP;
            case 4 -> s | FwCfgDevice.DMA_SELECT | FwCfgDevice.DMA_WRITE;
            case 5 -> 0;
            default -> (int) in.u32();
            };
        }

        /** What the device did with the descriptor at {@code at}, checked against all of guest RAM. */
        private void afterDma(long at) {
            if (!inRam(at, 16)) {
                checkRam("a descriptor outside writable RAM at 0x" + Long.toHexString(at));
                return;
            }
            ByteBuffer descriptor = ByteBuffer.wrap(ram, (int) at, 16).slice(); // as the device read it
            int control = descriptor.getInt(0);
            long length = descriptor.getInt(4) & 0xFFFF_FFFFL;
            long target = descriptor.getLong(8);
            if ((control & FwCfgDevice.DMA_SELECT) != 0) {
                select(control >>> 16);
            }
            boolean error = false;
            if ((control & FwCfgDevice.DMA_WRITE) != 0) {
                error = true;
            } else if ((control & FwCfgDevice.DMA_READ) != 0) {
                if (!inRam(target, length)) {
                    error = true;
                } else {
                    int size = items.size(selector);
                    int n = (int) Math.min(length, Math.max(0, size - offset));
                    for (int i = 0; i < length; i++) {
                        if (target + i >= at && target + i < at + 4) {
                            continue; // the control word, written after the data: checked below
                        }
                        byte b = memory.readByte(target + i);
                        if (i < n) {
                            items.observe(selector, (int) offset + i, b);
                        } else {
                            check(b == 0, "DMA past the item's end wrote " + b);
                        }
                        ram[(int) target + i] = b;
                    }
                    offset += n;
                }
            } else if ((control & FwCfgDevice.DMA_SKIP) != 0) {
                offset = Math.min(offset + length, items.size(selector));
            }
            ByteBuffer.wrap(ram, (int) at, 4).putInt(error ? FwCfgDevice.DMA_ERROR : 0);
            checkRam("DMA 0x" + Integer.toHexString(control) + " of " + length + " bytes to 0x"
                    + Long.toHexString(target));
        }

        private static boolean inRam(long address, long length) {
            return address >= 0 && length >= 0 && address <= RAM_SIZE - length;
        }

        private void checkRam(String after) {
            byte[] now = memory.read(0, (int) RAM_SIZE);
            if (!Arrays.equals(now, ram)) {
                int i = Arrays.mismatch(now, ram);
                throw new AssertionError(String.format("after %s, RAM byte 0x%x is 0x%x, expected 0x%x", after, i,
                        now[i], ram[i]));
            }
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
