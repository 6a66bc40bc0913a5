package dev.vmboot.shell.internal;

/**
 * The last bytes a virtual machine wrote to its serial console, kept so that {@code vmboot:console} can show them
 * when it attaches: a ring of a fixed size, the oldest bytes overwritten.
 */
final class SerialBacklog {
    private final byte[] ring;
    // Guarded by this.
    private long written;

    /** @param capacity how many of the last bytes are kept */
    SerialBacklog(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("a backlog keeps at least one byte, not " + capacity);
        }
        ring = new byte[capacity];
    }

    synchronized void write(byte[] bytes, int offset, int length) {
        int skip = Math.max(0, length - ring.length); // only the last ring.length bytes can stay
        written += skip;
        for (int i = offset + skip; i < offset + length; i++) {
            ring[(int) (written++ % ring.length)] = bytes[i];
        }
    }

    /** The bytes kept, oldest first: all written so far, or the last {@code capacity} of them. */
    synchronized byte[] contents() {
        int n = (int) Math.min(written, ring.length);
        byte[] out = new byte[n];
        long first = written - n;
        for (int i = 0; i < n; i++) {
            out[i] = ring[(int) ((first + i) % ring.length)];
        }
        return out;
    }

    /** How many bytes were written in all, kept or not. */
    synchronized long written() {
        return written;
    }
}
