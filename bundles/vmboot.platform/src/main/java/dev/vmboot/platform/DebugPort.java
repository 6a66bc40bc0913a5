package dev.vmboot.platform;

import java.util.Objects;
import java.util.function.Consumer;

import dev.vmboot.api.device.PortIoDevice;

/**
 * The QEMU/Bochs debug console port 0x402 that EDK2's PlatformDebugLibIoPort writes its log to. Reads return 0xE9,
 * which is how the library detects the port. Bytes are collected into lines (at most {@value #MAX_LINE} characters)
 * and handed to a sink without the line end.
 */
public final class DebugPort implements PortIoDevice {

    /** OvmfPkg PlatformDebugLibIoPort: PcdDebugIoPort default 0x402; detection value 0xE9 (BOCHS_DEBUG_PORT_MAGIC). */
    public static final int PORT = 0x402;
    static final int MAGIC = 0xE9;
    static final int MAX_LINE = 4096;

    private final Consumer<String> lines;
    private final StringBuilder line = new StringBuilder();

    public DebugPort(Consumer<String> lines) {
        this.lines = Objects.requireNonNull(lines, "lines");
    }

    @Override
    public int read(int offset, int size) {
        return MAGIC;
    }

    @Override
    public void write(int offset, int size, int value) {
        String complete = null;
        synchronized (this) {
            char c = (char) (value & 0xFF);
            if (c == '\n' || line.length() >= MAX_LINE) {
                complete = take();
            }
            if (c != '\n' && c != '\r') {
                line.append(c);
            }
        }
        if (complete != null) {
            lines.accept(complete);
        }
    }

    /** Hands over a partial last line, if any (when the machine stops). */
    public void flush() {
        String rest;
        synchronized (this) {
            rest = line.length() > 0 ? take() : null;
        }
        if (rest != null) {
            lines.accept(rest);
        }
    }

    private String take() {
        String s = line.toString();
        line.setLength(0);
        return s;
    }
}
