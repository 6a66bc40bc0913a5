package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;

class BootImagesTest {

    /** Answers every load with a new image named after the call; records the calls. */
    private static final class LoadCounter implements DiskScanner {
        final List<String> loads = new ArrayList<>();

        @Override
        public BootImage loadImage(String locationOrFile) {
            return image("image " + locationOrFile);
        }

        @Override
        public BootImage loadFile(String locationOrFile) {
            return image("file " + locationOrFile);
        }

        private BootImage image(String call) {
            loads.add(call);
            return new BootImage(call + " #" + loads.size(), ByteBuffer.allocate(1));
        }

        @Override
        public List<DiskReport> scan(List<String> disks, Consumer<String> progress) throws IOException {
            throw new IOException("not used");
        }

        @Override
        public FileSystem openFileSystem(Location volume) throws IOException {
            throw new IOException("not used");
        }
    }

    private static final BootArguments ARGS = BootArguments.parse(
            List.of("-a", "console=ttyS0", "-i", "initrd.img", "-k", "bzImage", "OVMF.fd"));

    @Test
    void theFirstMachineTakesTheLoadTheCommandLookedAtAndEveryLaterOneAFreshLoad() throws IOException {
        LoadCounter scanner = new LoadCounter();
        BootImages images = BootImages.load(scanner, ARGS);
        assertEquals(List.of("image OVMF.fd", "file initrd.img", "image bzImage"), scanner.loads);
        BootImages.Load shown = images.first();

        BootImages.Load first = images.take();
        assertSame(shown, first);
        assertEquals(3, scanner.loads.size(), "the first machine loads nothing again");
        assertThrows(IllegalStateException.class, images::first);

        BootImages.Load second = images.take();
        assertEquals(6, scanner.loads.size());
        assertNotSame(first.image(), second.image());
        assertEquals("image OVMF.fd #4", second.image().name());
        assertEquals("file initrd.img #5", second.options().initrd().orElseThrow().name());
        assertEquals("image bzImage #6", second.options().kernel().orElseThrow().name());
        assertEquals("console=ttyS0", second.options().commandLine());
    }

    @Test
    void withoutInitrdOrKernelOnlyTheImageIsLoaded() throws IOException {
        LoadCounter scanner = new LoadCounter();
        BootImages.Load load = BootImages.load(scanner, BootArguments.parse(List.of("vmlinux"))).take();
        assertEquals(List.of("image vmlinux"), scanner.loads);
        assertTrue(load.options().initrd().isEmpty());
        assertTrue(load.options().kernel().isEmpty());
    }
}
