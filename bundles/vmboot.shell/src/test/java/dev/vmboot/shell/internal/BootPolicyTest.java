package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.ImageKind;
import dev.vmboot.api.scan.VolumeReport;

class BootPolicyTest {
    private static final VolumeReport ROOT = new VolumeReport("disk.img:3", Optional.of(MenuFixtures.partition(3,
            "root", "11111111-2222-3333-4444-555555555555")), Optional.of("ext4"), "", "", List.of(),
            Optional.empty());
    private static final VolumeReport FIRMWARE = new VolumeReport("disk.img:1", Optional.of(MenuFixtures.partition(1,
            "firmware", MenuFixtures.FIRMWARE_GUID)), Optional.of("xfs"), "", "", List.of(), Optional.empty());

    /** 1 a kernel on root, 2 OVMF on firmware, 3 CloudHv on firmware. */
    private final List<MenuEntry> entries = List.of(
            MenuEntry.of(MenuEntry.Kind.LINUX_KERNEL, MenuFixtures.candidate(3, "/boot/vmlinuz", ImageKind.BZIMAGE,
                    1), ROOT),
            MenuEntry.of(MenuEntry.Kind.UEFI_FLASH, MenuFixtures.candidate(1, "/firmware/OVMF.fd",
                    ImageKind.UEFI_FLASH, 1), FIRMWARE),
            MenuEntry.of(MenuEntry.Kind.PVH_FIRMWARE, MenuFixtures.candidate(1, "/firmware/CLOUDHV.fd",
                    ImageKind.PVH_ELF, 1), FIRMWARE));

    private static BootPolicy policy(List<String> paths, List<String> partitions) {
        return new BootPolicy(paths, partitions);
    }

    @Test
    void withoutPreferencesOrHistoryTheFirstFirmwareIsTheDefault() {
        assertEquals(new BootPolicy.Choice(1, "first firmware"),
                policy(List.of(), List.of()).choose(entries, Optional.empty()));
    }

    @Test
    void theFirstPatternThatMatchesAnyEntryWins() {
        assertEquals(new BootPolicy.Choice(2, "preferred path /firmware/CLOUD*"),
                policy(List.of("/nothing/*", "/firmware/CLOUD*", "/boot/*"), List.of("root"))
                        .choose(entries, Optional.empty()));
        assertEquals(0, policy(List.of("/**vmlinuz"), List.of()).choose(entries, Optional.empty()).index());
    }

    @Test
    void aPreferredPartitionByNameOrGuidInEitherCaseComesAfterThePaths() {
        assertEquals(new BootPolicy.Choice(0, "preferred partition ROOT"),
                policy(List.of("/nothing/*"), List.of("missing", "ROOT")).choose(entries, Optional.empty()));
        assertEquals(1, policy(List.of(), List.of(MenuFixtures.FIRMWARE_GUID.toLowerCase()))
                .choose(entries, Optional.empty()).index());
    }

    @Test
    void theEntryBootedLastComesAfterThePreferences() {
        Optional<LastBootedState.Booted> last = Optional.of(LastBootedState.Booted.of(entries.get(2)));
        assertEquals(new BootPolicy.Choice(2, "booted last"), policy(List.of(), List.of()).choose(entries, last));
        assertEquals(0, policy(List.of(), List.of("root")).choose(entries, last).index());
        Optional<LastBootedState.Booted> gone = Optional.of(new LastBootedState.Booted("elsewhere", "/x.fd"));
        assertEquals(1, policy(List.of(), List.of()).choose(entries, gone).index());
    }

    @Test
    void withoutFirmwareTheFirstEntry() {
        assertEquals(new BootPolicy.Choice(0, "first entry"),
                policy(List.of(), List.of()).choose(entries.subList(0, 1), Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> policy(List.of(), List.of()).choose(List.of(),
                Optional.empty()));
    }
}
