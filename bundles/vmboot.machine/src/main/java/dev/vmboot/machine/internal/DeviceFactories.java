package dev.vmboot.machine.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceContext;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.api.vm.DevicePlugin;
import dev.vmboot.api.vm.DeviceSpec;

/** Creates a machine's devices from its {@link DeviceSpec}s with the device plug-ins installed now. */
final class DeviceFactories {
    private DeviceFactories() {
    }

    /**
     * A machine's devices and the plug-ins that made them.
     *
     * @param devices one per spec, in order
     * @param plugins the plug-in of each device, in the same order
     */
    record Made(List<VirtioDevice> devices, List<DevicePlugin> plugins) {
        Made {
            devices = List.copyOf(devices);
            plugins = List.copyOf(plugins);
        }
    }

    /**
     * One device per spec, in order. If one cannot be made, those made before it are closed and the error names the
     * spec.
     *
     * @throws IOException              when no plug-in of a spec's type is installed, or a back-end cannot be opened
     * @throws IllegalArgumentException when a plug-in refuses a spec's options, or a second device takes the console
     */
    static Made create(List<DeviceSpec> specs, Collection<VirtioDeviceFactory> factories,
            VirtioDeviceContext context) throws IOException {
        List<VirtioDevice> made = new ArrayList<>(specs.size());
        List<DevicePlugin> plugins = new ArrayList<>(specs.size());
        try {
            for (DeviceSpec spec : specs) {
                VirtioDeviceFactory factory = find(spec.type(), factories);
                try {
                    made.add(factory.create(spec.options(), context));
                    plugins.add(pluginOf(spec.type(), factory));
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
        return new Made(made, plugins);
    }

    /** The bundle FACTORY's class comes from, as it is now (the factory class's name outside a framework). */
    static DevicePlugin pluginOf(String type, VirtioDeviceFactory factory) {
        Bundle bundle = FrameworkUtil.getBundle(factory.getClass());
        if (bundle == null) {
            return new DevicePlugin(type, -1, factory.getClass().getName(), "0.0.0", Instant.EPOCH);
        }
        return new DevicePlugin(type, bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()),
                bundle.getVersion().toString(), Instant.ofEpochMilli(bundle.getLastModified()));
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
