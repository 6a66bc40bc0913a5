package dev.vmboot.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Block device nodes for tests that must see them refused, made with mknod(1) in a test's directory (as root; vmboot's
 * tests run as root, as vmboot does). Their major number is 0, which no block driver has ("unnamed devices",
 * Documentation/admin-guide/devices.txt): opening one fails with ENXIO, so even a wrong write reaches no device.
 */
final class BlockDeviceNode {
    private BlockDeviceNode() {
    }

    /** {@code DIR/NAME}, block device 0:MINOR. */
    static Path make(Path dir, String name, int minor) throws IOException, InterruptedException {
        Path node = dir.resolve(name);
        Process mknod = new ProcessBuilder("mknod", node.toString(), "b", "0", Integer.toString(minor))
                .redirectErrorStream(true).start();
        String output = new String(mknod.getInputStream().readAllBytes());
        if (mknod.waitFor() != 0 || !Files.exists(node)) {
            throw new IllegalStateException("these tests need block device nodes and could not make one with mknod "
                    + "(as root): " + output.strip());
        }
        return node;
    }

    static Path in(Path dir) throws IOException, InterruptedException {
        return make(dir, "block-device", 1);
    }
}
