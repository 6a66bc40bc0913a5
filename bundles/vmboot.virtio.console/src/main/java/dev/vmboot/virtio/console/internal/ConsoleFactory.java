package dev.vmboot.virtio.console.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceContext;
import dev.vmboot.api.virtio.VirtioDeviceFactory;

/**
 * Creates virtio console devices: {@code console[,cols=N,rows=N]}. The device takes its machine's console
 * ({@link VirtioDeviceContext#takeConsole()}): the keys go to its port 0 ({@code hvc0}) from then on, and the serial
 * port keeps only its output. Stateless: each device owns its threads.
 */
@Component(property = VirtioDeviceFactory.TYPE_PROPERTY + "=" + ConsoleFactory.TYPE)
public final class ConsoleFactory implements VirtioDeviceFactory {
    static final String TYPE = "console";

    @Override
    public String type() {
        return TYPE;
    }

    /** Refused: a console device needs its machine's console, which only {@link #create(Map, VirtioDeviceContext)} gets. */
    @Override
    public VirtioDevice create(Map<String, String> options) {
        throw new IllegalArgumentException("console: a virtio console needs its machine's console; the hypervisor "
                + "creates it with its context");
    }

    /**
     * @throws IllegalArgumentException for an unknown option, or cols or rows out of range
     * @throws IllegalStateException    if another device of the machine took the console
     */
    @Override
    public VirtioDevice create(Map<String, String> options, VirtioDeviceContext context) {
        ConsoleOptions parsed = ConsoleOptions.parse(options);
        return new VirtioConsole(parsed, context.takeConsole(), "vmboot-virtio-console-rx");
    }
}
