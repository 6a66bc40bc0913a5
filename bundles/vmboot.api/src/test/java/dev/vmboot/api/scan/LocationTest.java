package dev.vmboot.api.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class LocationTest {

    @Test
    void diskOnly() {
        assertEquals(new Location("disk.img", Optional.empty(), Optional.empty()), Location.parse("disk.img"));
    }

    @Test
    void diskPartitionAndPath() {
        Location l = Location.parse("/images/disk.img:2:/boot/vmlinuz");
        assertEquals("/images/disk.img", l.disk());
        assertEquals(Optional.of(2), l.partition());
        assertEquals(Optional.of("/boot/vmlinuz"), l.path());
        assertEquals("/images/disk.img:2", l.volume());
        assertEquals("/images/disk.img:2:/boot/vmlinuz", l.toString());
    }

    @Test
    void pathWithoutPartition() {
        Location l = Location.parse("iso.img:/EFI/BOOT/BOOTX64.EFI");
        assertEquals("iso.img", l.disk());
        assertEquals(Optional.empty(), l.partition());
        assertEquals(Optional.of("/EFI/BOOT/BOOTX64.EFI"), l.path());
    }

    @Test
    void colonsInsidePathStayInPath() {
        assertEquals(Optional.of("/a:b/c"), Location.parse("d:1:/a:b/c").path());
    }

    @Test
    void badPartitionIsRejectedWithTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Location.parse("d:x"));
        assertEquals("'d:x': partition must be a number, not 'x'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Location.parse(":1"));
    }
}
