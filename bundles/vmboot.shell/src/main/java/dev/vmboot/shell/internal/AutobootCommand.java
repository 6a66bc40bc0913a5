package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;

/**
 * {@code vmboot:autoboot}, the boot menu that {@code bin/vmboot --autoboot} shows before the shell's prompt
 * ({@link AutobootMenu}); it boots through {@code vmboot:boot}. Configured by PID {@value AutobootConfiguration#PID}:
 * a change applies the next time the menu is shown, without a restart. An invalid configuration is logged in one line
 * and the settings before it stay (the defaults, when vmboot starts with it). Immediate: a delayed component would be
 * deactivated between two menus and lose the settings before an invalid one.
 */
@Component(service = {AutobootCommand.class, ConfigurationCheck.class}, immediate = true,
        configurationPid = AutobootConfiguration.PID,
        property = {"osgi.command.scope=vmboot", "osgi.command.function=autoboot"})
@Designate(ocd = AutobootConfiguration.class)
public class AutobootCommand implements ConfigurationCheck {
    private static final Logger LOG = LoggerFactory.getLogger(AutobootCommand.class);
    /** The session variable of gogo jline's Shell that holds its terminal. */
    static final String TERMINAL_VARIABLE = ".terminal";
    static final CommandSyntax SYNTAX = new CommandSyntax("autoboot", List.of(), 0, 0, "no arguments",
            String.join("\n",
                    "usage: autoboot",
                    "  scan the disks (etc/" + AutobootConfiguration.PID + ".cfg: disks), show the boot candidates,",
                    "  count down (timeout) to the default entry and boot it in a VM (etc/"
                            + VmDefaultsConfiguration.PID + ".cfg);",
                    "  keys: a number boots that entry, Enter the default, e edits memory, vCPUs, disks and command",
                    "  line first, s leaves for the shell; any key stops the countdown. vmboot:config "
                            + AutobootConfiguration.PID + " shows the settings"));

    @Reference
    private VmbootCommands commands;

    @Reference
    private VmDefaultsComponent vmDefaults;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile DiskScanner scanner;

    private Path home = Path.of("").toAbsolutePath();
    private volatile AutobootSettings settings;
    /** Why the configuration delivered last was refused, or null when it was taken. */
    private volatile String refused;

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        String h = context.getProperty(ScriptRunner.HOME_PROPERTY);
        home = Path.of(h == null ? "" : h).toAbsolutePath();
        settings = read(Map.of(), home);
        configure(properties);
    }

    @Modified
    void configure(Map<String, Object> properties) {
        try {
            settings = read(properties, home);
            refused = null;
        } catch (IllegalArgumentException e) {
            refused = e.getMessage();
            LOG.error("configuration {}: {}; the autoboot settings before it stay", AutobootConfiguration.PID,
                    e.getMessage());
        }
    }

    @Override
    public String pid() {
        return AutobootConfiguration.PID;
    }

    @Override
    public void check(Map<String, ?> properties) {
        read(properties, home);
    }

    private static AutobootSettings read(Map<String, ?> properties, Path home) {
        return AutobootSettings.from(ConfigurationView.of(AutobootConfiguration.class, properties), home);
    }

    /** The settings in force (for the tests and the menu). */
    AutobootSettings settings() {
        return settings;
    }

    @Descriptor("Show the boot menu: scan the disks, count down to the default entry and boot it; digits choose, "
            + "e edits, s leaves for the shell (autoboot --help)")
    public ExitStatus autoboot(@Descriptor("nothing, or --help") String... arguments)
            throws InterruptedException {
        CommandSession session = GogoSession.current();
        PrintStream out = session.getConsole();
        try {
            SYNTAX.parse(arguments);
        } catch (CommandArguments.HelpRequested help) {
            return new ExitStatus(0, help.usage());
        }
        AutobootMenu menu = new AutobootMenu(this::settings, vmDefaults::current, this::scan,
                this::withInitrd, boot -> commands.boot(boot.toArray(String[]::new)),
                AutobootCommand::runHostCommand, s -> new LastBootedState(s.stateFile()),
                () -> keyboard(session), Ticker.SYSTEM, out);
        String problem = refused;
        if (problem != null) {
            // At the console too, not only in the log: a person who just edited the file sees it at once.
            out.println(MenuScreen.printable("vmboot: configuration " + AutobootConfiguration.PID + " refused: "
                    + problem + "; the settings before it apply"));
        }
        out.println("vmboot: scanning the disks for the boot menu");
        out.flush();
        return menu.run();
    }

    private List<DiskReport> scan(List<String> disks) throws IOException {
        return scanner().scan(disks, message -> { });
    }

    private MenuEntry withInitrd(MenuEntry entry) {
        DiskScanner s = scanner;
        return s == null ? entry : new InitrdFinder(s).withInitrd(entry);
    }

    private DiskScanner scanner() throws IOException {
        DiskScanner s = scanner;
        if (s == null) {
            throw new IOException("no disk scanner is installed (bundle vmboot.storage)");
        }
        return s;
    }

    /** The interactive shell's terminal in raw mode, or the session's input as it is. */
    private static Keyboard keyboard(CommandSession session) {
        Object terminal = session.get(TERMINAL_VARIABLE);
        if (terminal != null) {
            try {
                return TerminalKeyboard.of(terminal)
                        .orElseGet(() -> new StreamKeyboard(session.getKeyboard(), Ticker.SYSTEM));
            } catch (NoClassDefFoundError | RuntimeException e) {
                LOG.debug("the terminal cannot be put into raw mode: {}", e.toString());
            }
        }
        return new StreamKeyboard(session.getKeyboard(), Ticker.SYSTEM);
    }

    private static int runHostCommand(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
