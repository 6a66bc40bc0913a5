package dev.vmboot.boot.pvh.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the fuzz seeds under src/test/resources: small valid PVH images (ELF64 and ELF32, 4- and 8-byte note
 * alignment, several notes). Run from the module directory: {@code java -cp target/test-classes:... PvhFuzzSeeds}.
 */
final class PvhFuzzSeeds {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/boot/pvh/internal/PvhFuzzTestInputs/parse");
        Files.createDirectories(dir);
        Files.write(dir.resolve("elf64-one-segment"),
                TestElf.pvh(0x100_0000).segment(TestElf.Segment.of(0x100_0000, 64, 0x100)).build());
        Files.write(dir.resolve("elf32-two-segments"), TestElf.pvh(0x10_0010).elf32()
                .segment(TestElf.Segment.of(0x10_0000, 32, 32)).segment(TestElf.Segment.of(0x20_0000, 16, 64))
                .build());
        Files.write(dir.resolve("elf64-notes-align8"), new TestElf()
                .note(TestElf.note("Xen", 6, "linux\0".getBytes(), 8))
                .note(TestElf.note("GNU", 3, new byte[20], 8))
                .note(TestElf.note("Xen", 18, TestElf.le64(0x100_0008), 8)).noteAlign(8)
                .segment(TestElf.Segment.of(0x100_0000, 16, 16)).build());
    }

    private PvhFuzzSeeds() {
    }
}
