package dev.vmboot.shell.internal;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.regex.PatternSyntaxException;

/** A glob pattern of paths inside a filesystem ({@code /firmware/*.fd}, {@code /EFI/**}), as the JDK reads globs. */
final class PathPattern {
    private final String glob;
    private final PathMatcher matcher;

    private PathPattern(String glob, PathMatcher matcher) {
        this.glob = glob;
        this.matcher = matcher;
    }

    static PathPattern compile(String glob) {
        try {
            return new PathPattern(glob, FileSystems.getDefault().getPathMatcher("glob:" + glob));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("preferredPaths: " + CommandArguments.shown(glob)
                    + " is not a glob pattern (" + e.getDescription() + ")");
        }
    }

    boolean matches(String path) {
        return matcher.matches(Path.of(path));
    }

    @Override
    public String toString() {
        return glob;
    }
}
