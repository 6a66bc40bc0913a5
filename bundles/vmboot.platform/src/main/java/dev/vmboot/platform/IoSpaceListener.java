package dev.vmboot.platform;

/**
 * Told when guest firmware moves or switches a block of I/O ports that a device decodes (the PIIX4 PM block at
 * PMBA), so the VMM can register the block where the firmware put it.
 */
@FunctionalInterface
public interface IoSpaceListener {

    /** Base value meaning "not decoded anywhere". */
    int NONE = -1;

    /**
     * @param previousBase where the block was decoded, or {@link #NONE}
     * @param newBase      where it is decoded now, or {@link #NONE}
     */
    void ioSpaceMoved(int previousBase, int newBase);
}
