package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.testkit.LogLineCapture;

class AcpiDevicesTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final RecordingPowerEvents power = new RecordingPowerEvents();
    private final GuestLogLimiter guestLog = GuestLogLimiter.perMinute("VM t");
    private final RecordingInterruptLine sci = new RecordingInterruptLine();

    @Test
    void pmTimerCountsAtThreePointFiveSevenMegahertz() {
        AcpiPmTimer timer = new AcpiPmTimer(true, nanos::get);
        assertEquals(0, timer.read(0, 4));
        nanos.addAndGet(1_000_000_000L);
        assertEquals(3_579_545, timer.read(0, 4));
        nanos.addAndGet(1_000L); // 1 µs = 3.58 ticks
        assertEquals(3_579_548, timer.read(0, 4));
        assertEquals((3_579_548 >>> 8) & 0xFF, timer.read(1, 1) & 0xFF, "byte access at offset 1");
    }

    @Test
    void twentyFourBitTimerWraps() {
        AcpiPmTimer timer = new AcpiPmTimer(false, nanos::get);
        nanos.addAndGet(5_000_000_000L); // 17 897 725 ticks = 0x111_18FD
        assertEquals(17_897_725 & 0xFF_FFFF, timer.read(0, 4));
        AcpiPmTimer wide = new AcpiPmTimer(true, nanos::get);
        nanos.addAndGet(3_600_000_000_000L); // an hour: beyond 32 bits of ticks
        assertEquals((int) (3_600L * 3_579_545L), wide.count());
    }

    @Test
    void cloudHvSleepControlPowersOffAndResets() {
        AcpiSleepControl control = new AcpiSleepControl(power, guestLog);
        control.write(0, 1, 0x34); // SLP_TYP 5 | SLP_EN: OvmfPkg CloudHv ResetShutdown
        assertEquals(1, power.powerOffs);
        control.write(0, 1, 0x01); // FADT RESET_VALUE
        assertEquals(1, power.resets);
        control.write(0, 1, 0x20 | 3 << 2); // S3: not supported
        control.write(0, 1, 0x14); // SLP_TYP 5 without SLP_EN
        assertEquals(1, power.powerOffs);
        assertEquals(1, power.resets);
        assertEquals(0, control.read(0, 1));
    }

    @Test
    void piix4PmBlockTimerStatusAndPowerOff() {
        AcpiPmTimer timer = new AcpiPmTimer(false, nanos::get);
        Piix4PmRegisters pm = new Piix4PmRegisters(timer, power, sci, guestLog);
        nanos.addAndGet(1_000_000_000L);
        assertEquals(3_579_545, pm.read(Piix4PmRegisters.PM_TIMER, 4));
        pm.write(Piix4PmRegisters.PM_TIMER, 4, 0);
        assertEquals(3_579_545, pm.read(Piix4PmRegisters.PM_TIMER, 4), "the timer is read-only");
        pm.write(Piix4PmRegisters.PM1_ENABLE, 2, 0x0121);
        assertEquals(0x0121, pm.read(Piix4PmRegisters.PM1_ENABLE, 2));
        pm.write(Piix4PmRegisters.PM1_CONTROL, 2, 0x0001); // SCI_EN, as OVMF BDS sets it
        assertEquals(0x0001, pm.read(Piix4PmRegisters.PM1_CONTROL, 2));
        assertEquals(0, power.powerOffs);
        pm.write(Piix4PmRegisters.PM1_CONTROL, 2, 0x2001); // SLP_TYP 0 | SLP_EN
        assertEquals(1, power.powerOffs);
        assertEquals(0x0001, pm.read(Piix4PmRegisters.PM1_CONTROL, 2), "SLP_EN reads as 0");
        pm.write(Piix4PmRegisters.PM1_CONTROL, 2, 0x2401); // S1
        assertEquals(1, power.powerOffs);
        assertEquals(0xFFFF, pm.read(63, 2), "beyond the block");
    }

    @Test
    void thePowerButtonRaisesTheSciOnlyWhileItsEventIsEnabledAndUncleared() {
        Piix4PmRegisters pm = new Piix4PmRegisters(new AcpiPmTimer(false, nanos::get), power, sci, guestLog);
        assertEquals(Piix4PmRegisters.SCI_EN, pm.read(Piix4PmRegisters.PM1_CONTROL, 2), "always in ACPI mode");
        pm.pressPowerButton();
        assertEquals(Piix4PmRegisters.PWRBTN, pm.read(Piix4PmRegisters.PM1_STATUS, 2), "PWRBTN_STS");
        assertFalse(sci.asserted(), "PWRBTN_EN is clear");
        pm.write(Piix4PmRegisters.PM1_ENABLE, 2, Piix4PmRegisters.PWRBTN); // Linux enables the event
        assertTrue(sci.asserted(), "an enabled event that is pending raises the SCI");
        pm.write(Piix4PmRegisters.PM1_STATUS, 2, 0x0001); // a write of 1 to another bit leaves it
        assertTrue(sci.asserted());
        pm.write(Piix4PmRegisters.PM1_STATUS, 2, Piix4PmRegisters.PWRBTN); // the OS acknowledges it
        assertFalse(sci.asserted());
        assertEquals(0, pm.read(Piix4PmRegisters.PM1_STATUS, 2));
        pm.pressPowerButton();
        assertTrue(sci.asserted(), "a second press while enabled");
        pm.write(Piix4PmRegisters.PM1_ENABLE, 2, 0); // disabled: the line drops, the status stays
        assertFalse(sci.asserted());
        assertEquals(Piix4PmRegisters.PWRBTN, pm.read(Piix4PmRegisters.PM1_STATUS, 2));
        assertEquals(0, power.powerOffs, "a press asks the guest; it does not power off by itself");
    }

    @Test
    void aGuestAskingForUnsupportedSleepStatesInALoopLogsAFewHundredLinesAtMost() {
        AcpiSleepControl control = new AcpiSleepControl(power, guestLog);
        Piix4PmRegisters pm = new Piix4PmRegisters(new AcpiPmTimer(false, nanos::get), power, sci, guestLog);
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 10_000; i++) {
                control.write(0, 1, 0x20 | 3 << 2); // S3
                pm.write(Piix4PmRegisters.PM1_CONTROL, 2, 0x2400); // S1
            }
            // One machine, one budget, and a summary line.
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
        }
        assertEquals(0, power.powerOffs);
    }
}
