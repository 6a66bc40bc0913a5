package dev.vmboot.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.testkit.LogLineCapture;

class LegacyPortsTest {

    private final RecordingPowerEvents power = new RecordingPowerEvents();
    private final RecordingInterruptLine irq1 = new RecordingInterruptLine();
    private final GuestLogLimiter guestLog = GuestLogLimiter.perMinute("VM t");
    private final I8042 i8042 = new I8042(power, irq1, guestLog);

    private int status() {
        return i8042.commandPort().read(0, 1);
    }

    private int data() {
        return i8042.dataPort().read(0, 1);
    }

    @Test
    void i8042StatusIsSaneAndEmpty() {
        assertEquals(I8042.STATUS_SYSTEM_FLAG | I8042.STATUS_NOT_INHIBITED, status());
    }

    @Test
    void i8042SelfTestAndCommandByte() {
        i8042.commandPort().write(0, 1, I8042.CMD_SELF_TEST);
        assertEquals(I8042.STATUS_OUTPUT_FULL, status() & I8042.STATUS_OUTPUT_FULL);
        assertEquals(I8042.SELF_TEST_PASSED, data());
        assertEquals(0, status() & I8042.STATUS_OUTPUT_FULL);
        i8042.commandPort().write(0, 1, I8042.CMD_WRITE_COMMAND_BYTE);
        i8042.dataPort().write(0, 1, 0x61);
        i8042.commandPort().write(0, 1, I8042.CMD_READ_COMMAND_BYTE);
        assertEquals(0x61, data());
        assertEquals(0, status() & I8042.STATUS_SYSTEM_FLAG, "system flag follows the command byte");
        assertFalse(irq1.asserted(), "controller replies are polled");
    }

    @Test
    void keyboardResetIsAcknowledgedWithAnInterrupt() {
        i8042.dataPort().write(0, 1, I8042.KBD_RESET);
        assertTrue(irq1.asserted());
        assertEquals(I8042.KBD_ACK, data());
        assertEquals(I8042.KBD_SELF_TEST_PASSED, data());
        assertFalse(irq1.asserted());
        i8042.dataPort().write(0, 1, I8042.KBD_IDENTIFY);
        assertEquals(List.of(0xFA, 0xAB, 0x83), List.of(data(), data(), data()));
    }

    @Test
    void i8042PulseResets() {
        i8042.commandPort().write(0, 1, 0xFF); // pulses nothing
        assertEquals(0, power.resets);
        i8042.commandPort().write(0, 1, I8042.CMD_PULSE_RESET);
        assertEquals(1, power.resets);
        i8042.commandPort().write(0, 1, I8042.CMD_WRITE_OUTPUT_PORT);
        i8042.dataPort().write(0, 1, 0x02); // reset line low
        assertEquals(2, power.resets);
    }

    @Test
    void systemControlPortAFastReset() {
        SystemControlPortA port = new SystemControlPortA(power, guestLog);
        port.write(0, 1, 0x02);
        assertEquals(0x02, port.read(0, 1));
        assertEquals(0, power.resets);
        port.write(0, 1, 0x03);
        assertEquals(1, power.resets);
    }

    @Test
    void debugPortDetectsAndBuffersLines() {
        List<String> lines = new ArrayList<>();
        DebugPort port = new DebugPort(lines::add);
        assertEquals(0xE9, port.read(0, 1));
        for (char c : "SecCoreStartupWithStack\r\nPEI".toCharArray()) {
            port.write(0, 1, c);
        }
        assertEquals(List.of("SecCoreStartupWithStack"), lines);
        port.flush();
        assertEquals(List.of("SecCoreStartupWithStack", "PEI"), lines);
        port.flush();
        assertEquals(2, lines.size());
    }

    @Test
    void debugPortBoundsALine() {
        List<String> lines = new ArrayList<>();
        DebugPort port = new DebugPort(lines::add);
        for (int i = 0; i < DebugPort.MAX_LINE + 1; i++) {
            port.write(0, 1, 'x');
        }
        assertEquals(1, lines.size());
        assertEquals(DebugPort.MAX_LINE, lines.get(0).length());
    }

    @Test
    void postCodeIsRemembered() {
        PostCodePort port = new PostCodePort(guestLog);
        port.write(0, 1, 0x1F2);
        assertEquals(0xF2, port.lastCode());
        assertEquals(0xF2, port.read(0, 1));
    }

    @Test
    void aGuestLoopingOnIgnoredCommandsAndPostCodesLogsAFewHundredLinesAtMost() {
        PostCodePort post = new PostCodePort(guestLog);
        try (LogLineCapture log = LogLineCapture.all()) {
            for (int i = 0; i < 10_000; i++) {
                i8042.commandPort().write(0, 1, 0xC5); // not a command this i8042 knows
                post.write(0, 1, i);
            }
            assertTrue(log.records().size() <= GuestLogLimiter.DEFAULT_LINES + 1, log.records().size()
                    + " lines logged");
        }
    }
}
