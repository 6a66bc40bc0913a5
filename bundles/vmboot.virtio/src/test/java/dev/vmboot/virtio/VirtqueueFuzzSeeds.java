package dev.vmboot.virtio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seed inputs of {@link VirtqueueFuzzTest#chains} under src/test/resources, in its input format: small
 * driver programs, well-behaved ones and one of each kind of rule-breaking write. Run from the module directory.
 */
final class VirtqueueFuzzSeeds {

    /** An input under construction. */
    private static final class Program {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        /** Queue size {@code 1 << sizeShift}, feature bits (1 INDIRECT_DESC, 2 EVENT_IDX), the driver's layout. */
        Program(int sizeShift, int features) {
            u8(sizeShift).u8(features).u8(0);
        }

        Program u8(int v) {
            bytes.write(v);
            return this;
        }

        Program u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Program u32(long v) {
            return u16((int) v).u16((int) (v >>> 16));
        }

        Program u64(long v) {
            return u32(v).u32(v >>> 32);
        }

        /** A chain of {@code count} buffers, {@code readable} of them readable, each in low RAM at 256-byte steps. */
        Program chain(boolean indirect, int count, int readable, int length) {
            u8(indirect ? VirtqueueFuzzTest.OP_ADD_INDIRECT_CHAIN : VirtqueueFuzzTest.OP_ADD_CHAIN);
            u8(count - 1).u8(readable);
            for (int i = 0; i < count; i++) {
                u8(0).u16(0x100 * i).u16(length);
            }
            return this;
        }

        Program publish() {
            return u8(VirtqueueFuzzTest.OP_PUBLISH);
        }

        /** Pop everything, probing the accessors at {@code offset} for {@code length} bytes. */
        Program drain(long offset, int length) {
            return u8(VirtqueueFuzzTest.OP_DRAIN).u32(offset).u16(length);
        }

        Program notification(int what) {
            return u8(VirtqueueFuzzTest.OP_NOTIFICATION | what);
        }

        /** A raw descriptor written into the queue's table: address kind 0, any 64-bit address. */
        Program rawDescriptor(int index, long address, int length, int flags, int next) {
            return u8(VirtqueueFuzzTest.OP_HOSTILE).u16(index).u8(0).u64(address).u32(length).u16(flags).u16(next);
        }

        /** A raw entry {@code slot} of the indirect-table area: address kind 1, an address below 2^32. */
        Program rawTableEntry(int slot, long address, int length, int flags, int next) {
            return u8(VirtqueueFuzzTest.OP_HOSTILE | 1).u8(slot).u8(1).u32(address).u32(length).u16(flags).u16(next);
        }

        Program rawAvailEntry(int head) {
            return u8(VirtqueueFuzzTest.OP_HOSTILE | 2).u16(head);
        }

        Program rawAvailIndex(int index) {
            return u8(VirtqueueFuzzTest.OP_HOSTILE | 3).u16(index);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/virtio/VirtqueueFuzzTestInputs/chains");
        Files.createDirectories(dir);
        Files.write(dir.resolve("direct-chains"), new Program(4, 0)
                .chain(false, 2, 1, 64).chain(false, 4, 2, 512).chain(false, 1, 0, 16).publish()
                .drain(8, 32).chain(false, 3, 3, 0).publish().drain(0, 0).bytes());
        Files.write(dir.resolve("indirect-chains-event-idx"), new Program(3, 3)
                .notification(0).chain(true, 4, 1, 128).chain(false, 2, 1, 8).publish()
                .notification(1).drain(100, 400).notification(2)
                .notification(3).u8(0).u16(1).chain(true, 2, 2, 4096).publish().drain(4000, 200).notification(2)
                .bytes());
        Files.write(dir.resolve("loop"), new Program(2, 1)
                .rawDescriptor(0, 0x8000, 16, 1, 1).rawDescriptor(1, 0x8100, 16, 1, 0).rawAvailEntry(0)
                .publish().drain(0, 16).chain(false, 1, 1, 16).publish().drain(0, 16).bytes());
        Files.write(dir.resolve("indirect-nested"), new Program(2, 1)
                .rawDescriptor(2, 0x4000, 32, 4, 0).rawTableEntry(0, 0x8000, 8, 1, 1).rawTableEntry(1, 0x4000, 16, 4, 0)
                .rawAvailEntry(2).publish().drain(0, 0).bytes());
        Files.write(dir.resolve("avail-index-jump"), new Program(4, 2)
                .chain(false, 1, 1, 8).publish().drain(0, 8).rawAvailIndex(0x8001).drain(0, 0)
                .chain(false, 1, 1, 8).publish().drain(0, 8).bytes());
        Files.write(dir.resolve("address-past-ram"), new Program(0, 0)
                .rawDescriptor(0, 0x1FFF0, 0x20, 2, 0).rawAvailEntry(0).publish().drain(0, 0)
                .rawDescriptor(0, -8L, 16, 0, 0).rawAvailEntry(0).publish().drain(0, 0).bytes());
        Files.write(dir.resolve("bad-layout"), new byte[] { 4, 3, (byte) 0xF3, 2, 0x30, 0, 0, 0, 0, 0, 0,
                VirtqueueFuzzTest.OP_ADD_CHAIN, 0, 1, 0, 0, 0, 8, 0, (byte) VirtqueueFuzzTest.OP_PUBLISH });
    }

    private VirtqueueFuzzSeeds() {
    }
}
