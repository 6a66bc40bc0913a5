package dev.vmboot.api.vm;

/** Which platform the virtual machine pretends to be; firmware checks the PCI host bridge's device ID. */
public enum Personality {
    /**
     * Cloud Hypervisor's platform, for EDK2 CloudHv: host bridge 8086:0D57
     * ({@code OvmfPkg/Include/IndustryStandard/CloudHv.h}), ACPI from the PVH start info, PM timer at 0x608.
     */
    CLOUD_HV(0x8086, 0x0D57),
    /**
     * QEMU's i440FX + PIIX4, for stock OVMF: host bridge 8086:1237
     * ({@code OvmfPkg/Include/IndustryStandard/I440FxPiix4.h}), fw_cfg, PM timer at PMBA+8.
     */
    I440FX(0x8086, 0x1237);

    private final int hostBridgeVendor;
    private final int hostBridgeDevice;

    Personality(int vendor, int device) {
        this.hostBridgeVendor = vendor;
        this.hostBridgeDevice = device;
    }

    public int hostBridgeVendor() {
        return hostBridgeVendor;
    }

    public int hostBridgeDevice() {
        return hostBridgeDevice;
    }
}
