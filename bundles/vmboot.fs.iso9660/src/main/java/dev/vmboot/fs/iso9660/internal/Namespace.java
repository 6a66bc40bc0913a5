package dev.vmboot.fs.iso9660.internal;

/** Which of an image's directory trees a volume is read through, best first. */
enum Namespace {
    /** The primary tree with IEEE P1282 Rock Ridge attributes: POSIX names, modes, symbolic links. */
    ROCK_RIDGE,
    /** The Joliet supplementary tree: UCS-2 names, no modes or links. */
    JOLIET,
    /** The primary tree alone: ECMA-119 d-character names, upper case, looked up case-insensitively. */
    PLAIN
}
