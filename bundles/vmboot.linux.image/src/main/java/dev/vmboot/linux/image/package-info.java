/**
 * The x86 Linux kernel image as a boot loader sees it (Documentation/arch/x86/boot.rst): the setup header of a
 * bzImage, read and checked once by {@link dev.vmboot.linux.image.SetupHeader} for every boot protocol that loads,
 * unpacks or hands over a kernel.
 */
@Export
@Version("0.1.0")
package dev.vmboot.linux.image;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
