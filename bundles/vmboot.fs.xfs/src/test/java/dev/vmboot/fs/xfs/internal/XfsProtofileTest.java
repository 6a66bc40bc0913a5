package dev.vmboot.fs.xfs.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
                .bigDirectory("leafdir", 200)
                .bigDirectory("blockdir", 40)
                .file("small-dir/one", 10)
                .file("small-dir/two", 2000)
                .sparseFile("sparse.bin", 5_000_000);
        expected = TreeManifest.ofDirectory(tree);
        proto = XfsImages.protofile(tree, work.resolve("proto.txt"));
    }

    /**
     * v4 images (256-byte inodes) store the 251-byte link target remotely, without a block header. (mkfs.xfs 6.1
     * writes v5 remote symlinks from a protofile without their XSLM header, which the kernel and xfs_db reject too:
     * v5 remote symlinks are tested on the kernel-written image.)
     */
    @Test
    void v4LongSymlinkIsRemote() throws IOException {
        Path image = XfsImages.mkfs(work.resolve("v4links.img"), 64L << 20, "-m", "crc=0", "-p", proto.toString());
        try (FileBlockDevice dev = FileBlockDevice.open(image); FileSystem fs = new XfsReader().open(dev)) {
            assertContains("2 (extents)", xfsDb(image, fs, "/links/long-link", "p core.format"));
            assertEquals("a".repeat(100) + "/" + "b".repeat(150), fs.readLink(FsPaths.resolve(fs, "/links/long-link",
                    false)));
        }
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
        XfsImages.mkfs(image, options.contains("65536") ? 256L << 20 : 128L << 20, args.toArray(String[]::new));
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

    @Test
    void theDefaultImageHasEveryDirectoryForm() throws IOException {
        Path image = XfsImages.mkfs(work.resolve("forms.img"), 64L << 20, "-p", proto.toString());
        try (FileBlockDevice dev = FileBlockDevice.open(image); FileSystem fs = new XfsReader().open(dev)) {
            assertContains("1 (local)", xfsDb(image, fs, "/small-dir", "p core.format"));
            assertContains("0x58444233", xfsDb(image, fs, "/blockdir", "dblock 0", "p bhdr.hdr.magic"));
            assertContains("0x3df1", xfsDb(image, fs, "/leafdir", "dblock 8388608", "p lhdr.info.hdr.magic"));
            assertContains("0x3ebe", xfsDb(image, fs, "/big", "dblock 8388608", "p nhdr.info.hdr.magic"));
            assertContains("1 (local)", xfsDb(image, fs, "/links/short-link", "p core.format"));
        }
    }

    private static void assertContains(String expected, String actual) {
        assertTrue(actual.contains(expected), "expected " + expected + " in: " + actual);
    }

    private static String xfsDb(Path image, FileSystem fs, String path, String... commands) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("xfs_db", "-r", "-c", "inode " + FsPaths.resolve(fs, path, false)
                .id()));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        cmd.add(image.toString());
        return ExternalTool.run(null, cmd);
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
}
