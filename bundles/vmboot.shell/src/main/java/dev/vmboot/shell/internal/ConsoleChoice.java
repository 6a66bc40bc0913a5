package dev.vmboot.shell.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.vmboot.api.vm.DeviceSpec;

/**
 * Where the guest's console is, {@code boot --console serial|virtio[,COLSxROWS]}: the serial port (COM1, the
 * default, as before) has the terminal whole; or a virtio console device ({@code vmboot.virtio.console}) takes the
 * keys for its port 0 ({@code hvc0}, a Linux guest with {@code console=hvc0}) while the serial port keeps writing to
 * the terminal (firmware and boot loaders know only it). COLSxROWS is the terminal's size for the guest
 * (VIRTIO_CONSOLE_F_SIZE); without it the guest assumes its own.
 *
 * @param virtio whether a virtio console takes the keys
 * @param cols   the terminal's columns, 0 when not given
 * @param rows   the terminal's rows, 0 when not given
 */
record ConsoleChoice(boolean virtio, int cols, int rows) {
    static final ConsoleChoice SERIAL = new ConsoleChoice(false, 0, 0);

    /** @throws IllegalArgumentException naming {@code --console} and what it accepts */
    static ConsoleChoice parse(String text) {
        if (text.equals("serial")) {
            return SERIAL;
        }
        if (text.equals("virtio")) {
            return new ConsoleChoice(true, 0, 0);
        }
        if (text.startsWith("virtio,") && text.substring(7).matches("[0-9]{1,5}x[0-9]{1,5}")) {
            String[] cells = text.substring(7).split("x");
            int cols = Integer.parseInt(cells[0]);
            int rows = Integer.parseInt(cells[1]);
            if (cols >= 1 && rows >= 1 && cols <= 0xFFFF && rows <= 0xFFFF) {
                return new ConsoleChoice(true, cols, rows);
            }
        }
        throw new IllegalArgumentException("--console must be serial, virtio or virtio,COLSxROWS (e.g. virtio,80x24;"
                + " 1-65535 each), not " + CommandArguments.shown(text));
    }

    /** The virtio console device of this choice ({@code vmboot.virtio.console}'s options), if any. */
    Optional<DeviceSpec> device() {
        if (!virtio) {
            return Optional.empty();
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (cols > 0) {
            options.put("cols", Integer.toString(cols));
            options.put("rows", Integer.toString(rows));
        }
        return Optional.of(new DeviceSpec("console", options));
    }
}
