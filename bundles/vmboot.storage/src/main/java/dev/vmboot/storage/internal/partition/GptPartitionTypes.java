package dev.vmboot.storage.internal.partition;

import java.util.Map;

/**
 * Names of common GPT partition type GUIDs: UEFI 2.10 table 5.7 (EFI System, legacy MBR), the Discoverable
 * Partitions Specification (Linux types) and the vendors' own published GUIDs. XFS, ext4 and friends have no type of
 * their own: they sit in "Linux filesystem" partitions.
 */
final class GptPartitionTypes {
    private static final Map<String, String> NAMES = Map.ofEntries(
            // UEFI 2.10 §5.3.3, table 5.7
            Map.entry("C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "EFI System"),
            Map.entry("024DEE41-33E7-11D3-9D69-0008C781F39F", "MBR partition scheme"),
            // GRUB
            Map.entry("21686148-6449-6E6F-744E-656564454649", "BIOS boot"),
            // Microsoft
            Map.entry("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7", "Microsoft basic data"),
            Map.entry("E3C9E316-0B5C-4DB8-817D-F92DF00215AE", "Microsoft reserved"),
            Map.entry("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC", "Windows recovery environment"),
            // Linux (Discoverable Partitions Specification, util-linux libfdisk)
            Map.entry("0FC63DAF-8483-4772-8E79-3D69D8477DE4", "Linux filesystem"),
            Map.entry("0657FD6D-A4AB-43C4-84E5-0933C84B4F4F", "Linux swap"),
            Map.entry("E6D6D379-F507-44C2-A23C-238F2A3DF928", "Linux LVM"),
            Map.entry("A19D880F-05FC-4D3B-A006-743F0F84911E", "Linux RAID"),
            Map.entry("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "Linux root (x86-64)"),
            Map.entry("44479540-F297-41B2-9AF7-D131D5F0458A", "Linux root (x86)"),
            Map.entry("B921B045-1DF0-41C3-AF44-4C6F280D3FAE", "Linux root (ARM-64)"),
            Map.entry("933AC7E1-2EB4-4F13-B844-0E14E2AEF915", "Linux /home"),
            Map.entry("3B8F8425-20E0-4F3B-907F-1A25A76F98E8", "Linux /srv"),
            Map.entry("4D21B016-B534-45C2-A9FB-5C16E091FD2D", "Linux /var"),
            Map.entry("7EC6F557-3BC5-4ACA-B293-16EF5DF639D1", "Linux /var/tmp"),
            Map.entry("BC13C2FF-59E6-4262-A352-B275FD6F7172", "Linux extended boot (XBOOTLDR)"),
            Map.entry("CA7D7CCB-63ED-4C53-861C-1742536059CC", "Linux LUKS"),
            Map.entry("8DA63339-0007-60C0-C436-083AC8230908", "Linux reserved"),
            // ChromeOS
            Map.entry("FE3A2A5D-4F32-41A7-B725-ACCC3285A309", "ChromeOS kernel"),
            Map.entry("3CB8E202-3B7E-47DD-8A3C-7FF2A13CFCEC", "ChromeOS root"),
            Map.entry("2E0A753D-9E48-43B0-8337-B15192CB1B5E", "ChromeOS reserved"),
            // FreeBSD, Apple
            Map.entry("516E7CB6-6ECF-11D6-8FF8-00022D09712B", "FreeBSD UFS"),
            Map.entry("83BD6B9D-7F41-11DC-BE0B-001560B84F0F", "FreeBSD boot"),
            Map.entry("48465300-0000-11AA-AA11-00306543ECAC", "Apple HFS+"),
            Map.entry("7C3457EF-0000-11AA-AA11-00306543ECAC", "Apple APFS"));

    private GptPartitionTypes() {
    }

    /** The name of a type GUID (upper-case text form), or {@code unknown}. */
    static String name(String typeGuid) {
        return NAMES.getOrDefault(typeGuid, "unknown");
    }
}
