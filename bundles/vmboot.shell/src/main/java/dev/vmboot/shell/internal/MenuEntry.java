package dev.vmboot.shell.internal;

import java.util.Optional;

import dev.vmboot.api.boot.BootCandidate;
import dev.vmboot.api.scan.VolumeReport;
import dev.vmboot.api.storage.Partition;

/**
 * One line of the autoboot menu: a boot candidate found by a scan and where it is.
 *
 * @param kind      what it is
 * @param candidate what the scan found: its volume location, path and size
 * @param partition the partition it lies in, empty on an unpartitioned disk
 * @param fsType    the filesystem it was read from
 * @param initrd    for a kernel, the path of an initial ramdisk beside it in the same filesystem, or empty
 */
record MenuEntry(Kind kind, BootCandidate candidate, Optional<Partition> partition, String fsType,
        Optional<String> initrd) {

    /** What an entry boots, as the menu names it. */
    enum Kind {
        UEFI_FLASH("UEFI flash", true), PVH_FIRMWARE("PVH firmware", true), LINUX_KERNEL("Linux kernel", false);

        private final String label;
        private final boolean firmware;

        Kind(String label, boolean firmware) {
            this.label = label;
            this.firmware = firmware;
        }

        String label() {
            return label;
        }

        boolean firmware() {
            return firmware;
        }
    }

    static MenuEntry of(Kind kind, BootCandidate candidate, VolumeReport volume) {
        return new MenuEntry(kind, candidate, volume.partition(), volume.fsType().orElse("unknown"),
                Optional.empty());
    }

    MenuEntry withInitrd(String path) {
        return new MenuEntry(kind, candidate, partition, fsType, Optional.of(path));
    }

    /** The entry's file as a location, {@code disk:partition:/path}, what {@code vmboot:boot} takes. */
    String location() {
        return candidate.location() + ":" + candidate.path();
    }

    /** The initrd's location, when there is one. */
    Optional<String> initrdLocation() {
        return initrd.map(p -> candidate.location() + ":" + p);
    }

    String path() {
        return candidate.path();
    }

    /**
     * What identifies the entry's partition across boots, when device names may change: the GPT unique partition GUID
     * (or MBR disk signature and number), else the volume location.
     */
    String partitionKey() {
        return partition.map(Partition::uniqueId).filter(id -> !id.isEmpty()).orElse(candidate.location());
    }
}
