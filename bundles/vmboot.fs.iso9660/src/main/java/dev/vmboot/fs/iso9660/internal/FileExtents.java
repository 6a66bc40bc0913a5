package dev.vmboot.fs.iso9660.internal;

import java.util.Arrays;
import java.util.List;

import dev.vmboot.api.fs.CorruptFilesystemException;

/**
 * A file's data as the ordered file sections of its directory records (ECMA-119 6.5.1: one section per record, more
 * than one for a multi-extent file), with the file offset at which each section starts.
 */
final class FileExtents {
    private final List<FileSection> sections;
    /** starts[i]: file offset of section i's first byte; starts[count] is the file size. */
    private final long[] starts;

    FileExtents(List<FileSection> sections) {
        this.sections = List.copyOf(sections);
        this.starts = new long[sections.size() + 1];
        for (int i = 0; i < sections.size(); i++) {
            starts[i + 1] = starts[i] + sections.get(i).length();
        }
    }

    static FileExtents of(FileSection section) {
        return new FileExtents(List.of(section));
    }

    List<FileSection> sections() {
        return sections;
    }

    long size() {
        return starts[starts.length - 1];
    }

    /** The device byte offset of the first data byte (the directory's identity for a directory). */
    long firstByte() {
        return sections.isEmpty() ? 0 : sections.get(0).start();
    }

    /** The section holding file offset {@code pos} ({@code 0 <= pos < size()}). */
    int sectionAt(long pos) {
        int i = Arrays.binarySearch(starts, pos);
        // An exact hit may be the start of an empty section: move on to the section that holds data there.
        int s = i >= 0 ? i : -i - 2;
        while (sections.get(s).length() == 0) {
            s++;
        }
        return s;
    }

    /** The device byte offset of file byte {@code pos} ({@code 0 <= pos < size()}). */
    long deviceOffset(long pos) {
        int s = sectionAt(pos);
        return sections.get(s).deviceOffset(pos - starts[s]);
    }

    /** Bytes from file offset {@code pos} on that lie contiguously on the device. */
    long contiguous(long pos) {
        int s = sectionAt(pos);
        return sections.get(s).contiguous(pos - starts[s]);
    }

    /** Equal when the sections are: nodes read twice from the same record compare equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof FileExtents && ((FileExtents) o).sections.equals(sections);
    }

    @Override
    public int hashCode() {
        return sections.hashCode();
    }

    @Override
    public String toString() {
        return sections.toString();
    }

    /**
     * Checks that every byte lies on the device.
     *
     * @param owner    names the file for the error
     * @param recordAt device byte offset of its (first) directory record
     */
    void requireWithin(long deviceSize, String owner, long recordAt) throws CorruptFilesystemException {
        for (FileSection s : sections) {
            if (s.length() > 0 && s.deviceEnd() > deviceSize) {
                throw new CorruptFilesystemException(owner, recordAt, "data from byte " + s.start() + " to "
                        + s.deviceEnd() + " lies beyond the end of the device (" + deviceSize + " bytes): truncated?");
            }
        }
    }
}
