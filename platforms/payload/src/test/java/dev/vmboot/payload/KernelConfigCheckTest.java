package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder refuses a kernel that could not unpack the initramfs it would write. */
class KernelConfigCheckTest {
    @TempDir
    Path tmp;

    private PayloadBuilder builder(boolean x86, String config) throws IOException {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("lib/modules/1.0-test"));
        Files.createDirectories(tree.resolve("boot"));
        Files.write(tree.resolve("boot/vmlinuz-1.0-test"), new byte[] {1, 2, 3});
        Files.writeString(tree.resolve("boot/config-1.0-test"), config);
        PlatformConfig p = new PlatformConfig("t", 16L << 20, List.of(), List.of("java.base"), false, true, 6, 0, x86,
                List.of(), List.of());
        return new PayloadBuilder(p, tmp.resolve("no-distribution"), tree, List.of(), Path.of("/bin/busybox"), Optional.empty(),
                tmp.resolve("out"));
    }

    @Test
    void aKernelWithoutTheBcjDecoderIsRefusedWhenTheInitramfsUsesIt() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> builder(true, "CONFIG_RD_XZ=y\n# CONFIG_XZ_DEC_X86 is not set\n").build());
        assertTrue(e.getMessage().contains("CONFIG_XZ_DEC_X86=y") && e.getMessage().contains("xz.x86 = false"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> builder(false, "# CONFIG_RD_XZ is not set\n").build());
        assertTrue(e.getMessage().contains("CONFIG_RD_XZ=y"), e.getMessage());
    }

    @Test
    void aKernelWithBothGoesOnToTheNextCheck() throws IOException {
        IOException e = assertThrows(IOException.class,
                () -> builder(true, "CONFIG_RD_XZ=y\nCONFIG_XZ_DEC_X86=y\n").build());
        assertTrue(e.getMessage().contains("not a built vmboot distribution"), e.getMessage());
    }
}
