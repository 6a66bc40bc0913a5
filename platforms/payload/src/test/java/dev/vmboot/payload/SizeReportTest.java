package dev.vmboot.payload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SizeReportTest {
    private static final List<PartSize> PARTS = List.of(new PartSize("jre", 50, 50 << 20, 10 << 20),
            new PartSize("kernel", 1, 8 << 20, 8 << 20));

    @Test
    void totalIsEveryPartPlusTheXzFraming() {
        SizeReport r = new SizeReport("p", PARTS, 64, 32L << 20);
        assertEquals((18L << 20) + 64, r.total());
        assertTrue(r.withinBudget());
        assertTrue(r.table().contains("jre"), r.table());
        assertTrue(r.table().contains("left"), r.table());
    }

    @Test
    void overBudgetIsSaidAndRefused() {
        SizeReport r = new SizeReport("p", PARTS, 0, 16L << 20);
        assertFalse(r.withinBudget());
        assertTrue(r.table().contains("EXCEEDED by 2.00 MiB"), r.table());
    }

    @Test
    void sizesParse() {
        assertEquals(16L << 20, ByteSize.parse("16MiB"));
        assertEquals(512L << 10, ByteSize.parse(" 512 KiB"));
        assertEquals(1000, ByteSize.parse("1000"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("16MB"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("-1"));
    }
}
