package dev.vmboot.machine.internal.virtio;

/**
 * The PCI class code a virtio function shows for its device type (PCI Code and ID Assignment 1.11, section 1). Drivers
 * match virtio devices by vendor and device ID; the class only tells firmware setup screens and lspci what it is.
 */
final class PciClassCodes {
    private PciClassCodes() {
    }

    // virtio 1.2, 5 "Device Types"
    private static final int NET = 1;
    private static final int BLOCK = 2;
    private static final int CONSOLE = 3;
    private static final int ENTROPY = 4;

    /** 24-bit class code (base class, subclass, programming interface) for virtio device type {@code type}. */
    static int forDeviceType(int type) {
        switch (type) {
        case NET:
            return 0x020000; // network controller, Ethernet
        case BLOCK:
            return 0x018000; // mass storage controller, other
        case CONSOLE:
            return 0x078000; // simple communication controller, other
        case ENTROPY:
            return 0x00FF00; // unclassified (as QEMU's virtio-rng)
        default:
            return 0xFF0000; // device does not fit any defined class
        }
    }
}
