package dev.vmboot.platform;

import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.PortIoDevice;

/**
 * The PIIX4 power-management I/O block at PMBA (82371AB PIIX4 datasheet, 7.3 "Power Management I/O Registers"): PM1
 * status (0x00, write-1-to-clear), PM1 enable (0x02), PM1 control (0x04: SCI_EN bit 0, SLP_TYP bits 12:10, SLP_EN bit
 * 13) and the 24-bit PM timer (0x08). The rest of the 64 bytes is plain storage. Writing SLP_EN with the S5 sleep type
 * powers off; QEMU's i440FX DSDT declares \_S5 as type 0 and OVMF's ResetShutdown writes SLP_TYP 0 then SLP_EN.
 * <p>
 * The fixed power button: {@link #pressPowerButton()} sets PWRBTN_STS, and the SCI (a level-triggered line) is asserted
 * while PWRBTN_STS and PWRBTN_EN are both set; the OS clears the status by writing 1 to it. SCI_EN reads 1: with
 * SMI_CMD 0 the platform is always in ACPI mode (ACPI 6.5, 4.8.2.1), so power events always raise the SCI.
 */
public final class Piix4PmRegisters implements PortIoDevice {

    private static final Logger LOG = LoggerFactory.getLogger(Piix4PmRegisters.class);

    public static final int LENGTH = 64;
    static final int PM1_STATUS = 0x00;
    static final int PM1_ENABLE = 0x02;
    static final int PM1_CONTROL = 0x04;
    static final int PM_TIMER = 0x08;
    /** ACPI 6.5, 4.8.3.2.1 PM1 Control: SLP_TYP bits 12:10, SLP_EN bit 13 (write-only, reads 0). */
    private static final int SLP_EN = 1 << 13;
    private static final int SLP_TYP_SHIFT = 10;
    private static final int SLP_TYP_MASK = 0x7;
    /** ACPI 6.5, 4.8.3.1.1 PM1 Status (Table 4.16) and 4.8.3.1.2 PM1 Enable (Table 4.18): PWRBTN_STS/EN bit 8. */
    static final int PWRBTN = 1 << 8;
    /** ACPI 6.5, 4.8.3.2.1 PM1 Control (Table 4.20): SCI_EN bit 0, set by the hardware in ACPI mode. */
    static final int SCI_EN = 1;
    /** The \_S5 sleep type of QEMU's i440FX DSDT; the ACPI tables given to the guest must agree. */
    public static final int S5_SLEEP_TYPE = 0;

    private final AcpiPmTimer timer;
    private final PowerEvents power;
    private final InterruptLine sci;
    private final GuestLogLimiter guestLog;
    private final byte[] registers = new byte[LENGTH];

    /**
     * @param timer    a 24-bit PM timer
     * @param sci      the SCI's interrupt line (ISA IRQ 9 on PIIX4), level-triggered
     * @param guestLog the machine's budget for the lines its guest causes
     */
    public Piix4PmRegisters(AcpiPmTimer timer, PowerEvents power, InterruptLine sci, GuestLogLimiter guestLog) {
        this.timer = Objects.requireNonNull(timer, "timer");
        this.power = Objects.requireNonNull(power, "power");
        this.sci = Objects.requireNonNull(sci, "sci");
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
        registers[PM1_CONTROL] = SCI_EN;
    }

    /** The operator pressed the power button: PWRBTN_STS is set, and the SCI raised if the OS enabled the event. */
    public synchronized void pressPowerButton() {
        registers[PM1_STATUS + 1] |= (byte) (PWRBTN >>> 8);
        updateSci();
    }

    /** Drives the SCI: asserted while an enabled event's status bit is set. Called with this held. */
    private void updateSci() {
        int status = (registers[PM1_STATUS] & 0xFF) | (registers[PM1_STATUS + 1] & 0xFF) << 8;
        int enable = (registers[PM1_ENABLE] & 0xFF) | (registers[PM1_ENABLE + 1] & 0xFF) << 8;
        sci.set((status & enable & PWRBTN) != 0);
    }

    @Override
    public synchronized int read(int offset, int size) {
        if (offset < 0 || offset + size > LENGTH) {
            return PortAccess.allOnes(size);
        }
        int timerValue = timer.count();
        int value = 0;
        for (int i = 0; i < size; i++) {
            int at = offset + i;
            int b = at >= PM_TIMER && at < PM_TIMER + 4 ? timerValue >>> (8 * (at - PM_TIMER)) : registers[at];
            value |= (b & 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public void write(int offset, int size, int value) {
        if (offset < 0 || offset + size > LENGTH) {
            return;
        }
        int control;
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                int at = offset + i;
                int b = (value >>> (8 * i)) & 0xFF;
                if (at < PM1_STATUS + 2) {
                    registers[at] &= (byte) ~b; // write 1 to clear
                } else if (at < PM_TIMER || at >= PM_TIMER + 4) {
                    registers[at] = (byte) b; // the timer is read-only
                }
            }
            control = (registers[PM1_CONTROL] & 0xFF) | (registers[PM1_CONTROL + 1] & 0xFF) << 8;
            registers[PM1_CONTROL + 1] &= (byte) ~(SLP_EN >>> 8); // SLP_EN reads as 0
            registers[PM1_CONTROL] |= (byte) SCI_EN; // always in ACPI mode
            if (PciFunction.overlaps(offset, size, PM1_STATUS, 4)) {
                updateSci();
            }
        }
        if (PciFunction.overlaps(offset, size, PM1_CONTROL, 2) && (control & SLP_EN) != 0) {
            int type = (control >>> SLP_TYP_SHIFT) & SLP_TYP_MASK;
            if (type == S5_SLEEP_TYPE) {
                guestLog.debug(LOG, "guest entered S5 through PM1a control");
                power.powerOff();
            } else {
                guestLog.warn(LOG, "guest asked for sleep type {}, which is not supported; ignored", type);
            }
        }
    }
}
