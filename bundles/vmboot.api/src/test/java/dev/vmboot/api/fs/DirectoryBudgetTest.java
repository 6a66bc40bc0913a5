package dev.vmboot.api.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DirectoryBudgetTest {
    private final DirectoryBudget budget = new DirectoryBudget("disk.img:2", new DirectoryBudget.Bounds(3, 100, 7,
            1 << 20));

    @Test
    void aDirectoryPastItsRecordBoundFailsAndOthersStillRead() throws DirectoryBudgetException {
        DirectoryBudget.Directory big = budget.directory("dir A");
        big.record();
        big.record();
        big.record();
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, big::record);
        assertEquals(DirectoryBudgetException.Scope.DIRECTORY, e.scope());
        assertEquals("dir A has more than 3 records (entries, deleted entries and free space), the most vmboot reads"
                + " in one directory", e.getMessage());
        DirectoryBudget.Directory next = budget.directory("dir B");
        next.record();
        assertEquals(4, budget.records());
    }

    @Test
    void theVolumeBoundStaysSpent() throws DirectoryBudgetException {
        for (int i = 0; i < 3; i++) {
            DirectoryBudget.Directory d = budget.directory("dir " + i);
            d.record();
            d.record();
        }
        DirectoryBudget.Directory last = budget.directory("dir 3");
        last.record();
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class, last::record);
        assertEquals(DirectoryBudgetException.Scope.VOLUME, e.scope());
        assertEquals("disk.img:2: 7 directory records read since the filesystem was opened, the most vmboot reads"
                + " from one volume; stopped at dir 3", e.getMessage());
        assertEquals(DirectoryBudgetException.Scope.VOLUME,
                assertThrows(DirectoryBudgetException.class, budget.directory("dir 4")::record).scope());
        assertEquals(7, budget.records());
    }

    @Test
    void bytesAreBoundedPerDirectoryAndPerVolume() throws DirectoryBudgetException {
        DirectoryBudget.Directory d = budget.directory("dir A");
        d.read(100);
        assertEquals("dir A has more than 100 bytes of directory data, the most vmboot reads of one directory",
                assertThrows(DirectoryBudgetException.class, () -> d.read(1)).getMessage());
        DirectoryBudget small = new DirectoryBudget("v", new DirectoryBudget.Bounds(10, 1 << 20, 10, 2 << 20));
        small.directory("a").read(1 << 20);
        small.directory("b").read(1 << 20);
        DirectoryBudgetException e = assertThrows(DirectoryBudgetException.class,
                () -> small.directory("c").read(1));
        assertEquals("v: 2 MiB of directory data read since the filesystem was opened, the most vmboot reads from"
                + " one volume; stopped at c", e.getMessage());
    }
}
