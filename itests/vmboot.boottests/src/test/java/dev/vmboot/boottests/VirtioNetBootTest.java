package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * virtio-net seen from the guests: {@code boot --net TAP[,mac=MAC]} attaches a virtio-net PCI device to a TAP
 * interface of this (L1) machine, made here with {@code ip tuntap} and given 10.213.9.1/24.
 * <ul>
 * <li>Debian's kernel booted directly with the test initramfs, whose /init loads virtio_net and, as vmboot.net=...
 * asks (platforms/qemu/guest/make-initramfs.sh), configures eth0, pings the host, and sends 64 MiB of random data to
 * a TCP port of the host, printing its sha256 first. The host pings the guest meanwhile.</li>
 * <li>Debian's OVMF: its VirtioNetDxe drives the NIC, and the UEFI shell's {@code ifconfig -l} shows it with its
 * MAC.</li>
 * <li>A tap that cannot be opened is one error line before any VM runs.</li>
 * </ul>
 * Needs root and {@code /dev/net/tun}: inside the nested lab the tun module of the lab's own kernel is loaded from
 * the lab's unpacked image when {@code /dev/net/tun} is missing.
 */
@Tag("kvm")
class VirtioNetBootTest {

    private static final String TAP = "vmbnet0";
    private static final String HOST_IP = "10.213.9.1";
    private static final String GUEST_IP = "10.213.9.2";
    private static final String MAC = "52:54:00:12:34:56";
    private static final int DATA_MIB = 64;
    private static final int PORT = 45_679;
    private static final Path OVMF = Path.of("/usr/share/ovmf/OVMF.fd");
    /** The lab (TCG under it all) needs minutes for the guest's 64 MiB of urandom, its sha256 and the transfer. */
    private static final Duration TO_MARKER = Duration.ofMinutes(15);
    private static final Duration TO_EXIT = Duration.ofMinutes(3);

    private static BootTestEnvironment env;
    private static GuestImages guest;

    @BeforeAll
    static void tapOnTheHost() throws Exception {
        env = BootTestEnvironment.fromSystemProperties();
        guest = GuestImages.prepare(env);
        assertEquals("0", run("id", "-u"), "these tests create a TAP interface: run them as root (the lab does)");
        loadTunModule();
        run("ip", "link", "del", TAP); // a leftover of an earlier run, if any
        runChecked("ip", "tuntap", "add", "dev", TAP, "mode", "tap");
        runChecked("ip", "addr", "add", HOST_IP + "/24", "dev", TAP);
        runChecked("ip", "link", "set", TAP, "up");
    }

    @AfterAll
    static void removeTap() throws Exception {
        run("ip", "link", "del", TAP);
    }

    @Test
    void guestAndHostPingEachOtherAnd64MiBArriveIntact() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(HOST_IP), PORT));
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> receive(server));
            String cmdline = "console=ttyS0 quiet vmboot.net=" + GUEST_IP + "/24," + HOST_IP + ",send:" + DATA_MIB
                    + ":" + PORT + " vmboot.echo=1";
            try (VmbootProcess vm = VmbootProcess.boot(env, "net-linux", List.of("-p", "linux", "-m", "512M", "-c",
                    "1", "-i", guest.initramfs().toString(), "-a", cmdline, "--net", TAP + ",mac=" + MAC,
                    guest.bzImage().toString()))) {
                vm.awaitOutput("VMBOOT-NET-UP", TO_MARKER);
                String hostPing = run("busybox", "ping", "-c", "3", "-W", "10", GUEST_IP);
                vm.awaitOutput("VMBOOT-GUEST-READY", TO_MARKER);
                String console = vm.output();
                String sha = received.get(1, TimeUnit.MINUTES);
                vm.type("done\r");
                int status = vm.awaitExit(TO_EXIT);

                assertEquals(List.of(), ConsoleLines.starting(console, "VMBOOT-NET-ERROR"), vm.diagnostics());
                assertLine(console, "VMBOOT-NET-UP dev=eth0 mac=" + MAC + " addr=" + GUEST_IP + "/24");
                assertLine(console, "VMBOOT-NET-PING peer=" + HOST_IP + " sent=3 received=3");
                assertTrue(hostPing.contains("3 packets transmitted, 3 packets received"), hostPing);
                long bytes = (long) DATA_MIB << 20;
                assertLine(console, "VMBOOT-NET-DATA bytes=" + bytes + " sha256=" + sha);
                assertLine(console, "VMBOOT-NET-SENT bytes=" + bytes + " rc=0");
                assertEquals(0, status, "a clean guest power-off ends the VMM with status 0" + vm.diagnostics());
            }
        }
    }

    @Test
    void ovmfsShellListsTheNicWithItsMac() throws Exception {
        assertTrue(Files.isRegularFile(OVMF), OVMF + " is missing: apt-get install ovmf");
        try (VmbootProcess vm = VmbootProcess.boot(env, "net-ovmf", List.of("-p", "firmware", "-m", "512M", "-c",
                "1", "--net", TAP + ",mac=" + MAC, OVMF.toString()))) {
            int prompt = vm.awaitOutput("Shell> ", 0, TO_MARKER);
            vm.type("ifconfig -l\r");
            int listed = vm.awaitOutput("mac addr", prompt, TO_MARKER);
            vm.awaitOutput("Shell> ", listed, TO_MARKER);
            // the shell's labels carry colour escapes (%H...%N in its strings): compare the text without them
            String listing = vm.output().substring(prompt).replaceAll("\\e\\[[0-9;?=]*[A-Za-z]", "");
            vm.type("reset -s\r");
            int status = vm.awaitExit(TO_EXIT);

            assertTrue(Pattern.compile("name\\s*:\\s*eth0").matcher(listing).find(), listing);
            assertTrue(Pattern.compile("(?i)mac addr\\s*:\\s*" + MAC).matcher(listing).find(), listing);
            assertEquals(0, status, "reset -s ends the VMM with status 0" + vm.diagnostics());
        }
    }

    @Test
    void aNameThatIsNotATapIsOneErrorBeforeTheVmRuns() throws Exception {
        try (VmbootProcess vm = VmbootProcess.boot(env, "net-not-a-tap", List.of("-p", "linux", "-m", "256M",
                "-i", guest.initramfs().toString(), "-a", "console=ttyS0", "--net", "lo",
                guest.bzImage().toString()))) {
            int status = vm.awaitExit(TO_EXIT);
            String errors = vm.errors();
            assertEquals(1, status, vm.diagnostics());
            List<String> lines = errors.lines().filter(l -> l.startsWith("vmboot:")).toList();
            assertEquals(1, lines.size(), errors);
            assertTrue(lines.get(0).endsWith("tap lo: an interface of that name exists and is not a tap"), errors);
            assertEquals("", vm.output(), "no guest ran");
        }
    }

    /** Accepts one connection and reads {@link #DATA_MIB} MiB from it; returns their sha256, or what went wrong. */
    private static String receive(ServerSocket server) {
        try {
            server.setSoTimeout((int) TO_MARKER.toMillis());
            try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long left = (long) DATA_MIB << 20;
                byte[] buf = new byte[1 << 16];
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        return "connection closed with " + left + " bytes missing";
                    }
                    sha.update(buf, 0, n);
                    left -= n;
                }
                return HexFormat.of().formatHex(sha.digest());
            }
        } catch (Exception e) {
            return "receiving failed: " + e;
        }
    }

    /**
     * Loads the tun module of the running kernel from the lab's unpacked image when {@code /dev/net/tun} is missing
     * (the lab's L1 has no modprobe and no modules installed).
     */
    private static void loadTunModule() throws Exception {
        if (Files.exists(Path.of("/dev/net/tun"))) {
            return;
        }
        String release = run("uname", "-r");
        Path cache = Path.of(System.getenv().getOrDefault("VMBOOT_LAB_CACHE", "/var/cache/vmboot-lab"));
        Path module = cache.resolve(release + "/image/lib/modules/" + release + "/kernel/drivers/net/tun.ko");
        assertTrue(Files.isRegularFile(module), "no /dev/net/tun and no " + module + " to load");
        runChecked("busybox", "insmod", module.toString());
        for (int i = 0; i < 50 && !Files.exists(Path.of("/dev/net/tun")); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun after loading " + module);
    }

    private static void assertLine(String console, String line) {
        assertTrue(ConsoleLines.has(console, line), "no console line \"" + line + "\"; the guest's net lines: "
                + ConsoleLines.starting(console, "VMBOOT-NET"));
    }

    private static String runChecked(String... command) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        int status = exec(out, command);
        assertEquals(0, status, List.of(command) + ": " + out);
        return out.get(0);
    }

    /** Runs COMMAND; its output, whatever its status. */
    private static String run(String... command) throws IOException, InterruptedException {
        List<String> out = new ArrayList<>();
        exec(out, command);
        return out.get(0);
    }

    private static int exec(List<String> out, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        out.add(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(List.of(command) + " did not end in 2 minutes");
        }
        return p.exitValue();
    }
}
