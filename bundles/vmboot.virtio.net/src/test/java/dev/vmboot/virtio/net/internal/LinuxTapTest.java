package dev.vmboot.virtio.net.internal;

import static dev.vmboot.virtio.net.internal.NetTestBed.MRG_RXBUF;
import static dev.vmboot.virtio.net.internal.NetTestBed.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.vmboot.testkit.MockDriverQueue.Buffer;
import dev.vmboot.testkit.MockDriverQueue.UsedElement;

/**
 * A real TAP interface through {@code /dev/net/tun}, where this host has one and the test runs as root (it creates
 * interfaces): the flags TUNSETIFF set, the errors of a tap in use and of a name that is not a tap, the interface
 * going with its descriptor, and an ARP exchange between the device (driven by the driver fixture) and the host's
 * kernel.
 */
class LinuxTapTest {
    private static final String NAME = "vmbt" + ProcessHandle.current().pid() % 100_000;

    @BeforeAll
    static void needsTunAndRoot() throws Exception {
        assumeTrue(Files.exists(Path.of(LinuxTap.TUN_PATH)), "no /dev/net/tun on this host");
        assumeTrue(run("id", "-u").equals("0"), "not root: cannot create tap interfaces");
    }

    @Test
    void tunsetiffMakesANonPersistentTapWithTheVirtioHeaderThatOneProcessHolds() throws Exception {
        Path sys = Path.of("/sys/class/net", NAME);
        try (LinuxTap tap = LinuxTap.open(NAME, VirtioNet.MAX_PACKET)) {
            assertTrue(Files.isDirectory(sys), "created");
            // IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (linux/if_tun.h), as sysfs shows them
            assertEquals("0x5002", Files.readString(sys.resolve("tun_flags")).trim());
            IOException busy = assertThrows(IOException.class, () -> LinuxTap.open(NAME, VirtioNet.MAX_PACKET));
            assertEquals("tap " + NAME + ": it is in use by another process", busy.getMessage());
            tap.setOffload(NetFactory.ALL_OFFLOADS);
            tap.setOffload(0);
            ByteBuffer nothing = ByteBuffer.allocateDirect(VirtioNet.MAX_PACKET);
            assertEquals(0, tap.read(nothing), "nothing to read: no wait on a non-blocking tap");
            tap.wakeUp();
            assertFalse(tap.awaitReadable(10_000), "a wake-up ends the wait");
        }
        assertFalse(Files.exists(sys), "a tap vmboot created goes with its descriptor");
    }

    @Test
    void aNameThatIsNotATapIsOneClearError() {
        IOException e = assertThrows(IOException.class, () -> LinuxTap.open("lo", VirtioNet.MAX_PACKET));
        assertEquals("tap lo: an interface of that name exists and is not a tap", e.getMessage());
    }

    /** The guest asks for the host's MAC (ARP, RFC 826) through the transmit queue; the reply comes on receive. */
    @Test
    void anArpRequestFromTheGuestIsAnsweredByTheHostKernel() throws Exception {
        byte[] hostIp = { 10, (byte) 213, 7, 1 };
        byte[] guestIp = { 10, (byte) 213, 7, 2 };
        byte[] guestMac = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
        try (NetTestBed bed = new NetTestBed(LinuxTap.open(NAME, VirtioNet.MAX_PACKET), 1000, MRG_RXBUF)) {
            run("ip", "addr", "add", "10.213.7.1/24", "dev", NAME);
            run("ip", "link", "set", NAME, "up");
            Buffer[] rx = new Buffer[NetTestBed.QUEUE_SIZE];
            for (int i = 0; i < rx.length; i++) {
                rx[i] = bed.writable(2048);
                bed.rx.addChain(rx[i]);
            }
            bed.offerRx();
            ByteBuffer arp = ByteBuffer.allocate(42);
            arp.put(new byte[] { -1, -1, -1, -1, -1, -1 }).put(guestMac).putShort((short) 0x0806);
            arp.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
            arp.put(guestMac).put(guestIp).put(new byte[6]).put(hostIp);
            bed.tx.addChain(bed.readable(header(0, 0, 0, 0, 0)), bed.readable(arp.array()));
            bed.tx.publish();
            assertEquals(1, bed.transmit().size());
            assertEquals(1, bed.counter("tx_frames"), bed.device.counters().toString());

            long deadline = System.currentTimeMillis() + 10_000;
            byte[] reply = null;
            while (reply == null && System.currentTimeMillis() < deadline) {
                for (UsedElement u : bed.rx.takeUsed()) {
                    byte[] f = bed.memory.read(rx[u.id()].address() + NetHeader.BYTES,
                            (int) u.length() - NetHeader.BYTES);
                    if (f.length >= 42 && f[12] == 8 && f[13] == 6 && f[21] == 2) {
                        reply = f;
                    }
                }
                Thread.sleep(5);
            }
            assertTrue(reply != null, "no ARP reply; counters " + bed.device.counters());
            assertArrayEquals(guestMac, Arrays.copyOfRange(reply, 0, 6), "to the guest");
            assertArrayEquals(hostIp, Arrays.copyOfRange(reply, 28, 32), "the host's address is");
            assertArrayEquals(hostMac(), Arrays.copyOfRange(reply, 22, 28), "at the tap's MAC");
        }
    }

    /**
     * Frames the host sends (UDP broadcasts out of the tap) are read from each buffer's position, into whichever
     * buffer is given, and an empty tap (EAGAIN, no exception) reads as 0 and leaves the position alone.
     */
    @Test
    void framesAreReadAtTheBuffersPositionWhicheverBufferAndAnEmptyTapReadsNothing() throws Exception {
        try (LinuxTap tap = LinuxTap.open(NAME, VirtioNet.MAX_PACKET); DatagramSocket host = new DatagramSocket()) {
            run("ip", "addr", "add", "10.213.8.1/24", "dev", NAME);
            run("ip", "link", "set", NAME, "up");
            host.setBroadcast(true);
            ByteBuffer[] into = { ByteBuffer.allocateDirect(VirtioNet.MAX_PACKET + 100),
                    ByteBuffer.allocateDirect(VirtioNet.MAX_PACKET + 100) };
            int[] at = { 0, 37, 99, 0 };
            for (int i = 0; i < at.length; i++) {
                byte[] marker = ("vmboot-tap-read-" + i).getBytes(StandardCharsets.US_ASCII);
                host.send(new DatagramPacket(marker, marker.length, InetAddress.getByName("10.213.8.255"), 9));
                ByteBuffer b = into[i % 2];
                assertTrue(readUntil(tap, b, at[i], marker), "datagram " + i + " read at " + at[i]);
            }
            ByteBuffer b = into[0];
            while (tap.read(b.clear()) > 0) { // the host's own frames (IPv6 neighbour discovery), if any
                b.clear();
            }
            b.clear().position(5);
            assertEquals(0, tap.read(b), "an empty tap");
            assertEquals(5, b.position(), "nothing read, nothing moved");
        }
    }

    /** Reads frames into {@code b} from position {@code at} until one holds {@code marker}, for at most 10 s. */
    private static boolean readUntil(LinuxTap tap, ByteBuffer b, int at, byte[] marker) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            b.clear().position(at);
            int n = tap.read(b);
            if (n == 0) {
                tap.awaitReadable(100);
                continue;
            }
            assertEquals(at + n, b.position(), "the position moves past the frame");
            byte[] frame = new byte[n];
            b.get(at, frame);
            String text = new String(frame, StandardCharsets.US_ASCII);
            if (n > NetHeader.BYTES + Transmitter.ETHERNET_HEADER
                    && text.endsWith(new String(marker, StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] hostMac() throws IOException {
        String text = Files.readString(Path.of("/sys/class/net", NAME, "address")).trim();
        byte[] mac = new byte[6];
        String[] parts = text.split(":");
        for (int i = 0; i < 6; i++) {
            mac[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return mac;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), List.of(command) + " did not end");
        assertEquals(0, p.exitValue(), List.of(command) + ": " + out);
        return out;
    }
}
