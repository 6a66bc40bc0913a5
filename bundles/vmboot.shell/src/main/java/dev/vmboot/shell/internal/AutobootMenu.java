package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.scan.DiskReport;

/**
 * The autoboot menu: scans, shows the entries ({@link MenuScreen}), counts down to the default ({@link BootPolicy}),
 * and boots what was chosen through {@code vmboot:boot}. Keys: digits choose an entry (Enter ends a number that could
 * go on), Enter boots the default, {@code e} edits an entry's memory, vCPUs, disks and command line before booting
 * it, {@code s} leaves for the shell; any key stops the countdown. When a guest powers off, the configured
 * {@link AfterPowerOff} follows; a VM that ended otherwise brings the menu back; a VM that cannot start, or nothing
 * bootable, is told in one sentence and the menu ends (the shell follows).
 *
 * <p>The settings are read each time the menu is shown, so a configuration changed meanwhile applies.
 */
final class AutobootMenu {
    private static final Logger LOG = LoggerFactory.getLogger(AutobootMenu.class);

    /** Scans the disks given (all block devices for none). */
    interface Scan {
        List<DiskReport> scan(List<String> disks) throws IOException;
    }

    /** Boots with {@code vmboot:boot}'s arguments; returns when the VM ended. */
    interface Booter {
        ExitStatus boot(List<String> arguments) throws Exception;
    }

    /** Runs a host command (power-off, reboot) and returns its exit status. */
    interface HostCommand {
        int run(List<String> command) throws IOException, InterruptedException;
    }

    private final Supplier<AutobootSettings> settings;
    private final Supplier<VmDefaults> vmDefaults;
    private final Scan scan;
    private final UnaryOperator<MenuEntry> initrds;
    private final Booter booter;
    private final HostCommand host;
    private final Function<AutobootSettings, LastBootedState> states;
    private final Supplier<Keyboard> keyboards;
    private final Ticker ticker;
    private final PrintStream out;

    AutobootMenu(Supplier<AutobootSettings> settings, Supplier<VmDefaults> vmDefaults, Scan scan,
            UnaryOperator<MenuEntry> initrds, Booter booter, HostCommand host,
            Function<AutobootSettings, LastBootedState> states, Supplier<Keyboard> keyboards, Ticker ticker,
            PrintStream out) {
        this.settings = settings;
        this.vmDefaults = vmDefaults;
        this.scan = scan;
        this.initrds = initrds;
        this.booter = booter;
        this.host = host;
        this.states = states;
        this.keyboards = keyboards;
        this.ticker = ticker;
        this.out = out;
    }

    /** What was chosen: boot an entry (edited first or not), or the shell. */
    private record Selection(int index, boolean edit, boolean shell) {
        static final Selection SHELL = new Selection(-1, false, true);

        static Selection boot(int index) {
            return new Selection(index, false, false);
        }

        static Selection edit(int index) {
            return new Selection(index, true, false);
        }
    }

    /**
     * Shows the menu until the shell is chosen, nothing is bootable, a VM cannot start, or the host is powered off or
     * rebooted; the countdown runs the first time only.
     *
     * @return status 0 and what happened for the shell or a host action, 1 and the reason when it failed
     */
    ExitStatus run() throws InterruptedException {
        boolean countdown = true;
        while (true) {
            AutobootSettings s = settings.get();
            List<DiskReport> reports;
            try {
                reports = scan.scan(s.disks());
            } catch (IOException e) {
                return failed("The disks cannot be scanned: " + e.getMessage() + ".");
            }
            List<MenuEntry> all = BootCandidates.entries(reports);
            if (all.isEmpty()) {
                return failed("Nothing bootable was found on " + reports.size() + " disk"
                        + (reports.size() == 1 ? "" : "s") + (s.disks().isEmpty() ? "" : " (" + s.disks() + ")")
                        + ": no UEFI flash image, PVH firmware or Linux kernel" + unreadable(reports) + ".");
            }
            List<MenuEntry> shown = new ArrayList<>();
            for (MenuEntry e : all.subList(0, Math.min(all.size(), s.maxEntries()))) {
                shown.add(initrds.apply(e));
            }
            LastBootedState state = states.apply(s);
            BootPolicy.Choice choice = new BootPolicy(s.preferredPaths(), s.preferredPartitions())
                    .choose(shown, lastBooted(state));
            Selection selection;
            BootSettings boot;
            // The keyboard (a terminal in raw mode) only while the menu is shown and reads keys: the VM's console
            // reads next. Raw before the menu is drawn, so that a key pressed as soon as it shows is not echoed by
            // the terminal as well.
            try (Keyboard keys = keyboards.get()) {
                out.print(MenuScreen.render(shown, all.size(), reports.size(), choice));
                out.flush();
                selection = countdown ? countdown(keys, s.timeoutSeconds(), choice, shown.size())
                        : select(keys, keys.read(), choice, shown.size());
                countdown = false;
                if (selection.shell()) {
                    return new ExitStatus(0, "vmboot shell ('autoboot' shows the menu again)");
                }
                boot = BootSettings.of(vmDefaults.get(), shown.get(selection.index()).kind()
                        == MenuEntry.Kind.LINUX_KERNEL ? s.kernelCommandLine() : "");
                if (selection.edit()) {
                    Optional<BootSettings> edited = new EntryEditor(keys, out).edit(selection.index(),
                            shown.get(selection.index()), boot);
                    if (edited.isEmpty()) {
                        return new ExitStatus(0, "The input ended; vmboot shell.");
                    }
                    boot = edited.get();
                }
            } catch (IOException e) {
                return failed("The keyboard cannot be read: " + e.getMessage() + ".");
            }
            MenuEntry entry = shown.get(selection.index());
            remember(state, entry);
            out.println("Booting " + (selection.index() + 1) + ": " + entry.kind().label() + " "
                    + MenuScreen.printable(entry.location()));
            out.flush();
            ExitStatus ended;
            try {
                ended = booter.boot(boot.bootArguments(entry));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.debug("boot failed", e);
                return failed("Entry " + (selection.index() + 1) + " did not boot: " + message(e) + ".");
            }
            out.println(ended.message());
            if (ended.vmRunsOn()) {
                // Ctrl-] detached the VM, which runs on: no power-off happened, so no host command and no menu
                return new ExitStatus(0, "vmboot shell; the VM runs on ('list' shows it, 'autoboot' the menu again)");
            }
            if (ended.code() != 0) {
                continue; // the VM failed or faulted: the menu again, to choose another
            }
            Optional<ExitStatus> after = afterPowerOff(s);
            if (after.isPresent()) {
                return after.get();
            }
        }
    }

    private Optional<ExitStatus> afterPowerOff(AutobootSettings s) throws InterruptedException {
        List<String> command;
        switch (s.afterPowerOff()) {
        case POWEROFF:
            command = s.powerOffCommand();
            break;
        case REBOOT:
            command = s.rebootCommand();
            break;
        default:
            out.println("The guest powered off; the menu again.");
            return Optional.empty();
        }
        String what = s.afterPowerOff() == AfterPowerOff.POWEROFF ? "power the host off" : "reboot the host";
        out.println("The guest powered off; " + what + ": " + String.join(" ", command));
        out.flush();
        try {
            int status = host.run(command);
            String ran = "Ran " + String.join(" ", command) + " to " + what + ".";
            return Optional.of(status == 0 ? new ExitStatus(0, ran)
                    : failed("Could not " + what + ": " + command.get(0) + " ended with status " + status + "."));
        } catch (IOException e) {
            return Optional.of(failed("Could not " + what + ": " + e.getMessage() + "."));
        }
    }

    private Selection countdown(Keyboard keys, int seconds, BootPolicy.Choice choice, int count)
            throws IOException, InterruptedException {
        if (seconds == 0) {
            return Selection.boot(choice.index());
        }
        if (seconds < 0) {
            return select(keys, keys.read(), choice, count);
        }
        out.print("Booting " + (choice.index() + 1) + " in " + seconds + " s; any key stops the countdown:");
        boolean keyboard = true;
        for (int left = seconds; left > 0; left--) {
            out.print(" " + left);
            out.flush();
            int key = keyboard ? keys.read(1000) : Keyboard.TIMEOUT;
            if (key == Keyboard.END) {
                keyboard = false; // no keys will come: count on without them
                key = Keyboard.TIMEOUT;
            }
            if (!keyboard) {
                ticker.sleep(1000);
            }
            if (key != Keyboard.TIMEOUT) {
                out.println(" stopped.");
                out.flush();
                return select(keys, key, choice, count);
            }
        }
        out.println();
        return Selection.boot(choice.index());
    }

    /** Reads a choice, beginning with KEY. */
    private Selection select(Keyboard keys, int key, BootPolicy.Choice choice, int count)
            throws IOException, InterruptedException {
        StringBuilder digits = new StringBuilder();
        while (true) {
            if (key == Keyboard.END) {
                return Selection.SHELL;
            }
            if (key >= '0' && key <= '9') {
                digits.append((char) key);
                out.print((char) key);
                int n = Integer.parseInt(digits.toString());
                if (n < 1 || n > count) {
                    out.println();
                    out.println("There is no entry " + n + "; choose 1-" + count + ".");
                    digits.setLength(0);
                } else if (n * 10 > count) {
                    out.println();
                    return Selection.boot(n - 1); // no entry number goes on with another digit
                }
            } else if (key == '\r' || key == '\n' || key == 'e' || key == 's') {
                if (digits.length() > 0) {
                    out.println(); // ends the line the digits were echoed on
                }
                if (key == 's') {
                    return Selection.SHELL;
                }
                if (key == 'e' && digits.length() == 0) {
                    out.print("Edit which entry? [" + (choice.index() + 1) + "]: ");
                    out.flush();
                    Optional<String> which = new EntryEditor(keys, out).readLine();
                    if (which.isEmpty()) {
                        return Selection.SHELL;
                    }
                    digits.append(which.get().trim().matches("[0-9]{1,2}") ? which.get().trim()
                            : which.get().isBlank() ? "" : "0");
                }
                int n = digits.length() == 0 ? choice.index() + 1 : Integer.parseInt(digits.toString());
                if (n >= 1 && n <= count) {
                    return key == 'e' ? Selection.edit(n - 1) : Selection.boot(n - 1);
                }
                out.println("There is no entry " + n + "; choose 1-" + count + ".");
                digits.setLength(0);
            } else if ((key == 127 || key == 8) && digits.length() > 0) {
                digits.setLength(digits.length() - 1);
                out.print("\b \b");
            }
            out.flush();
            key = keys.read();
        }
    }

    private Optional<LastBootedState.Booted> lastBooted(LastBootedState state) {
        try {
            return state.read();
        } catch (IOException e) {
            LOG.warn("the entry booted last cannot be read from {}: {}", state.file(), e.getMessage());
            return Optional.empty();
        }
    }

    private static void remember(LastBootedState state, MenuEntry entry) {
        try {
            state.write(LastBootedState.Booted.of(entry));
        } catch (IOException e) {
            LOG.warn("the entry booted cannot be remembered in {}: {}", state.file(), e.getMessage());
        }
    }

    /** The first disk or volume that could not be read, and how many could not, as the end of a sentence. */
    private static String unreadable(List<DiskReport> reports) {
        List<String> errors = new ArrayList<>();
        for (DiskReport disk : reports) {
            disk.error().ifPresent(e -> errors.add(disk.name() + ": " + e));
            disk.volumes().forEach(v -> v.error().ifPresent(e -> errors.add(v.location() + ": " + e)));
        }
        if (errors.isEmpty()) {
            return "";
        }
        String first = MenuScreen.printable(errors.get(0));
        return " (" + errors.size() + " could not be read, " + first.replaceAll("\\.$", "")
                + (errors.size() > 1 ? ", ..." : "") + ")";
    }

    private ExitStatus failed(String sentence) {
        return new ExitStatus(1, sentence);
    }

    /** An exception's message without the trailing full stop, or its type when it has none. */
    private static String message(Throwable e) {
        Throwable cause = e;
        while (cause instanceof java.lang.reflect.InvocationTargetException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String m = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
