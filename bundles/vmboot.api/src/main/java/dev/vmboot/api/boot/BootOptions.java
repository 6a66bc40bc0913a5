package dev.vmboot.api.boot;

import java.util.Optional;

/**
 * What the user asked for besides the image.
 *
 * @param commandLine kernel command line ("" for firmware)
 * @param initrd      an initial ramdisk / PVH module
 */
public record BootOptions(String commandLine, Optional<BootImage> initrd) {
    public static BootOptions none() {
        return new BootOptions("", Optional.empty());
    }
}
