package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The autoboot menu's {@code e}: asks for an entry's memory, vCPUs, disks and (for a kernel) command line in turn, a
 * line each, typed and echoed on the menu's keyboard; Enter keeps the value shown, a wrong one is asked again with the
 * reason. Lines are at most {@value #MAX_LINE} characters.
 */
final class EntryEditor {
    static final int MAX_LINE = AutobootSettings.MAX_COMMAND_LINE;

    private final Keyboard keys;
    private final PrintStream out;

    EntryEditor(Keyboard keys, PrintStream out) {
        this.keys = keys;
        this.out = out;
    }

    /** Asks for each setting in turn; empty if the input ended. */
    Optional<BootSettings> edit(int index, MenuEntry entry, BootSettings boot)
            throws IOException, InterruptedException {
        out.println("Editing entry " + (index + 1) + " (Enter keeps the value in brackets; disks comma-separated,"
                + " - for none):");
        Optional<String> memory = ask("memory", boot.memory(), v -> VmDefaults.of(v, 1, List.of()).memory());
        if (memory.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> cpus = ask("vCPUs", Integer.toString(boot.cpus()), v -> {
            if (!v.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("vCPUs must be a number, 1-255");
            }
            return Integer.toString(VmDefaults.of("1G", Integer.parseInt(v), List.of()).cpus());
        });
        if (cpus.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> disks = ask("disks", boot.disks().isEmpty() ? "-" : String.join(",", boot.disks()),
                v -> String.join(",", disks(v)));
        if (disks.isEmpty()) {
            return Optional.empty();
        }
        String cmdline = boot.cmdline();
        if (entry.kind() == MenuEntry.Kind.LINUX_KERNEL) {
            Optional<String> line = ask("command line", cmdline, v -> v);
            if (line.isEmpty()) {
                return Optional.empty();
            }
            cmdline = line.get();
        }
        return Optional.of(new BootSettings(memory.get(), Integer.parseInt(cpus.get()),
                disks.get().isEmpty() ? List.of() : disks(disks.get()), cmdline));
    }

    private static List<String> disks(String value) {
        if (value.trim().equals("-")) {
            return List.of();
        }
        List<String> disks = SettingList.disks("disks", new String[] {value});
        return VmDefaults.of("1G", 1, disks).disks();
    }

    /** Asks for one value until it is valid (CHECK returns it as kept, or throws the reason); empty at input's end. */
    private Optional<String> ask(String name, String current, Function<String, String> check)
            throws IOException, InterruptedException {
        while (true) {
            out.print(name + " [" + MenuScreen.printable(current) + "]: ");
            out.flush();
            Optional<String> line = readLine();
            if (line.isEmpty()) {
                return Optional.empty();
            }
            String value = line.get().isEmpty() ? current : line.get();
            try {
                return Optional.of(check.apply(value));
            } catch (IllegalArgumentException e) {
                out.println(e.getMessage() + ".");
            }
        }
    }

    /** A line typed on the keyboard, echoed; backspace takes back a character. Empty if the input ended. */
    Optional<String> readLine() throws IOException, InterruptedException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int key = keys.read();
            if (key == Keyboard.END) {
                return Optional.empty();
            }
            if (key == '\r' || key == '\n') {
                out.println();
                return Optional.of(line.toString());
            }
            if ((key == 127 || key == 8) && line.length() > 0) {
                line.setLength(line.length() - 1);
                out.print("\b \b");
            } else if (key >= 0x20 && key < 0x7f && line.length() < MAX_LINE) {
                line.append((char) key);
                out.print((char) key);
            }
            out.flush();
        }
    }
}
