package dev.vmboot.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;

import dev.vmboot.api.fs.DirectoryBudgetException;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FsNode;

/**
 * What the readers' huge-directory tests assert of a volume's {@link dev.vmboot.api.fs.DirectoryBudget}: that
 * directories read again and again stop at the volume's bound, and that the bound stays spent once reached.
 */
public final class VolumeBudgetAssertions {
    private VolumeBudgetAssertions() {
    }

    /**
     * Lists {@code directories} of {@code fs} in turn, round and round, and asserts that the volume's 4 GiB of
     * directory data stop a listing once about {@code bound} of them were read: at least {@code bound - 2} listings
     * pass, and one refused for the volume comes before {@code bound} plus one round more. {@code stoppedAt} starts
     * the name of the directory the refusal names, as the reader words it (FAT: {@code FAT directory "d}).
     */
    public static void assertListingInTurnStopsAtTheVolumeBound(FileSystem fs, List<FsNode> directories, long bound,
            String stoppedAt) throws IOException {
        DirectoryBudgetException stop = null;
        int listed = 0;
        while (stop == null && listed <= bound + directories.size()) {
            try {
                fs.list(directories.get(listed % directories.size()));
                listed++;
            } catch (DirectoryBudgetException e) {
                stop = e;
            }
        }
        assertTrue(stop != null, listed + " directories listed");
        assertEquals(DirectoryBudgetException.Scope.VOLUME, stop.scope());
        assertTrue(listed >= bound - 2, listed + " listed");
        assertTrue(stop.getMessage().startsWith("memory: 4096 MiB of directory data read since the filesystem was"
                + " opened, the most vmboot reads from one volume; stopped at " + stoppedAt), stop.getMessage());
    }

    /**
     * Asserts that {@code directory} lists twice, that its third listing is refused for the volume with a message
     * starting {@code messageStart}, and that the root's listing then is too: for {@code fs} opened with a volume
     * bound that two listings of the directory stay within and a third passes.
     */
    public static void assertTheVolumeBoundStaysSpent(FileSystem fs, FsNode directory, String messageStart)
            throws IOException {
        fs.list(directory);
        fs.list(directory);
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, () -> fs.list(directory));
        assertEquals(DirectoryBudgetException.Scope.VOLUME, e.scope());
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
        assertEquals(DirectoryBudgetException.Scope.VOLUME, assertThrows(DirectoryBudgetException.class,
                () -> fs.list(fs.root())).scope());
    }
}
