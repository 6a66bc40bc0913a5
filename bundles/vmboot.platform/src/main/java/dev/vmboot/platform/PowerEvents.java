package dev.vmboot.platform;

/** What the guest asked of the platform's power: the VMM decides what a power-off or reset means for the machine. */
public interface PowerEvents {

    /** The guest entered ACPI S5 (soft off). */
    void powerOff();

    /** The guest asked for a platform reset (reset register, 0xCF9, i8042 pulse, port 0x92 fast reset). */
    void reset();
}
