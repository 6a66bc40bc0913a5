package dev.vmboot.machine.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceContext;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.api.vm.DeviceSpec;

/** Creates a machine's devices from its {@link DeviceSpec}s with the device plug-ins installed now. */
final class DeviceFactories {
    private DeviceFactories() {
    }

    /**
     * One device per spec, in order. If one cannot be made, those made before it are closed and the error names the
     * spec.
     *
     * @throws IOException              when no plug-in of a spec's type is installed, or a back-end cannot be opened
     * @throws IllegalArgumentException when a plug-in refuses a spec's options, or a second device takes the console
     */
    static List<VirtioDevice> create(List<DeviceSpec> specs, Collection<VirtioDeviceFactory> factories,
            VirtioDeviceContext context) throws IOException {
        List<VirtioDevice> made = new ArrayList<>(specs.size());
        try {
            for (DeviceSpec spec : specs) {
                VirtioDeviceFactory factory = find(spec.type(), factories);
                try {
                    made.add(factory.create(spec.options(), context));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw new IllegalArgumentException("device " + spec + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new IOException("device " + spec + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException | RuntimeException e) {
            made.forEach(VirtioDevice::close);
            throw e;
        }
        return made;
    }

    private static VirtioDeviceFactory find(String type, Collection<VirtioDeviceFactory> factories)
            throws IOException {
        TreeSet<String> installed = new TreeSet<>();
        for (VirtioDeviceFactory f : factories) {
            if (f.type().equals(type)) {
                return f;
            }
            installed.add(f.type());
        }
        throw new IOException("no virtio device plug-in of type '" + type + "' is installed (bundle vmboot.virtio."
                + type + "); installed: " + (installed.isEmpty() ? "none" : String.join(", ", installed)));
    }
}
