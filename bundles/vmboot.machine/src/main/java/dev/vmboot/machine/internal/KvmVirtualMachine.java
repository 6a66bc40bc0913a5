package dev.vmboot.machine.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.memory.MemoryRegion;
import dev.vmboot.api.vm.Console;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.DevicePlugin;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.PlatformData;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;
import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.kvm.AnonymousMemory;
import dev.vmboot.kvm.CpuidEntry;
import dev.vmboot.kvm.Kvm;
import dev.vmboot.kvm.KvmException;
import dev.vmboot.kvm.KvmCapability;
import dev.vmboot.kvm.KvmExit;
import dev.vmboot.kvm.KvmRegs;
import dev.vmboot.kvm.KvmRun;
import dev.vmboot.kvm.KvmSregs;
import dev.vmboot.kvm.KvmVcpu;
import dev.vmboot.kvm.KvmVm;
import dev.vmboot.machine.internal.virtio.VirtioPciDevices;
import dev.vmboot.memory.RegionGuestMemory;
import dev.vmboot.platform.FirmwareLog;
import dev.vmboot.platform.PlatformConfig;
import dev.vmboot.platform.PlatformDevices;
import dev.vmboot.platform.PortIoRange;
import dev.vmboot.platform.PowerEvents;

/**
 * A KVM virtual machine: guest RAM in two memory slots around the 32-bit hole ({@link X86Layout}), the in-kernel
 * PIC/IOAPIC/LAPICs and PIT, the platform devices of its {@link Personality}, and one thread per vCPU looping on
 * {@code KVM_RUN}. Port and MMIO exits go to {@link PortIoBus} and {@link MmioBus}.
 * <p>
 * Ending: the first final event wins (power-off, reset request, triple fault, failure, {@link #stop()}); every vCPU
 * is then kicked out of the guest and {@link #awaitExit} returns once all vCPU threads have ended.
 */
final class KvmVirtualMachine implements VirtualMachine, PluginBuiltMachine {
    private static final Logger LOG = LoggerFactory.getLogger(KvmVirtualMachine.class);

    /** Guest RAM buffers are 1 GiB direct buffers (RegionGuestMemory chunks). */
    private static final int CHUNK_SHIFT = 30;
    /**
     * Console input polling: every 10 ms while keys arrive, backing off to every 50 ms when idle; 50 ms is then the
     * first key's latency at worst.
     */
    private static final long CONSOLE_POLL_MIN_MILLIS = 10;
    private static final long CONSOLE_POLL_MAX_MILLIS = 50;
    private static final long PAGE = 4096;
    /**
     * How long close waits for each vCPU and the console thread: a vCPU leaves KVM_RUN at the kick, the console thread
     * at once from its idle wait (woken) or after one look at the input and one wait for receive space (100 ms); 30 s
     * is for a host under heavy load.
     */
    private static final long THREAD_END_MILLIS = TimeUnit.SECONDS.toMillis(30);
    /** Local APIC register offsets in the KVM_GET_LAPIC page (SDM 3A, table 10-1). */
    private static final int APIC_LVT0 = 0x350;
    private static final int APIC_LVT1 = 0x360;
    /** LVT delivery mode, bits 10:8: ExtINT and NMI. */
    private static final int APIC_MODE_EXTINT = 0x7;
    private static final int APIC_MODE_NMI = 0x4;
    /** IA32_MISC_ENABLE bit 0, fast string operations: the value cloud-hypervisor and Firecracker boot with. */
    static final int MSR_IA32_MISC_ENABLE = 0x1A0;
    /** FNINIT's x87 control word and the power-on MXCSR (SDM 1, 8.1.5 and 10.2.3). */
    private static final int FPU_FCW_DEFAULT = 0x37F;
    private static final int MXCSR_DEFAULT = 0x1F80;

    /** Appended to a triple fault's register dump where {@link CpuidPolicy#registersResetOnShutdown} holds. */
    static final String SVM_SHUTDOWN_NOTE = "(AMD SVM: KVM re-initialises a vCPU that shuts down, so these are its INIT "
            + "registers, not where it faulted)";

    private final MachineSpec spec;
    private boolean registersResetOnShutdown;
    private final Console console;
    private final KvmVm vm;
    private final List<KvmVcpu> vcpus = new ArrayList<>();
    private final List<AnonymousMemory> mappings = new ArrayList<>();
    private final RegionGuestMemory memory = new RegionGuestMemory();
    /** Set before the guest's RAM is unmapped: files opened to read into it then refuse to. */
    private volatile boolean ramReleased;
    /** Every log line the guest can cause, through any device of this machine, takes from this budget. */
    private final GuestLogLimiter guestLog;
    private final FirmwareLog firmwareLog;
    private final PortIoBus ports;
    private final MmioBus mmio;
    private final PlatformDevices platform;
    private final Map<Integer, String> vcpuReports = new ConcurrentSkipListMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<DevicePlugin> devicePlugins;
    /** Run once when the machine is closed. */
    private volatile Runnable whenClosed = () -> { };
    private int nextSlot;
    private CpuState bootState;
    private PlatformData platformData = new PlatformData(Map.of());
    private volatile Thread consolePump;
    private VirtioPciDevices virtio;
    /** MSI delivery failures are the guest's doing (a bad message); told once per machine. */
    private volatile boolean msiFailureTold;

    // Guarded by this.
    private VmState state = VmState.CREATED;
    private VmExit exit;
    private boolean closed;
    private int runningThreads;

    /** Also the flag the vCPU loops poll. */
    private volatile boolean stopping;

    KvmVirtualMachine(Kvm kvm, MachineSpec spec, Console console) throws IOException {
        this(kvm, spec, console, List.of(), List.of());
    }

    KvmVirtualMachine(Kvm kvm, MachineSpec spec, Console console, List<VirtioDevice> devices) throws IOException {
        this(kvm, spec, console, devices, List.of());
    }

    /**
     * @param devices the machine's virtio devices, which it owns from now on: it closes them when it closes, or at
     *                once if it cannot be built
     * @param devicePlugins the plug-in that made each device
     */
    KvmVirtualMachine(Kvm kvm, MachineSpec spec, Console console, List<VirtioDevice> devices,
            List<DevicePlugin> devicePlugins) throws IOException {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.devicePlugins = List.copyOf(devicePlugins);
        this.console = Objects.requireNonNull(console, "console");
        this.guestLog = GuestLogLimiter.perMinute("VM " + spec.name());
        this.firmwareLog = new FirmwareLog("VM " + spec.name());
        this.ports = new PortIoBus(guestLog);
        this.mmio = new MmioBus(guestLog);
        boolean handedOver = false;
        KvmVm created;
        try {
            created = kvm.createVm();
        } catch (IOException | RuntimeException e) {
            devices.forEach(VirtioDevice::close);
            throw e;
        }
        this.vm = created;
        try {
            vm.setTssAddress(X86Layout.KVM_TSS_START);
            vm.setIdentityMapAddress(X86Layout.KVM_IDENTITY_MAP_START);
            vm.createIrqchip();
            vm.createPit2();
            mapRam();
            List<CpuidEntry> cpuid = kvm.supportedCpuid();
            registersResetOnShutdown = CpuidPolicy.registersResetOnShutdown(cpuid);
            boolean tscDeadline = kvm.checkExtension(KvmCapability.TSC_DEADLINE_TIMER) > 0;
            for (int i = 0; i < spec.vcpus(); i++) {
                KvmVcpu vcpu = vm.createVcpu(i);
                vcpus.add(vcpu);
                vcpu.setCpuid(CpuidPolicy.forVcpu(cpuid, i, tscDeadline));
                setLocalInterruptPins(vcpu);
            }
            Personality personality = spec.personality() == null ? Personality.CLOUD_HV : spec.personality();
            long mem = spec.memoryBytes();
            platform = PlatformDevices.create(new PlatformConfig(personality, X86Layout.ramBelow4GiB(mem),
                    mem - X86Layout.ramBelow4GiB(mem), console.output(), new Power(), this::interruptLine,
                    firmwareLog, Clock.systemUTC(), ports::move, guestLog));
            for (PortIoRange r : platform.portIoRanges()) {
                ports.register(r.name(), r.base(), r.length(), r.device());
            }
            for (dev.vmboot.platform.MmioRange r : platform.mmioRanges()) {
                mmio.register(r.name(), r.base(), r.length(), r.device());
            }
            handedOver = true; // from here on attach closes the devices if it fails
            virtio = VirtioPciDevices.attach("vmboot-" + spec.name(), devices, memory, platform.pciBus(),
                    new VirtioPciDevices.MmioSpace() {
                        @Override
                        public void map(String name, long base, long length, MmioDevice device) {
                            mmio.register(name, base, length, device);
                        }

                        @Override
                        public void unmap(long base, MmioDevice device) {
                            mmio.unregister(base, device);
                        }
                    }, new KvmDoorbellWiring(vm, spec.name(), guestLog), this::signalMsi, this::interruptLine,
                    SplitVirtqueues::create, guestLog);
        } catch (IOException | RuntimeException e) {
            if (!handedOver) {
                for (VirtioDevice d : devices) {
                    d.close();
                }
            }
            releaseNative();
            throw e;
        }
        LOG.info("VM {}: {} MiB, {} vCPU(s), {}", spec.name(), spec.memoryBytes() >> 20, spec.vcpus(),
                platform.personality());
    }

    private void mapRam() throws KvmException {
        long size = (spec.memoryBytes() + PAGE - 1) & ~(PAGE - 1);
        AnonymousMemory ram = AnonymousMemory.allocate(size);
        mappings.add(ram);
        long offset = 0;
        List<RamGuestFile.HostRam> hostRam = new ArrayList<>();
        for (MemoryRegion r : X86Layout.ramRegions(size)) {
            vm.setUserMemoryRegion(nextSlot++, 0, r.guestAddress(), r.size(), ram.hostAddress() + offset);
            memory.map(r, ram.buffers(offset, r.size(), CHUNK_SHIFT));
            hostRam.add(new RamGuestFile.HostRam(r.guestAddress(), r.size(), ram.hostAddress() + offset));
            offset += r.size();
        }
        // devices may read files straight into this RAM (a disk's reads: one preadv per request)
        List<RamGuestFile.HostRam> regions = List.copyOf(hostRam);
        memory.fileOpener(path -> RamGuestFile.open(path, regions, () -> !ramReleased));
    }

    /**
     * LINT0 as ExtINT (the 8259's output) and LINT1 as NMI, as the MP specification's virtual-wire mode wants and
     * cloud-hypervisor / Firecracker program them ({@code set_lint}); the mask bits stay as KVM reset them.
     */
    private static void setLocalInterruptPins(KvmVcpu vcpu) throws KvmException {
        byte[] lapic = vcpu.getLapic();
        ByteBuffer b = ByteBuffer.wrap(lapic).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(APIC_LVT0, (b.getInt(APIC_LVT0) & ~0x700) | (APIC_MODE_EXTINT << 8));
        b.putInt(APIC_LVT1, (b.getInt(APIC_LVT1) & ~0x700) | (APIC_MODE_NMI << 8));
        vcpu.setLapic(lapic);
    }

    // ---- set-up ---------------------------------------------------------------------------------------------------

    @Override
    public MachineSpec spec() {
        return spec;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    /** The platform devices (UART, CMOS, PCI root bus...) of this machine. */
    PlatformDevices platform() {
        return platform;
    }

    @Override
    public void addPortIoDevice(String name, int base, int length, PortIoDevice device) {
        ports.register(name, base, length, device);
    }

    @Override
    public void addMmioDevice(String name, long base, long length, MmioDevice device) {
        mmio.register(name, base, length, device);
    }

    @Override
    public GuestLogLimiter guestLog() {
        return guestLog;
    }

    @Override
    public InterruptLine interruptLine(int gsi) {
        if (gsi < 0 || gsi > 23) {
            throw new IllegalArgumentException("GSI " + gsi + " is not an input of the in-kernel IOAPIC (0-23)");
        }
        return asserted -> {
            try {
                vm.irqLine(gsi, asserted);
            } catch (KvmException e) {
                guestLog.warn(LOG, "VM {}: cannot set GSI {}: {}", spec.name(), gsi, e.getMessage());
            }
        };
    }

    /** Sends an MSI (virtio MSI-X vectors) through KVM_SIGNAL_MSI; a failure is the guest's bad message. */
    private void signalMsi(long address, int data) {
        try {
            vm.signalMsi(address, data);
        } catch (KvmException e) {
            if (!msiFailureTold) {
                msiFailureTold = true;
                guestLog.warn(LOG, "VM {}: an MSI to 0x{} data 0x{} was refused: {} (not told again)", spec.name(),
                        Long.toHexString(address), Integer.toHexString(data), e.getMessage());
            }
        }
    }

    /** Each virtio device's counters, by device name. */
    Map<String, Map<String, Long>> virtioCounters() {
        return virtio == null ? Map.of() : virtio.counters();
    }

    @Override
    public Map<String, Map<String, Long>> deviceCounters() {
        return virtioCounters();
    }

    @Override
    public synchronized void mapReadOnly(String name, long guestAddress, ByteBuffer image) {
        requireCreated("mapReadOnly");
        if ((guestAddress & (PAGE - 1)) != 0 || image.remaining() == 0) {
            throw new IllegalArgumentException(String.format("%s: a read-only image needs a page-aligned address and "
                    + "some bytes (0x%x, %d bytes)", name, guestAddress, image.remaining()));
        }
        long size = (image.remaining() + PAGE - 1) & ~(PAGE - 1);
        MemoryRegion region = new MemoryRegion(guestAddress, size, true);
        AnonymousMemory rom;
        try {
            rom = AnonymousMemory.allocate(size);
        } catch (KvmException e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
        List<ByteBuffer> buffers = rom.buffers(0, size, CHUNK_SHIFT);
        try {
            ByteBuffer src = image.duplicate();
            for (ByteBuffer b : buffers) {
                ByteBuffer part = src.slice();
                part.limit(Math.min(part.remaining(), b.capacity()));
                b.duplicate().put(part);
                src.position(src.position() + part.limit());
            }
            memory.map(region, buffers);
            vm.setUserMemoryRegion(nextSlot++, KvmVm.MEM_READONLY, guestAddress, size, rom.hostAddress());
        } catch (KvmException | RuntimeException e) {
            rom.close();
            throw new IllegalStateException(name + ": cannot map read-only at 0x" + Long.toHexString(guestAddress)
                    + ": " + e.getMessage(), e);
        }
        mappings.add(rom);
        // Writes to a KVM_MEM_READONLY slot exit as MMIO: drop them (flash in ROM mode; OVMF then uses RAM variables).
        mmio.register(name, guestAddress, size, new RomWrites(name, guestAddress));
        LOG.info("VM {}: {} mapped read-only at [0x{}, 0x{})", spec.name(), name, Long.toHexString(guestAddress),
                Long.toHexString(guestAddress + size));
    }

    @Override
    public int readPciConfig(int device, int function, int offset, int size) {
        if (size != 1 && size != 2 && size != 4) {
            throw new IllegalArgumentException("PCI config reads are 1, 2 or 4 bytes, not " + size);
        }
        return platform.pciBus().readConfig(0, device, function, offset, size);
    }

    /** Where guest writes to a read-only image land: reads are served from the image, writes are ignored. */
    private final class RomWrites implements MmioDevice {
        private final String name;
        private final long base;
        private boolean warned;

        RomWrites(String name, long base) {
            this.name = name;
            this.base = base;
        }

        @Override
        public long read(long offset, int size) {
            long v = 0;
            for (int i = 0; i < size; i++) {
                v |= (memory.readByte(base + offset + i) & 0xFFL) << (8 * i);
            }
            return v;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (!warned) {
                warned = true;
                guestLog.debug(LOG, "VM {}: guest writes to read-only {} (first at +0x{}) are dropped", spec.name(),
                        name, Long.toHexString(offset));
            }
        }
    }

    @Override
    public synchronized void setBootCpuState(CpuState state) {
        requireCreated("setBootCpuState");
        this.bootState = Objects.requireNonNull(state, "state");
    }

    /**
     * Keeps the data for whoever serves it: this machine has no fw_cfg device of its own (the firmware boot protocol
     * registers one with its files).
     */
    @Override
    public synchronized void setPlatformData(PlatformData data) {
        requireCreated("setPlatformData");
        this.platformData = Objects.requireNonNull(data, "data");
        LOG.debug("VM {}: platform data with {} file(s)", spec.name(), data.fwCfgFiles().size());
    }

    synchronized PlatformData platformData() {
        return platformData;
    }

    private void requireCreated(String what) {
        if (state != VmState.CREATED) {
            throw new IllegalStateException(what + ": VM " + spec.name() + " is " + state + ", not CREATED");
        }
    }

    // ---- life cycle -------------------------------------------------------------------------------------------------

    @Override
    public synchronized void start() {
        requireCreated("start");
        if (bootState != null) {
            try {
                applyBootState(vcpus.get(0), bootState);
            } catch (KvmException e) {
                throw new IllegalStateException("VM " + spec.name() + ": cannot set the boot vCPU state: "
                        + e.getMessage(), e);
            }
        }
        state = VmState.RUNNING;
        for (KvmVcpu vcpu : vcpus) {
            Thread t = new Thread(() -> runVcpu(vcpu), "vmboot-vcpu-" + spec.name() + "-" + vcpu.id());
            t.setDaemon(true);
            threads.add(t);
        }
        runningThreads = threads.size();
        threads.forEach(Thread::start);
        consolePump = new Thread(this::pumpConsoleInput, "vmboot-console-" + spec.name());
        consolePump.setDaemon(true);
        consolePump.start();
    }

    private static void applyBootState(KvmVcpu vcpu, CpuState s) throws KvmException {
        KvmSregs sregs = new KvmSregs();
        vcpu.getSregs(sregs);
        CpuStateTranslation.applySregs(s, sregs);
        vcpu.setSregs(sregs);
        vcpu.setRegs(CpuStateTranslation.regs(s));
        vcpu.setFpu(FPU_FCW_DEFAULT, MXCSR_DEFAULT);
        Map<Integer, Long> msrs = new java.util.TreeMap<>(s.msrs());
        msrs.putIfAbsent(MSR_IA32_MISC_ENABLE, 1L);
        int[] idx = new int[msrs.size()];
        long[] val = new long[msrs.size()];
        int i = 0;
        for (Map.Entry<Integer, Long> e : msrs.entrySet()) {
            idx[i] = e.getKey();
            val[i++] = e.getValue();
        }
        vcpu.setMsrs(idx, val);
    }

    /**
     * Console input to COM1. It polls for what the input has ready rather than blocking in {@code read}: a read still
     * blocked when the machine ends would take the next keys from whoever reads the console after it, the machine a
     * reboot creates or the shell the boot command returns to. Keys that reach a machine that is ending are dropped.
     * Its idle wait is a park that stopping the machine ends ({@link #wakeConsolePump}), not an interrupt: an
     * interrupt landing inside a look at a terminal's keys (a jline stream) would leave that stream failing for the
     * terminal's next reader.
     */
    private void pumpConsoleInput() {
        InputStream in = console.input();
        if (in == null) {
            return;
        }
        byte[] buffer = new byte[64];
        long idleSleep = CONSOLE_POLL_MIN_MILLIS;
        try {
            while (!stopping) {
                int ready = in.available();
                if (ready <= 0) {
                    // Back off while nobody types, so an idle console costs the guest's vCPUs next to nothing.
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(idleSleep));
                    idleSleep = Math.min(idleSleep * 2, CONSOLE_POLL_MAX_MILLIS);
                    continue;
                }
                idleSleep = CONSOLE_POLL_MIN_MILLIS;
                int n = in.read(buffer, 0, Math.min(ready, buffer.length));
                if (n < 0) {
                    break;
                }
                int done = 0;
                while (done < n && !stopping) {
                    done += platform.uart().offer(buffer, done, n - done);
                    if (done < n) {
                        platform.uart().awaitReceiveSpace(100);
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("VM {}: console input ended: {}", spec.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the console thread's idle wait, so that it sees the machine stopping at once. */
    private void wakeConsolePump() {
        Thread pump = consolePump;
        if (pump != null) {
            LockSupport.unpark(pump);
        }
    }

    private void runVcpu(KvmVcpu vcpu) {
        KvmRun run = vcpu.runState();
        try {
            while (!stopping) {
                if (!vcpu.run()) {
                    continue; // interrupted: look at the stop flag again
                }
                int reason = run.exitReason();
                switch (reason) {
                case KvmExit.IO:
                    handleIo(run);
                    break;
                case KvmExit.MMIO:
                    handleMmio(run);
                    break;
                case KvmExit.INTR:
                    break;
                case KvmExit.HLT:
                    // Only without an in-kernel LAPIC; with it, HLT waits inside KVM for an interrupt.
                    finish(VmState.STOPPED, "vCPU " + vcpu.id() + " halted");
                    break;
                case KvmExit.SHUTDOWN:
                    finish(VmState.TRIPLE_FAULT, "triple fault on vCPU " + vcpu.id() + "\n" + dump(vcpu)
                            + (registersResetOnShutdown ? "\n" + SVM_SHUTDOWN_NOTE : ""));
                    break;
                case KvmExit.SYSTEM_EVENT:
                    systemEvent(vcpu, run.systemEventType());
                    break;
                case KvmExit.FAIL_ENTRY:
                    finish(VmState.FAILED, String.format("KVM could not enter vCPU %d (hardware entry failure "
                            + "reason 0x%x)%n%s", vcpu.id(), run.failEntryReason(), dump(vcpu)));
                    break;
                case KvmExit.INTERNAL_ERROR:
                    finish(VmState.FAILED, String.format("KVM internal error on vCPU %d, suberror %d%s, data %s%n%s",
                            vcpu.id(), run.internalSuberror(), run.internalSuberror() == 1 ? " (emulation failure)"
                                    : "", java.util.Arrays.toString(run.internalData()), dump(vcpu)));
                    break;
                default:
                    finish(VmState.FAILED, "unexpected KVM exit " + KvmExit.name(reason) + " on vCPU " + vcpu.id()
                            + "\n" + dump(vcpu));
                    break;
                }
            }
        } catch (KvmException | RuntimeException e) {
            LOG.error("VM {}: vCPU {} failed", spec.name(), vcpu.id(), e);
            finish(VmState.FAILED, "vCPU " + vcpu.id() + ": " + e.getMessage());
        } finally {
            vcpuEnded(vcpu);
        }
    }

    private void handleIo(KvmRun run) {
        int port = run.ioPort();
        int size = run.ioSize();
        int count = run.ioCount();
        if (run.ioDirection() == KvmExit.IO_OUT) {
            for (int i = 0; i < count; i++) {
                ports.write(port, size, run.ioData(i));
            }
        } else {
            for (int i = 0; i < count; i++) {
                run.setIoData(i, ports.read(port, size));
            }
        }
    }

    private void handleMmio(KvmRun run) {
        long address = run.mmioAddress();
        int len = run.mmioLength();
        if (len < 1 || len > 8) {
            return;
        }
        if (run.mmioIsWrite()) {
            mmio.write(address, len, run.mmioData());
        } else {
            run.setMmioData(mmio.read(address, len));
        }
    }

    private void systemEvent(KvmVcpu vcpu, int type) {
        switch (type) {
        case KvmExit.SYSTEM_EVENT_SHUTDOWN:
            finish(VmState.POWERED_OFF, "the guest powered off (system event on vCPU " + vcpu.id() + ")");
            break;
        case KvmExit.SYSTEM_EVENT_RESET:
            finish(VmState.RESET, "the guest asked for a reset; the policy is to stop");
            break;
        default:
            finish(VmState.FAILED, "the guest crashed (system event " + type + " on vCPU " + vcpu.id() + ")");
        }
    }

    /** Registers and segment state of {@code vcpu}, for a crash report. Call on the vCPU's own thread. */
    static String dump(KvmVcpu vcpu) {
        try {
            KvmRegs regs = new KvmRegs();
            KvmSregs sregs = new KvmSregs();
            vcpu.getRegs(regs);
            vcpu.getSregs(sregs);
            return regs + "\n" + sregs;
        } catch (KvmException e) {
            return "(registers unavailable: " + e.getMessage() + ")";
        }
    }

    private final class Power implements PowerEvents {
        @Override
        public void powerOff() {
            finish(VmState.POWERED_OFF, "the guest powered off");
        }

        @Override
        public void reset() {
            finish(VmState.RESET, "the guest asked for a reset; the policy is to stop");
        }
    }

    /**
     * Records how the machine ends (the first call wins) and kicks every vCPU out of the guest. Kicks happen under
     * this lock, and a vCPU thread's last act takes it too, so no signal goes to a thread that has ended.
     */
    private synchronized void finish(VmState how, String detail) {
        if (exit == null) {
            exit = new VmExit(how, detail);
            if (how == VmState.TRIPLE_FAULT || how == VmState.FAILED) {
                LOG.error("VM {}: {}: {}", spec.name(), how, detail);
            } else {
                LOG.info("VM {}: {}: {}", spec.name(), how, detail);
            }
        }
        stopping = true;
        wakeConsolePump();
        if (!closed) {
            for (KvmVcpu v : vcpus) {
                v.kick();
            }
        }
        if (state == VmState.CREATED) {
            state = exit.state();
            ended.countDown();
        }
    }

    private void vcpuEnded(KvmVcpu vcpu) {
        String report;
        try {
            KvmRegs regs = new KvmRegs();
            vcpu.getRegs(regs);
            report = String.format("vCPU %d at rip=0x%x, %s", vcpu.id(), regs.rip,
                    KvmVcpu.mpStateName(vcpu.getMpState()));
        } catch (KvmException e) {
            report = "vCPU " + vcpu.id() + ": " + e.getMessage();
        }
        vcpuReports.put(vcpu.id(), report);
        synchronized (this) {
            if (exit == null) {
                exit = new VmExit(VmState.FAILED, "vCPU " + vcpu.id() + " ended unexpectedly");
            }
            if (--runningThreads == 0) {
                String detail = exit.detail();
                if (exit.state() == VmState.STOPPED) {
                    detail = detail + "; " + String.join("; ", vcpuReports.values());
                }
                exit = new VmExit(exit.state(), detail);
                state = exit.state();
                ended.countDown();
            }
        }
    }

    @Override
    public boolean pressPowerButton() {
        synchronized (this) {
            if (state != VmState.RUNNING) {
                return false;
            }
        }
        platform.pressPowerButton();
        LOG.info("VM {}: power button pressed", spec.name());
        return true;
    }

    @Override
    public void stop() {
        finish(VmState.STOPPED, "stopped from outside");
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public List<DevicePlugin> devicePlugins() {
        return devicePlugins;
    }

    /** RUN is called once, when the machine has been closed (at once if it is already). */
    void whenClosed(Runnable run) {
        whenClosed = Objects.requireNonNull(run, "run");
        if (released.getCount() == 0) {
            run.run();
        }
    }

    @Override
    public boolean stopAndRelease(String reason, Duration wait) throws InterruptedException {
        boolean started;
        synchronized (this) {
            started = state != VmState.CREATED;
        }
        finish(VmState.STOPPED, reason);
        if (released.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        if (started) {
            close();
        }
        return released.getCount() == 0;
    }

    @Override
    public synchronized VmState state() {
        return state;
    }

    @Override
    public Optional<VmExit> awaitExit(Duration timeout) throws InterruptedException {
        if (!ended.await(Math.max(0, Math.min(timeout.toMillis(), Long.MAX_VALUE / 2)), TimeUnit.MILLISECONDS)) {
            return Optional.empty();
        }
        synchronized (this) {
            return Optional.of(exit);
        }
    }

    /**
     * Ends the machine and releases it. Native memory goes last, once no thread can reach it: the vCPU threads and
     * the console input thread are joined first (the console thread raises COM1's interrupt through the VM
     * descriptor), then the virtio workers are stopped (they hold views of guest RAM and send MSIs). A vCPU or worker
     * that does not end keeps everything allocated; a console thread that does not end only meets a closed VM, whose
     * calls throw.
     */
    @Override
    public void close() {
        stop();
        boolean vcpusEnded = true;
        for (Thread t : threads) {
            vcpusEnded &= join(t, THREAD_END_MILLIS);
        }
        boolean consoleEnded = true;
        Thread pump = consolePump;
        if (pump != null) {
            wakeConsolePump();
            consoleEnded = join(pump, THREAD_END_MILLIS);
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            release(vcpusEnded, consoleEnded);
        } finally {
            released.countDown();
            whenClosed.run();
        }
    }

    private void release(boolean vcpusEnded, boolean consoleEnded) {
        // Device workers stop (and devices reset) before memory goes: they hold views of guest RAM.
        boolean workersEnded = virtio == null || virtio.closeAll();
        platform.debugPort().flush();
        firmwareLog.close();
        guestLog.close();
        if (!vcpusEnded || !workersEnded) {
            // Unmapping memory under a running vCPU or device thread would crash the JVM; leak instead and say so.
            LOG.error("VM {}: a {} thread did not end; its file descriptors and memory are left allocated",
                    spec.name(), vcpusEnded ? "device" : "vCPU");
            return;
        }
        if (!consoleEnded) {
            LOG.warn("VM {}: its console input thread did not end within {} ms; the keys it still holds are dropped",
                    spec.name(), THREAD_END_MILLIS);
        }
        releaseNative();
    }

    /** Waits for {@code t} to end, at most {@code millis}; whether it has. */
    private static boolean join(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    private void releaseNative() {
        ramReleased = true;
        memory.unmapAll();
        for (KvmVcpu v : vcpus) {
            v.close();
        }
        vm.close();
        for (AnonymousMemory m : mappings) {
            m.close();
        }
        mappings.clear();
    }
}
