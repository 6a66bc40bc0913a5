package dev.vmboot.machine.internal.virtio;

import java.io.IOException;
import java.nio.file.Path;

import dev.vmboot.testkit.FuzzProgram;

/**
 * Writes the seed inputs of {@link VirtioPciFuzzTest#driver} under src/test/resources, in its input format: Linux's
 * virtio_pci_modern probe and its interrupts (MSI-X, then INTx), the VIRTIO_PCI_CAP_PCI_CFG window, the status games
 * a broken or hostile driver plays (DRIVER_OK without FEATURES_OK, features not offered, DRIVER_OK cleared and set
 * again without a reset, FAILED, all bits), and raw accesses across the BAR's structures and past its end. Run from
 * the module directory.
 */
final class VirtioPciFuzzSeeds {

    // indexes into VirtioPciFuzzTest.FIELDS
    private static final int DRIVER_FEATURE_SELECT = 1, CONFIG_MSIX_VECTOR = 3, DEVICE_STATUS = 4, QUEUE_SELECT = 5,
            QUEUE_SIZE = 6, QUEUE_MSIX_VECTOR = 7, QUEUE_DESC = 9;
    // indexes into VirtioPciFuzzTest.STATUS_STEPS
    private static final int RESET = 0, ACKNOWLEDGE = 1, DRIVER = 2, FEATURES_OK = 3, DRIVER_OK = 4, FAILED = 5,
            ALL_BITS = 6;

    /** An input under construction. */
    private static final class Program extends FuzzProgram {
        /** A register write with a value that suits it: {@code choice} picks it (see VirtioPciFuzzTest#suitable). */
        Program set(int field, int choice) {
            u8(VirtioPciFuzzTest.OP_COMMON_WRITE).u8(field).u8(choice);
            return this;
        }

        Program status(int step) {
            return set(DEVICE_STATUS, step);
        }

        /** A ring address register, 16 * {@code slot}, as two halves or whole. */
        Program address(int field, int slot, boolean halves) {
            u8(VirtioPciFuzzTest.OP_COMMON_WRITE).u8(field).u8(0).u16(slot).u8(halves ? 1 : 0);
            return this;
        }

        /** A raw write of {@code width} bytes to the register {@code field}. */
        Program raw(int field, int width, long value) {
            u8(VirtioPciFuzzTest.OP_COMMON_WRITE | 1).u8(field).bytes(width, value);
            if (width == 8) {
                u8(0);
            }
            return this;
        }

        Program read(int offset, int size) {
            u8(VirtioPciFuzzTest.OP_COMMON_READ | Integer.numberOfTrailingZeros(size)).u8(offset);
            return this;
        }

        /** Negotiates the offered features ANDed with {@code mask}, VERSION_1 forced when {@code version1}. */
        Program negotiate(long mask, boolean version1) {
            u8(VirtioPciFuzzTest.OP_DRIVER_STEP).u8(1 | (version1 ? 2 : 0)).u64(mask);
            return this;
        }

        /** Negotiates exactly {@code features}, offered or not. */
        Program negotiateRaw(long features) {
            u8(VirtioPciFuzzTest.OP_DRIVER_STEP).u8(0).u64(features);
            return this;
        }

        Program queue(int q, int sizeShift, int page) {
            u8(VirtioPciFuzzTest.OP_DRIVER_STEP | 1).u8(q).u8(sizeShift).u16(page);
            return this;
        }

        Program driverOk() {
            u8(VirtioPciFuzzTest.OP_DRIVER_STEP | 2);
            return this;
        }

        Program reset() {
            u8(VirtioPciFuzzTest.OP_DRIVER_STEP | 3);
            return this;
        }

        Program notify(int q) {
            u8(VirtioPciFuzzTest.OP_NOTIFY).u8(q);
            return this;
        }

        Program isr() {
            u8(VirtioPciFuzzTest.OP_ISR_OR_CONFIG | 1);
            return this;
        }

        Program deviceConfig(boolean write, int offset, int sizeIndex, long value) {
            u8(VirtioPciFuzzTest.OP_ISR_OR_CONFIG | (write ? 2 : 0)).u8(offset).u8(sizeIndex);
            if (write) {
                bytes(1 << sizeIndex, value);
            }
            return this;
        }

        /** MSI-X vector {@code v}: address (0xFEE0_0000 | apic << 12), data, unmasked. */
        Program vector(int v, int apic, int data) {
            u8(VirtioPciFuzzTest.OP_MSIX | 1).u8(v).u8(0).u8(apic);
            u8(VirtioPciFuzzTest.OP_MSIX | 1).u8(v).u8(2).u32(data);
            return mask(v, false);
        }

        Program mask(int v, boolean masked) {
            u8(VirtioPciFuzzTest.OP_MSIX | 1).u8(v).u8(3).u8(masked ? 1 : 0);
            return this;
        }

        Program pba() {
            u8(VirtioPciFuzzTest.OP_MSIX | 2).u8(0).u8(0);
            return this;
        }

        /** MSI-X control: bit 1 enable, bit 0 function mask. */
        Program msix(boolean enable, boolean functionMask) {
            u8(VirtioPciFuzzTest.OP_CONFIG_SPACE | 1).u8((enable ? 2 : 0) | (functionMask ? 1 : 0));
            return this;
        }

        Program command(boolean intxDisabled) {
            u8(VirtioPciFuzzTest.OP_CONFIG_SPACE).u8(intxDisabled ? 1 : 0);
            return this;
        }

        /** The PCI_CFG window: {@code bar}, an offset into it, length selector 0-3 (1, 2, 4, 0 bytes). */
        Program window(int bar, int offset, int lengthIndex) {
            u8(VirtioPciFuzzTest.OP_CONFIG_SPACE | 2).u8(bar).u8(0).u16(offset).u8(lengthIndex);
            return this;
        }

        Program windowWrite(long data) {
            u8(VirtioPciFuzzTest.OP_CONFIG_SPACE | 3).u32(data);
            return this;
        }

        Program windowRead(int offset, int sizeIndex) {
            u8(VirtioPciFuzzTest.OP_CONFIG_SPACE | 4).u8(offset).u8(sizeIndex);
            return this;
        }

        Program assignBar() {
            u8(VirtioPciFuzzTest.OP_CONFIG_SPACE | 7);
            return this;
        }

        Program queueInterrupt(int q) {
            u8(VirtioPciFuzzTest.OP_DEVICE).u8(q);
            return this;
        }

        Program configChange() {
            u8(VirtioPciFuzzTest.OP_DEVICE | 1);
            return this;
        }

        Program deviceNeedsReset() {
            u8(VirtioPciFuzzTest.OP_DEVICE | 2);
            return this;
        }

        Program bar(boolean write, int offset, int sizeIndex, long value) {
            u8(VirtioPciFuzzTest.OP_RAW_BAR | (write ? 4 : 0) | sizeIndex).u16(offset);
            if (write) {
                bytes(1 << sizeIndex, value);
            }
            return this;
        }

        /** Linux's virtio_pci_modern probe of both queues (16 and 8 entries), MSI-X vectors 0-2. */
        Program linuxProbe() {
            reset().status(ACKNOWLEDGE).status(DRIVER).read(0x04, 4).negotiate(-1L, true).read(0x14, 1);
            vector(0, 0, 0x31).vector(1, 0, 0x32).vector(2, 1, 0x33).msix(true, false).set(CONFIG_MSIX_VECTOR, 2);
            set(QUEUE_SELECT, 0).read(0x18, 2).set(QUEUE_MSIX_VECTOR, 0).queue(0, 4, 1);
            set(QUEUE_SELECT, 1).set(QUEUE_MSIX_VECTOR, 1).queue(1, 3, 9);
            return driverOk();
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/machine/internal/virtio/VirtioPciFuzzTestInputs/driver");
        new Program().assignBar().linuxProbe().notify(0).queueInterrupt(0).notify(1).queueInterrupt(1).configChange()
                .isr().deviceConfig(false, 0, 3, 0).deviceConfig(true, 4, 2, 0x200).read(0x15, 1).reset()
                .writeTo(dir, "linux-probe");
        // MSI-X masked per vector and per function (pending bits, sent on unmask), then INTx, disabled and enabled
        new Program().linuxProbe().mask(0, true).queueInterrupt(0).pba().mask(0, false).msix(true, true)
                .queueInterrupt(1).configChange().msix(true, false).msix(false, false).queueInterrupt(0).isr()
                .queueInterrupt(0).command(true).configChange().command(false).isr().deviceNeedsReset().read(0x14, 1)
                .reset().queueInterrupt(0).writeTo(dir, "msix-and-intx");
        // the PCI_CFG window: num_queues, the status written through it, windows the device cannot serve
        new Program().window(0, 0x12, 1).windowRead(0, 1).windowRead(2, 0).window(0, 0x14, 0).windowWrite(1)
                .windowRead(0, 0).window(0, 0x13, 1).windowRead(0, 1).window(1, 0, 2).windowRead(0, 2)
                .window(0, 0x7FFE, 2).windowRead(0, 2).window(0, 0x4000, 3).windowWrite(-1L).window(0, 0x3000, 1)
                .windowWrite(0).writeTo(dir, "pci-cfg-window");
        // status games: DRIVER_OK without FEATURES_OK, unoffered features, DRIVER_OK cleared and set again without
        // a reset, FAILED, every bit, queues changed after DRIVER_OK
        new Program().status(ACKNOWLEDGE).status(DRIVER).status(DRIVER_OK).read(0x14, 1).reset()
                .negotiateRaw(1L << 32 | 1L << 40).read(0x14, 1).reset().linuxProbe().status(FEATURES_OK)
                .status(DRIVER_OK).status(FEATURES_OK).status(DRIVER_OK).queue(0, 5, 3).set(QUEUE_SIZE, 7)
                .status(FAILED).status(ALL_BITS).read(0x14, 1).reset().writeTo(dir, "status-games");
        // queue set-up a driver gets wrong: sizes that are not powers of two, rings outside RAM or unaligned,
        // partial and byte-wide register writes, a queue that does not exist
        new Program().negotiate(-1L, true).set(QUEUE_SELECT, 0).raw(QUEUE_SIZE, 2, 3).raw(QUEUE_DESC, 8, 0xFFFF_F000L)
                .address(QUEUE_DESC + 1, 2, true).raw(QUEUE_DESC + 2, 8, 0x8_0000_0001L).raw(8, 2, 1).raw(8, 2, 0)
                .raw(QUEUE_SELECT, 2, 7).raw(QUEUE_SIZE, 2, 16).raw(8, 2, 1).set(DRIVER_FEATURE_SELECT, 2)
                .bar(true, 0x1C, 0, 1).bar(true, 0x20, 1, 0x1000).bar(true, 0x24, 2, 0).driverOk()
                .writeTo(dir, "bad-queues");
        // raw accesses: across the common configuration's end, each structure's page, past the BAR
        new Program().bar(false, 0x34, 3, 0).bar(false, 0x0FFC, 3, 0).bar(true, 0x0FFF, 0, 0xFF)
                .bar(false, 0x1000, 2, 0).bar(false, 0x2000, 3, 0).bar(true, 0x3002, 1, 0).bar(true, 0x3100, 2, 0)
                .bar(false, 0x4000, 3, 0).bar(true, 0x4030, 3, -1L).bar(false, 0x5000, 3, 0).bar(true, 0x5000, 2, -1L)
                .bar(false, 0x6000, 2, 0).bar(false, 0x7FFC, 3, 0).bar(true, 0x8000, 2, 0).writeTo(dir, "raw-bar");
    }

    private VirtioPciFuzzSeeds() {
    }
}
