package dev.vmboot.platform;

import dev.vmboot.api.vm.Personality;

/**
 * The host bridge at 00:00.0. Firmware identifies the platform by its device ID ({@link Personality}): 0x0D57 selects
 * EDK2's CloudHv paths (OvmfPkg/Include/IndustryStandard/CloudHv.h), 0x1237 the i440FX paths
 * (OvmfPkg/Include/IndustryStandard/I440FxPiix4.h). The device-specific registers (i440FX PAM, SMRAM, ...) are plain
 * storage so firmware reads back what it wrote.
 */
public final class PciHostBridge extends PciFunction {

    /** PCI Code and ID Assignment Specification 1.11, 1.7: base class 06h, subclass 00h = host bridge. */
    public static final int CLASS_HOST_BRIDGE = 0x060000;
    /** Location on the root bus. */
    public static final int DEVICE = 0;
    public static final int FUNCTION = 0;
    /** Intel 440FX PMC datasheet, 3.2: revision ID 02h. */
    private static final int I440FX_REVISION = 0x02;

    private final Personality personality;

    public PciHostBridge(Personality personality) {
        super(personality.hostBridgeVendor(), personality.hostBridgeDevice(), CLASS_HOST_BRIDGE,
                personality == Personality.I440FX ? I440FX_REVISION : 0, false);
        this.personality = personality;
        setWritable(DEVICE_SPECIFIC, CONFIG_SIZE - DEVICE_SPECIFIC);
    }

    public Personality personality() {
        return personality;
    }
}
