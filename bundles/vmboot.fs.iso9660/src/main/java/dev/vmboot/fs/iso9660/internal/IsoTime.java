package dev.vmboot.fs.iso9660.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The two ECMA-119 date formats. A date that is unset or out of range reads as {@link Instant#EPOCH}: a timestamp
 * never decides whether data can be read, so a damaged one is not worth refusing a file for.
 */
final class IsoTime {
    /** ECMA-119 9.1.5 and 8.4.26.1: the offset from GMT counts 15-minute intervals, from -48 (west) to +52 (east). */
    private static final int MIN_OFFSET = -48;
    private static final int MAX_OFFSET = 52;
    /** Bytes of a 9.1.5 "recording date and time" (also RRIP TF's short form). */
    static final int SHORT_LENGTH = 7;
    /** Bytes of an 8.4.26.1 "date and time" (also RRIP TF's long form). */
    static final int LONG_LENGTH = 17;

    private IsoTime() {
    }

    /**
     * ECMA-119 9.1.5: years since 1900, month, day, hour, minute, second, GMT offset; all zero means not specified.
     */
    static Instant recording(byte[] b, int at) {
        boolean zero = true;
        for (int i = 0; i < SHORT_LENGTH; i++) {
            zero &= b[at + i] == 0;
        }
        if (zero) {
            return Instant.EPOCH;
        }
        return toInstant(1900 + (b[at] & 0xff), b[at + 1], b[at + 2], b[at + 3], b[at + 4], b[at + 5], 0, b[at + 6]);
    }

    /**
     * ECMA-119 8.4.26.1: sixteen ASCII digits {@code YYYYMMDDhhmmsscc} and a GMT offset byte; all digits zero with a
     * zero offset means not specified.
     */
    static Instant decimal(byte[] b, int at) {
        int[] fields = {4, 2, 2, 2, 2, 2, 2};
        int[] values = new int[fields.length];
        int pos = at;
        for (int f = 0; f < fields.length; f++) {
            int v = 0;
            for (int i = 0; i < fields[f]; i++) {
                int c = b[pos++];
                if (c < '0' || c > '9') {
                    return Instant.EPOCH;
                }
                v = v * 10 + c - '0';
            }
            values[f] = v;
        }
        if (values[0] == 0 && values[1] == 0 && b[at + 16] == 0) {
            return Instant.EPOCH;
        }
        return toInstant(values[0], values[1], values[2], values[3], values[4], values[5], values[6] * 10,
                b[at + 16]);
    }

    private static Instant toInstant(int year, int month, int day, int hour, int minute, int second, int millis,
            int offsetQuarters) {
        if (offsetQuarters < MIN_OFFSET || offsetQuarters > MAX_OFFSET) {
            return Instant.EPOCH;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, millis * 1_000_000)
                    .toInstant(ZoneOffset.ofTotalSeconds(offsetQuarters * 15 * 60));
        } catch (DateTimeException e) {
            return Instant.EPOCH;
        }
    }
}
