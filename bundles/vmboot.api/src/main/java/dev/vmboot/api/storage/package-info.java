/**
 * Block devices (read-only, positional) and partition tables.
 */
@Export
@Version("0.1.0")
package dev.vmboot.api.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
