package dev.vmboot.api.boot;

/** What a boot image is, decided from its content. */
public enum ImageKind {
    /** ELF with a Xen {@code XEN_ELFNOTE_PHYS32_ENTRY} note: CloudHv firmware, a PVH-capable vmlinux. */
    PVH_ELF,
    /** ELF without the PVH note (a plain vmlinux). */
    ELF,
    /** UEFI flash image: a firmware volume header with the {@code _FVH} signature (OVMF.fd, OVMF_CODE/VARS). */
    UEFI_FLASH,
    /** Linux bzImage ({@code HdrS} setup header). */
    BZIMAGE,
    /** Nothing vmboot can boot. */
    UNKNOWN
}
