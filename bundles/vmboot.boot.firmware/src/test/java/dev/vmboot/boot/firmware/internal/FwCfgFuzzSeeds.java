package dev.vmboot.boot.firmware.internal;

import java.io.IOException;
import java.nio.file.Path;

import dev.vmboot.testkit.FuzzProgram;

/**
 * Writes the seed inputs of {@link FwCfgFuzzTest#requests} under src/test/resources, in its input format: what OVMF's
 * QemuFwCfgLib and its ACPI and e820 code do (signature and interface ID through the data port, the file directory
 * and the files through DMA), the data port at every width, and DMA requests a hostile guest makes (descriptor or
 * target in the flash, across the end of RAM, at the top of the address space, huge, a write, unknown control bits).
 * Run from the module directory.
 */
final class FwCfgFuzzSeeds {

    /** Indexes into the target's selector list: the fixed items, then the files in directory order. */
    private static final int SIGNATURE = 0, ID = 1, RAM_SIZE = 3, NB_CPUS = 4, FILE_DIR = 7, UNKNOWN = 9;
    private static final int BOOTORDER = 11, RSDP = 12, TABLES = 13, E820 = 14, SYSTEM_STATES = 15, LOADER = 16;
    private static final int SELECT_READ = 0, READ = 1, SELECT_SKIP = 2, SKIP = 3, SELECT_WRITE = 4, NOTHING = 5;

    /** An input under construction. */
    private static final class Program extends FuzzProgram {
        Program(int pmba, int pmregmisc) {
            u16(pmba).u8(pmregmisc);
        }

        Program select(int index) {
            u8(FwCfgFuzzTest.OP_SELECT).u8(index);
            return this;
        }

        Program selectRaw(int selector) {
            u8(FwCfgFuzzTest.OP_SELECT | 1).u16(selector);
            return this;
        }

        /** {@code count} data port reads of {@code size} bytes (opcode bits 4:3: 0 byte, 2 word, 3 dword). */
        Program data(int size, int count) {
            for (int i = 0; i < count; i++) {
                u8(FwCfgFuzzTest.OP_DATA_READ | (size == 4 ? 0x18 : size == 2 ? 0x10 : 0));
            }
            return this;
        }

        /** A DMA request with the descriptor at RAM offset {@code 16 * slot} and the target in RAM at 16 * tslot. */
        Program dma(int slot, int controlKind, int selectorIndex, int length, int targetSlot) {
            u8(FwCfgFuzzTest.OP_DMA | 1).u8(0).u16(slot).u8(controlKind).u8(selectorIndex).u8(0).u16(length).u8(0)
                    .u16(targetSlot);
            return this;
        }

        /** A DMA request with every part chosen: place kinds 0-5 RAM, 6 flash, 7 raw (u64 argument). */
        Program dmaRaw(int atKind, long at, int control, long length, int targetKind, long target) {
            u8(FwCfgFuzzTest.OP_DMA | 1).u8(atKind);
            place(atKind, at);
            u8(FwCfgFuzzTest.CONTROL_RAW).u8(0).u32(control).u8(0x80).u32(length).u8(targetKind);
            place(targetKind, target);
            return this;
        }

        private void place(int kind, long argument) {
            if (kind == FwCfgFuzzTest.PLACE_ANYWHERE) {
                u64(argument);
            } else {
                u16((int) argument);
            }
        }

        Program rawWrite(int port, int size, long value) {
            u8(FwCfgFuzzTest.OP_RAW_WRITE | (size == 4 ? 0x18 : size == 2 ? 0x10 : 0)).u8(port).bytes(size, value);
            return this;
        }

        Program rawRead(int port, int size) {
            u8(FwCfgFuzzTest.OP_RAW_READ | (size == 4 ? 0x18 : size == 2 ? 0x10 : 0)).u8(port);
            return this;
        }

        /** OVMF's start: signature and ID through the data port, then the directory through DMA. */
        Program ovmfProbe() {
            return select(SIGNATURE).data(1, 4).select(ID).data(1, 4).dma(1, SELECT_READ, FILE_DIR, 4, 16)
                    .dma(1, READ, 0, 6 * 64, 17);
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/boot/firmware/internal/FwCfgFuzzTestInputs/requests");
        // OVMF with its PM block at 0xB000: probe, e820, system states, boot order, the ACPI loader and its blobs
        new Program(0xB000, 1).ovmfProbe().dma(2, SELECT_READ, E820, 64, 64).dma(2, SELECT_READ, SYSTEM_STATES, 6, 80)
                .dma(2, SELECT_READ, BOOTORDER, 16, 96).dma(3, SELECT_READ, LOADER, 4096, 128)
                .dma(3, SELECT_READ, RSDP, 36, 512).dma(3, SELECT_READ, TABLES, 8192, 1024).writeTo(dir, "ovmf-boot");
        // the data port at every width, past an item's end, an unknown item, the DMA signature, ignored writes
        new Program(0xB000, 1).select(RAM_SIZE).data(4, 3).select(NB_CPUS).data(2, 2).selectRaw(0x1234).data(4, 1)
                .select(UNKNOWN).data(1, 1).rawRead(4, 4).rawRead(8, 4).rawRead(6, 2).rawRead(11, 1).rawRead(10, 4)
                .rawRead(0, 2).rawRead(2, 1).rawWrite(1, 1, 0x55).select(TABLES).data(4, 16).dma(1, READ, 0, 64, 8)
                .writeTo(dir, "data-port");
        // skip then read, read in pieces, select and skip past the end, a write (refused), nothing
        new Program(0xB000, 1).dma(1, SELECT_SKIP, E820, 8, 8).dma(1, READ, 0, 8, 8).dma(1, SKIP, 0, 4000, 8)
                .dma(1, READ, 0, 16, 8).dma(1, SELECT_WRITE, BOOTORDER, 4, 8).dma(1, NOTHING, 0, 4, 8)
                .select(E820).data(1, 3).dma(1, READ, 0, 100, 8).writeTo(dir, "skip-and-read");
        // hostile requests: descriptor in the flash, target in the flash, across the end of RAM, huge, at the top
        // of the address space, unknown control bits, a descriptor overlapping its own target
        long ram = FwCfgFuzzTest.RAM_SIZE;
        new Program(0xB000, 1).dmaRaw(FwCfgFuzzTest.PLACE_FLASH, 0x10, 0, 0, 0, 0)
                .dmaRaw(0, 1, 0x2000A, 64, FwCfgFuzzTest.PLACE_FLASH, 0x20)
                .dmaRaw(0, 2, 0x2000A, 64, FwCfgFuzzTest.PLACE_ANYWHERE, ram - 16)
                .dmaRaw(0, 3, 0x2000A, 0xFFFF_FFFFL, 0, 0)
                .dmaRaw(FwCfgFuzzTest.PLACE_ANYWHERE, -8L, 0x0B, 4, 0, 0)
                .dmaRaw(FwCfgFuzzTest.PLACE_ANYWHERE, ram - 8, 0x0B, 4, 0, 0)
                .dmaRaw(0, 4, 0xFFFF_FFE0, 16, 0, 4)
                .dmaRaw(0, 5, 0x0019_000A, 32, FwCfgFuzzTest.PLACE_ANYWHERE, 5 * 16 + 4).writeTo(dir, "hostile-dma");
        // the ACPI tables read before the PM block is enabled, and with the block at the lowest base
        new Program(0xB000, 0).dma(1, SELECT_READ, RSDP, 36, 8).dma(1, SELECT_READ, TABLES, 256, 16)
                .writeTo(dir, "acpi-before-pm-enabled");
        new Program(0x0040, 1).dma(1, SELECT_READ, LOADER, 4096, 8).dma(1, SELECT_READ, TABLES, 8192, 512)
                .writeTo(dir, "acpi-pm-at-0x40");
    }

    private FwCfgFuzzSeeds() {
    }
}
