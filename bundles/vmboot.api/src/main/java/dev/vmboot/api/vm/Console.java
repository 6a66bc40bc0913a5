package dev.vmboot.api.vm;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where the guest's serial console goes and comes from.
 *
 * @param output bytes the guest writes to COM1
 * @param input  bytes typed for the guest (may be an empty stream)
 */
public record Console(OutputStream output, InputStream input) {
}
