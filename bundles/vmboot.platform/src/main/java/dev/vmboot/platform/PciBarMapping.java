package dev.vmboot.platform;

/**
 * Where a BAR decodes: its address and whether the function answers there (the command register's I/O or memory
 * enable is set, an address is assigned, and the BAR does not hold its sizing pattern).
 *
 * @param bar     the BAR
 * @param address the programmed base address
 * @param decoded whether the range {@code [address, address + bar.size())} is live
 */
public record PciBarMapping(PciBar bar, long address, boolean decoded) {
}
