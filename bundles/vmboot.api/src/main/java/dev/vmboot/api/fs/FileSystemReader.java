package dev.vmboot.api.fs;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

import dev.vmboot.api.storage.BlockDevice;

/**
 * A filesystem plug-in. Each reader bundle registers one of these as an OSGi service with the property
 * {@value #TYPE_PROPERTY}; the scanner uses every reader present and forgets a reader whose bundle stops.
 */
@ConsumerType
public interface FileSystemReader {

    /** Service property naming the filesystem type, e.g. {@code vmboot.fs.type=xfs}. */
    String TYPE_PROPERTY = "vmboot.fs.type";

    /** The type this reader understands, the same as the {@value #TYPE_PROPERTY} service property. */
    String type();

    /**
     * Cheap check (a few sectors) whether the device holds this filesystem. Must not throw on garbage: it answers
     * false instead.
     */
    boolean probe(BlockDevice device) throws IOException;

    /**
     * Opens the filesystem read-only.
     *
     * @throws CorruptFilesystemException if its metadata is inconsistent
     */
    FileSystem open(BlockDevice device) throws IOException;
}
