package dev.vmboot.platform;

import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.vm.Personality;

/**
 * What {@link PlatformDevices} needs to build a platform.
 *
 * @param personality    which platform to build
 * @param ramBelow4GiB   guest RAM bytes below 4 GiB (for the CMOS memory registers)
 * @param ramAbove4GiB   guest RAM bytes from 4 GiB up
 * @param console        where COM1 output goes
 * @param power          power-off and reset requests
 * @param interruptLines the interrupt controller input for an ISA IRQ / GSI number
 * @param firmwareLog    lines written to the 0x402 debug port
 * @param rtcClock       the RTC's time source
 * @param pmBlockMoves   told where firmware maps the PIIX4 PM block (I440FX only)
 * @param guestLog       the machine's budget for the log lines its guest causes through these devices
 */
public record PlatformConfig(Personality personality, long ramBelow4GiB, long ramAbove4GiB, OutputStream console,
        PowerEvents power, IntFunction<InterruptLine> interruptLines, Consumer<String> firmwareLog, Clock rtcClock,
        PortIoRangeListener pmBlockMoves, GuestLogLimiter guestLog) {

    public PlatformConfig {
        Objects.requireNonNull(personality, "personality");
        Objects.requireNonNull(console, "console");
        Objects.requireNonNull(power, "power");
        Objects.requireNonNull(interruptLines, "interruptLines");
        Objects.requireNonNull(firmwareLog, "firmwareLog");
        Objects.requireNonNull(rtcClock, "rtcClock");
        Objects.requireNonNull(pmBlockMoves, "pmBlockMoves");
        Objects.requireNonNull(guestLog, "guestLog");
    }

    /** A configuration with a UTC RTC and a {@link FirmwareLog} of its own. */
    public static PlatformConfig of(Personality personality, long ramBelow4GiB, long ramAbove4GiB,
            OutputStream console, PowerEvents power, IntFunction<InterruptLine> interruptLines,
            PortIoRangeListener pmBlockMoves, GuestLogLimiter guestLog) {
        return new PlatformConfig(personality, ramBelow4GiB, ramAbove4GiB, console, power, interruptLines,
                new FirmwareLog(guestLog.source()), Clock.systemUTC(), pmBlockMoves, guestLog);
    }
}
