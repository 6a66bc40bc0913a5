package dev.vmboot.api.storage;

/**
 * One partition of a disk.
 *
 * @param number    1-based partition number as Linux numbers it ({@code sda2} is 2; MBR logical partitions start at 5)
 * @param scheme    the table it was found in
 * @param offset    byte offset on the disk
 * @param length    length in bytes
 * @param type      the type as recorded: a GPT type GUID ({@code C12A7328-F81F-11D2-BA4B-00A0C93EC93B}) or an MBR
 *                  type byte ({@code 0x83})
 * @param typeName  the type's name ({@code EFI System}, {@code Linux filesystem}), or {@code unknown}
 * @param label     the GPT partition name, empty for MBR
 * @param uniqueId  the GPT unique partition GUID, or {@code <disk signature>-<nn>} for MBR
 * @param bootable  GPT legacy-BIOS-bootable attribute or the MBR active flag
 */
public record Partition(int number, PartitionScheme scheme, long offset, long length, String type, String typeName,
        String label, String uniqueId, boolean bootable) {
}
