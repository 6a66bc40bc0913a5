package dev.vmboot.boottests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's kernel as bzImage and as the extracted vmlinux ELF, the busybox initramfs whose /init prints the
 * {@link GuestMarker} line and powers off (and checks virtio disks on request), and a standalone GRUB EFI image for
 * an ESP's \EFI\BOOT\BOOTX64.EFI: made (or found in the cache) by {@code platforms/qemu/guest/prepare.sh}.
 */
record GuestImages(Path bzImage, Path vmlinux, Path initramfs, Path grubEfi, String kernelRelease) {

    /** Bounds the script: extracting vmlinux and packing the initramfs take seconds, even in the lab. */
    private static final long PREPARE_TIMEOUT_MINUTES = 10;

    static GuestImages prepare(BootTestEnvironment env) throws IOException, InterruptedException {
        Path script = env.sourceRoot().resolve("platforms/qemu/guest/prepare.sh");
        Files.createDirectories(env.guestFallbackDir());
        Files.createDirectories(env.transcriptDir());
        Path log = env.transcriptDir().resolve("guest-prepare.log");
        Process p = new ProcessBuilder(script.toString(), env.guestFallbackDir().toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(log.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(PREPARE_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(script + " did not finish within " + PREPARE_TIMEOUT_MINUTES + " min");
        }
        if (p.exitValue() != 0 || out.isEmpty()) {
            throw new IOException(script + " failed (status " + p.exitValue() + "): " + Files.readString(log));
        }
        Path dir = Path.of(out);
        GuestImages images = new GuestImages(dir.resolve("vmlinuz"), dir.resolve("vmlinux"),
                dir.resolve("initramfs.cpio.gz"), dir.resolve("grubx64.efi"),
                Files.readString(dir.resolve("kernel-release")).trim());
        for (Path f : new Path[] {images.bzImage, images.vmlinux, images.initramfs, images.grubEfi}) {
            if (!Files.isRegularFile(f) || Files.size(f) == 0) {
                throw new IOException(script + " printed " + dir + " but " + f + " is missing or empty");
            }
        }
        return images;
    }
}
