package dev.vmboot.platform;

import java.io.IOException;
import java.nio.file.Path;

import dev.vmboot.testkit.FuzzProgram;

/**
 * Writes the seed inputs of {@link PciConfigFuzzTest#accesses} under src/test/resources, in its input format: what
 * firmware and Linux do to PCI configuration space (enumerate, size and program BARs, enable decoding, place the PIIX4
 * PM block), through mechanism #1 and through ECAM, and the odd accesses a guest may make (BARs sized while decoding,
 * the PM block moved onto port 0 and the end of I/O space, reset control, widths across registers and functions).
 * Run from the module directory.
 */
final class PciConfigFuzzSeeds {

    private static final int I440FX = 0;
    private static final int CLOUD_HV = 1;
    private static final int BAR = PciConfigFuzzTest.BAR_DEVICE;

    /** An input under construction. */
    private static final class Program extends FuzzProgram {
        Program(int hostBridge) {
            u8(hostBridge);
        }

        Program select(int device, int function, int register) {
            u8(PciConfigFuzzTest.OP_SELECT).u8(device).u8(function).u8(register);
            return this;
        }

        Program selectOnBus(int bus, int device, int function, int register) {
            u8(PciConfigFuzzTest.OP_SELECT | 1).u8(bus).u8(device).u8(function).u8(register);
            return this;
        }

        /** CONFIG_DATA read at 0xCFC + {@code offset} of {@code size} bytes. */
        Program data(int offset, int size) {
            u8(PciConfigFuzzTest.OP_DATA_READ | sizeBits(size) << 2 | offset);
            return this;
        }

        Program dataWrite(int offset, int size, long value) {
            u8(PciConfigFuzzTest.OP_DATA_WRITE | sizeBits(size) << 2 | offset).bytes(size, value);
            return this;
        }

        /** An ECAM access of a present device (0-3, or any with bit 7) on bus 0. */
        Program ecamRead(int device, int function, int register, int size) {
            u8(PciConfigFuzzTest.OP_ECAM_READ | Integer.numberOfTrailingZeros(size)).u8(0x80 | device).u8(function)
                    .u16(register);
            return this;
        }

        Program ecamWrite(int device, int function, int register, int size, long value) {
            u8(PciConfigFuzzTest.OP_ECAM_WRITE | Integer.numberOfTrailingZeros(size)).u8(0x80 | device).u8(function)
                    .u16(register).bytes(size, value);
            return this;
        }

        Program ecamReadOnBus(int bus, int device, int register) {
            u8(PciConfigFuzzTest.OP_ECAM_READ | 2).u8(0xC0 | device).u8(0).u8(bus).u16(register);
            return this;
        }

        Program sizeBar(int index, boolean ecam) {
            u8(PciConfigFuzzTest.OP_SIZE_BAR | (ecam ? 1 : 0)).u8(index);
            return this;
        }

        Program programBar(int index, long address, boolean ecam) {
            u8(PciConfigFuzzTest.OP_PROGRAM_BAR | (ecam ? 1 : 0)).u8(index).u64(address);
            return this;
        }

        Program command(int device, int value, boolean ecam) {
            u8(PciConfigFuzzTest.OP_COMMAND | (ecam ? 1 : 0)).u8(device).u16(value);
            return this;
        }

        Program movePm(int pmba, int pmregmisc, boolean ecam) {
            u8(PciConfigFuzzTest.OP_MOVE_PM | (ecam ? 1 : 0)).u16(pmba).u8(pmregmisc);
            return this;
        }

        Program rawPortWrite(int offset, int size, long value) {
            u8(PciConfigFuzzTest.OP_RAW_PORT | sizeBits(size) << 2 | 1).u8(offset).bytes(size, value);
            return this;
        }

        Program rawPortRead(int offset, int size) {
            u8(PciConfigFuzzTest.OP_RAW_PORT | sizeBits(size) << 2).u8(offset);
            return this;
        }

        Program rawEcam(long offset, int size, boolean write, long value) {
            u8(PciConfigFuzzTest.OP_RAW_ECAM | Integer.numberOfTrailingZeros(size) << 1 | (write ? 1 : 0))
                    .u32(offset);
            if (write) {
                bytes(size, value);
            }
            return this;
        }

        /** Every function of devices 0-3 as firmware scans them: vendor/device, class, header type. */
        Program enumerate(boolean ecam) {
            for (int device = 0; device < 4; device++) {
                for (int function = 0; function < 8; function++) {
                    if (ecam) {
                        ecamRead(device, function, 0x00, 4).ecamRead(device, function, 0x08, 4)
                                .ecamRead(device, function, 0x0E, 1);
                    } else {
                        select(device, function, 0x00).data(0, 4).select(device, function, 0x08).data(0, 4)
                                .select(device, function, 0x0C).data(2, 1);
                    }
                }
            }
            return this;
        }

        /** Sizes and programs the BAR function's BARs and turns decoding on, as OVMF's PciBusDxe does. */
        Program assignBars(boolean ecam) {
            for (int i = 0; i < 6; i++) {
                sizeBar(i, ecam);
            }
            return programBar(0, 0xC000, ecam).programBar(1, 0xC000_0000L, ecam).programBar(2, 0x8_0000_0000L, ecam)
                    .programBar(4, 0xD000_0000L, ecam).command(BAR, 0x0007, ecam);
        }

        private static int sizeBits(int size) {
            return size == 4 ? 3 : size == 2 ? 2 : 0;
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/platform/PciConfigFuzzTestInputs/accesses");
        // OVMF on i440FX: enumerate through 0xCF8, PM block at 0xB000, BARs, PIRQ routing, host bridge PAM bytes
        new Program(I440FX).enumerate(false).movePm(0xB000, 1, false).assignBars(false).select(1, 0, 0x60)
                .dataWrite(0, 4, 0x0B0A_0B0AL).data(0, 4).select(0, 0, 0x58).dataWrite(1, 1, 0x33).data(0, 4)
                .writeTo(dir, "ovmf-i440fx");
        // CloudHv: enumerate through ECAM, extended configuration space, other buses
        new Program(CLOUD_HV).enumerate(true).assignBars(true).ecamRead(BAR, 0, 0x100, 4).ecamRead(0, 0, 0x100, 4)
                .ecamWrite(BAR, 0, 0x800, 4, 0x1234_5678).ecamRead(BAR, 0, 0x800, 4).ecamReadOnBus(1, 0, 0)
                .ecamReadOnBus(255, 31, 0xFFC).selectOnBus(1, 0, 0, 0).data(0, 4).writeTo(dir, "cloudhv-ecam");
        // Linux re-sizing BARs while they decode, then moving them and turning decoding off and on
        new Program(I440FX).assignBars(false).sizeBar(0, false).sizeBar(2, true).sizeBar(3, false)
                .sizeBar(4, true).programBar(2, 0xFFFF_FFFF_FFFF_C000L, true).programBar(0, 0xFFE0, false)
                .programBar(1, 0xFFFF_F000L, true).command(BAR, 0, false).programBar(0, 0, false)
                .command(BAR, 0x0003, true).writeTo(dir, "bars-while-decoding");
        // the PM block moved around: onto port 0 (not decoded), the end of I/O space, off, back
        new Program(I440FX).movePm(0xB000, 1, false).movePm(0x0000, 1, true).movePm(0x0080, 1, false)
                .movePm(0xFFC0, 1, true).movePm(0xFFC0, 0, false).movePm(0x0600, 1, true).command(1, 0xFFFF, false)
                .select(1, 3, 0x40).dataWrite(0, 4, 0xFFFF_FFFFL).data(0, 4).writeTo(dir, "pm-block-moves");
        // reset control and the ports that are not configuration cycles
        new Program(I440FX).rawPortWrite(1, 1, 0x02).rawPortRead(1, 1).rawPortWrite(1, 1, 0x06).rawPortRead(1, 1)
                .rawPortWrite(0, 2, 0x8000).rawPortRead(0, 2).rawPortRead(2, 1).rawPortWrite(0, 4, 0x7FFF_FFFFL)
                .data(0, 4).dataWrite(0, 4, 0).rawPortRead(0, 4).writeTo(dir, "reset-control");
        // widths across registers and functions, and past the ECAM window
        new Program(CLOUD_HV).select(BAR, 0, 0x10).data(1, 4).data(2, 2).data(3, 2).data(3, 1)
                .ecamRead(BAR, 0, 0xFFC, 8).ecamWrite(BAR, 7, 0xFFC, 8, -1L).ecamRead(BAR, 0, 0x0FE, 4)
                .rawEcam(0x1000_0000L, 4, false, 0).rawEcam(0x0FFF_FFFCL, 8, true, -1L)
                .rawEcam(0x0FFF_FFFDL, 2, false, 0).writeTo(dir, "odd-widths");
    }

    private PciConfigFuzzSeeds() {
    }
}
