package dev.vmboot.machine.internal;

import java.io.InputStream;
import java.util.Objects;

import dev.vmboot.api.virtio.VirtioDeviceContext;
import dev.vmboot.api.vm.Console;

/**
 * The one console of a machine, shared by the serial port and at most one virtio console port: until a device takes
 * it the serial port has it whole; once one does, the keys go to that device and the serial port keeps only the
 * output (firmware and boot loaders write there). Used while the machine's devices are created, on one thread.
 */
final class ConsoleHandover implements VirtioDeviceContext {
    private final Console console;
    private boolean taken;

    ConsoleHandover(Console console) {
        this.console = Objects.requireNonNull(console, "console");
    }

    @Override
    public Console takeConsole() {
        if (taken) {
            throw new IllegalStateException("the console is taken by another device of this machine; one virtio "
                    + "console device per machine");
        }
        taken = true;
        return console;
    }

    /** What the serial port gets: the whole console, or only its output once a device took it. */
    Console serialConsole() {
        return taken ? new Console(console.output(), InputStream.nullInputStream()) : console;
    }
}
