package dev.vmboot.shell.internal;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.api.scan.DiskScanner;

/**
 * The image, initrd and kernel a boot command names, loaded from their locations for each machine of a session: the
 * first machine gets the load the command chose its protocol by, every reboot a fresh one. Nothing here keeps a load
 * once a machine took it, so an image laid into guest memory is garbage when the machine no longer needs it (a
 * firmware that reads the kernel over fw_cfg later keeps its own reference): a host file the scanner mapped is then
 * unmapped by the next collection, instead of staying resident for the session's life.
 */
final class BootImages {

    /** What one machine is loaded with. */
    record Load(BootImage image, BootOptions options) {
    }

    private final DiskScanner scanner;
    private final BootArguments args;
    private final AtomicReference<Load> first;

    private BootImages(DiskScanner scanner, BootArguments args, Load first) {
        this.scanner = scanner;
        this.args = args;
        this.first = new AtomicReference<>(first);
    }

    /** Loads the command's images once; {@link #first()} shows them until the first machine {@link #take}s them. */
    static BootImages load(DiskScanner scanner, BootArguments args) throws IOException {
        return new BootImages(scanner, args, read(scanner, args));
    }

    /** The first load, for choosing the protocol and the machine before any machine took it. */
    Load first() {
        Load load = first.get();
        if (load == null) {
            throw new IllegalStateException("the first machine has already taken the images");
        }
        return load;
    }

    /** The first load the first time, then a fresh load from the same locations. */
    Load take() throws IOException {
        Load load = first.getAndSet(null);
        return load != null ? load : read(scanner, args);
    }

    private static Load read(DiskScanner scanner, BootArguments args) throws IOException {
        BootImage image = scanner.loadImage(args.image());
        Optional<BootImage> initrd = args.initrd().isEmpty() ? Optional.empty()
                : Optional.of(scanner.loadFile(args.initrd().get()));
        Optional<BootImage> kernel = args.kernel().isEmpty() ? Optional.empty()
                : Optional.of(scanner.loadImage(args.kernel().get()));
        return new Load(image, new BootOptions(args.cmdline(), initrd, kernel));
    }
}
