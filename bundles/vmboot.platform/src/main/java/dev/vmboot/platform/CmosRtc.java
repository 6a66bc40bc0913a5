package dev.vmboot.platform;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.PortIoDevice;

/**
 * The Motorola MC146818A real-time clock and its 128 bytes of CMOS RAM behind index port 0x70 and data port 0x71.
 * Time comes from a {@link Clock} (in the clock's zone: pass a UTC clock for the UTC RTC Linux and EDK2 expect), plus
 * whatever offset the guest sets. The memory-size bytes follow the PC/QEMU convention that OVMF's MemDetect.c reads
 * when fw_cfg gives no e820 map. No RTC interrupts (IRQ 8) are generated; register C always reads 0.
 */
public final class CmosRtc implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(CmosRtc.class);

    /** IBM PC/AT: CMOS index port 0x70, data port 0x71. */
    public static final int BASE = 0x70;
    public static final int LENGTH = 2;

    // MC146818A datasheet, Figure 3 "Address Map" / Table 2 "Time, Calendar and Alarm Data Modes"
    static final int SECONDS = 0x00;
    static final int SECONDS_ALARM = 0x01;
    static final int MINUTES = 0x02;
    static final int MINUTES_ALARM = 0x03;
    static final int HOURS = 0x04;
    static final int HOURS_ALARM = 0x05;
    static final int DAY_OF_WEEK = 0x06;
    static final int DAY_OF_MONTH = 0x07;
    static final int MONTH = 0x08;
    static final int YEAR = 0x09;
    static final int REGISTER_A = 0x0A;
    static final int REGISTER_B = 0x0B;
    static final int REGISTER_C = 0x0C;
    static final int REGISTER_D = 0x0D;
    /** IBM PC/AT CMOS map: century (the ACPI FADT CENTURY field points here). */
    static final int CENTURY = 0x32;

    // MC146818A datasheet, Register A: UIP bit 7; DV2-0 = 010 (32.768 kHz), RS3-0 = 0110 (1024 Hz) as set by BIOSes
    static final int A_UIP = 0x80;
    private static final int A_DEFAULT = 0x26;
    // MC146818A datasheet, Register B: SET bit 7, DM bit 2 (1 = binary), 24/12 bit 1 (1 = 24-hour)
    static final int B_SET = 0x80;
    static final int B_BINARY = 0x04;
    static final int B_24_HOUR = 0x02;
    // MC146818A datasheet, Register D: VRT bit 7 (valid RAM and time)
    static final int D_VALID = 0x80;
    /** MC146818A datasheet, "Update Cycle": UIP rises 244 µs before the update begins. */
    private static final long UIP_LEAD_NANOS = 244_000;

    // IBM PC/AT CMOS map and QEMU hw/i386/pc.c: memory size bytes read by BIOSes and OVMF MemDetect.c
    static final int BASE_MEMORY_LOW = 0x15; // KiB below 1 MiB (640)
    static final int EXTENDED_MEMORY_LOW = 0x17; // KiB above 1 MiB, clamped 0xFFFF (0x17/0x18 and 0x30/0x31)
    static final int EXTENDED_MEMORY_LOW_COPY = 0x30;
    static final int CHECKSUM_HIGH = 0x2E; // IBM PC/AT: sum of 0x10..0x2D, big-endian at 0x2E/0x2F
    static final int MEMORY_ABOVE_16M_LOW = 0x34; // 64 KiB units between 16 MiB and the end of low RAM
    static final int MEMORY_ABOVE_4G_LOW = 0x5B; // 64 KiB units above 4 GiB, 24 bits at 0x5B..0x5D

    private static final int NMI_DISABLE = 0x80;
    private static final long MIB = 1L << 20;

    private final Clock clock;
    private final byte[] ram = new byte[128];
    /** Guest RTC time minus the clock's local time. */
    private Duration offset = Duration.ZERO;
    /** While register B's SET bit is 1, the time registers are plain RAM (updates halted). */
    private final GuestLogLimiter guestLog;
    private boolean frozen;
    private int index;
    private boolean nmiDisabled;

    /**
     * @param clock            the time source
     * @param ramBelow4GiB     guest RAM bytes below 4 GiB (from address 0)
     * @param ramAbove4GiB     guest RAM bytes from 4 GiB up
     * @param guestLog         the machine's budget for the lines its guest causes
     */
    public CmosRtc(Clock clock, long ramBelow4GiB, long ramAbove4GiB, GuestLogLimiter guestLog) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
        if (ramBelow4GiB < 0 || ramAbove4GiB < 0 || ramBelow4GiB > (4096 * MIB)) {
            throw new IllegalArgumentException("bad RAM sizes " + ramBelow4GiB + ", " + ramAbove4GiB);
        }
        ram[REGISTER_A] = (byte) A_DEFAULT;
        ram[REGISTER_B] = (byte) B_24_HOUR;
        ram[REGISTER_D] = (byte) D_VALID;
        setWord(BASE_MEMORY_LOW, 640);
        long extendedKiB = Math.min(0xFFFF, Math.max(0, ramBelow4GiB / 1024 - 1024));
        setWord(EXTENDED_MEMORY_LOW, (int) extendedKiB);
        setWord(EXTENDED_MEMORY_LOW_COPY, (int) extendedKiB);
        long above16M = ramBelow4GiB > 16 * MIB ? Math.min(0xFFFF, (ramBelow4GiB - 16 * MIB) >>> 16) : 0;
        setWord(MEMORY_ABOVE_16M_LOW, (int) above16M);
        long above4G = Math.min(0xFFFFFF, ramAbove4GiB >>> 16);
        setWord(MEMORY_ABOVE_4G_LOW, (int) (above4G & 0xFFFF));
        ram[MEMORY_ABOVE_4G_LOW + 2] = (byte) (above4G >>> 16);
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += ram[i] & 0xFF;
        }
        ram[CHECKSUM_HIGH] = (byte) (sum >>> 8);
        ram[CHECKSUM_HIGH + 1] = (byte) sum;
    }

    @Override
    public synchronized int read(int offset, int size) {
        if (offset == 0) {
            return PortAccess.allOnes(size); // the index register is write-only
        }
        return offset == 1 ? readRegister(index) : PortAccess.allOnes(size);
    }

    @Override
    public synchronized void write(int offset, int size, int value) {
        if (offset == 0) {
            index = value & 0x7F;
            nmiDisabled = (value & NMI_DISABLE) != 0;
        } else if (offset == 1) {
            writeRegister(index, value & 0xFF);
        }
    }

    /** Whether the guest last wrote the index port with bit 7 (NMI disable) set; the NMI itself is not modelled. */
    public synchronized boolean nmiDisabled() {
        return nmiDisabled;
    }

    /**
     * The time the guest's RTC shows now.
     *
     * @throws DateTimeException while the guest holds the clock (register B SET) with an impossible time in it
     */
    public synchronized LocalDateTime guestTime() {
        return frozen ? decodeTimeRegisters() : clockTime().plus(offset);
    }

    private int readRegister(int register) {
        switch (register) {
        case REGISTER_A:
            return (ram[REGISTER_A] & 0x7F) | (updateInProgress() ? A_UIP : 0);
        case REGISTER_C:
            return 0; // no interrupt flags: periodic, alarm and update interrupts are not generated
        case REGISTER_D:
            return D_VALID;
        default:
            if (isTimeRegister(register) && !frozen) {
                return encodeTimeRegister(register, clockTime().plus(offset));
            }
            return ram[register] & 0xFF;
        }
    }

    private void writeRegister(int register, int value) {
        switch (register) {
        case REGISTER_A:
            ram[REGISTER_A] = (byte) (value & 0x7F); // UIP is read-only
            break;
        case REGISTER_B:
            writeRegisterB(value);
            break;
        case REGISTER_C:
        case REGISTER_D:
            break; // read-only
        default:
            if (isTimeRegister(register) && !frozen) {
                freeze();
                ram[register] = (byte) value;
                thaw();
            } else {
                ram[register] = (byte) value;
            }
        }
    }

    private void writeRegisterB(int value) {
        boolean set = (value & B_SET) != 0;
        if (set && !frozen) {
            freeze();
        }
        ram[REGISTER_B] = (byte) value;
        if (!set && frozen) {
            thaw();
        }
    }

    /** Copies the running time into the time registers and stops it (register B SET, or a single-field write). */
    private void freeze() {
        LocalDateTime now = clockTime().plus(offset);
        for (int r : new int[] { SECONDS, MINUTES, HOURS, DAY_OF_WEEK, DAY_OF_MONTH, MONTH, YEAR, CENTURY }) {
            ram[r] = (byte) encodeTimeRegister(r, now);
        }
        frozen = true;
    }

    /** Restarts the clock from the time registers; an impossible date is refused and the old time kept. */
    private void thaw() {
        frozen = false;
        try {
            LocalDateTime set = decodeTimeRegisters();
            offset = Duration.between(clockTime().truncatedTo(ChronoUnit.SECONDS), set);
        } catch (DateTimeException e) {
            guestLog.debug(LOG, "guest set an invalid RTC time, keeping the old one: {}", e.getMessage());
        }
    }

    private boolean updateInProgress() {
        if (frozen || (ram[REGISTER_B] & B_SET) != 0) {
            return false; // MC146818A: setting SET halts updates and clears UIP
        }
        int nanos = clockTime().plus(offset).getNano();
        return nanos >= 1_000_000_000 - UIP_LEAD_NANOS;
    }

    private LocalDateTime clockTime() {
        return LocalDateTime.ofInstant(clock.instant(), clock.getZone());
    }

    private static boolean isTimeRegister(int register) {
        return register == SECONDS || register == MINUTES || register == HOURS || register == DAY_OF_WEEK
                || register == DAY_OF_MONTH || register == MONTH || register == YEAR || register == CENTURY;
    }

    private int encodeTimeRegister(int register, LocalDateTime t) {
        switch (register) {
        case SECONDS:
            return encode(t.getSecond());
        case MINUTES:
            return encode(t.getMinute());
        case HOURS:
            return encodeHour(t.getHour());
        case DAY_OF_WEEK:
            return encode(t.getDayOfWeek().getValue() % 7 + 1); // MC146818A: 1 = Sunday
        case DAY_OF_MONTH:
            return encode(t.getDayOfMonth());
        case MONTH:
            return encode(t.getMonthValue());
        case YEAR:
            return encode(t.getYear() % 100);
        case CENTURY:
            return encode(t.getYear() / 100);
        default:
            throw new IllegalArgumentException("not a time register: " + register);
        }
    }

    /**
     * The time the registers hold; each field must be a value its register can hold (MC146818A Table 2: in binary or
     * in BCD with two decimal digits; year and century 0-99, 12-hour hours 1-12), and the whole a real date.
     *
     * @throws DateTimeException for an impossible field or date
     */
    private LocalDateTime decodeTimeRegisters() {
        int year = decodeField(CENTURY, 99) * 100 + decodeField(YEAR, 99);
        return LocalDateTime.of(year, decodeField(MONTH, 12), decodeField(DAY_OF_MONTH, 31), decodeHour(),
                decodeField(MINUTES, 59), decodeField(SECONDS, 59));
    }

    private int decodeField(int register, int max) {
        int raw = ram[register] & 0xFF;
        int value = decode(raw);
        if (value > max || !validDigits(raw)) {
            throw new DateTimeException(String.format("register 0x%x holds 0x%x, not a %s value of 0..%d", register,
                    raw, binary() ? "binary" : "BCD", max));
        }
        return value;
    }

    /** In BCD mode both nibbles must be decimal digits. */
    private boolean validDigits(int raw) {
        return binary() || ((raw & 0x0F) <= 9 && (raw >>> 4) <= 9);
    }

    private boolean binary() {
        return (ram[REGISTER_B] & B_BINARY) != 0;
    }

    private boolean twentyFourHour() {
        return (ram[REGISTER_B] & B_24_HOUR) != 0;
    }

    private int encode(int value) {
        return binary() ? value : (value / 10) << 4 | value % 10;
    }

    private int decode(int raw) {
        return binary() ? raw : (raw >>> 4) * 10 + (raw & 0x0F);
    }

    /** MC146818A, Table 2: in 12-hour mode hours are 1–12 with bit 7 set for PM. */
    private int encodeHour(int hour) {
        if (twentyFourHour()) {
            return encode(hour);
        }
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        return encode(h12) | (hour >= 12 ? 0x80 : 0);
    }

    private int decodeHour() {
        if (twentyFourHour()) {
            return decodeField(HOURS, 23);
        }
        int raw = ram[HOURS] & 0xFF;
        int hour = decode(raw & 0x7F);
        if (hour < 1 || hour > 12 || !validDigits(raw & 0x7F)) {
            throw new DateTimeException(String.format("register 0x%x holds 0x%x, not a 12-hour value of 1..12", HOURS,
                    raw));
        }
        int h12 = hour % 12;
        return (raw & 0x80) != 0 ? h12 + 12 : h12;
    }

    private void setWord(int register, int value) {
        ram[register] = (byte) value;
        ram[register + 1] = (byte) (value >>> 8);
    }
}
