package dev.vmboot.fs.fat.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;

/** Builds FAT images for tests with dosfstools and mtools (the kernel here has no vfat, so no loop mounts). */
final class FatImages {
    private FatImages() {
    }

    /**
     * The FAT reference tree: the shared one without symlinks (FAT has none), sparse files (it has no holes) and the
     * emoji name (mtools writes characters outside the BMP as a truncated 16-bit unit), plus case variants and a
     * directory of a few thousand long names whose first six characters differ (mtools' 8.3 alias search is slow on
     * names that share them).
     */
    static Path referenceTree(Path root, long seed, int bigDirectoryEntries) throws IOException {
        ReferenceTree tree = ReferenceTree.in(root, seed)
                .assortedFiles("files")
                .deepPath("deep", 12)
                .unicodeNames("unicode")
                .file("case/lower.txt", 10)
                .file("case/UPPER.TXT", 20)
                .file("case/Mixed.Case", 30)
                .file("case/lowerbase.TXT", 40)
                .file("case/a name with spaces and.dots.in.it", 50)
                .file("NOEXT", 60);
        for (int i = 0; i < bigDirectoryEntries; i++) {
            tree.file(String.format("big/%06d-entry-with-a-longer-name", i), i % 37);
        }
        Files.delete(root.resolve("unicode/emoji-\uD83D\uDE80.txt"));
        return root;
    }

    /** mkfs.fat -F {@code bits} on a sparse image of {@code size} bytes, then mcopy -s of {@code tree}'s contents. */
    static Path build(Path image, int bits, long size, Path tree, String... mkfsOptions) throws IOException {
        mkfs(image, bits, size, mkfsOptions);
        List<String> sources;
        try (Stream<Path> s = Files.list(tree)) {
            sources = s.map(Path::toString).sorted().toList();
        }
        List<String> cmd = new ArrayList<>(mtools("mcopy", "-s", "-m", "-i", image.toString()));
        cmd.addAll(sources);
        cmd.add("::");
        ExternalTool.run(null, cmd);
        return image;
    }

    static Path mkfs(Path image, int bits, long size, String... mkfsOptions) throws IOException {
        ExternalTool.requireOnPath("mkfs.fat");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(size);
        }
        List<String> cmd = new ArrayList<>(List.of("mkfs.fat", "-F", Integer.toString(bits)));
        cmd.addAll(List.of(mkfsOptions));
        cmd.add(image.toString());
        ExternalTool.run(null, cmd);
        return image;
    }

    /**
     * An mtools command line: no geometry check on plain images, a UTF-8 locale so that names are read from the
     * host as UTF-8, and UTC as the local time FAT records.
     */
    static List<String> mtools(String... command) throws IOException {
        ExternalTool.requireOnPath(command[0]);
        List<String> cmd = new ArrayList<>(List.of("env", "MTOOLS_SKIP_CHECK=1", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                "TZ=UTC"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    static String runMtools(String... command) throws IOException {
        return ExternalTool.run(null, mtools(command));
    }
}
