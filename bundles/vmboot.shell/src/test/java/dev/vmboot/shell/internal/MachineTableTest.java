package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class MachineTableTest {
    @Test
    void uptimeIsHoursMinutesSecondsAndDaysBeyond() {
        assertEquals("0:00:07", MachineTable.uptime(Duration.ofMillis(7_900)));
        assertEquals("1:02:03", MachineTable.uptime(Duration.ofSeconds(3723)));
        assertEquals("3d 4:05:06", MachineTable.uptime(Duration.ofSeconds(3 * 86_400 + 4 * 3600 + 5 * 60 + 6)));
    }

    @Test
    void longImagesKeepTheirEndAndControlCharactersAreShown() {
        assertEquals("disk.img:1:/EFI/CLOUDHV.fd", MachineTable.tail("disk.img:1:/EFI/CLOUDHV.fd"));
        String tail = MachineTable.tail("/dev/disk/by-id/nvme-VERY-LONG-SERIAL-0000:1:/EFI/CLOUDHV.fd");
        assertEquals(MachineTable.IMAGE_WIDTH, tail.length());
        assertTrue(tail.startsWith("…") && tail.endsWith("-0000:1:/EFI/CLOUDHV.fd"), tail);
        assertEquals("a\\x1b[2Jb", MachineTable.tail("a\u001b[2Jb"));
    }
}
