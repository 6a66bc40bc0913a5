package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vmboot.api.vm.DeviceSpec;

class BootArgumentsTest {

    private static BootArguments parse(String... args) {
        return BootArguments.parse(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
    }

    @Test
    void defaultsAndEveryOption() {
        BootArguments d = parse("OVMF.fd");
        assertEquals(1L << 30, d.memory());
        assertEquals(1, d.cpus());
        assertEquals(BootSession.ResetPolicy.STOP, d.onReset());
        assertEquals(List.of(), d.disks());
        assertFalse(d.detach());

        BootArguments all = parse("-p", "pvh", "-m", "512M", "-c", "2", "-a", "console=ttyS0 quiet", "-i", "initrd",
                "-k", "bzImage", "--disk", "a.img", "--disk", "/dev/sdb,ro", "-d", "--on-reset", "reboot", "vmlinux");
        assertEquals(Optional.of("pvh"), all.protocol());
        assertEquals(512L << 20, all.memory());
        assertEquals(2, all.cpus());
        assertEquals("console=ttyS0 quiet", all.cmdline());
        assertEquals(Optional.of("initrd"), all.initrd());
        assertEquals(Optional.of("bzImage"), all.kernel());
        assertEquals(List.of(new BootArguments.Disk("a.img", false), new BootArguments.Disk("/dev/sdb", true)),
                all.disks());
        assertTrue(all.detach());
        assertEquals(BootSession.ResetPolicy.REBOOT, all.onReset());
        assertEquals("vmlinux", all.image());
    }

    @Test
    void badValuesNameTheOptionAndWhatItAccepts() {
        assertEquals("-m: not a size: 'lots' (examples: 512M, 2G)", error("-m", "lots", "x"));
        assertEquals("--memory: '99999999999999999999G' is too large a size", error("--memory",
                "99999999999999999999G", "x"));
        assertEquals("-c: 'two' is not a number of vCPUs (1-255)", error("-c", "two", "x"));
        assertEquals("-c: 0 vCPUs; 1-255 are possible", error("-c", "0", "x"));
        assertEquals("--on-reset must be 'stop' or 'reboot', not 'later'", error("-r", "later", "x"));
        assertEquals("--disk needs a value (boot --help)", error("--disk"));
        assertEquals("boot: unknown option '--floppy' (boot --help lists them)", error("--floppy", "a", "x"));
        assertEquals("boot: what to boot? name an IMAGE (boot --help)", error("-m", "1G"));
        assertEquals("boot: one IMAGE only, not 'a' 'b'", error("a", "b"));
        assertEquals("--disk needs a path: PATH[,ro]", error("--disk", ",ro", "x"));
    }

    @Test
    void optionsAfterTheImageAreTakenAsMoreImagesAndDoubleDashEndsOptions() {
        assertEquals("boot: one IMAGE only, not 'x' '-m'", error("x", "-m"));
        assertEquals("boot: one IMAGE only, not 'a' 'b' 'c' 'd' ... (6 in all)", error("a", "b", "c", "d", "e", "f"));
        assertEquals("-weird-name", parse("--", "-weird-name").image());
    }

    @Test
    void helpIsNotAnError() {
        assertEquals(BootArguments.USAGE,
                assertThrows(CommandArguments.HelpRequested.class, () -> parse("--help")).usage());
        assertTrue(BootArguments.USAGE.contains("--disk PATH[,ro]"));
    }

    @Test
    void aCommaThatIsNotAModeBelongsToThePath() {
        assertEquals(new BootArguments.Disk("odd,name.img", false), BootArguments.Disk.parse("odd,name.img"));
        assertEquals(new BootArguments.Disk("x,ro", false), BootArguments.Disk.parse("x,ro,rw"));
    }

    @Test
    void disksBecomeBlkDevicesWithAbsolutePaths() {
        DeviceSpec spec = new BootArguments.Disk("rel/a.img", true).device();
        assertEquals("blk", spec.type());
        assertEquals(Map.of("path", Path.of("rel/a.img").toAbsolutePath().toString(), "readonly", "true"),
                spec.options());
    }

    @Test
    void theDiskAnImageWasFoundOnIsPassedReadOnlyFirst(@TempDir Path dir) throws Exception {
        Path disk = Files.createFile(dir.resolve("disk.img"));
        BootArguments a = parse("--no-rng", "--disk", "data.img", disk + ":1:/EFI/BOOT/BOOTX64.EFI");
        List<DeviceSpec> devices = a.devices("vm");
        assertEquals(2, devices.size());
        assertEquals(disk.toString(), devices.get(0).options().get("path"));
        assertEquals("true", devices.get(0).options().get("readonly"));
        assertEquals("false", devices.get(1).options().get("readonly"));
    }

    @Test
    void theSourceDiskGivenWithDiskKeepsThatMode(@TempDir Path dir) throws Exception {
        Path disk = Files.createFile(dir.resolve("disk.img"));
        List<DeviceSpec> devices = parse("--no-rng", "--disk", disk.toString(), disk + ":2:/boot/vmlinuz").devices("vm");
        assertEquals(1, devices.size());
        assertEquals("false", devices.get(0).options().get("readonly"));
    }

    @Test
    void netInterfacesBecomeNetDevicesAfterTheDisksWithAMacOrTheVmNameForOne() {
        BootArguments a = parse("--no-rng", "--net", "tap0", "--disk", "a.img", "--net", "vm-net.1,mac=52:54:00:12:34:56", "x");
        assertEquals(List.of(new BootArguments.Nic("tap0", Optional.empty()),
                new BootArguments.Nic("vm-net.1", Optional.of("52:54:00:12:34:56"))), a.nics());
        List<DeviceSpec> devices = a.devices("OVMF.fd");
        assertEquals(List.of("blk", "net", "net"), devices.stream().map(DeviceSpec::type).toList());
        assertEquals("net,tap=tap0,vm=OVMF.fd", devices.get(1).toString());
        assertEquals("net,tap=vm-net.1,mac=52:54:00:12:34:56", devices.get(2).toString());
        assertTrue(BootArguments.USAGE.contains("--net TAP[,mac=MAC]"));
    }

    @Test
    void aBadNetArgumentIsOneSentenceNamingWhatIsAccepted() {
        assertEquals("--net needs a value (boot --help)", error("--net"));
        String badTap = "TAP must be an interface name of 1-15 characters from A-Z a-z 0-9 _ . - (TAP[,mac=MAC])";
        assertEquals("--net ',mac=52:54:00:12:34:56': " + badTap, error("--net", ",mac=52:54:00:12:34:56", "x"));
        assertEquals("--net 'a-very-long-tap-name': " + badTap, error("--net", "a-very-long-tap-name", "x"));
        assertEquals("--net 'tap/0': " + badTap, error("--net", "tap/0", "x"));
        assertEquals("--net 'tap0,ro': after the TAP name only ,mac=MAC is accepted (e.g. tap0,mac=52:54:00:12:34:56)",
                error("--net", "tap0,ro", "x"));
        String badMac = "MAC must be a unicast address like 52:54:00:12:34:56 (six hex pairs, the first one even, not "
                + "all zero)";
        assertEquals("--net 'tap0,mac=01:00:5e:00:00:01': " + badMac, error("--net", "tap0,mac=01:00:5e:00:00:01", "x"));
        assertEquals("--net 'tap0,mac=52:54:00:12:34': " + badMac, error("--net", "tap0,mac=52:54:00:12:34", "x"));
        assertEquals("--net 'tap0,mac=': " + badMac, error("--net", "tap0,mac=", "x"));
    }

    @Test
    void aHostFileBringsNoDisk() {
        assertEquals(List.of(), parse("--no-rng", "/usr/share/ovmf/OVMF.fd").devices("vm"));
        assertEquals(Optional.empty(), parse("disk.img:1").sourceDisk());
    }

    @Test
    void anEntropyDeviceAt1MiBASecondIsThereUnlessRefused() {
        assertEquals(List.of(new DeviceSpec("rng", Map.of("rate", "1048576"))), parse("x").devices("vm"));
        assertEquals(List.of(new DeviceSpec("rng", Map.of("rate", "65536"))), parse("--rng", "64K", "x").devices("vm"));
        assertEquals(List.of(), parse("--rng", "64K", "--no-rng", "x").devices("vm"));
        assertEquals("--rng takes bytes a second from 1 to 1G (e.g. 64K, 1M), not '0'", error("--rng", "0", "x"));
        assertEquals("--rng takes bytes a second from 1 to 1G (e.g. 64K, 1M), not '2G'", error("--rng", "2G", "x"));
        assertEquals("--rng takes bytes a second from 1 to 1G (e.g. 64K, 1M), not 'fast'",
                error("--rng", "fast", "x"));
    }

    @Test
    void theConsoleIsTheSerialPortUnlessVirtioIsAsked(@TempDir Path dir) throws Exception {
        assertEquals(ConsoleChoice.SERIAL, parse("x").console());
        assertEquals(List.of(), parse("--console", "serial", "--no-rng", "x").devices("vm"));
        assertEquals(List.of(new DeviceSpec("console", Map.of())),
                parse("--console", "virtio", "--no-rng", "x").devices("vm"));
        Path disk = Files.createFile(dir.resolve("disk.img"));
        List<DeviceSpec> all = parse("--console", "virtio,132x43", "--disk", disk.toString(), "x").devices("vm");
        assertEquals(List.of("blk", "console", "rng"), all.stream().map(DeviceSpec::type).toList());
        assertEquals(Map.of("cols", "132", "rows", "43"), all.get(1).options());
        for (String bad : new String[] { "hvc0", "virtio,80", "virtio,0x24", "virtio,80x70000", "virtio," }) {
            assertEquals("--console must be serial, virtio or virtio,COLSxROWS (e.g. virtio,80x24; 1-65535 each), "
                    + "not '" + bad + "'", error("--console", bad, "x"));
        }
    }
}
