import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the vmboot payload's JVM needs of the X11SCH-F kernel, exercised under that kernel by test-kernel.sh: threads
 * meeting on a latch (clone, futex), a loopback TCP connection served through a Selector (AF_INET on lo, epoll, the
 * selector's wake-up eventfd), a WatchService seeing a file appear (inotify), and /proc/self. Prints one line,
 * {@code X11SCH-F-JVM name=ok|FAIL ...}, and exits 1 when any check failed.
 */
public final class JvmProbe {
    private static final int THREADS = 4;
    private static final long WAIT_SECONDS = 60;   // bounds each check under the emulator (TCG is slow, not stuck)

    public static void main(String[] args) throws Exception {
        String threads = check(JvmProbe::threads);
        String loopback = check(JvmProbe::loopbackThroughSelector);
        String inotify = check(JvmProbe::inotify);
        String proc = check(() -> Files.readString(Path.of("/proc/self/status")).contains("Threads:"));
        boolean ok = threads.equals("ok") && loopback.equals("ok") && inotify.equals("ok") && proc.equals("ok");
        System.out.println("X11SCH-F-JVM java=" + Runtime.version() + " vm=" + System.getProperty("java.vm.version")
                + " cpus=" + Runtime.getRuntime().availableProcessors()
                + " threads=" + threads + " loopback=" + loopback + " inotify=" + inotify + " proc=" + proc);
        System.exit(ok ? 0 : 1);
    }

    interface Check {
        boolean run() throws Exception;
    }

    private static String check(Check c) {
        try {
            return c.run() ? "ok" : "FAIL";
        } catch (Exception | Error e) {
            return "FAIL(" + e.getClass().getSimpleName() + ")";
        }
    }

    private static boolean threads() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(() -> {
                started.countDown();
                try {
                    if (go.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        done.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.setDaemon(true);
            t.start();
        }
        boolean allStarted = started.await(WAIT_SECONDS, TimeUnit.SECONDS);
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (done.get() < THREADS && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return allStarted && done.get() == THREADS;
    }

    private static boolean loopbackThroughSelector() throws IOException {
        byte[] sent = "vmboot-x11sch-f".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (Selector selector = Selector.open();
             ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress())) {
                client.write(ByteBuffer.wrap(sent));
                ByteBuffer received = ByteBuffer.allocate(sent.length);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
                SocketChannel accepted = null;
                while (received.hasRemaining() && System.nanoTime() < deadline) {
                    selector.select(1000);
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isAcceptable()) {
                            accepted = server.accept();
                            accepted.configureBlocking(false);
                            accepted.register(selector, SelectionKey.OP_READ);
                        } else if (key.isReadable() && ((SocketChannel) key.channel()).read(received) < 0) {
                            return false;
                        }
                    }
                    selector.selectedKeys().clear();
                }
                if (accepted != null) {
                    accepted.close();
                }
                return !received.hasRemaining() && java.util.Arrays.equals(received.array(), sent);
            }
        }
    }

    private static boolean inotify() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("probe");
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            Files.writeString(dir.resolve("created"), "x");
            WatchKey key = watcher.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            return key != null && key.pollEvents().stream()
                    .anyMatch(e -> e.context().toString().equals("created"));
        }
    }
}
