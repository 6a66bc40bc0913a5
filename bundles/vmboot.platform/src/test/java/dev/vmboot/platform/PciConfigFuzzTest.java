package dev.vmboot.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.testkit.FuzzInput;
import dev.vmboot.testkit.LogLineCapture;

/**
 * PCI configuration space as a guest reaches it, through mechanism #1 ({@link PciConfigPorts} at 0xCF8-0xCFF, with
 * the reset control register at 0xCF9) and through ECAM ({@link PciEcam}), on a bus with the host bridge, the PIIX
 * ISA bridge, the PIIX4 PM function (whose PM block moves where PMBA says) and a function with an I/O, two 32-bit and
 * a 64-bit BAR and a PCI Express configuration space. The guest mostly does what firmware does (select, size and
 * program BARs, switch decoding, move the PM block) and now and then any access at any offset and width. Nothing may
 * be thrown, and:
 * <ul>
 * <li>the VMM's view stays right: the ranges the BAR and PM-block listeners were told of are exactly what the
 * functions decode now, each told change starts from what was told before, and a decoded range is aligned, inside its
 * address space, and never a BAR's sizing pattern; the PM block is never at port 0 or across the end of I/O space;</li>
 * <li>BAR sizing works from any state: all ones written to a BAR register reads back its size mask and flag bits, 0
 * where no BAR is;</li>
 * <li>identification is read-only, absent functions and other buses read all ones, both mechanisms read the same
 * bytes, CONFIG_ADDRESS reads back what was written without its reserved bits, the host bridge's device-specific
 * bytes keep what was written;</li>
 * <li>a reset is asked for exactly when bit 2 is written to 0xCF9; no log line comes out.</li>
 * </ul>
 * A normal build replays the inputs under {@code PciConfigFuzzTestInputs/accesses} (written by
 * {@link PciConfigFuzzSeeds}); {@code JAZZER_FUZZ=1} fuzzes for real.
 * <p>
 * Input: byte 0 bit 0 picks the CloudHv host bridge instead of the i440FX one; then operations, an opcode byte and
 * its operands each (the {@code OP_} constants).
 */
class PciConfigFuzzTest {

    static final int MAX_OPERATIONS = 2048;

    /** 0x00-0x1F: CONFIG_ADDRESS; operands: bus (bit 0 of the opcode: any, else 0), device, function, register. */
    static final int OP_SELECT = 0x00;
    /** 0x20-0x3F: a read of CONFIG_DATA (0xCFC + {@code b & 3}, width {@link #size(int)}), checked against ECAM. */
    static final int OP_DATA_READ = 0x20;
    /** 0x40-0x5F: a write of CONFIG_DATA (0xCFC + {@code b & 3}, width {@link #size(int)}); then the value's bytes. */
    static final int OP_DATA_WRITE = 0x40;
    /** 0x60-0x6F: an ECAM read: device, function, u16 register (mod 4 KiB), width {@code SIZES8[b & 3]}. */
    static final int OP_ECAM_READ = 0x60;
    /** 0x70-0x7F: an ECAM write: device, function, u16 register, width {@code SIZES8[b & 3]}, the value's bytes. */
    static final int OP_ECAM_WRITE = 0x70;
    /** 0x80-0x9F: BAR sizing of BAR {@code u8 % 6} of the BAR function (bit 0: through ECAM). */
    static final int OP_SIZE_BAR = 0x80;
    /** 0xA0-0xBF: BAR {@code u8 % 6} programmed to an aligned address from the u64 that follows (bit 0: ECAM). */
    static final int OP_PROGRAM_BAR = 0xA0;
    /** 0xC0-0xCF: the command register of device {@code u8 % 4}'s function 0 (PM for 1); operand: u16 value. */
    static final int OP_COMMAND = 0xC0;
    /** 0xD0-0xDF: the PM block: PMBA (u16) and PMREGMISC (u8) of 00:01.3. */
    static final int OP_MOVE_PM = 0xD0;
    /** 0xE0-0xEF: a raw port access: offset {@code u8 % 8}, bit 0 write, width {@link #size(int)}, a value. */
    static final int OP_RAW_PORT = 0xE0;
    /** 0xF0-0xFF: a raw ECAM access anywhere in the window and past it: u32 offset, bit 0 write, a value. */
    static final int OP_RAW_ECAM = 0xF0;

    /** Where the functions sit (PCI 00:dd.f). */
    static final int BAR_DEVICE = 2;
    static final int MULTI_DEVICE = 3;

    private static final int[] SIZES = { 1, 1, 2, 4 };
    private static final int[] SIZES8 = { 1, 2, 4, 8 };

    /** The access width an opcode names: bits 3:2 pick 1, 1, 2 or 4 bytes. */
    static int size(int opcode) {
        return SIZES[(opcode >>> 2) & 3];
    }

    @FuzzTest(maxDuration = "60s")
    void accesses(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        Personality personality = (in.u8() & 1) != 0 ? Personality.CLOUD_HV : Personality.I440FX;
        try (LogLineCapture log = LogLineCapture.start("dev.vmboot.platform")) {
            new Run(in, personality).run();
            check(log.count() == 0, "log records: " + log.firstRecords());
        }
    }

    /** The bus as the VMM sees it through the listeners. */
    private static final class Listeners implements PciBarListener, IoSpaceListener {
        final PciBarMapping[] live = new PciBarMapping[6];
        int pmBase = IoSpaceListener.NONE;

        @Override
        public void barChanged(PciFunction function, PciBarMapping previous, PciBarMapping current) {
            int i = previous.bar().index();
            check(current.bar().equals(previous.bar()), "a change between two BARs: " + previous + " " + current);
            check(previous.decoded() ? previous.equals(live[i]) : live[i] == null,
                    "told of " + previous + " -> " + current + " but the VMM has " + live[i]);
            check(previous.decoded() || current.decoded(), "a change where nothing decodes: " + current);
            if (current.decoded()) {
                checkDecodable(current);
            }
            live[i] = current.decoded() ? current : null;
        }

        @Override
        public void ioSpaceMoved(int previousBase, int newBase) {
            check(previousBase == pmBase, "PM block moved from " + previousBase + " but the VMM has it at " + pmBase);
            check(previousBase != newBase, "PM block 'moved' to where it was: " + newBase);
            check(newBase == IoSpaceListener.NONE
                    || (newBase > 0 && newBase % Piix4PmRegisters.LENGTH == 0
                            && newBase + Piix4PmRegisters.LENGTH <= 0x1_0000),
                    "PM block at " + newBase);
            pmBase = newBase;
        }

        private static void checkDecodable(PciBarMapping m) {
            PciBar bar = m.bar();
            long a = m.address();
            check(a != 0 && (a & (bar.size() - 1)) == 0, "decoded at an unaligned or zero address: " + m);
            long end = a + bar.size();
            check(switch (bar.kind()) {
            case IO -> end <= 0x1_0000;
            case MEMORY32 -> end <= 1L << 32;
            case MEMORY64 -> end == 0 || Long.compareUnsigned(end, a) > 0;
            }, "decoded outside its space: " + m);
            long lowMask = bar.addressMask() & 0xFFFF_FFFFL;
            check((a & lowMask) != lowMask, "decoded while holding the sizing pattern: " + m);
        }
    }

    /** The guest's program, the bus and the model. */
    private static final class Run {
        private final FuzzInput in;
        private final RecordingPowerEvents power = new RecordingPowerEvents();
        private final PciRootBus bus = new PciRootBus();
        private final PciConfigPorts ports = new PciConfigPorts(bus, new ResetControl(power, GuestLogLimiter.perMinute("VM fuzz")));
        private final PciEcam ecam = new PciEcam(bus);
        private final Listeners listeners = new Listeners();
        private final PciFunction barFunction;
        private final Piix4PowerManagement pm;
        private final List<int[]> identities = new ArrayList<>();
        // the model
        private int address;
        private int resets;
        private int resetStored;
        private final byte[] hostBridgeStorage = new byte[PciFunction.CONFIG_SIZE];
        private final boolean[] hostBridgeWritten = new boolean[PciFunction.CONFIG_SIZE];

        Run(FuzzInput in, Personality personality) {
            this.in = in;
            bus.add(0, 0, new PciHostBridge(personality));
            bus.add(1, 0, new Piix4IsaBridge());
            pm = new Piix4PowerManagement(listeners);
            bus.add(1, 3, pm);
            barFunction = new PciFunction(0x1AF4, 0x1042, 0x018000, 1, true);
            barFunction.defineBar(PciBar.io(0, 32));
            barFunction.defineBar(PciBar.memory32(1, 4096, false));
            barFunction.defineBar(PciBar.memory64(2, 16384, true));
            barFunction.defineBar(PciBar.memory32(4, 1 << 20, true));
            barFunction.addBarListener(listeners);
            bus.add(BAR_DEVICE, 0, barFunction);
            bus.add(MULTI_DEVICE, 0, new PciFunction(0x8086, 0x1111, 0x030000, 2, false));
            bus.add(MULTI_DEVICE, 1, new PciFunction(0x8086, 0x2222, 0x040300, 3, false));
            for (int device = 0; device < 4; device++) {
                for (int function = 0; function < 8; function++) {
                    identities.add(new int[] { device, function, bus.readConfig(0, device, function, 0, 4) });
                }
            }
        }

        void run() {
            for (int op = 0; op < MAX_OPERATIONS && !in.exhausted(); op++) {
                int code = in.u8();
                if (code < OP_DATA_READ) {
                    int b = (code & 1) != 0 ? in.u8() : 0;
                    portWrite(0, 4, 0x8000_0000 | b << 16 | (in.u8() & 0x1F) << 11 | (in.u8() & 7) << 8 | in.u8());
                } else if (code < OP_DATA_WRITE) {
                    dataRead(4 + (code & 3), size(code));
                } else if (code < OP_ECAM_READ) {
                    int size = size(code);
                    portWrite(4 + (code & 3), size, (int) in.bytes(size));
                } else if (code < OP_ECAM_WRITE) {
                    ecamRead(ecamOffset(), SIZES8[code & 3]);
                } else if (code < OP_SIZE_BAR) {
                    long offset = ecamOffset();
                    int size = SIZES8[code & 3];
                    ecamWrite(offset, size, in.bytes(size));
                } else if (code < OP_PROGRAM_BAR) {
                    sizeBar(in.u8() % 6, (code & 1) != 0);
                } else if (code < OP_COMMAND) {
                    programBar(in.u8() % 6, in.u64(), (code & 1) != 0);
                } else if (code < OP_MOVE_PM) {
                    int device = in.u8() % 4;
                    configWrite(device, device == 1 ? 3 : 0, PciFunction.COMMAND, 2, in.u16(), (code & 1) != 0);
                } else if (code < OP_RAW_PORT) {
                    configWrite(1, 3, Piix4PowerManagement.PMBA, 2, in.u16(), (code & 1) != 0);
                    configWrite(1, 3, Piix4PowerManagement.PMREGMISC, 1, in.u8(), (code & 1) != 0);
                } else if (code < OP_RAW_ECAM) {
                    int offset = in.u8() % PciConfigPorts.LENGTH;
                    int size = size(code);
                    if ((code & 1) != 0) {
                        portWrite(offset, size, (int) in.bytes(size));
                    } else {
                        portRead(offset, size);
                    }
                } else {
                    long offset = in.u32();
                    int size = SIZES8[(code >>> 1) & 3];
                    if ((code & 1) != 0) {
                        ecamWrite(offset, size, in.bytes(size));
                    } else {
                        ecamRead(offset, size);
                    }
                }
                checkView();
            }
            checkIdentities();
        }

        /** Mostly a present function (devices 0-3), now and then any bus, device and function; a u16 register. */
        private long ecamOffset() {
            int target = in.u8();
            int device = (target & 0x80) != 0 ? target & 0x1F : target % 4;
            int function = in.u8() & 7;
            int b = (target & 0x40) != 0 ? in.u8() : 0;
            return (long) b << 20 | device << 15 | function << 12 | (in.u16() & 0xFFF);
        }

        // ---- the two mechanisms ----------------------------------------------------------------------------------

        private void portWrite(int offset, int size, int value) {
            ports.write(offset, size, value);
            if (offset == 0 && size == 4) {
                address = value & 0x80FF_FFFC;
            } else if (offset == 1 && size == 1) {
                resetStored = value & 0x0A;
                if ((value & 0x04) != 0) {
                    resets++;
                }
            } else if (offset >= 4 && (address & 0x8000_0000) != 0 && offset + size <= 8) {
                noteWrite(address >>> 16 & 0xFF, address >>> 11 & 0x1F, address >>> 8 & 7,
                        (address & 0xFC) + offset - 4, size, value);
            }
        }

        private void portRead(int offset, int size) {
            int value = ports.read(offset, size);
            int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
            if (offset == 0 && size == 4) {
                check(value == address, String.format("CONFIG_ADDRESS reads 0x%x, written 0x%x", value, address));
            } else if (offset == 1 && size == 1) {
                check(value == resetStored, "reset control reads " + value);
            } else if (offset >= 4) {
                dataRead(offset, size);
            } else {
                check((value & mask) == mask, "a port that is not a register reads " + value);
            }
        }

        /** CONFIG_DATA read, compared with the same bytes through ECAM. */
        private void dataRead(int offset, int size) {
            int value = ports.read(offset, size);
            int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
            if ((address & 0x8000_0000) == 0 || offset + size > 8) {
                check((value & mask) == mask, "CONFIG_DATA without a cycle reads " + value);
                return;
            }
            int b = address >>> 16 & 0xFF;
            int register = (address & 0xFC) + offset - 4;
            long ecamOffset = (long) b << 20 | (long) (address >>> 11 & 0x1F) << 15 | (long) (address >>> 8 & 7) << 12
                    | register;
            int through = (int) ecam.read(ecamOffset, size);
            check((value & mask) == (through & mask), String.format(
                    "0xCFC+%d reads 0x%x, ECAM 0x%x reads 0x%x", offset - 4, value & mask, ecamOffset, through));
            checkRead(b, address >>> 11 & 0x1F, address >>> 8 & 7, register, size, value);
        }

        private void ecamRead(long offset, int size) {
            long value = ecam.read(offset, size);
            if (size == 8) {
                return; // two dword reads, each checked when the fuzzer picks it
            }
            int register = (int) (offset & 0xFFF);
            if (offset < 0 || register + size > 0x1000) {
                return;
            }
            checkRead((int) (offset >>> 20), (int) (offset >>> 15 & 0x1F), (int) (offset >>> 12 & 7), register, size,
                    (int) value);
        }

        private void ecamWrite(long offset, int size, long value) {
            ecam.write(offset, size, value);
            if (size == 8) { // PciEcam: two dword writes, the second possibly in the next function's space
                noteEcamWrite(offset, 4, (int) value);
                noteEcamWrite(offset + 4, 4, (int) (value >>> 32));
            } else {
                noteEcamWrite(offset, size, (int) value);
            }
        }

        private void noteEcamWrite(long offset, int size, int value) {
            int register = (int) (offset & 0xFFF);
            if (offset >= 0 && offset + size <= PciEcam.FULL_SIZE && register + size <= 0x1000) {
                noteWrite((int) (offset >>> 20), (int) (offset >>> 15 & 0x1F), (int) (offset >>> 12 & 7), register,
                        size, value);
            }
        }

        /** A configuration write through the mechanism the fuzzer picked. */
        private void configWrite(int device, int function, int register, int size, int value, boolean throughEcam) {
            if (throughEcam) {
                ecamWrite((long) device << 15 | function << 12 | register, size, value);
            } else {
                portWrite(0, 4, 0x8000_0000 | device << 11 | function << 8 | (register & 0xFC));
                portWrite(4 + (register & 3), size, value);
            }
        }

        private int configRead(int device, int function, int register, int size, boolean throughEcam) {
            if (throughEcam) {
                return (int) ecam.read((long) device << 15 | function << 12 | register, size);
            }
            portWrite(0, 4, 0x8000_0000 | device << 11 | function << 8 | (register & 0xFC));
            return ports.read(4 + (register & 3), size);
        }

        // ---- what the model knows --------------------------------------------------------------------------------

        private void noteWrite(int b, int device, int function, int register, int size, int value) {
            if (b != 0 || device != 0 || function != 0 || register + size > PciFunction.CONFIG_SIZE) {
                return; // PciFunction drops an access that does not fit its configuration space whole
            }
            for (int i = 0; i < size; i++) {
                int at = register + i;
                if (at >= PciFunction.DEVICE_SPECIFIC && at < PciFunction.CONFIG_SIZE) {
                    hostBridgeStorage[at] = (byte) (value >>> (8 * i));
                    hostBridgeWritten[at] = true;
                }
            }
        }

        private void checkRead(int b, int device, int function, int register, int size, int value) {
            int mask = size == 4 ? -1 : (1 << (8 * size)) - 1;
            PciFunction f = b == 0 ? bus.function(device, function).orElse(null) : null;
            if (f == null || register + size > f.configSize()) {
                check((value & mask) == mask, String.format("%02x:%02x.%d 0x%x reads 0x%x where nothing is", b, device,
                        function, register, value));
                return;
            }
            if (device == 0 && function == 0) {
                for (int i = 0; i < size; i++) {
                    int at = register + i;
                    if (at < PciFunction.CONFIG_SIZE && hostBridgeWritten[at]) {
                        check((byte) (value >>> (8 * i)) == hostBridgeStorage[at],
                                String.format("host bridge byte 0x%x reads 0x%x", at, value >>> (8 * i) & 0xFF));
                    }
                }
            }
        }

        // ---- firmware's ways -------------------------------------------------------------------------------------

        /** PCI 3.0, 6.2.5.1: save, write all ones, read the mask, restore. */
        private void sizeBar(int index, boolean throughEcam) {
            int register = PciFunction.BAR0 + 4 * index;
            int saved = configRead(BAR_DEVICE, 0, register, 4, throughEcam);
            configWrite(BAR_DEVICE, 0, register, 4, -1, throughEcam);
            int mask = configRead(BAR_DEVICE, 0, register, 4, throughEcam);
            check(mask == sizingAnswer(index), String.format("BAR %d sizes as 0x%x, expected 0x%x", index, mask,
                    sizingAnswer(index)));
            PciBarMapping m = barFunction.barMapping(index);
            check(m == null || !m.decoded(), "BAR " + index + " decodes while being sized: " + m);
            configWrite(BAR_DEVICE, 0, register, 4, saved, throughEcam);
        }

        private int sizingAnswer(int index) {
            PciBar bar = barFunction.bar(index);
            if (bar == null) {
                PciBar below = index > 0 ? barFunction.bar(index - 1) : null;
                return below != null && below.kind() == PciBar.Kind.MEMORY64 ? (int) (below.addressMask() >>> 32) : 0;
            }
            return (int) bar.addressMask() | bar.flagBits();
        }

        /** An address that suits the BAR (aligned, in its space), written as firmware does, low dword first. */
        private void programBar(int index, long raw, boolean throughEcam) {
            PciBar bar = barFunction.bar(index);
            int register = PciFunction.BAR0 + 4 * index;
            if (bar == null) {
                configWrite(BAR_DEVICE, 0, register, 4, (int) raw, throughEcam);
                return;
            }
            long address = switch (bar.kind()) {
            case IO -> raw & 0xFFFF;
            case MEMORY32 -> raw & 0xFFFF_FFFFL;
            case MEMORY64 -> raw;
            } & ~(bar.size() - 1);
            configWrite(BAR_DEVICE, 0, register, 4, (int) address, throughEcam);
            if (bar.kind() == PciBar.Kind.MEMORY64) {
                configWrite(BAR_DEVICE, 0, register + 4, 4, (int) (address >>> 32), throughEcam);
            }
        }

        // ---- the invariants --------------------------------------------------------------------------------------

        private void checkView() {
            for (int i = 0; i < 6; i++) {
                PciBarMapping m = barFunction.barMapping(i);
                PciBarMapping expected = m != null && m.decoded() ? m : null;
                check(Objects.equals(listeners.live[i], expected),
                        "the VMM has " + listeners.live[i] + " for BAR " + i + ", the function decodes " + m);
            }
            check(listeners.pmBase == pm.pmBase(), "the VMM has the PM block at " + listeners.pmBase
                    + ", the function decodes it at " + pm.pmBase());
            check(power.resets == resets, "resets " + power.resets + ", expected " + resets);
        }

        private void checkIdentities() {
            for (int[] id : identities) {
                int now = bus.readConfig(0, id[0], id[1], 0, 4);
                check(now == id[2], String.format("00:%02x.%d identifies as 0x%x, was 0x%x", id[0], id[1], now, id[2]));
            }
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
