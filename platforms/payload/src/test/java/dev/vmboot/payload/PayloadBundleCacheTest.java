package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/**
 * The bundle cache in the built qemu-q35 payload (made by {@code mvn -Dpayload}, BundleCachePrimer) is one the
 * launcher uses as it is: /opt of the initramfs, unpacked as the kernel unpacks it (modes and modification times of
 * the cpio entries), is bound over /opt in a user and mount namespace and vmboot started from it with the payload's
 * JRE, as /init starts it; its cache record must be left as it was. Tagged "qemu" with QemuQ35BootTest: both need
 * the built payload, and scripts/test runs that group right after building it.
 */
@Tag("qemu")
class PayloadBundleCacheTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir"), "../..").normalize();

    @TempDir
    Path tmp;

    @Test
    void theUnpackedPayloadStartsWithItsBundleCacheAsItIs() throws Exception {
        Path initramfs = ROOT.resolve("platforms/payload/target/payload-qemu-q35/initramfs.cpio.xz");
        assertTrue(Files.isRegularFile(initramfs), "no payload: build it first (mvn -Dpayload -pl platforms/payload install)");
        unpackOpt(initramfs, tmp);
        Path record = tmp.resolve(InitScript.VMBOOT_DIR).resolve(BundleCachePrimer.SHELL_RECORD);
        String recorded = Files.readString(record, StandardCharsets.UTF_8);
        assertTrue(recorded.startsWith("home /" + InitScript.VMBOOT_DIR + "\n"), recorded);
        assertTrue(recorded.contains("\nbundle/"), recorded);
        assertEquals(PosixFilePermissions.fromString("rwx------"),
                Files.getPosixFilePermissions(tmp.resolve(InitScript.VMBOOT_DIR).resolve(BundleCachePrimer.CACHE_DIR)));

        BundleCachePrimer primer = new BundleCachePrimer(Path.of("/" + InitScript.JRE_DIR), InitScript.VMBOOT_DIR,
                PayloadBuilder.SYNTHETIC_MTIME);
        primer.checkUsed(tmp);

        // The check can fail: a jar whose time differs from the one recorded makes the launcher refuse the cache.
        Path jar;
        try (var s = Files.list(tmp.resolve(InitScript.VMBOOT_DIR).resolve("bundle"))) {
            jar = s.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, FileTime.from(PayloadBuilder.SYNTHETIC_MTIME + 1, TimeUnit.SECONDS));
        IOException refused = assertThrows(IOException.class, () -> primer.checkUsed(tmp));
        assertTrue(refused.getMessage().contains("did not use the bundle cache"), refused.getMessage());
        assertFalse(Files.readString(record, StandardCharsets.UTF_8).equals(recorded));
    }

    /** The entries under opt/ of the xz cpio INITRAMFS into DIR, with their modes and times, as the kernel makes them. */
    private static void unpackOpt(Path initramfs, Path dir) throws IOException {
        try (InputStream in = new XZInputStream(new BufferedInputStream(Files.newInputStream(initramfs)));
             CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
            CpioArchiveEntry e;
            while ((e = cpio.getNextCPIOEntry()) != null) {
                String name = e.getName();
                if (!name.startsWith("opt/")) {
                    continue;
                }
                Path target = dir.resolve(name).normalize();
                assertTrue(target.startsWith(dir), name);
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Path.of(new String(cpio.readAllBytes(), StandardCharsets.UTF_8)));
                    continue;
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(cpio, target, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.setPosixFilePermissions(target, permissions((int) e.getMode()));
                Files.setLastModifiedTime(target, FileTime.from(e.getTime(), TimeUnit.SECONDS));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
