package dev.vmboot.boot.firmware.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.boot.BootOptions;
import dev.vmboot.linux.image.SetupHeader;

/**
 * A Linux kernel, initrd and command line for the firmware to boot, as QEMU's {@code -kernel}/{@code -initrd}/
 * {@code -append} hand them over fw_cfg (QEMU hw/i386/x86.c x86_load_linux; selectors from
 * include/standard-headers/linux/qemu_fw_cfg.h). A bzImage is split where the boot protocol splits it: the real-mode
 * setup, {@code (setup_sects + 1) * 512} bytes (Documentation/arch/x86/boot.rst, "The real-mode kernel header"), and
 * the protected-mode kernel after it. OVMF's QemuKernelLoaderFsDxe joins them again into a file it starts through
 * the kernel's EFI stub.
 */
final class LinuxKernelItems {
    static final int KERNEL_SIZE = 0x08;
    static final int INITRD_SIZE = 0x0B;
    static final int KERNEL_DATA = 0x11;
    static final int INITRD_DATA = 0x12;
    static final int CMDLINE_SIZE = 0x14;
    static final int CMDLINE_DATA = 0x15;
    static final int SETUP_SIZE = 0x17;
    static final int SETUP_DATA = 0x18;

    /** boot.rst: the EFI handover (and the PE header OVMF loads through) needs boot protocol 2.11 or later. */
    static final int MIN_VERSION = 0x020B;

    private LinuxKernelItems() {
    }

    /** Adds the kernel items, or refuses an initrd or command line without a kernel to give them to. */
    static void add(FwCfgItems items, BootOptions options) throws BootException {
        Optional<BootImage> kernel = options.kernel();
        if (kernel.isEmpty()) {
            if (options.initrd().isPresent() || !options.commandLine().isEmpty()) {
                throw new BootException("UEFI firmware takes an initrd or a command line only for a kernel given with"
                        + " --kernel");
            }
            return;
        }
        ByteBuffer image = kernel.get().contents().duplicate();
        String name = kernel.get().name();
        SetupHeader header;
        try {
            header = SetupHeader.parse(image);
        } catch (BootException e) {
            throw new BootException(name + ": " + e.getMessage(), e);
        }
        if (header.version() < MIN_VERSION) {
            throw new BootException(String.format("%s: boot protocol %s is too old for UEFI firmware (2.11 or "
                    + "later has the EFI stub)", name, header.protocol()));
        }
        long setupSize = header.protectedModeOffset();
        byte[] setup = new byte[(int) setupSize];
        image.get(0, setup);
        byte[] rest = new byte[image.capacity() - setup.length];
        image.get(setup.length, rest);
        items.addItem(SETUP_SIZE, le32(setup.length));
        items.addItem(SETUP_DATA, setup);
        items.addItem(KERNEL_SIZE, le32(rest.length));
        items.addItem(KERNEL_DATA, rest);
        if (options.initrd().isPresent()) {
            ByteBuffer initrd = options.initrd().get().contents();
            byte[] data = new byte[initrd.capacity()];
            initrd.get(0, data);
            items.addItem(INITRD_SIZE, le32(data.length));
            items.addItem(INITRD_DATA, data);
        }
        if (options.commandLine().indexOf('\0') >= 0) {
            throw new BootException("the kernel command line contains a NUL character");
        }
        byte[] text = options.commandLine().getBytes(StandardCharsets.UTF_8);
        byte[] cmdline = new byte[text.length + 1]; // NUL-terminated, and the size counts the NUL (as QEMU)
        System.arraycopy(text, 0, cmdline, 0, text.length);
        items.addItem(CMDLINE_SIZE, le32(cmdline.length));
        items.addItem(CMDLINE_DATA, cmdline);
    }

    private static byte[] le32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }
}
