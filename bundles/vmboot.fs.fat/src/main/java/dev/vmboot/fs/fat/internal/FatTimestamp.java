package dev.vmboot.fs.fat.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * FAT's packed local date and time (fatgen103 "Date and Time Formats"): date bits 15-9 years since 1980, 8-5 month,
 * 4-0 day; time bits 15-11 hours, 10-5 minutes, 4-0 two-second units. FAT records no time zone: the local time is
 * taken as UTC, as Linux does with {@code tz=UTC}.
 */
final class FatTimestamp {
    private FatTimestamp() {
    }

    /** The instant, or {@link Instant#EPOCH} if the fields are not a valid date and time. */
    static Instant of(int date, int time) {
        int year = 1980 + (date >>> 9);
        int month = (date >>> 5) & 0xF;
        int day = date & 0x1F;
        int hour = time >>> 11;
        int minute = (time >>> 5) & 0x3F;
        int second = (time & 0x1F) * 2;
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return Instant.EPOCH;
        }
    }
}
