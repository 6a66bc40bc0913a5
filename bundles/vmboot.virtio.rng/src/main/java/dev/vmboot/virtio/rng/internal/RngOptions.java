package dev.vmboot.virtio.rng.internal;

import java.util.Map;

/**
 * The options of a virtio-rng device, checked once: {@code [rate=BYTES_PER_SECOND][,burst=BYTES]}.
 *
 * @param bytesPerSecond the most entropy the guest gets per second on average (default 1 MiB/s)
 * @param burstBytes     the most it gets at once after a pause (default 64 KiB, one request's worth)
 */
record RngOptions(long bytesPerSecond, long burstBytes) {
    static final String RATE = "rate";
    static final String BURST = "burst";
    /** 1 MiB/s: far more than a guest seeding its pool needs, far less than a host can make. */
    static final long DEFAULT_RATE = 1L << 20;
    static final long DEFAULT_BURST = 64L << 10;
    /** The largest rate and burst accepted, 1 GiB: keeps the bucket's byte-nanoseconds inside a long. */
    static final long MAX_BYTES = 1L << 30;
    private static final String ACCEPTED = "accepted: rate=BYTES_PER_SECOND (default " + DEFAULT_RATE
            + "), burst=BYTES (default " + DEFAULT_BURST + "), each 1.." + MAX_BYTES;

    static final RngOptions DEFAULTS = new RngOptions(DEFAULT_RATE, DEFAULT_BURST);

    /**
     * @throws IllegalArgumentException for an unknown option or a value that is not a whole number of bytes in range,
     *                                  naming the option and what it accepts
     */
    static RngOptions parse(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.equals(RATE) && !key.equals(BURST)) {
                throw new IllegalArgumentException("rng: unknown option '" + key + "'; " + ACCEPTED);
            }
        }
        return new RngOptions(bytes(options, RATE, DEFAULT_RATE), bytes(options, BURST, DEFAULT_BURST));
    }

    private static long bytes(Map<String, String> options, String key, long fallback) {
        String text = options.get(key);
        if (text == null) {
            return fallback;
        }
        long value;
        try {
            value = text.matches("[0-9]{1,19}") ? Long.parseLong(text) : -1;
        } catch (NumberFormatException e) {
            value = -1;
        }
        if (value < 1 || value > MAX_BYTES) {
            throw new IllegalArgumentException("rng: option '" + key + "' must be a number of bytes from 1 to "
                    + MAX_BYTES + ", not '" + text + "'");
        }
        return value;
    }
}
