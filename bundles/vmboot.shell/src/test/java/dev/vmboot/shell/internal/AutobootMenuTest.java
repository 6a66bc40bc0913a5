package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.scan.DiskReport;

/** The menu driven by keys from a stream and a hand-moved clock, booting through a recording booter. */
class AutobootMenuTest {
    @TempDir
    Path home;

    private final ManualTicker ticker = new ManualTicker();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final List<List<String>> boots = new ArrayList<>();
    private final List<List<String>> hostCommands = new ArrayList<>();
    private final Map<String, String> config = new HashMap<>();
    private List<DiskReport> disks = MenuFixtures.demoDisk();
    private List<ExitStatus> vmEnds = new ArrayList<>();
    private Exception bootFailure;

    /** Runs the menu with KEYS, the VMs ending as {@link #vmEnds} says (powered off when it runs out). */
    private ExitStatus run(InputStream keys) throws InterruptedException {
        AutobootMenu menu = new AutobootMenu(() -> MenuFixtures.settings(home, config), () -> VmDefaults.STANDARD,
                requested -> disks, entry -> entry.kind() == MenuEntry.Kind.LINUX_KERNEL
                        ? entry.withInitrd("/EFI/debian/initrd.img") : entry,
                arguments -> {
                    boots.add(arguments);
                    if (bootFailure != null) {
                        throw bootFailure;
                    }
                    return vmEnds.isEmpty() ? new ExitStatus(0, "VM 1 ended: powered_off") : vmEnds.remove(0);
                },
                command -> {
                    hostCommands.add(command);
                    return 0;
                }, s -> new LastBootedState(s.stateFile()), () -> new StreamKeyboard(keys, ticker), ticker,
                new PrintStream(screen, true, StandardCharsets.UTF_8));
        return menu.run();
    }

    private ExitStatus run(String keys) throws InterruptedException {
        return run(new ByteArrayInputStream(keys.getBytes(StandardCharsets.US_ASCII)));
    }

    private String screen() {
        return screen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void countdownRunsOutAndBootsTheDefaultThenTheMenuReturnsWithoutCountdown() throws Exception {
        ExitStatus end = run("");

        assertTrue(screen().contains("Booting 1 in 5 s; any key stops the countdown: 5 4 3 2 1\n"), screen());
        assertEquals(5000, ticker.elapsedMillis());
        assertEquals(List.of(List.of("-m", "1G", "-c", "1", "-r", "reboot", "--", "disk.img:1:/firmware/OVMF.fd")),
                boots);
        assertTrue(screen().contains("VM 1 ended: powered_off\nThe guest powered off; the menu again.\n"), screen());
        assertEquals(2, count(screen(), "vmboot autoboot: 2 boot candidates on 1 disk"), screen());
        assertEquals(1, count(screen(), "countdown"), "the countdown runs the first time only");
        assertEquals(0, end.code(), end.message()); // the input ended at the second menu: the shell
    }

    @Test
    void aKeyStopsTheCountdownAndADigitChoosesItsEntry() throws Exception {
        InputStream keys = new KeysAfter(ticker, 2500, "2");

        run(keys);

        assertTrue(screen().contains("any key stops the countdown: 5 4 3 stopped.\n2\n"), screen());
        assertEquals(List.of("-m", "1G", "-c", "1", "-r", "reboot", "-i", "disk.img:2:/EFI/debian/initrd.img", "-a",
                "console=ttyS0", "--", "disk.img:2:/EFI/debian/vmlinuz"), boots.get(0));
        assertTrue(screen().contains("Booting 2: Linux kernel disk.img:2:/EFI/debian/vmlinuz\n"), screen());
    }

    @Test
    void anyOtherKeyOnlyStopsTheCountdownAndEnterThenBootsTheDefault() throws Exception {
        run(" x\r");

        assertTrue(screen().contains("countdown: 5 stopped."), screen());
        assertEquals("disk.img:1:/firmware/OVMF.fd", last(boots.get(0)));
    }

    @Test
    void sLeavesForTheShellWithoutBooting() throws Exception {
        ExitStatus end = run("s");

        assertTrue(boots.isEmpty());
        assertEquals(0, end.code());
        assertTrue(end.message().contains("vmboot shell"), end.message());
    }

    @Test
    void eEditsMemoryCpusDisksAndCommandLineOfTheEntryChosen() throws Exception {
        run("e2\r4G\r2\r/dev/sdb,ro,data.img\rconsole=ttyS0 quiet\r");

        assertTrue(screen().contains("Edit which entry? [1]: 2\n"), screen());
        assertTrue(screen().contains("memory [1G]: 4G\nvCPUs [1]: 2\ndisks [-]: /dev/sdb,ro,data.img\n"
                + "command line [console=ttyS0]: console=ttyS0 quiet\n"), screen());
        assertEquals(List.of("-m", "4G", "-c", "2", "-r", "reboot", "--disk", "/dev/sdb,ro", "--disk", "data.img",
                "-i", "disk.img:2:/EFI/debian/initrd.img", "-a", "console=ttyS0 quiet", "--",
                "disk.img:2:/EFI/debian/vmlinuz"), boots.get(0));
    }

    @Test
    void anEditedValueThatIsWrongIsAskedAgainWithTheReason() throws Exception {
        run("e\rlots\r512M\r300\r2\r\r");

        assertTrue(screen().contains("memory [1G]: lots\nmemory 'lots' is not a size (examples: 512M, 2G).\n"
                + "memory [1G]: 512M\n"), screen());
        assertTrue(screen().contains("vCPUs [1]: 300\ncpus must be 1-255, not 300.\nvCPUs [1]: 2\n"), screen());
        assertFalse(screen().contains("command line"), "firmware gets no command line: " + screen());
        assertEquals(List.of("-m", "512M", "-c", "2", "-r", "reboot", "--", "disk.img:1:/firmware/OVMF.fd"),
                boots.get(0));
    }

    @Test
    void aNumberWithoutAnEntryIsRefusedAndTheMenuWaitsOn() throws Exception {
        run("7" + "1");

        assertTrue(screen().contains("There is no entry 7; choose 1-2.\n"), screen());
        assertEquals("disk.img:1:/firmware/OVMF.fd", last(boots.get(0)));
    }

    @Test
    void nothingBootableIsOneSentenceAndTheShell() throws Exception {
        disks = List.of();

        ExitStatus end = run("1");

        assertEquals(1, end.code());
        assertEquals("Nothing bootable was found on 0 disks: no UEFI flash image, PVH firmware or Linux kernel.",
                end.message());
        assertTrue(boots.isEmpty());
    }

    @Test
    void nothingBootableSaysWhichDiskCouldNotBeRead() throws Exception {
        disks = List.of(new DiskReport("/dev/sdb", 0, 512, java.util.Optional.empty(), List.of(),
                java.util.Optional.of("permission denied")), MenuFixtures.manyCandidates(0).get(0));

        ExitStatus end = run("1");

        assertEquals("Nothing bootable was found on 2 disks: no UEFI flash image, PVH firmware or Linux kernel"
                + " (1 could not be read, /dev/sdb: permission denied).", end.message());
    }

    @Test
    void aVmThatCannotStartIsOneSentenceAndTheShell() throws Exception {
        bootFailure = new IOException("/dev/kvm is missing");

        ExitStatus end = run("1");

        assertEquals(1, end.code());
        assertEquals("Entry 1 did not boot: /dev/kvm is missing.", end.message());
    }

    @Test
    void aVmThatFailsBringsTheMenuBack() throws Exception {
        vmEnds.add(new ExitStatus(1, "VM 1 ended: triple_fault"));

        run("1" + "2");

        assertEquals(2, boots.size());
        assertTrue(screen().contains("VM 1 ended: triple_fault\nvmboot autoboot:"), screen());
    }

    @Test
    void afterPowerOffRunsTheConfiguredHostCommand() throws Exception {
        config.put("afterPowerOff", "poweroff");
        config.put("powerOffCommand", "/bin/echo,off");

        ExitStatus end = run("1");

        assertEquals(List.of(List.of("/bin/echo", "off")), hostCommands);
        assertEquals(new ExitStatus(0, "Ran /bin/echo off to power the host off."), end);
    }

    @Test
    void aVmDetachedWithCtrlBracketLeavesForTheShellWithoutTheHostCommand() throws Exception {
        config.put("afterPowerOff", "poweroff");
        config.put("powerOffCommand", "/bin/echo,off");
        vmEnds.add(new ExitStatus(0, "\ndetached from VM 1, which runs on", true));

        ExitStatus end = run("1" + "2");

        assertEquals(1, boots.size(), "the menu is not shown again");
        assertEquals(List.of(), hostCommands, "the guest did not power off");
        assertEquals(new ExitStatus(0, "vmboot shell; the VM runs on ('list' shows it, 'autoboot' the menu again)"),
                end);
    }

    @Test
    void rebootAfterPowerOffRunsTheRebootCommand() throws Exception {
        config.put("afterPowerOff", "reboot");

        run("1");

        assertEquals(List.of(List.of("reboot", "-f")), hostCommands);
    }

    @Test
    void theTimeoutComesFromTheSettingsEachTimeTheMenuShows() throws Exception {
        config.put("timeout", "2");
        run("");
        assertTrue(screen().contains("Booting 1 in 2 s; any key stops the countdown: 2 1\n"), screen());
        assertEquals(2000, ticker.elapsedMillis());
    }

    @Test
    void timeoutZeroBootsAtOnce() throws Exception {
        config.put("timeout", "0");

        run("");

        assertEquals(1, boots.size());
        assertEquals(0, ticker.elapsedMillis());
    }

    @Test
    void theEntryBootedIsRememberedAndIsTheNextDefault() throws Exception {
        run("2");
        assertTrue(screen().contains("Default 2 (booted last)"), screen());
        assertEquals(MenuFixtures.ESP_GUID + "\t/EFI/debian/vmlinuz\n",
                Files.readString(home.resolve("var/last-booted")));
    }

    @Test
    void aDiskWithThousandsOfCandidatesShowsTheFirstAndSaysHowManyMore() throws Exception {
        disks = MenuFixtures.manyCandidates(10_000);

        run("s");

        assertTrue(screen().contains("vmboot autoboot: 10000 boot candidates on 1 disk"), screen());
        assertTrue(screen().contains("20  UEFI flash"), screen());
        assertFalse(screen().contains("21  UEFI flash"), screen());
        assertTrue(screen().contains("9980 more not shown (the first 20 are; maxEntries in dev.vmboot.boot)"),
                screen());
        assertTrue(screen().lines().allMatch(l -> l.length() <= MenuScreen.WIDTH), screen());
    }

    @Test
    void twoDigitNumbersWaitForTheSecondDigitOrEnter() throws Exception {
        disks = MenuFixtures.manyCandidates(12);

        run("12");
        run("1\r");

        assertEquals("disk.img:1:/firmware/OVMF-11.fd", last(boots.get(0)));
        assertEquals("disk.img:1:/firmware/OVMF-0.fd", last(boots.get(1)));
    }

    private static String last(List<String> list) {
        return list.get(list.size() - 1);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Keys that arrive once the ticker has passed a time. */
    private static final class KeysAfter extends InputStream {
        private final ManualTicker ticker;
        private final long millis;
        private final ByteArrayInputStream keys;

        KeysAfter(ManualTicker ticker, long millis, String keys) {
            this.ticker = ticker;
            this.millis = millis;
            this.keys = new ByteArrayInputStream(keys.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public int available() {
            return ticker.elapsedMillis() >= millis ? keys.available() : 0;
        }

        @Override
        public int read() {
            return keys.read();
        }
    }
}
