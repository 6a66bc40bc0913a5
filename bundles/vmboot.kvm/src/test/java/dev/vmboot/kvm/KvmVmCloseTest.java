package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native handles used after they were closed, as a late device interrupt, doorbell or kick would (issue 11, item 8):
 * a Java exception (or nothing, for a kick), never a write into freed memory. The descriptors are /dev/null's or a
 * file's, so the ioctls fail with ENOTTY and no KVM is needed: what matters is what happens after close.
 */
class KvmVmCloseTest {

    private static KvmVm notKvm() throws KvmException {
        return new KvmVm(Kvm.FileDescriptor.open("/dev/null"), 4096);
    }

    @Test
    void irqLineAndMsiAfterCloseAreAJavaExceptionNotAWriteToFreedMemory() throws Exception {
        KvmVm vm = notKvm();
        assertEquals("KVM_IRQ_LINE failed: ENOTTY, not the device the ioctl is for",
                assertThrows(KvmException.class, () -> vm.irqLine(4, true)).getMessage());
        vm.close();
        for (int i = 0; i < 1000; i++) {
            boolean level = i % 2 == 0;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> vm.irqLine(4, level));
            assertEquals("KVM_IRQ_LINE on a closed VM", e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> vm.signalMsi(0xFEE0_0000L, 0x41));
            assertEquals("KVM_SIGNAL_MSI on a closed VM", e.getMessage());
        }
        vm.close();
    }

    @Test
    void closingWhileDeviceThreadsInjectInterruptsEndsEachWithAJavaException() throws Exception {
        KvmVm vm = notKvm();
        int threads = 4;
        CountDownLatch running = new CountDownLatch(threads);
        ConcurrentLinkedQueue<Throwable> endings = new ConcurrentLinkedQueue<>();
        List<Thread> injectors = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean msi = t % 2 == 0;
            Thread thread = new Thread(() -> {
                for (long n = 0;; n++) {
                    try {
                        if (msi) {
                            vm.signalMsi(0xFEE0_0000L, 0x41);
                        } else {
                            vm.irqLine(4, (n & 1) == 0);
                        }
                    } catch (KvmException e) {
                        // ENOTTY: the VM is still open
                    } catch (RuntimeException e) {
                        endings.add(e);
                        return;
                    }
                    if (n == 1000) {
                        running.countDown();
                    }
                }
            });
            injectors.add(thread);
            thread.start();
        }
        assertTrue(running.await(60, TimeUnit.SECONDS), "the injectors run");
        vm.close();
        for (Thread t : injectors) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(threads, endings.size());
        for (Throwable e : endings) {
            assertEquals(IllegalStateException.class, e.getClass());
        }
    }

    @Test
    void eventFdAfterCloseIsAJavaException() throws Exception {
        EventFd e = EventFd.create(true);
        e.signal(1);
        e.close();
        assertEquals("eventfd write after close", assertThrows(IllegalStateException.class, () -> e.signal(1))
                .getMessage());
        assertEquals("eventfd read after close", assertThrows(IllegalStateException.class, e::take).getMessage());
        e.close();
    }

    @Test
    void aVcpuAfterCloseIgnoresKicksAndRefusesCalls(@TempDir Path dir) throws Exception {
        Path runPage = dir.resolve("kvm_run");
        Files.write(runPage, new byte[4096]);
        KvmVcpu vcpu = KvmVcpu.map(0, Kvm.FileDescriptor.open(runPage.toString()), 4096);
        vcpu.kick();
        assertTrue(vcpu.runState().immediateExit());
        vcpu.close();
        for (int i = 0; i < 1000; i++) {
            vcpu.kick(); // a machine ending races with the close: nothing left to stop
        }
        assertEquals("KVM_GET_REGS on a closed vCPU 0", assertThrows(IllegalStateException.class,
                () -> vcpu.getRegs(new KvmRegs())).getMessage());
        assertEquals("KVM_RUN on a closed vCPU 0", assertThrows(IllegalStateException.class, vcpu::run)
                .getMessage());
        vcpu.close();
    }
}
