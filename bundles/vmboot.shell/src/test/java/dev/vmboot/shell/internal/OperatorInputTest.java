package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code vmboot:*} command given arguments it cannot take, as {@code bin/vmboot COMMAND ARGS} runs it: one line
 * on standard error naming the command, the argument and what it accepts (never gogo's "Cannot coerce ls() to any
 * of ..." or a NumberFormatException's "For input string"), exit status 2; nothing on standard output.
 */
class OperatorInputTest {
    private static final String LOCATION = "<disk>[:<partition>][:<path>]";

    @TempDir
    Path tmp;
    private String image;
    private OneShotShell shell;

    @BeforeEach
    void aShell() throws IOException {
        image = Files.writeString(tmp.resolve("disk.img"), "image").toString();
        InMemoryDisk disk = new InMemoryDisk(image).file("hello.txt", "hello\n".getBytes(StandardCharsets.US_ASCII));
        shell = new OneShotShell(new VmbootCommands(disk, new BlockDeviceOverlap(tmp.resolve("sys"))));
    }

    private void refused(String expected, String command, String... args) {
        OneShotShell.Result r = shell.command("vmboot:" + command, args);
        assertEquals(new OneShotShell.Result(2, "", "vmboot: " + expected + "\n"), r);
    }

    @Test
    void ls() {
        refused("ls takes one LOCATION, " + LOCATION + " such as disk.img:2:/boot; it was given none", "ls");
        refused("ls takes one LOCATION, " + LOCATION + " such as disk.img:2:/boot; it was given 'a' 'b'", "ls", "a",
                "b");
        refused("ls: LOCATION 'disk:x:/': partition must be a number, not 'x'", "ls", "disk:x:/");
        refused("ls: unknown option '-l'; ls takes no options (ls --help)", "ls", "-l", image + ":/");
    }

    @Test
    void cat() {
        refused("cat takes one LOCATION of a file, " + LOCATION + " such as disk.img:1:/EFI/BOOT/BOOTX64.EFI; it was "
                + "given none", "cat");
        refused("cat: LOCATION '" + image + ":1' names no file: add :/path, e.g. disk.img:1:/EFI/BOOT/BOOTX64.EFI",
                "cat", image + ":1");
    }

    @Test
    void extract() {
        refused("extract takes a LOCATION of a file, " + LOCATION + ", and the host FILE to write; it was given 'a'",
                "extract", "a");
        refused("extract: -f/--force is given twice; give it once", "extract", "--force", "-f", "a", "b");
    }

    @Test
    void scan() {
        refused("scan: --bench needs a value, N, the number of warm scans to time, 1..10000", "scan", "--bench");
        refused("scan: --bench takes the number of scans to measure, 1..10000, not 'x'", "scan", "--bench", "x");
        refused("scan: unknown option '--json=x'; scan takes --json, --bench N (scan --help)", "scan", "--json=x");
        refused("scan: --bench is given twice; give it once", "scan", "--bench", "5", "--bench", "6");
        refused("scan: --bench and --json do not go together: --bench prints timings", "scan", "--bench", "5",
                "--json");
    }

    @Test
    void stop() {
        refused("stop takes one VM ID, as vmboot:list shows it; it was given none", "stop");
        refused("stop: 'abc' is not a VM ID; vmboot:list shows the IDs", "stop", "abc");
        refused("stop: '99999999999999999999' is not a VM ID; vmboot:list shows the IDs", "stop",
                "99999999999999999999");
        OneShotShell.Result r = shell.command("vmboot:stop", "99999999999");
        assertEquals(new OneShotShell.Result(1, "", "vmboot: stop: there is no VM 99999999999; vmboot:list shows "
                + "the VMs started from this shell\n"), r);
    }

    @Test
    void listAndDevicesTakeNothing() {
        refused("list takes no arguments; it was given 'x'", "list", "x");
        refused("devices takes no arguments; it was given 'x' 'y'", "devices", "x", "y");
    }

    @Test
    void boot() {
        refused("boot: -m: '99999999999999999999G' is too large a size", "boot", "-m", "99999999999999999999G", "x");
        refused("boot: what to boot? name an IMAGE (boot --help)", "boot");
        refused("boot: --on-reset must be 'stop' or 'reboot', not 'later'", "boot", "-r", "later", "x");
    }

    @Test
    void manyOrStrangeArgumentsAreQuotedShortAndVisible() {
        String[] many = new String[1000];
        java.util.Arrays.fill(many, "x");
        refused("list takes no arguments; it was given 'x' 'x' 'x' 'x' ... (1000 in all)", "list", many);
        refused("list takes no arguments; it was given '\\x1b[2J" + "y".repeat(76) + "...'", "list",
                "\u001b[2J" + "y".repeat(200));
    }

    @Test
    void helpIsTheUsageOnStandardOutput() {
        for (String command : new String[] {"scan", "ls", "cat", "extract", "list", "stop", "devices", "boot"}) {
            OneShotShell.Result r = shell.command("vmboot:" + command, "--help");
            assertEquals(0, r.status(), command + ": " + r);
            assertTrue(r.out().startsWith("usage: " + command), command + ": " + r);
            assertEquals("", r.err(), command);
        }
    }

    @Test
    void aMissingFileIsAFailureNamingTheLocation() {
        OneShotShell.Result r = shell.command("vmboot:ls", image + ":/nope");
        assertEquals(new OneShotShell.Result(1, "", "vmboot: " + image + ":/nope: no such file or directory\n"), r);
        r = shell.command("vmboot:cat", image + ":/hello.txt/x");
        assertEquals(new OneShotShell.Result(1, "", "vmboot: " + image + ":/hello.txt/x: a part of the path before "
                + "its end is not a directory\n"), r);
    }
}
