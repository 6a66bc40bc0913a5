package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileType;
import dev.vmboot.api.fs.FsNode;
import dev.vmboot.api.fs.FsPaths;
import dev.vmboot.api.storage.FileBlockDevice;
import dev.vmboot.testkit.ExternalTool;
import dev.vmboot.testkit.ReferenceTree;
import dev.vmboot.testkit.TreeEntry;
import dev.vmboot.testkit.TreeManifest;

/**
 * Images populated by mkfs.xfs itself from a prototype file, in several geometries and both superblock versions;
 * every file, directory and symlink must read back exactly.
 */
class XfsProtofileTest {
    @TempDir
    static Path work;
    static Path tree;
    static Path proto;
    static TreeManifest expected;

    @BeforeAll
    static void buildTree() throws IOException {
        tree = work.resolve("tree");
        ReferenceTree.in(tree, 42)
                .assortedFiles("files")
                .deepPath("deep", 40)
                .unicodeNames("unicode")
                .symlinks("links")
                .bigDirectory("big", 3000)
                .file("small-dir/one", 10)
                .file("small-dir/two", 2000)
                .sparseFile("sparse.bin", 5_000_000);
        expected = TreeManifest.ofDirectory(tree);
        proto = XfsImages.protofile(tree, work.resolve("proto.txt"));
    }

    @ParameterizedTest(name = "mkfs.xfs {0}")
    @ValueSource(strings = {
        "-L protolabel",
        "-m crc=0",
        "-m crc=0 -n ftype=0 -b size=1024",
        "-b size=1024 -n size=8192",
        "-b size=512 -m crc=0 -n size=4096",
        "-i size=512 -d agcount=4",
        "-b size=65536",
        "-i nrext64=1 -m bigtime=1",
        "-s size=4096",
        "-m bigtime=0"})
    void readsTheWholeTree(String options) throws IOException {
        Path image = work.resolve("image-" + Integer.toHexString(options.hashCode()) + ".img");
        List<String> args = new ArrayList<>(List.of(options.split(" ")));
        args.addAll(List.of("-p", proto.toString()));
        // 64 KiB blocks need a log of 512 blocks: a bigger (still sparse) image.
        XfsImages.mkfs(image, options.contains("65536") ? 256L << 20 : 64L << 20, args.toArray(String[]::new));
        try (FileBlockDevice dev = FileBlockDevice.open(image); FileSystem fs = new XfsReader().open(dev)) {
            assertTrue(new XfsReader().probe(dev));
            TreeManifest actual = TreeManifest.ofFileSystem(fs);
            assertEquals(List.of(), expected.differences(actual, false));

            String dbOut = ExternalTool.run("xfs_db", "-r", "-c", "sb 0", "-c", "p uuid fname", image.toString());
            assertTrue(dbOut.contains("uuid = " + fs.uuid()), dbOut + " vs " + fs.uuid());
            if (options.contains("-L")) {
                assertEquals("protolabel", fs.label());
            }
            assertLookupsAgree(fs, actual);
        }
    }

    /** Every path resolves by lookup (the hashed path for block/leaf/node directories) to what listing found. */
    static void assertLookupsAgree(FileSystem fs, TreeManifest manifest) throws IOException {
        for (Map.Entry<String, TreeEntry> e : manifest.entries().entrySet()) {
            FsNode node = FsPaths.resolve(fs, e.getKey(), false);
            assertEquals(e.getValue().type(), node.type() == FileType.DIRECTORY ? 'd'
                    : node.type() == FileType.SYMLINK ? 'l' : 'f', e.getKey());
            assertEquals(e.getKey().substring(e.getKey().lastIndexOf('/') + 1), node.name());
            if (node.type() == FileType.DIRECTORY) {
                assertFalse(fs.lookup(node, "no-such-name-" + e.getKey().length()).isPresent());
            }
        }
    }

    static Path treeRoot() {
        return tree;
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
