package dev.vmboot.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the Debian kernel tests find their images, and that a machine without them fails those tests with what to
 * run, rather than skipping them (a fresh machine used to skip them: the kernel came only later, with the lab).
 */
class DebianKernelImagesTest {
    @TempDir
    Path tmp;

    private Path guest(String name, String... files) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("cache/guest").resolve(name));
        for (String f : files) {
            Files.writeString(d.resolve(f), f);
        }
        return d;
    }

    @Test
    void aFreshMachineFailsSayingWhatFetchesTheKernel() throws IOException {
        DebianKernelImages none = DebianKernelImages.at(tmp.resolve("cache"), Files.createDirectory(tmp.resolve("boot")));
        for (Runnable lookup : new Runnable[] {none::bzImage, none::vmlinux, none::labGuestDirectory}) {
            String message = assertThrows(IllegalStateException.class, lookup::run).getMessage();
            assertEquals(true, message.endsWith(": platforms/qemu/guest/prepare.sh fetches Debian's kernel and makes "
                    + "them (scripts/test runs it before the build)"), message);
        }
    }

    @Test
    void onlyACompleteGuestDirectoryCounts() throws IOException {
        guest("6.1.0-1-amd64-aaa", "vmlinuz", "vmlinux");
        Path complete = guest("6.1.0-1-amd64-bbb", "vmlinuz", "vmlinux", ".done");
        DebianKernelImages images = DebianKernelImages.at(tmp.resolve("cache"), tmp.resolve("boot"));
        assertEquals(complete, images.labGuestDirectory());
        assertEquals(complete.resolve("vmlinux"), images.vmlinux());
        assertEquals(complete.resolve("vmlinuz"), images.bzImage());
    }

    @Test
    void withoutTheLabABzImageFromBootServes() throws IOException {
        Path boot = Files.createDirectory(tmp.resolve("boot"));
        Files.writeString(boot.resolve("config-6.1.0-1-amd64"), "");
        Path vmlinuz = Files.writeString(boot.resolve("vmlinuz-6.1.0-1-amd64"), "");
        assertEquals(vmlinuz, DebianKernelImages.at(tmp.resolve("cache"), boot).bzImage());
    }

    @Test
    void theLabCacheIsWhereTheScriptsPutIt() {
        assertEquals(Path.of("/var/cache/vmboot-lab"), DebianKernelImages.labCache(Map.of()));
        assertEquals(Path.of("/var/cache/vmboot-lab"), DebianKernelImages.labCache(Map.of("VMBOOT_LAB_CACHE", "")));
        assertEquals(Path.of("/srv/lab"), DebianKernelImages.labCache(Map.of("VMBOOT_LAB_CACHE", "/srv/lab")));
    }
}
