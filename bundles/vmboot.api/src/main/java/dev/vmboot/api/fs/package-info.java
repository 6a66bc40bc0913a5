/**
 * Read-only filesystems: a {@link dev.vmboot.api.fs.FileSystemReader} probes a block device and opens a {@link dev.vmboot.api.fs.FileSystem}.
 */
@Export
@Version("0.3.0")
package dev.vmboot.api.fs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
