package dev.vmboot.api.fs;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves slash-separated absolute paths on a {@link FileSystem}, following symbolic links the way Linux does (an
 * absolute target restarts at the root, {@code ..} of the root is the root) with a bound on the number of links.
 */
public final class FsPaths {

    /** Linux's limit on symlinks followed in one lookup ({@code MAXSYMLINKS}, {@code include/linux/namei.h}). */
    public static final int MAX_SYMLINKS = 40;

    private FsPaths() {
    }

    /** Resolves {@code path}, following a symlink in the last component too. */
    public static FsNode resolve(FileSystem fs, String path) throws IOException {
        return resolve(fs, path, true);
    }

    /**
     * Resolves {@code path}.
     *
     * @param followLast whether a symlink as last component is followed ({@code stat}) or returned ({@code lstat})
     * @throws NoSuchFileException   if a component does not exist
     * @throws NotDirectoryException if a non-final component is not a directory
     * @throws IOException           with "too many levels of symbolic links" on a loop
     */
    public static FsNode resolve(FileSystem fs, String path, boolean followLast) throws IOException {
        Deque<String> pending = new ArrayDeque<>(components(path));
        List<FsNode> stack = new ArrayList<>();
        stack.add(fs.root());
        int links = 0;
        while (!pending.isEmpty()) {
            String name = pending.pollFirst();
            if (name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (stack.size() > 1) {
                    stack.remove(stack.size() - 1);
                }
                continue;
            }
            FsNode dir = stack.get(stack.size() - 1);
            if (dir.type() != FileType.DIRECTORY) {
                throw new NotDirectoryException(path);
            }
            Optional<FsNode> child = fs.lookup(dir, name);
            if (child.isEmpty()) {
                throw new NoSuchFileException(path);
            }
            FsNode node = child.get();
            boolean last = pending.isEmpty();
            if (node.type() == FileType.SYMLINK && (!last || followLast)) {
                if (++links > MAX_SYMLINKS) {
                    throw new IOException(path + ": too many levels of symbolic links");
                }
                String target = fs.readLink(node);
                if (target.isEmpty()) {
                    throw new NoSuchFileException(path, null, "empty symlink target");
                }
                if (target.startsWith("/")) {
                    stack.subList(1, stack.size()).clear();
                }
                List<String> targetParts = components(target);
                for (int i = targetParts.size() - 1; i >= 0; i--) {
                    pending.addFirst(targetParts.get(i));
                }
                continue;
            }
            stack.add(node);
        }
        return stack.get(stack.size() - 1);
    }

    /** The non-empty components of a path. */
    public static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }
}
