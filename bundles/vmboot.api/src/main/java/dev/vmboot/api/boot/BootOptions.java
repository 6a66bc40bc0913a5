package dev.vmboot.api.boot;

import java.util.Objects;
import java.util.Optional;

/**
 * What the user asked for besides the image.
 *
 * @param commandLine kernel command line ("" for firmware)
 * @param initrd      an initial ramdisk / PVH module
 * @param kernel      a Linux kernel handed to firmware that can boot one itself (QEMU's {@code -kernel} with
 *                    {@code -bios}: UEFI firmware reads it over fw_cfg); protocols that boot the kernel directly
 *                    ignore it
 */
public record BootOptions(String commandLine, Optional<BootImage> initrd, Optional<BootImage> kernel) {
    public BootOptions {
        Objects.requireNonNull(commandLine, "commandLine");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(kernel, "kernel");
    }

    /** Options for a kernel booted directly: a command line and maybe an initrd. */
    public BootOptions(String commandLine, Optional<BootImage> initrd) {
        this(commandLine, initrd, Optional.empty());
    }

    public static BootOptions none() {
        return new BootOptions("", Optional.empty());
    }
}
