/**
 * Guest physical memory as seen by device models and loaders.
 */
@Export
@Version("0.2.0")
package dev.vmboot.api.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
