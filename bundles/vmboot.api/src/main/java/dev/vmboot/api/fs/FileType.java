package dev.vmboot.api.fs;

/** What a directory entry is. */
public enum FileType {
    REGULAR, DIRECTORY, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO, SOCKET, UNKNOWN;

    /** Decodes the type bits ({@code S_IFMT}) of a POSIX mode, {@code <sys/stat.h>}. */
    public static FileType fromMode(int mode) {
        switch (mode & 0xF000) {
            case 0x8000: return REGULAR;
            case 0x4000: return DIRECTORY;
            case 0xA000: return SYMLINK;
            case 0x2000: return CHAR_DEVICE;
            case 0x6000: return BLOCK_DEVICE;
            case 0x1000: return FIFO;
            case 0xC000: return SOCKET;
            default: return UNKNOWN;
        }
    }

    /** The {@code ls -l} type letter. */
    public char letter() {
        switch (this) {
            case REGULAR: return '-';
            case DIRECTORY: return 'd';
            case SYMLINK: return 'l';
            case CHAR_DEVICE: return 'c';
            case BLOCK_DEVICE: return 'b';
            case FIFO: return 'p';
            case SOCKET: return 's';
            default: return '?';
        }
    }
}
