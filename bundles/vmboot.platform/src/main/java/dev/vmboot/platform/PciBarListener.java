package dev.vmboot.platform;

/**
 * Told when guest software moves a BAR or switches its decoding, so the VMM can unregister the old range (if
 * {@code previous.decoded()}) and register the new one (if {@code current.decoded()}). Called on the thread that wrote
 * the configuration register, after the function's lock is released. Only changes where the BAR decodes before or
 * after are reported; {@code previous} then carries the last address the BAR held, decoded or not.
 */
@FunctionalInterface
public interface PciBarListener {

    void barChanged(PciFunction function, PciBarMapping previous, PciBarMapping current);
}
