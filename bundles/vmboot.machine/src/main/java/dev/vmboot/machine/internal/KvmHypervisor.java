package dev.vmboot.machine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.Hypervisor;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.kvm.Kvm;

/**
 * The {@code kvm} hypervisor: virtual machines on {@code /dev/kvm}, with the virtio devices of the installed device
 * plug-ins (collected as they come and go; a machine takes the ones installed when it is created). A machine the host
 * cannot give its memory or vCPUs ({@link HostCapacity}) is refused before anything is created. A running machine
 * whose device plug-in is stopped, updated or uninstalled is stopped first ({@link DevicePluginWatch}).
 */
@Component(name = KvmHypervisor.NAME, service = Hypervisor.class, property = Hypervisor.NAME_PROPERTY + "="
        + KvmHypervisor.NAME, configurationPid = HypervisorConfiguration.PID)
@Designate(ocd = HypervisorConfiguration.class)
public final class KvmHypervisor implements Hypervisor {
    /** Its name, its service property and its component name. */
    static final String NAME = "kvm";
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final Logger LOG = LoggerFactory.getLogger(KvmHypervisor.class);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<VirtioDeviceFactory> deviceFactories = new CopyOnWriteArrayList<>();

    private final Supplier<String> meminfo;
    private volatile long memoryHeadroom = HypervisorConfiguration.DEFAULT_MEMORY_HEADROOM;
    private final DevicePluginWatch pluginWatch = new DevicePluginWatch(DevicePluginWatch.CLOSE_WAIT);
    private BundleContext context;

    /** On this host's /proc/meminfo. */
    public KvmHypervisor() {
        this(KvmHypervisor::readMeminfo);
    }

    /** @param meminfo the text of /proc/meminfo, read at each {@link #create} */
    KvmHypervisor(Supplier<String> meminfo) {
        this.meminfo = meminfo;
    }

    @Activate
    void activate(BundleContext bundleContext, HypervisorConfiguration configuration) {
        configure(configuration);
        context = bundleContext;
        context.addBundleListener(pluginWatch);
    }

    @Modified
    void configure(HypervisorConfiguration configuration) {
        setMemoryHeadroom(configuration.memoryHeadroom());
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(pluginWatch);
    }

    void setMemoryHeadroom(long headroomBytes) {
        if (headroomBytes < 0) {
            throw new IllegalArgumentException("memoryHeadroom of " + HypervisorConfiguration.PID + " must be 0 or "
                    + "more bytes, not " + headroomBytes);
        }
        memoryHeadroom = headroomBytes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Kvm.unavailableReason();
    }

    @Override
    public VirtualMachine create(MachineSpec spec, Console console) throws IOException {
        Optional<String> memory = HostCapacity.memoryRefusal(spec, HostCapacity.memAvailable(meminfo.get()),
                memoryHeadroom);
        if (memory.isPresent()) {
            throw new IOException(memory.get());
        }
        try (Kvm kvm = Kvm.open()) {
            Optional<String> vcpus = HostCapacity.vcpuRefusal(spec, kvm.maxVcpus());
            if (vcpus.isPresent()) {
                throw new IOException(vcpus.get());
            }
            ConsoleHandover handover = new ConsoleHandover(console);
            DeviceFactories.Made devices = DeviceFactories.create(spec.devices(), deviceFactories, handover);
            KvmVirtualMachine machine = new KvmVirtualMachine(kvm, spec, handover.serialConsole(), devices.devices(),
                    devices.plugins());
            if (!devices.plugins().isEmpty()) {
                LOG.info("VM {}: devices from {}", spec.name(), devices.plugins());
            }
            pluginWatch.watch(machine);
            machine.whenClosed(() -> pluginWatch.forget(machine));
            return machine;
        }
    }

    private static String readMeminfo() {
        try {
            return Files.readString(MEMINFO);
        } catch (IOException e) {
            return ""; // no MemAvailable to go by: the memory is not checked
        }
    }
}
