package dev.vmboot.platform;

/** Told when guest firmware moves a relocatable port range (the PIIX4 PM block); either side may be null. */
@FunctionalInterface
public interface PortIoRangeListener {

    /**
     * @param previous the range to unregister, or null if it was not decoded
     * @param current  the range to register, or null if it is no longer decoded
     */
    void rangeMoved(PortIoRange previous, PortIoRange current);
}
