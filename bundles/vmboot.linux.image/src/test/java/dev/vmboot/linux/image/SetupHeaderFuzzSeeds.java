package dev.vmboot.linux.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.vmboot.testkit.TestBzImage;

/** Writes the fuzz seeds (small synthetic bzImages) under src/test/resources; run from the module directory. */
final class SetupHeaderFuzzSeeds {

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0]
                : "src/test/resources/dev/vmboot/linux/image/SetupHeaderFuzzTestInputs/parse");
        Files.createDirectories(dir);
        TestBzImage b = new TestBzImage();
        b.kernelBytes = 64;
        Files.write(dir.resolve("protocol-2.15-64bit"), b.build());
        b.version = 0x0206;
        b.xloadflags = 0;
        b.relocatable = false;
        b.setupSects = 0;
        Files.write(dir.resolve("protocol-2.06-32bit"), b.build());
    }

    private SetupHeaderFuzzSeeds() {
    }
}
