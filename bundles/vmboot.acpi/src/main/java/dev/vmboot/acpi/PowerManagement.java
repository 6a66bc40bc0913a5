package dev.vmboot.acpi;

/**
 * How the platform's ACPI fixed hardware is built (ACPI 6.5, 4.1): either hardware-reduced, with a sleep
 * control/status register instead of PM1 blocks (cloud-hypervisor), or a PC's PM1 event/control blocks and PM timer
 * at a firmware-programmed I/O base with an SCI (the PIIX4 power-management function QEMU's i440FX machine has).
 */
public sealed interface PowerManagement permits PowerManagement.HardwareReduced, PowerManagement.Pm1Blocks {

    /** The 32-bit or 24-bit ACPI PM timer's I/O port (FADT PM_TMR_BLK). */
    int pmTimerPort();

    /** The SLP_TYP value that \_S5 declares (soft off). */
    int s5SleepType();

    /**
     * Hardware-reduced ACPI (4.1): sleep control/status register, also the reset register, and a Generic Event Device
     * (5.6.9, ACPI0013) that raises the control-method power button (PNP0C0C; 4.8.2.2.1.2), since a hardware-reduced
     * platform has no fixed power button.
     *
     * @param pmTimerPort      32-bit PM timer port
     * @param sleepControlPort the sleep control/status register (7.4.2.5 writes SLP_TYP | SLP_EN to it)
     * @param resetValue       value the OS writes to the reset register (the same port) to reset the machine
     * @param gedAddress       the GED's one-byte event register in memory space: reading it returns the pending
     *                         events and clears them; {@link #GED_POWER_BUTTON} is the power button
     * @param gedIrq           the ISA IRQ the GED raises, edge-triggered, active high
     */
    record HardwareReduced(int pmTimerPort, int sleepControlPort, int resetValue, long gedAddress, int gedIrq)
            implements PowerManagement {
        /** \_S5 SLP_TYP 5, as cloud-hypervisor's sleep device and EDK2 CloudHv use it. */
        public static final int S5_SLEEP_TYPE = 5;
        /** The GED event register's power-button bit (vmboot's register, cloud-hypervisor's bit value). */
        public static final int GED_POWER_BUTTON = 0x08;
        /** The GED event register's size in bytes. */
        public static final int GED_LENGTH = 1;

        public HardwareReduced {
            if (gedIrq < 0 || gedIrq > 15) {
                throw new IllegalArgumentException("the GED's interrupt is an ISA IRQ (0-15), not " + gedIrq);
            }
            if (gedAddress <= 0 || gedAddress + GED_LENGTH > 1L << 32) {
                throw new IllegalArgumentException("the GED's register must lie below 4 GiB, not at 0x"
                        + Long.toHexString(gedAddress));
            }
        }

        @Override
        public int s5SleepType() {
            return S5_SLEEP_TYPE;
        }
    }

    /**
     * PM1a event and control blocks and a 24-bit PM timer in one I/O block, the layout of the PIIX4 PM function (82371AB
     * datasheet 7.3: PM1 status 0x00, enable 0x02, control 0x04, timer 0x08); SMI_CMD is 0, so the system is always in
     * ACPI mode (ACPI 6.5, 4.8.2.1).
     *
     * @param pmBase      the block's I/O base (PMBA, programmed by firmware)
     * @param sciIrq      the ISA IRQ the SCI is wired to (9 on PIIX4)
     * @param resetPort   reset register port (0xCF9 on a PC)
     * @param resetValue  value written to it to reset (0x06: SYS_RST | RST_CPU)
     * @param s5SleepType SLP_TYP for soft off (0 on QEMU's PIIX4)
     */
    record Pm1Blocks(int pmBase, int sciIrq, int resetPort, int resetValue, int s5SleepType) implements PowerManagement {
        /** 82371AB datasheet 7.3: PM1 control at PMBA + 4, PM timer at PMBA + 8. */
        public static final int CONTROL_OFFSET = 0x04;
        public static final int TIMER_OFFSET = 0x08;
        /** FADT PM1_EVT_LEN (status + enable, 2 bytes each) and PM1_CNT_LEN. */
        public static final int EVENT_LENGTH = 4;
        public static final int CONTROL_LENGTH = 2;

        public Pm1Blocks {
            if ((pmBase & 0x3F) != 0 || pmBase <= 0 || pmBase > 0xFFC0) {
                throw new IllegalArgumentException("the PM block needs a 64-byte aligned I/O base, not 0x"
                        + Integer.toHexString(pmBase));
            }
            if (sciIrq < 0 || sciIrq > 15) {
                throw new IllegalArgumentException("the SCI is an ISA IRQ (0-15), not " + sciIrq);
            }
        }

        @Override
        public int pmTimerPort() {
            return pmBase + TIMER_OFFSET;
        }

        public int pm1EventBlock() {
            return pmBase;
        }

        public int pm1ControlBlock() {
            return pmBase + CONTROL_OFFSET;
        }
    }
}
