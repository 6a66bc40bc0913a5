package dev.vmboot.virtio.console.internal;

import java.util.Map;
import java.util.Optional;

/**
 * The options of a virtio console device, checked once: {@code [cols=N,rows=N]}, the terminal's size when the one
 * who asks for the device knows it (both or neither). With a size the device offers VIRTIO_CONSOLE_F_SIZE.
 *
 * @param size the terminal's columns and rows, or empty when unknown
 */
record ConsoleOptions(Optional<Size> size) {
    static final String COLS = "cols";
    static final String ROWS = "rows";
    /** cols and rows are 16-bit fields of struct virtio_console_config (virtio 1.2, 5.3.4). */
    static final int MAX_CELLS = 0xFFFF;
    private static final String ACCEPTED = "accepted: cols=N and rows=N together (1.." + MAX_CELLS
            + "), the terminal's size";

    /** A terminal's size in character cells. */
    record Size(int cols, int rows) {
    }

    /**
     * @throws IllegalArgumentException for an unknown option, one of cols and rows without the other, or a value out of
     *                                  range, naming the option and what it accepts
     */
    static ConsoleOptions parse(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.equals(COLS) && !key.equals(ROWS)) {
                throw new IllegalArgumentException("console: unknown option '" + key + "'; " + ACCEPTED);
            }
        }
        if (options.containsKey(COLS) != options.containsKey(ROWS)) {
            throw new IllegalArgumentException("console: cols and rows go together; " + ACCEPTED);
        }
        if (!options.containsKey(COLS)) {
            return new ConsoleOptions(Optional.empty());
        }
        return new ConsoleOptions(Optional.of(new Size(cells(options, COLS), cells(options, ROWS))));
    }

    private static int cells(Map<String, String> options, String key) {
        String text = options.get(key);
        int value = text.matches("[0-9]{1,5}") ? Integer.parseInt(text) : -1;
        if (value < 1 || value > MAX_CELLS) {
            throw new IllegalArgumentException("console: option '" + key + "' must be a number from 1 to "
                    + MAX_CELLS + ", not '" + text + "'");
        }
        return value;
    }
}
