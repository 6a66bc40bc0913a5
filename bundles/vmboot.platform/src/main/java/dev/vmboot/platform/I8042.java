package dev.vmboot.platform;

import java.util.ArrayDeque;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.PortIoDevice;

/**
 * A minimal 8042 keyboard controller: data port 0x60 and status/command port 0x64, registered separately through
 * {@link #dataPort()} and {@link #commandPort()} (port 0x61 between them belongs to the PIT/speaker). It answers the
 * controller commands firmware and Linux use during probing (self-test, command byte, interface test, output port),
 * acknowledges bytes sent to the keyboard so drivers do not wait out timeouts, has no auxiliary (mouse) device and
 * never produces keystrokes. Command 0xFE (pulse the reset line) or clearing output-port bit 0 resets the machine.
 */
public final class I8042 {

    private static final Logger LOG = LoggerFactory.getLogger(I8042.class);

    /** IBM PC/AT Technical Reference, keyboard controller: data at 0x60, status/command at 0x64, IRQ 1. */
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;
    public static final int IRQ = 1;

    // 8042 status register
    static final int STATUS_OUTPUT_FULL = 0x01;
    static final int STATUS_SYSTEM_FLAG = 0x04;
    static final int STATUS_LAST_WAS_COMMAND = 0x08;
    static final int STATUS_NOT_INHIBITED = 0x10;

    // 8042 command byte: keyboard interrupt, system flag, keyboard disable, aux disable, translation
    private static final int CB_KEYBOARD_INTERRUPT = 0x01;
    private static final int CB_SYSTEM_FLAG = 0x04;
    private static final int CB_KEYBOARD_DISABLED = 0x10;
    private static final int CB_AUX_DISABLED = 0x20;
    private static final int CB_DEFAULT = 0x45;

    // 8042 controller commands (written to 0x64)
    static final int CMD_READ_COMMAND_BYTE = 0x20;
    static final int CMD_WRITE_COMMAND_BYTE = 0x60;
    static final int CMD_DISABLE_AUX = 0xA7;
    static final int CMD_ENABLE_AUX = 0xA8;
    static final int CMD_TEST_AUX = 0xA9;
    static final int CMD_SELF_TEST = 0xAA;
    static final int CMD_TEST_KEYBOARD = 0xAB;
    static final int CMD_DISABLE_KEYBOARD = 0xAD;
    static final int CMD_ENABLE_KEYBOARD = 0xAE;
    static final int CMD_READ_OUTPUT_PORT = 0xD0;
    static final int CMD_WRITE_OUTPUT_PORT = 0xD1;
    static final int CMD_WRITE_KEYBOARD_BUFFER = 0xD2;
    static final int CMD_WRITE_AUX = 0xD4;
    static final int CMD_PULSE_RESET = 0xFE;
    static final int SELF_TEST_PASSED = 0x55;
    static final int AUX_CLOCK_STUCK_LOW = 0x01; // no auxiliary device
    // output port: bit 0 system reset (active low), bit 1 A20 gate
    private static final int OUTPUT_PORT_RESET_HIGH = 0x01;
    private static final int OUTPUT_PORT_DEFAULT = 0x03;

    // keyboard commands and replies (IBM PC/AT Technical Reference, keyboard)
    static final int KBD_ACK = 0xFA;
    static final int KBD_RESET = 0xFF;
    static final int KBD_SELF_TEST_PASSED = 0xAA;
    static final int KBD_IDENTIFY = 0xF2;
    static final int KBD_ECHO = 0xEE;
    private static final int[] MF2_KEYBOARD_ID = { 0xAB, 0x83 };

    /** Bytes waiting in the output buffer; bounded by what one command can queue. */
    private static final int MAX_QUEUED = 16;

    private final PowerEvents power;
    private final GuestLogLimiter guestLog;
    private final InterruptLine interrupt;
    private final ArrayDeque<int[]> output = new ArrayDeque<>(); // {value, fromKeyboard}
    private int commandByte = CB_DEFAULT;
    private int outputPort = OUTPUT_PORT_DEFAULT;
    private int pendingCommand;
    private boolean lastWasCommand;
    private int lastRead;
    private boolean lineAsserted;

    private final PortIoDevice dataPort = new PortIoDevice() {
        @Override
        public int read(int offset, int size) {
            return readData();
        }

        @Override
        public void write(int offset, int size, int value) {
            writeData(value & 0xFF);
        }
    };

    private final PortIoDevice commandPort = new PortIoDevice() {
        @Override
        public int read(int offset, int size) {
            return readStatus();
        }

        @Override
        public void write(int offset, int size, int value) {
            writeCommand(value & 0xFF);
        }
    };

    /**
     * @param power     told when the guest resets through the controller
     * @param interrupt IRQ 1, raised while keyboard data waits and the command byte enables it
     * @param guestLog  the machine's budget for the lines its guest causes
     */
    public I8042(PowerEvents power, InterruptLine interrupt, GuestLogLimiter guestLog) {
        this.power = Objects.requireNonNull(power, "power");
        this.interrupt = Objects.requireNonNull(interrupt, "interrupt");
        this.guestLog = Objects.requireNonNull(guestLog, "guestLog");
    }

    /** The device to register at {@link #DATA_PORT}, length 1. */
    public PortIoDevice dataPort() {
        return dataPort;
    }

    /** The device to register at {@link #COMMAND_PORT}, length 1. */
    public PortIoDevice commandPort() {
        return commandPort;
    }

    private synchronized int readStatus() {
        int status = STATUS_NOT_INHIBITED;
        status |= output.isEmpty() ? 0 : STATUS_OUTPUT_FULL;
        status |= (commandByte & CB_SYSTEM_FLAG) != 0 ? STATUS_SYSTEM_FLAG : 0;
        status |= lastWasCommand ? STATUS_LAST_WAS_COMMAND : 0;
        return status;
    }

    private synchronized int readData() {
        int[] next = output.poll();
        if (next != null) {
            lastRead = next[0];
        }
        updateInterrupt();
        return lastRead; // an empty buffer reads the last byte again, as on real controllers
    }

    private void writeCommand(int command) {
        boolean reset = false;
        synchronized (this) {
            lastWasCommand = true;
            pendingCommand = 0;
            switch (command) {
            case CMD_READ_COMMAND_BYTE:
                queue(commandByte, false);
                break;
            case CMD_WRITE_COMMAND_BYTE:
            case CMD_WRITE_OUTPUT_PORT:
            case CMD_WRITE_KEYBOARD_BUFFER:
            case CMD_WRITE_AUX:
                pendingCommand = command;
                break;
            case CMD_DISABLE_AUX:
                commandByte |= CB_AUX_DISABLED;
                break;
            case CMD_ENABLE_AUX:
                commandByte &= ~CB_AUX_DISABLED;
                break;
            case CMD_TEST_AUX:
                queue(AUX_CLOCK_STUCK_LOW, false);
                break;
            case CMD_SELF_TEST:
                queue(SELF_TEST_PASSED, false);
                break;
            case CMD_TEST_KEYBOARD:
                queue(0x00, false);
                break;
            case CMD_DISABLE_KEYBOARD:
                commandByte |= CB_KEYBOARD_DISABLED;
                break;
            case CMD_ENABLE_KEYBOARD:
                commandByte &= ~CB_KEYBOARD_DISABLED;
                break;
            case CMD_READ_OUTPUT_PORT:
                queue(outputPort, false);
                break;
            default:
                // 0xF0–0xFF pulse output port bits 3:0 low for bits that are 0; bit 0 is the reset line.
                reset = command >= 0xF0 && (command & OUTPUT_PORT_RESET_HIGH) == 0;
                if (!reset && command < 0xF0) {
                    guestLog.debug(LOG, "ignoring i8042 command 0x{}", Integer.toHexString(command));
                }
            }
            updateInterrupt();
        }
        if (reset) {
            guestLog.debug(LOG, "guest reset through the i8042 (command 0x{})", Integer.toHexString(command));
            power.reset();
        }
    }

    private void writeData(int value) {
        boolean reset = false;
        synchronized (this) {
            lastWasCommand = false;
            int command = pendingCommand;
            pendingCommand = 0;
            switch (command) {
            case CMD_WRITE_COMMAND_BYTE:
                commandByte = value;
                break;
            case CMD_WRITE_OUTPUT_PORT:
                outputPort = value;
                reset = (value & OUTPUT_PORT_RESET_HIGH) == 0;
                break;
            case CMD_WRITE_KEYBOARD_BUFFER:
                queue(value, true);
                break;
            case CMD_WRITE_AUX:
                break; // no auxiliary device: the byte goes nowhere
            default:
                keyboardCommand(value);
            }
            updateInterrupt();
        }
        if (reset) {
            guestLog.debug(LOG, "guest reset through the i8042 output port");
            power.reset();
        }
    }

    /** A byte sent to the keyboard: it acknowledges everything and answers reset, identify and echo. */
    private void keyboardCommand(int value) {
        if (value == KBD_ECHO) {
            queue(KBD_ECHO, true);
            return;
        }
        queue(KBD_ACK, true);
        if (value == KBD_RESET) {
            queue(KBD_SELF_TEST_PASSED, true);
        } else if (value == KBD_IDENTIFY) {
            for (int b : MF2_KEYBOARD_ID) {
                queue(b, true);
            }
        }
    }

    private void queue(int value, boolean fromKeyboard) {
        if (output.size() < MAX_QUEUED) {
            output.add(new int[] { value & 0xFF, fromKeyboard ? 1 : 0 });
        }
    }

    private void updateInterrupt() {
        int[] head = output.peek();
        boolean pending = head != null && head[1] != 0 && (commandByte & CB_KEYBOARD_INTERRUPT) != 0;
        if (pending != lineAsserted) {
            lineAsserted = pending;
            interrupt.set(pending);
        }
    }
}
