package dev.vmboot.api.scan;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;

/** Reads disks with whatever {@link dev.vmboot.api.fs.FileSystemReader}s are installed. Never writes. */
@ProviderType
public interface DiskScanner {

    /**
     * Scans the given disks or image files; with none, every block device of this machine. A disk or partition that
     * fails is reported with its reason and the scan goes on.
     *
     * @param progress receives short progress messages ("scanning /dev/sda2 (xfs)")
     */
    List<DiskReport> scan(List<String> disks, Consumer<String> progress) throws IOException;

    /**
     * Opens the filesystem of a volume location ({@code disk.img:2}); closing it releases the disk too.
     *
     * @throws IOException if no installed reader recognises it, naming the types tried
     */
    FileSystem openFileSystem(Location volume) throws IOException;

    /**
     * Loads a bootable image: a file location ({@code disk.img:2:/CLOUDHV.fd}) or a plain host file path, and
     * decompresses it (gzip, xz, zstd, lz4) when it is compressed.
     */
    BootImage loadImage(String locationOrFile) throws IOException;

    /**
     * Loads a file as it is, never decompressing it: an initrd, which the kernel unpacks itself. The same locations
     * and size limit as {@link #loadImage}.
     *
     * @since 0.2.0
     */
    BootImage loadFile(String locationOrFile) throws IOException;
}
