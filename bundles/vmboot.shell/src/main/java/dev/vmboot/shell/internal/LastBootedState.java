package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The entry booted last, remembered in a small file: one line, its partition's key (GPT unique GUID, else the volume
 * location), a tab, and its path. Written atomically: a new file beside it, flushed to disk, renamed over it, so a
 * power cut leaves the old line or the new one. A file that is too long or not of this form is ignored.
 */
final class LastBootedState {
    /** Longer than any line this class writes: partition keys and paths are bounded by the readers. */
    static final int MAX_BYTES = 8192;

    private final Path file;

    LastBootedState(Path file) {
        this.file = file;
    }

    /** What was booted: a partition key and a path. */
    record Booted(String partitionKey, String path) {
        static Booted of(MenuEntry entry) {
            return new Booted(entry.partitionKey(), entry.path());
        }

        boolean matches(MenuEntry entry) {
            return entry.path().equals(path) && entry.partitionKey().equals(partitionKey);
        }
    }

    Path file() {
        return file;
    }

    /** The entry remembered, if the file exists and holds one. */
    Optional<Booted> read() throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) {
            return Optional.empty();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        int tab = line.indexOf('\t');
        if (tab <= 0 || line.indexOf('\n') >= 0 || !line.startsWith("/", tab + 1)) {
            return Optional.empty();
        }
        return Optional.of(new Booted(line.substring(0, tab), line.substring(tab + 1)));
    }

    /** Remembers BOOTED, replacing what was there only once the new line is on disk. */
    void write(Booted booted) throws IOException {
        if (booted.partitionKey().contains("\t") || booted.partitionKey().contains("\n")
                || booted.path().contains("\n")) {
            throw new IOException("an entry whose name holds a tab or a line break is not remembered");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".last-booted", ".new");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer line = ByteBuffer.wrap((booted.partitionKey() + "\t" + booted.path() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                while (line.hasRemaining()) {
                    ch.write(line);
                }
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(dir + " cannot rename files atomically", e);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
