package dev.vmboot.memory;

import java.io.IOException;
import java.nio.file.Path;

import dev.vmboot.api.memory.GuestFile;

/**
 * Opens files to be read straight into a {@link RegionGuestMemory}'s RAM: given to it by whoever maps that RAM and
 * knows where it lies in host memory (a hypervisor), since the buffers alone do not say.
 */
@FunctionalInterface
public interface GuestFileOpener {

    /** Opens {@code file} read-only, to read into the memory's RAM regions. */
    GuestFile open(Path file) throws IOException;
}
