package dev.vmboot.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.vmboot.api.boot.BootException;
import dev.vmboot.api.device.GuestLogLimiter;
import dev.vmboot.api.device.InterruptLine;
import dev.vmboot.api.device.MmioDevice;
import dev.vmboot.api.device.PortIoDevice;
import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.MachineSpec;
import dev.vmboot.api.vm.PlatformData;
import dev.vmboot.api.vm.VirtualMachine;
import dev.vmboot.api.vm.VmExit;
import dev.vmboot.api.vm.VmState;
import dev.vmboot.testkit.LogLineCapture;

class BootSessionTest {
    private static final VmExit RESET = new VmExit(VmState.RESET, "the guest asked for a reset");
    private static final VmExit OFF = new VmExit(VmState.POWERED_OFF, "the guest powered off");

    /** Hands out the scripted machines in order and remembers them. */
    private static final class Factory implements BootSession.MachineFactory {
        final Deque<ScriptedMachine> script = new ArrayDeque<>();
        final List<ScriptedMachine> made = new ArrayList<>();

        Factory(VmExit... endings) {
            for (VmExit e : endings) {
                script.add(new ScriptedMachine(e));
            }
        }

        @Override
        public VirtualMachine create() throws BootException {
            ScriptedMachine m = script.poll();
            if (m == null) {
                throw new BootException("no more machines in the script");
            }
            made.add(m);
            return m;
        }
    }

    @Test
    void resetEndsTheSessionWithTheStopPolicy() throws Exception {
        Factory f = new Factory(RESET, OFF);
        try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.STOP)) {
            assertEquals(RESET, s.awaitEnd());
            assertEquals(0, s.reboots());
        }
        assertEquals(1, f.made.size());
        assertTrue(f.made.get(0).closed);
    }

    @Test
    void resetRebuildsAndRestartsTheMachineWithTheRebootPolicy() throws Exception {
        Factory f = new Factory(RESET, RESET, OFF);
        BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT);
        assertEquals(OFF, s.awaitEnd());
        assertEquals(2, s.reboots());
        assertEquals(3, f.made.size());
        for (ScriptedMachine m : f.made) {
            assertTrue(m.started);
        }
        assertTrue(f.made.get(0).closed, "a machine that reset is closed before the next is built");
        assertTrue(f.made.get(1).closed);
        assertSame(f.made.get(2), s.machine());
        s.close();
        assertTrue(f.made.get(2).closed);
    }

    @Test
    void otherEndingsAreNotRebooted() throws Exception {
        for (VmState end : List.of(VmState.TRIPLE_FAULT, VmState.FAILED, VmState.POWERED_OFF)) {
            Factory f = new Factory(new VmExit(end, "x"), OFF);
            try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT)) {
                assertEquals(end, s.awaitEnd().state());
                assertEquals(1, f.made.size());
            }
        }
    }

    @Test
    void stoppedSessionDoesNotReboot() throws Exception {
        Factory f = new Factory(null, OFF);
        try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT)) {
            s.stop();
            assertEquals(VmState.STOPPED, s.awaitEnd().state());
            assertEquals(1, f.made.size());
        }
    }

    @Test
    void failedRebootIsReported() throws Exception {
        Factory f = new Factory(RESET);
        try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT)) {
            BootException e = assertThrows(BootException.class, s::awaitEnd);
            assertEquals("no more machines in the script", e.getMessage());
        }
    }

    @Test
    void policyNamesAreChecked() {
        assertEquals(BootSession.ResetPolicy.REBOOT, BootSession.ResetPolicy.parse("reboot"));
        assertEquals(BootSession.ResetPolicy.STOP, BootSession.ResetPolicy.parse("STOP"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BootSession.ResetPolicy.parse("restart"));
        assertEquals("--on-reset must be 'stop' or 'reboot', not 'restart'", e.getMessage());
    }

    /** A clock that only the pauses move, and the pauses asked for. */
    private static final class PausesRecorded implements BootSession.Pause {
        final AtomicLong clock = new AtomicLong();
        final List<Long> pauses = new ArrayList<>();
        Runnable during = () -> { };

        @Override
        public void pause(BootSession session, long nanos) {
            pauses.add(nanos);
            clock.addAndGet(nanos);
            during.run();
        }
    }

    private static VmExit[] resets(int n, VmExit last) {
        VmExit[] endings = new VmExit[n + 1];
        java.util.Arrays.fill(endings, RESET);
        endings[n] = last;
        return endings;
    }

    @Test
    void aGuestResettingAtOnceIsPacedAfterTheBurstAndThatIsToldOnce() throws Exception {
        Factory f = new Factory(resets(50, OFF));
        try (LogLineCapture log = LogLineCapture.all();
                BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT)) {
            FutureTask<VmExit> end = new FutureTask<>(s::awaitEnd);
            new Thread(end, "session").start();
            while (!end.isDone() && pacingLines(log) == 0) {
                Thread.sleep(1);
            }
            s.stop();
            assertEquals(VmState.RESET, end.get().state(), "stopped while waiting: not all 50 reboots at once");
            assertEquals(RebootPacer.BURST, s.reboots());
            assertEquals(RebootPacer.BURST + 1, f.made.size(), "no machine is built after the stop");
            assertEquals(1, pacingLines(log));
            assertTrue(log.records().stream().anyMatch(m -> m.contains("WARN") && m.endsWith(
                    "VM t: the guest resets faster than it can boot (5 reboots so far); from now on it reboots at "
                    + "most once every 2000 ms")), log.records().toString());
        }
    }

    private static long pacingLines(LogLineCapture log) {
        return log.records().stream().filter(m -> m.contains("resets faster than it can boot")).count();
    }

    @Test
    void aGuestResettingAtOnceGetsABurstOfRebootsThenOneEveryInterval() throws Exception {
        PausesRecorded p = new PausesRecorded();
        Factory f = new Factory(resets(20, OFF));
        try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT,
                new RebootPacer(5, Duration.ofSeconds(2), p.clock::get), p)) {
            assertEquals(OFF, s.awaitEnd());
            assertEquals(20, s.reboots());
        }
        assertEquals(java.util.Collections.nCopies(15, 2_000_000_000L), p.pauses, "5 at once, then every 2 s");
        for (ScriptedMachine m : f.made) {
            assertTrue(m.closed);
        }
    }

    @Test
    void stoppingDuringAPacedRebootEndsTheSessionWithoutANewMachine() throws Exception {
        PausesRecorded p = new PausesRecorded();
        Factory f = new Factory(resets(3, OFF));
        try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT,
                new RebootPacer(1, Duration.ofSeconds(2), p.clock::get), p)) {
            p.during = s::stop;
            assertEquals(VmState.RESET, s.awaitEnd().state());
            assertEquals(1, s.reboots());
        }
        assertEquals(List.of(2_000_000_000L), p.pauses);
        assertEquals(2, f.made.size(), "no machine is built after the stop");
    }

    @Test
    void aQuietGuestGetsItsBurstBack() {
        AtomicLong clock = new AtomicLong();
        RebootPacer pacer = new RebootPacer(2, Duration.ofSeconds(2), clock::get);
        assertEquals(0, pacer.delayNanos());
        assertEquals(0, pacer.delayNanos());
        assertEquals(2_000_000_000L, pacer.delayNanos());
        clock.addAndGet(60_000_000_000L);
        assertEquals(0, pacer.delayNanos());
        assertEquals(0, pacer.delayNanos());
        clock.addAndGet(1_000_000_000L);
        assertEquals(1_000_000_000L, pacer.delayNanos(), "half an interval since the last: half an interval to go");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RebootPacer(0, Duration.ofSeconds(2), clock::get));
        assertEquals("reboot pacing needs a burst of at least 1 and an interval longer than 0, not 0 and PT2S",
                e.getMessage());
    }

    @Test
    void theStandardPauseEndsWhenTheSessionStops() throws Exception {
        Factory f = new Factory(resets(2, OFF));
        CountDownLatch pausing = new CountDownLatch(1);
        BootSession.Pause observed = (session, nanos) -> {
            pausing.countDown();
            BootSession.UNLESS_STOPPED.pause(session, nanos);
        };
        try (BootSession s = BootSession.start("t", f, BootSession.ResetPolicy.REBOOT,
                new RebootPacer(1, Duration.ofDays(1), System::nanoTime), observed)) {
            Thread stopper = new Thread(() -> {
                try {
                    pausing.await();
                    s.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stopper.start();
            assertEquals(VmState.RESET, s.awaitEnd().state(), "a day's pause, ended by the stop");
            stopper.join();
            assertEquals(1, s.reboots());
        }
    }
}
