package dev.vmboot.storage.internal.scan;

import java.util.Locale;

import dev.vmboot.api.boot.ImageKind;

/**
 * Orders boot candidates: the well-known firmware and kernel names first (what the original vmboot looked for, then
 * the OVMF and Debian/Fedora names), then by what the content is.
 */
final class CandidateRanking {

    private CandidateRanking() {
    }

    static int rank(String fileName, ImageKind kind) {
        return nameRank(fileName.toLowerCase(Locale.ROOT)) + kindRank(kind);
    }

    private static int nameRank(String name) {
        if (name.equals("cloudhv.fd")) {
            return 1000;
        }
        if (name.equals("ovmf.fd")) {
            return 900;
        }
        if (name.startsWith("ovmf_code")) {
            return 800;
        }
        if (name.startsWith("vmlinuz") || name.equals("bzimage")) {
            return 700;
        }
        if (name.startsWith("vmlinux")) {
            return 600;
        }
        if (name.startsWith("ovmf_vars")) {
            return 100; // variables only: not bootable on its own
        }
        return 0;
    }

    private static int kindRank(ImageKind kind) {
        switch (kind) {
            case PVH_ELF: return 50;
            case UEFI_FLASH: return 40;
            case BZIMAGE: return 30;
            case ELF: return 10;
            default: return 0;
        }
    }
}
