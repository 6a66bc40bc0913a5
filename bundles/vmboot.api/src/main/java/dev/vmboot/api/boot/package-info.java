/**
 * Boot images found on disks, and the {@link dev.vmboot.api.boot.BootProtocol} plug-ins that lay them into a virtual machine.
 */
@Export
@Version("0.3.0")
package dev.vmboot.api.boot;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
