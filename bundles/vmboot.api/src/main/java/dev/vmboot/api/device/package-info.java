/**
 * Port-I/O and MMIO device models and the interrupt lines they raise.
 */
@Export
@Version("0.1.0")
package dev.vmboot.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
