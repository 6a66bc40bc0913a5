package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootProtocol;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;
import dev.vmboot.api.vm.Hypervisor;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.Personality;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;
import dev.vmboot.api.virtio.VirtioDeviceFactory;

/**
 * The {@code vmboot:*} commands. They hold no logic of their own beyond argument handling and output: scanning is the
 * {@link DiskScanner}'s, booting the {@link BootProtocol}s' and the {@link Hypervisor}'s, all found as services.
 */
@Component(service = VmbootCommands.class, property = {
    "osgi.command.scope=vmboot",
    "osgi.command.function=scan", "osgi.command.function=ls", "osgi.command.function=cat",
    "osgi.command.function=extract", "osgi.command.function=boot", "osgi.command.function=list",
    "osgi.command.function=stop", "osgi.command.function=console", "osgi.command.function=counters",
    "osgi.command.function=devices",
    "osgi.command.function=help"
})
public class VmbootCommands {
    private static final Logger LOG = LoggerFactory.getLogger(VmbootCommands.class);
    private static final DateTimeFormatter LS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);
    /** How long a stopped machine may take to end: its vCPUs leave KVM_RUN at once, its devices are closed after. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);
    /**
     * How long a command waits for a machine that ended to be released before it returns: its vCPU and console
     * threads are joined (KvmVirtualMachine bounds each join at 30 s; they end in milliseconds).
     */
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(60);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DiskScanner scanner;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Hypervisor hypervisor;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<BootProtocol> protocols = new CopyOnWriteArrayList<>();

    @Reference(service = FileSystemReader.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private final List<ServiceReference<FileSystemReader>> readerRefs = new CopyOnWriteArrayList<>();

    @Reference(service = BootProtocol.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private final List<ServiceReference<BootProtocol>> protocolRefs = new CopyOnWriteArrayList<>();

    @Reference(service = VirtioDeviceFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private final List<ServiceReference<VirtioDeviceFactory>> virtioRefs = new CopyOnWriteArrayList<>();

    @Reference(service = Hypervisor.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private final List<ServiceReference<Hypervisor>> hypervisorRefs = new CopyOnWriteArrayList<>();

    private final RunningMachines machines = new RunningMachines();
    private final BlockDeviceOverlap blockDevices;

    /** For Declarative Services, which sets the references. */
    public VmbootCommands() {
        this.blockDevices = new BlockDeviceOverlap(Path.of("/sys"));
    }

    /** With a disk scanner, sysfs and nothing else (the commands' tests). */
    VmbootCommands(DiskScanner scanner, BlockDeviceOverlap blockDevices) {
        this.scanner = scanner;
        this.blockDevices = blockDevices;
    }

    /** The VMs started from this shell (the commands' tests start theirs here). */
    RunningMachines machines() {
        return machines;
    }

    @Deactivate
    void deactivate() {
        machines.closeAll();
    }

    private DiskScanner scanner() throws IOException {
        DiskScanner s = scanner;
        if (s == null) {
            throw new IOException("no disk scanner is installed (bundle vmboot.storage)");
        }
        return s;
    }

    @Descriptor("Scan disks for partitions, filesystems and boot candidates (all block devices when none is given): "
            + "scan [--json] [--bench N] [DISK...] (scan --help)")
    public void scan(@Descriptor("[--json] [--bench N] [DISK...]") String... arguments)
            throws IOException {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.SCAN, arguments, out);
        if (args == null) {
            return;
        }
        boolean json = args.flag("--json");
        if (args.value("--bench").isPresent()) {
            ScanBenchmark benchmark;
            try {
                benchmark = ScanBenchmark.of(args.value("--bench").get(), json);
            } catch (IllegalArgumentException e) {
                throw new UsageException("scan: " + e.getMessage());
            }
            out.print(benchmark.run(scanner(), args.operands(), System::nanoTime).summary());
            out.flush();
            return;
        }
        PrintStream err = System.err;
        long start = System.nanoTime();
        List<DiskReport> reports = scanner().scan(args.operands(), message -> {
            if (System.nanoTime() - start > 1_000_000_000L) {
                err.println(message);
            }
        });
        List<DiskReport> unread = reports.stream().filter(r -> r.error().isPresent()).toList();
        if (json || unread.size() < reports.size()) {
            out.print(json ? ScanReportFormat.json(reports) : ScanReportFormat.table(reports));
            out.flush();
        }
        // A disk named that cannot be read fails the scan; of every block device, only none readable does.
        boolean failed = args.operands().isEmpty() ? !reports.isEmpty() && unread.size() == reports.size()
                : !unread.isEmpty();
        if (failed) {
            throw new IOException(unread.get(0).error().get() + (unread.size() == 1 ? ""
                    : " (" + unread.size() + " of " + reports.size() + " disks could not be read)"));
        }
    }

    /**
     * Parses ARGUMENTS by SYNTAX; for {@code --help} prints the usage to OUT and returns null.
     *
     * @throws UsageException naming what is wrong
     */
    private static CommandArguments parse(CommandSyntax syntax, String[] arguments, PrintStream out) {
        try {
            return syntax.parse(arguments);
        } catch (CommandArguments.HelpRequested help) {
            out.println(help.usage());
            out.flush();
            return null;
        }
    }

    @Descriptor("The vmboot commands, or one command's usage: help [COMMAND]")
    public void help(@Descriptor("[COMMAND]") String... arguments) {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.HELP, arguments, out);
        if (args == null) {
            return;
        }
        if (args.operands().isEmpty()) {
            out.println(CommandHelp.overview());
        } else {
            String command = args.operands().get(0);
            out.println(CommandHelp.usage(command).orElseThrow(() -> new UsageException("help: there is no command "
                    + CommandArguments.shown(command) + "; the commands are " + CommandHelp.names())));
        }
        out.flush();
    }

    @Descriptor("List a directory (or show a file) inside a filesystem: ls LOCATION, <disk>[:<partition>][:<path>]")
    public void ls(@Descriptor("LOCATION, e.g. disk.img:2:/boot") String... arguments)
            throws IOException {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.LS, arguments, out);
        if (args == null) {
            return;
        }
        String location = args.operands().get(0);
        Location loc = location("ls", location);
        try (FileSystem fs = scanner().openFileSystem(loc)) {
            FsNode node = resolve(fs, loc, location);
            List<FsNode> entries = new ArrayList<>(node.type() == FileType.DIRECTORY ? fs.list(node) : List.of(node));
            entries.sort(Comparator.comparing(FsNode::name));
            for (FsNode e : entries) {
                String target = e.type() == FileType.SYMLINK ? " -> " + fs.readLink(e) : "";
                out.printf("%c%s %12d %s %s%s%n", e.type().letter(), permissions(e.mode()), e.size(),
                        LS_TIME.format(e.modified()), e.name(), target);
            }
        }
        out.flush();
    }

    @Descriptor("Write a file's bytes from inside a filesystem to standard output: cat LOCATION, "
            + "<disk>[:<partition>]:<path>")
    public void cat(@Descriptor("LOCATION, e.g. disk.img:2:/firmware/OVMF.fd")
            String... arguments) throws IOException {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.CAT, arguments, out);
        if (args == null) {
            return;
        }
        copyFile("cat", args.operands().get(0), Channels.newChannel(out));
        out.flush();
    }

    @Descriptor("Copy a file from inside a filesystem to a host file: extract [--force] LOCATION FILE (extract --help)")
    public String extract(@Descriptor("[--force] LOCATION FILE") String... arguments) throws IOException {
        CommandArguments args;
        try {
            args = CommandSyntax.EXTRACT.parse(arguments);
        } catch (CommandArguments.HelpRequested help) {
            return help.usage();
        }
        String location = args.operands().get(0);
        Location loc = fileLocation("extract", location);
        ExtractTarget target = ExtractTarget.check(args.operands().get(1), loc.disk(), args.flag("--force"),
                blockDevices);
        try (FileSystem fs = scanner().openFileSystem(loc)) {
            FsNode node = regularFile(fs, loc, location);
            long n;
            try (ExtractTarget.Output out = target.open()) {
                n = copy(fs, node, out.channel());
                out.commit();
            }
            return target.isStandardOutput() ? null : n + " bytes written to " + target;
        }
    }

    private void copyFile(String command, String location, WritableByteChannel to) throws IOException {
        Location loc = fileLocation(command, location);
        try (FileSystem fs = scanner().openFileSystem(loc)) {
            copy(fs, regularFile(fs, loc, location), to);
        }
    }

    /** A location with a path in it. */
    private static Location fileLocation(String command, String location) {
        Location loc = location(command, location);
        if (loc.path().isEmpty()) {
            throw new UsageException(command + ": LOCATION " + CommandArguments.shown(location)
                    + " names no file: add :/path, e.g. disk.img:1:/EFI/BOOT/BOOTX64.EFI");
        }
        return loc;
    }

    private static Location location(String command, String location) {
        try {
            return Location.parse(location);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": LOCATION " + e.getMessage());
        }
    }

    /** The node at LOC's path, followed through links; LOCATION as typed names it in the errors. */
    private static FsNode resolve(FileSystem fs, Location loc, String location) throws IOException {
        try {
            return FsPaths.resolve(fs, loc.path().orElse("/"), true);
        } catch (NoSuchFileException e) {
            throw new IOException(location + ": no such file or directory", e);
        } catch (NotDirectoryException e) {
            throw new IOException(location + ": a part of the path before its end is not a directory", e);
        }
    }

    private static FsNode regularFile(FileSystem fs, Location loc, String location) throws IOException {
        FsNode node = resolve(fs, loc, location);
        if (node.type() != FileType.REGULAR) {
            throw new IOException(location + " is a " + node.type().name().toLowerCase() + ", not a file");
        }
        return node;
    }

    private static long copy(FileSystem fs, FsNode file, WritableByteChannel to) throws IOException {
        long total = 0;
        try (SeekableByteChannel in = fs.open(file)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            while (in.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    total += to.write(buf);
                }
                buf.clear();
            }
        }
        return total;
    }

    @Descriptor("Boot an image in a virtual machine: boot [-p protocol] [-m 1G] [-c 1] [-a cmdline] [-i initrd] "
            + "[-k kernel] [--disk PATH[,ro]]... [--net TAP[,mac=MAC]]... [--console serial|virtio] [--rng RATE|--no-rng] "
            + "[-d] [-r stop|reboot] IMAGE (boot --help explains each)")
    public ExitStatus boot(@Descriptor("options, then a location or host file to boot")
            String... arguments) throws Exception {
        CommandSession session = GogoSession.current();
        BootArguments args;
        try {
            args = BootArguments.parse(List.of(arguments));
        } catch (CommandArguments.HelpRequested help) {
            return new ExitStatus(0, help.usage());
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage().startsWith("boot") ? e.getMessage() : "boot: " + e.getMessage());
        }
        // No local of this frame, which lives as long as the session, holds an image: see BootImages. The files are
        // read before the hypervisor is asked, so a missing one is said first.
        BootImages images = BootImages.load(scanner(), args);
        Hypervisor hv = hypervisor;
        if (hv == null) {
            throw new IOException("no hypervisor is installed (bundle vmboot.machine)");
        }
        Optional<String> unavailable = hv.unavailableReason();
        if (unavailable.isPresent()) {
            throw new IOException(unavailable.get());
        }
        BootProtocol protocol = chooseProtocol(images.first().image(), args.protocol().orElse(""));
        String vmName = Path.of(images.first().image().name()).getFileName().toString();
        MachineSpec requested = new MachineSpec(vmName, args.memory(), args.cpus(), Personality.CLOUD_HV,
                args.devices(vmName));
        MachineSpec spec = protocol.machineFor(images.first().image(), requested);
        boolean detach = args.detach();
        ConsoleRelay relay = new ConsoleRelay();
        ConsoleRelay.Attachment terminal = detach ? null
                : relay.attach(session.getConsole(), session.getKeyboard(), interactive(session), false,
                        rawTerminal(session));
        BootSession boot;
        try {
            boot = BootSession.start(spec.name(), () -> {
                VirtualMachine vm = hv.create(spec, relay.console());
                try {
                    loadInto(vm, protocol, images);
                } catch (IOException | BootException | RuntimeException e) {
                    vm.close();
                    throw e;
                }
                // The images laid into the machine are unreachable now; a collection unmaps the host files the
                // scanner mapped (Java 17 has no explicit unmapping), whose pages otherwise stay resident in this
                // process for the machine's life: bench/disk.sh (c), Debian's kernel and initrd, 9 MiB.
                System.gc();
                return vm;
            }, args.onReset());
        } catch (Exception e) {
            if (terminal != null) {
                terminal.detach(); // the machine was closed: its pump, if it started, has ended
            }
            throw e;
        }
        RunningMachine machine = machines.add(boot, relay, args.image(), protocol.name(), spec);
        int id = machine.id();
        if (detach) {
            return new ExitStatus(0, "started VM " + id + " (" + spec.name() + ", " + protocol.name()
                    + "); vmboot:console " + id + " attaches to it, vmboot:stop " + id + " stops it");
        }
        // The terminal's keys are the console pump's until the machine ends (its follower detaches the terminal, then
        // closes the machine, then completes ended) or Ctrl-] detaches it; then this command's caller reads them
        // again (the shell, or the boot menu at once): detach() returns once the pump has left the terminal.
        try {
            CompletableFuture.anyOf(machine.ended(), terminal.detached()).get();
        } catch (InterruptedException e) {
            // The command was interrupted (Ctrl-C): the VM ends with it, and is closed before the command returns.
            terminal.detach();
            machine.session().stop();
            if (machine.awaitEndUninterruptibly(STOP_WAIT).isEmpty()) {
                LOG.warn("VM {}: stopped, but not closed within {} s", id, STOP_WAIT.toSeconds());
            }
            machines.remove(id);
            throw e;
        }
        terminal.detach();
        VmExit exit = machine.endOnceReleased(RELEASE_WAIT).orElse(null);
        if (exit == null) {
            return new ExitStatus(0, "\ndetached from VM " + id + ", which runs on: vmboot:console " + id
                    + " attaches again, vmboot:stop " + id + " stops it", true);
        }
        machines.remove(id);
        return new ExitStatus(exit.exitStatus(), RunningMachine.describeEnd(id, exit)
                + (boot.reboots() == 0 ? "" : " after " + boot.reboots() + " reboot(s)"));
    }

    /** Lays a fresh load of the images into {@code vm}; the load is unreachable once this returns. */
    private static void loadInto(VirtualMachine vm, BootProtocol protocol, BootImages images)
            throws IOException, BootException {
        BootImages.Load load = images.take();
        protocol.load(load.image(), load.options(), vm);
    }

    /**
     * Puts the interactive shell's terminal in raw mode for an attached console (see {@link RawTerminalMode}); what
     * gives its mode back, which the relay runs once the console pump has left it.
     */
    private static Runnable rawTerminal(CommandSession session) {
        return interactive(session) ? RawTerminalMode.enter(session.get(TerminalKeyboard.TERMINAL_VARIABLE))
                : () -> { };
    }

    /** Whether SESSION is the interactive shell, not a one-shot script whose VMs end with it. */
    private static boolean interactive(CommandSession session) {
        return session.get(ScriptRunner.ONE_SHOT_VARIABLE) == null;
    }

    private BootProtocol chooseProtocol(BootImage image, String forced) throws BootException {
        List<BootProtocol> present = new ArrayList<>(protocols);
        if (present.isEmpty()) {
            throw new BootException("no boot protocols are installed (bundles vmboot.boot.*)");
        }
        if (!forced.isEmpty()) {
            return present.stream().filter(p -> p.name().equals(forced)).findFirst()
                    .orElseThrow(() -> new BootException("no boot protocol named '" + forced + "'; installed: "
                            + present.stream().map(BootProtocol::name).toList()));
        }
        BootProtocol best = null;
        int bestScore = 0;
        for (BootProtocol p : present) {
            int score = p.probe(image);
            if (score > bestScore) {
                best = p;
                bestScore = score;
            }
        }
        if (best == null) {
            throw new BootException(image.name() + ": no installed boot protocol can boot it (tried "
                    + present.stream().map(BootProtocol::name).toList() + ")");
        }
        return best;
    }

    @Descriptor("List the virtual machines started from this shell: ID, image, protocol, memory, vCPUs, uptime, state")
    public void list(@Descriptor("nothing") String... arguments) {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        if (parse(CommandSyntax.LIST, arguments, out) == null) {
            return;
        }
        out.print(MachineTable.of(machines.all()));
        out.flush();
    }

    @Descriptor("Attach this terminal to a VM's serial console (Ctrl-] detaches): console ID, as vmboot:list shows it")
    public String console(@Descriptor("ID, as vmboot:list shows it") String... arguments)
            throws IOException, ExecutionException {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.CONSOLE, arguments, out);
        if (args == null) {
            return null;
        }
        RunningMachine machine = machine("console", args.operands().get(0));
        int id = machine.id();
        boolean interactive = interactive(session);
        if (machine.console().isAttached()) {
            throw new IllegalStateException("console: VM " + id + " is attached to another console; detach it there "
                    + "first (Ctrl-])");
        }
        out.println("[VM " + id + "'s console" + (interactive ? "; Ctrl-] detaches" : "") + "]");
        ConsoleRelay.Attachment terminal;
        Runnable handBack = rawTerminal(session);
        try {
            terminal = machine.console().attach(out, session.getKeyboard(), interactive, true, handBack);
        } catch (IllegalStateException e) {
            handBack.run();
            throw new IllegalStateException("console: VM " + id + " is attached to another console; detach it there "
                    + "first (Ctrl-])", e);
        }
        try {
            CompletableFuture.anyOf(machine.ended(), terminal.detached()).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Ctrl-C: leave the console, the VM runs on
        } finally {
            terminal.detach();
        }
        VmExit exit = machine.endOnceReleased(RELEASE_WAIT).orElse(null);
        return exit != null ? "\n" + RunningMachine.describeEnd(id, exit) : "\ndetached from VM " + id;
    }

    @Descriptor("Stop a VM started from this shell: its ACPI power button, then stopped after a timeout: "
            + "stop [--force] [--timeout SECONDS] ID (stop --help)")
    public String stop(@Descriptor("[--force] [--timeout SECONDS] ID") String... arguments)
            throws InterruptedException {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.STOP, arguments, out);
        if (args == null) {
            return null;
        }
        Duration timeout = args.value("--timeout").map(StopTimeout::parse)
                .orElse(Duration.ofSeconds(StopTimeout.DEFAULT_SECONDS));
        RunningMachine machine = machine("stop", args.operands().get(0));
        int id = machine.id();
        if (machine.ended().isDone()) {
            machines.remove(id);
            return RunningMachine.describeEnd(id, machine.ended().getNow(null)) + "; removed from the list";
        }
        String how = "stopped";
        if (!args.flag("--force")) {
            if (machine.session().machine().pressPowerButton()) {
                out.println("VM " + id + ": power button pressed; waiting up to " + timeout.toSeconds()
                        + " s for the guest to power off (stop --force " + id + " does not wait)");
                out.flush();
                Optional<VmExit> exit = machine.awaitEnd(timeout);
                if (exit.isPresent()) {
                    machines.remove(id);
                    return RunningMachine.describeEnd(id, exit.get());
                }
                how = "did not power off within " + timeout.toSeconds() + " s of the power button: stopped";
            } else {
                how = "ended before its power button was pressed: stopped";
            }
        }
        machine.session().stop();
        Optional<VmExit> exit = machine.awaitEnd(STOP_WAIT);
        machines.remove(id);
        return "VM " + id + " " + how + exit.map(x -> x.state() == VmState.STOPPED ? ""
                : " (it ended first: " + x.state().name().toLowerCase() + ")").orElse(" (still ending)");
    }

    @Descriptor("Show the counters of a VM's devices, as they are now: counters [--all] ID (counters --help)")
    public void counters(@Descriptor("[--all] ID, as vmboot:list shows it") String... arguments) {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        CommandArguments args = parse(CommandSyntax.COUNTERS, arguments, out);
        if (args == null) {
            return;
        }
        RunningMachine machine = machine("counters", args.operands().get(0));
        out.print(DeviceCounterTable.of(machine.id(), machine.session().machine().deviceCounters(),
                args.flag("--all")));
        out.flush();
    }

    /** The machine a command's ID operand names. */
    private RunningMachine machine(String command, String number) {
        if (!number.matches("[0-9]{1,18}")) {
            throw new UsageException(command + ": " + CommandArguments.shown(number)
                    + " is not a VM ID; vmboot:list shows the IDs");
        }
        long id = Long.parseLong(number);
        return (id > Integer.MAX_VALUE ? Optional.<RunningMachine>empty() : machines.get((int) id))
                .orElseThrow(() -> new IllegalStateException(command + ": there is no VM " + id
                        + "; vmboot:list shows the VMs started from this shell"));
    }

    @Descriptor("List the installed plug-ins: filesystem readers, boot protocols, virtio devices, hypervisors")
    public void devices(@Descriptor("nothing") String... arguments) {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        if (parse(CommandSyntax.DEVICES, arguments, out) == null) {
            return;
        }
        section(out, "filesystem readers", readerRefs, FileSystemReader.TYPE_PROPERTY);
        section(out, "boot protocols", protocolRefs, BootProtocol.NAME_PROPERTY);
        section(out, "virtio devices", virtioRefs, VirtioDeviceFactory.TYPE_PROPERTY);
        section(out, "hypervisors", hypervisorRefs, Hypervisor.NAME_PROPERTY);
        Hypervisor hv = hypervisor;
        if (hv != null) {
            out.println("  " + hv.name() + ": " + hv.unavailableReason().map(r -> "unavailable: " + r)
                    .orElse("available"));
        }
    }

    private static void section(PrintStream out, String title, List<? extends ServiceReference<?>> refs,
            String nameProperty) {
        out.println(title + ":" + (refs.isEmpty() ? " none installed" : ""));
        List<String> lines = new ArrayList<>();
        for (ServiceReference<?> ref : refs) {
            Object name = ref.getProperty(nameProperty);
            // The id for gogo's update; the time it was installed or updated tells two builds of one version apart.
            String bundle = ref.getBundle() == null ? "?" : ref.getBundle().getSymbolicName() + " "
                    + ref.getBundle().getVersion() + " (bundle " + ref.getBundle().getBundleId() + ", "
                    + Instant.ofEpochMilli(ref.getBundle().getLastModified()) + ")";
            lines.add(String.format("  %-12s %s", name instanceof String[] a ? Arrays.toString(a) : name, bundle));
        }
        lines.stream().sorted().forEach(out::println);
    }

    private static String permissions(int mode) {
        char[] c = new char[9];
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            c[i] = (mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-';
        }
        return new String(c);
    }
}
