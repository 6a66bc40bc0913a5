/**
 * Guest physical memory as seen by device models and loaders. 0.3.0: {@link dev.vmboot.api.memory.GuestFile}, files
 * read straight into guest RAM.
 */
@Export
@Version("0.3.0")
package dev.vmboot.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
