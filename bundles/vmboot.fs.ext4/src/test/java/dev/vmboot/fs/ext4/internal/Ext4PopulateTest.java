package dev.vmboot.fs.ext4.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeEntry;
import dev.vmboot.testkit.TreeManifest;

/**
 * Images that mke2fs populates from a host tree ({@code -d}), in every flavour and block size the reader must know;
 * each is read back whole and compared with the host tree, and every path is resolved through lookup.
 */
class Ext4PopulateTest {
    @TempDir
    static Path work;
    static Path tree;
    static TreeManifest expected;

    @BeforeAll
    static void buildTree() throws IOException {
        tree = work.resolve("tree");
        expected = ReferenceTree.in(tree, 42)
                .assortedFiles("files")
                .deepPath("deep", 40)
                .unicodeNames("unicode")
                .symlinks("links")
                .bigDirectory("big", 600)
                .file("tiny/inline-sized.txt", 100)
                .file("tiny/three.txt", 3)
                .manifest();
        // mke2fs makes lost+found in every image; the host tree gets an empty one to match.
        Files.createDirectories(tree.resolve("lost+found"));
        expected = TreeManifest.ofDirectory(tree);
    }

    static Stream<Arguments> flavours() {
        return Stream.of(
                Arguments.of("ext2-1k", "ext2", false, List.of("-t", "ext2", "-b", "1024")),
                Arguments.of("ext2-4k", "ext2", false, List.of("-t", "ext2", "-b", "4096")),
                Arguments.of("ext3-1k", "ext3", false, List.of("-t", "ext3", "-b", "1024")),
                Arguments.of("ext3-4k-htree", "ext3", true, List.of("-t", "ext3", "-b", "4096")),
                Arguments.of("ext4-1k-csum", "ext4", false,
                        List.of("-t", "ext4", "-b", "1024", "-O", "metadata_csum,64bit,flex_bg")),
                Arguments.of("ext4-4k-csum-htree", "ext4", true,
                        List.of("-t", "ext4", "-b", "4096", "-O", "metadata_csum,64bit,flex_bg")),
                Arguments.of("ext4-4k-inline", "ext4", false,
                        List.of("-t", "ext4", "-b", "4096", "-I", "256", "-O", "inline_data,metadata_csum,64bit")),
                Arguments.of("ext4-1k-inline-htree", "ext4", true,
                        List.of("-t", "ext4", "-b", "1024", "-O", "inline_data,metadata_csum")),
                Arguments.of("ext4-4k-gdt-csum", "ext4", true,
                        List.of("-t", "ext4", "-b", "4096", "-O", "^metadata_csum,uninit_bg,^64bit")),
                Arguments.of("ext4-2k-meta-bg-csum-seed", "ext4", false, List.of("-t", "ext4", "-b", "2048",
                        "-O", "meta_bg,^resize_inode,metadata_csum_seed,metadata_csum")),
                Arguments.of("ext4-64k", "ext4", false, List.of("-t", "ext4", "-b", "65536")),
                Arguments.of("ext4-128-byte-inodes", "ext4", false, List.of("-t", "ext4", "-I", "128",
                        "-O", "^metadata_csum")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavours")
    void readsTheWholeTree(String name, String flavour, boolean htree, List<String> options) throws IOException {
        Path image = work.resolve(name + ".img");
        List<String> opts = new java.util.ArrayList<>(options);
        opts.addAll(List.of("-L", name.length() > 16 ? name.substring(0, 16) : name));
        Ext4Images.mkfs(image, 64L << 20, tree, opts.toArray(String[]::new));
        if (htree) {
            Ext4Images.optimiseDirectories(image);
        }
        Ext4Images.check(image);
        try (FileBlockDevice dev = FileBlockDevice.open(image)) {
            Ext4Reader reader = new Ext4Reader();
            assertTrue(reader.probe(dev));
            try (FileSystem fs = reader.open(dev)) {
                assertEquals("ext4", fs.type());
                assertEquals(flavour, ((Ext4FileSystem) fs).flavour());
                assertEquals(blkid(image, "LABEL"), fs.label());
                assertEquals(blkid(image, "UUID"), fs.uuid());
                TreeManifest actual = TreeManifest.ofFileSystem(fs);
                List<String> diffs = expected.differences(actual, false);
                assertTrue(diffs.isEmpty(), () -> String.join("\n", diffs));
                for (Map.Entry<String, TreeEntry> e : expected.entries().entrySet()) {
                    FsNode node = FsPaths.resolve(fs, e.getKey(), false);
                    assertEquals(e.getValue().size(), e.getValue().type() == 'd' ? e.getValue().size()
                            : node.size(), e.getKey());
                }
                assertTrue(fs.lookup(fs.root(), "no-such-name").isEmpty());
                FsNode big = FsPaths.resolve(fs, "/big");
                assertTrue(fs.lookup(big, "entry-999999-with-a-longer-name").isEmpty());
                assertEquals(htree, (((Ext4Node) big).inode().flags() & Ext4Inode.FL_INDEX) != 0,
                        "htree directory expected: " + htree);
                assertEquals(debugfsNames(image, "/big"), names(fs, big));
            }
        }
    }

    static String blkid(Path image, String tag) throws IOException {
        return ExternalTool.run("blkid", "-p", "-o", "value", "-s", tag, image.toString()).trim();
    }

    /** The names debugfs lists in {@code dir} (without . and ..), sorted. */
    static List<String> debugfsNames(Path image, String dir) throws IOException {
        String out = ExternalTool.run("debugfs", "-R", "ls -p " + dir, image.toString());
        Pattern line = Pattern.compile("^/(\\d+)/(\\d+)/\\d+/\\d+/(.*)/\\d*/$", Pattern.MULTILINE);
        Matcher m = line.matcher(out);
        List<String> names = new java.util.ArrayList<>();
        while (m.find()) {
            String n = m.group(3);
            if (!n.equals(".") && !n.equals("..") && !m.group(1).equals("0")) {
                names.add(n);
            }
        }
        names.sort(null);
        return names;
    }

    static List<String> names(FileSystem fs, FsNode dir) throws IOException {
        return fs.list(dir).stream().map(FsNode::name).sorted().toList();
    }
}
