/**
 * Guest physical memory over {@link java.nio.ByteBuffer}s: heap buffers for tests and tools, direct buffers over
 * native mappings for a hypervisor. See {@link dev.vmboot.memory.RegionGuestMemory}.
 */
@Export
@Version("0.2.0")
package dev.vmboot.memory;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
