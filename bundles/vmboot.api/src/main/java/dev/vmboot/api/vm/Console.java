package dev.vmboot.api.vm;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Where the guest's console goes and comes from: the serial port (COM1), or a virtio console port that took it
 * ({@link dev.vmboot.api.virtio.VirtioDeviceContext#takeConsole()}).
 *
 * @param output bytes the guest writes to its console
 * @param input  bytes typed for the guest (may be an empty stream)
 */
public record Console(OutputStream output, InputStream input) {
}
