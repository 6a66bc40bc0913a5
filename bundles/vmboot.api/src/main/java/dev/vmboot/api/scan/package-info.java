/**
 * Scanning disks for boot candidates, and opening a filesystem or a file by location.
 *
 * <p>A <em>location</em> names a disk, a partition of it and a path inside its filesystem:
 * {@code <disk>[:<partition>][:<path>]}, e.g. {@code disk.img}, {@code /dev/sda:2}, {@code disk.img:2:/EFI/BOOT}.
 * The partition is the Linux partition number; {@code 0} (or leaving it out) means the whole disk when it has no
 * partition table. The path starts with {@code /}.
 */
@Export
@Version("0.2.0")
package dev.vmboot.api.scan;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
