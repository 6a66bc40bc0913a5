package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command conventions of issue 13, tried with the real {@code bin/vmboot} as a new user would: every command ×
 * ({@code --help}, a missing argument, a bad value, a path that does not exist). Help is the command's usage on
 * standard output with status 0, the same as {@code help COMMAND}; a missing argument or a bad value is one line on
 * standard error naming the command, the argument and what it accepts, status 2; a missing path or VM is one line
 * saying so, status 1. Needs no KVM.
 */
class CommandConventionsTest {
    private static final long COMMAND_TIMEOUT_SECONDS = 120;
    private static final String LOCATION = "<disk>[:<partition>][:<path>]";
    /** Stands for a fresh temporary directory in a row's arguments. */
    private static final String TMP = "$TMP";

    private final BootTestEnvironment env = BootTestEnvironment.fromSystemProperties();

    @TempDir
    Path tmp;

    private CommandRun vmboot(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(env.launcher().toString()));
        for (String a : args) {
            command.add(a.replace(TMP, tmp.toString()));
        }
        return CommandRun.of(new ProcessBuilder(command), tmp, COMMAND_TIMEOUT_SECONDS);
    }

    private static Arguments row(String commandLine, int status, String err) {
        return Arguments.of(commandLine, status, err);
    }

    /** Command line (split at spaces), exit status, the one line on standard error. */
    static Stream<Arguments> refusals() {
        return Stream.of(
                // scan: every block device when no DISK is given, so nothing is missing without an option
                row("scan --bench", 2, "scan: --bench needs a value, N, the number of warm scans to time, 1..10000"),
                row("scan --bench lots", 2, "scan: --bench takes the number of scans to measure, 1..10000, not 'lots'"),
                row("scan --colour", 2, "scan: unknown option '--colour'; scan takes --json, --bench N (scan --help)"),
                row("scan /nonexistent", 1, "/nonexistent: no such file"),
                row("scan /etc", 1, "/etc: not an image file or block device"),
                row("scan --json /nonexistent", 1, "/nonexistent: no such file"),
                row("ls", 2, "ls takes one LOCATION, " + LOCATION + " such as disk.img:2:/boot; it was given none"),
                row("ls -l /", 2, "ls: unknown option '-l'; ls takes no options (ls --help)"),
                row("ls disk:x:/", 2, "ls: LOCATION 'disk:x:/': partition must be a number, not 'x'"),
                row("ls /nonexistent", 1, "/nonexistent: no such file"),
                row("cat", 2, "cat takes one LOCATION of a file, " + LOCATION
                        + " such as disk.img:1:/EFI/BOOT/BOOTX64.EFI; it was given none"),
                row("cat /nonexistent", 2, "cat: LOCATION '/nonexistent' names no file: add :/path, e.g. "
                        + "disk.img:1:/EFI/BOOT/BOOTX64.EFI"),
                row("cat /nonexistent:/x", 1, "/nonexistent: no such file"),
                row("extract /nonexistent:/x", 2, "extract takes a LOCATION of a file, " + LOCATION
                        + ", and the host FILE to write; it was given '/nonexistent:/x'"),
                row("extract -f -f a b", 2, "extract: -f/--force is given twice; give it once"),
                row("extract /nonexistent:/x " + TMP + "/out", 1, "/nonexistent: no such file"),
                row("boot", 2, "boot: what to boot? name an IMAGE (boot --help)"),
                row("boot -m lots x", 2, "boot: -m: not a size: 'lots' (examples: 512M, 2G)"),
                row("boot -c -1 x", 2, "boot: -c: '-1' is not a number of vCPUs (1-255)"),
                row("boot -c 0 x", 2, "boot: -c: 0 vCPUs; 1-255 are possible"),
                row("boot --on-reset later x", 2, "boot: --on-reset must be 'stop' or 'reboot', not 'later'"),
                row("boot -m", 2, "boot: -m needs a value (boot --help)"),
                row("boot /nonexistent", 1, "'/nonexistent' is neither a host file nor a location with a path "
                        + "(disk.img:1:/CLOUDHV.fd)"),
                row("list x", 2, "list takes no arguments; it was given 'x'"),
                row("console", 2, "console takes one VM ID, as vmboot:list shows it; it was given none"),
                row("console abc", 2, "console: 'abc' is not a VM ID; vmboot:list shows the IDs"),
                row("console 9", 1, "console: there is no VM 9; vmboot:list shows the VMs started from this shell"),
                row("stop", 2, "stop takes one VM ID, as vmboot:list shows it; it was given none"),
                row("stop abc", 2, "stop: 'abc' is not a VM ID; vmboot:list shows the IDs"),
                row("stop --timeout 0 1", 2, "stop: --timeout '0' is not a number of seconds from 1 to 3600"),
                row("stop --timeout", 2, "stop: --timeout needs a value, SECONDS, how long the guest may take to "
                        + "power off after the power button, 1-3600"),
                row("stop 9", 1, "stop: there is no VM 9; vmboot:list shows the VMs started from this shell"),
                row("counters", 2, "counters takes one VM ID, as vmboot:list shows it; it was given none"),
                row("counters -x 1", 2, "counters: unknown option '-x'; counters takes -a/--all (counters --help)"),
                row("counters 9", 1, "counters: there is no VM 9; vmboot:list shows the VMs started from this shell"),
                row("devices x", 2, "devices takes no arguments; it was given 'x'"),
                row("autoboot x", 2, "autoboot takes no arguments; it was given 'x'"),
                row("config nope", 2, "config: no settings are described for PID 'nope'; vmboot:config lists the PIDs"),
                row("help nope", 2, "help: there is no command 'nope'; the commands are scan, ls, cat, extract, boot, "
                        + "list, console, stop, counters, devices, autoboot, config, help"),
                row("help scan ls", 2, "help takes at most one COMMAND; it was given 'scan' 'ls'"),
                row("format /dev/sda", 2, "there is no command 'format'; the commands are scan, ls, cat, extract, "
                        + "boot, list, console, stop, counters, devices, autoboot, config, help"));
    }

    @ParameterizedTest(name = "bin/vmboot {0}")
    @MethodSource("refusals")
    void aMissingArgumentABadValueOrAMissingPathIsOneLineAndItsStatus(String commandLine, int status, String err)
            throws Exception {
        CommandRun r = vmboot(List.of(commandLine.split(" ")));
        assertEquals(status, r.status(), r.toString());
        assertEquals("vmboot: " + err + "\n", r.err());
        if (!commandLine.startsWith("scan --json")) {
            assertEquals("", r.out(), "nothing on standard output");
        }
    }

    @ParameterizedTest(name = "bin/vmboot {0} --help")
    @ValueSource(strings = { "scan", "ls", "cat", "extract", "boot", "list", "console", "stop", "counters", "devices",
            "autoboot", "config", "help" })
    void helpIsTheUsageWithItsOptionsAndTheSameAsHelpCommand(String command) throws Exception {
        CommandRun help = vmboot(List.of(command, "--help"));
        assertEquals(new CommandRun(0, help.out(), ""), help);
        assertTrue(help.out().startsWith("usage: " + command), help.out());
        assertEquals(help, vmboot(List.of("help", command)));
    }

    @Test
    void helpAloneListsEveryCommandAndTheExitStatuses() throws Exception {
        CommandRun r = vmboot(List.of("help"));
        assertEquals(0, r.status(), r.toString());
        for (String command : List.of("scan", "ls", "cat", "extract", "boot", "list", "console", "stop", "counters",
                "devices", "autoboot", "config")) {
            assertTrue(r.out().contains("\n  " + command + " "), command + " in " + r.out());
        }
        assertTrue(r.out().contains("exit status: 0 done, 1 failed (one line on standard error says why), 2 bad "
                + "arguments"), r.out());
    }
}
