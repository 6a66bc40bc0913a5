package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Interrupt injection and in-kernel event delivery on the real /dev/kvm, driven from the test thread as the vCPU's
 * own loop (run with -Dkvm inside the lab): an ioeventfd swallows a matching guest OUT or MMIO write and lets others
 * exit, an irqfd-signalled GSI reaches the guest through the in-kernel 8259, and KVM_SIGNAL_MSI reaches it through
 * its local APIC.
 */
@Tag("kvm")
class KvmEventsTest {
    /** An upper bound for a guest under nested TCG, not a timing under test: past it the vCPU is kicked out. */
    private static final long WAIT_SECONDS = 180;
    private static final long CODE = 0x1000;
    /** RAM is [0, 640 KiB), so 0xB0000 is an MMIO hole the guest can reach from real mode. */
    private static final long RAM = 0xA0000;
    private static final long MMIO_PORT = 0xB0000;
    /** Local APIC spurious-interrupt vector register and its software-enable bit (SDM 3A, 10.9). */
    private static final int APIC_SVR = 0xF0;
    private static final int APIC_SVR_ENABLE = 0x100;

    /**
     * Real mode at {@link #CODE} (GNU as, linked at 0x1000): IVT entries for IRQ 5 (8259 master at vector 0x20) and
     * vector 0x30, the 8259 with only IRQ 5 unmasked; a 2-byte OUT of 0x1111 and then 0x1234 to port 0x700, 4-byte
     * writes of 8 and then 7 to 0xB0000; OUT 1 to port 0x500; STI and HLT forever. Both interrupt handlers OUT a
     * marker (0x42 for IRQ 5, 0x43 for vector 0x30) to port 0x501.
     */
    private static final byte[] GUEST = {
            (byte) 0xFA,                                                    // 0000  cli
            (byte) 0xC7, 0x06, (byte) 0x94, 0x00, 0x5B, 0x10,               // 0001  movw $irq5, 0x25*4  # IVT[0x25]: IRQ 5
            (byte) 0xC7, 0x06, (byte) 0x96, 0x00, 0x00, 0x00,               // 0007  movw $0, 0x25*4+2
            (byte) 0xC7, 0x06, (byte) 0xC0, 0x00, 0x66, 0x10,               // 000d  movw $msi, 0x30*4  # IVT[0x30]: the MSI
            (byte) 0xC7, 0x06, (byte) 0xC2, 0x00, 0x00, 0x00,               // 0013  movw $0, 0x30*4+2
            (byte) 0xB0, 0x11,                                              // 0019  mov $0x11, %al  # 8259 ICW1
            (byte) 0xE6, 0x20,                                              // 001b  out %al, $0x20
            (byte) 0xB0, 0x20,                                              // 001d  mov $0x20, %al  # ICW2: vector 0x20
            (byte) 0xE6, 0x21,                                              // 001f  out %al, $0x21
            (byte) 0xB0, 0x04,                                              // 0021  mov $0x04, %al  # ICW3
            (byte) 0xE6, 0x21,                                              // 0023  out %al, $0x21
            (byte) 0xB0, 0x01,                                              // 0025  mov $0x01, %al  # ICW4
            (byte) 0xE6, 0x21,                                              // 0027  out %al, $0x21
            (byte) 0xB0, (byte) 0xDF,                                       // 0029  mov $0xDF, %al  # OCW1: IRQ 5 only
            (byte) 0xE6, 0x21,                                              // 002b  out %al, $0x21
            (byte) 0xBA, 0x00, 0x07,                                        // 002d  mov $0x700, %dx
            (byte) 0xB8, 0x11, 0x11,                                        // 0030  mov $0x1111, %ax
            (byte) 0xEF,                                                    // 0033  out %ax, %dx  # no match: exit
            (byte) 0xB8, 0x34, 0x12,                                        // 0034  mov $0x1234, %ax
            (byte) 0xEF,                                                    // 0037  out %ax, %dx  # match: no exit
            (byte) 0xB8, 0x00, (byte) 0xB0,                                 // 0038  mov $0xB000, %ax
            (byte) 0x8E, (byte) 0xC0,                                       // 003b  mov %ax, %es
            0x26, 0x66, (byte) 0xC7, 0x06, 0x00, 0x00, 0x08, 0x00,          // 003d  movl $8, %es:0  # no match: exit
            0x00, 0x00,
            0x26, 0x66, (byte) 0xC7, 0x06, 0x00, 0x00, 0x07, 0x00,          // 0047  movl $7, %es:0  # match: no exit
            0x00, 0x00,
            (byte) 0xBA, 0x00, 0x05,                                        // 0051  mov $0x500, %dx
            (byte) 0xB0, 0x01,                                              // 0054  mov $1, %al
            (byte) 0xEE,                                                    // 0056  out %al, %dx  # ready
            (byte) 0xFB,                                                    // 0057  sti
            (byte) 0xF4,                                                    // 0058  1:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0059  jmp 1b
            (byte) 0xBA, 0x01, 0x05,                                        // 005b  irq5:  mov $0x501, %dx
            (byte) 0xB0, 0x42,                                              // 005e  mov $0x42, %al
            (byte) 0xEE,                                                    // 0060  out %al, %dx
            (byte) 0xB0, 0x20,                                              // 0061  mov $0x20, %al  # EOI
            (byte) 0xE6, 0x20,                                              // 0063  out %al, $0x20
            (byte) 0xCF,                                                    // 0065  iret
            (byte) 0xBA, 0x01, 0x05,                                        // 0066  msi:  mov $0x501, %dx
            (byte) 0xB0, 0x43,                                              // 0069  mov $0x43, %al
            (byte) 0xEE,                                                    // 006b  out %al, %dx
            (byte) 0xCF,                                                    // 006c  iret
    };

    @Test
    void ioeventfdIrqfdAndMsiReachTheGuest() throws Exception {
        try (Kvm kvm = Kvm.open(); KvmVm vm = kvm.createVm(); AnonymousMemory ram = AnonymousMemory.allocate(RAM);
                EventFd pioEvent = EventFd.create(true); EventFd mmioEvent = EventFd.create(true);
                EventFd irqEvent = EventFd.create(true)) {
            vm.setTssAddress(0xF800_0000L);
            vm.createIrqchip();
            vm.setUserMemoryRegion(0, 0, 0, RAM, ram.hostAddress());
            ram.buffers(CODE, GUEST.length, 12).get(0).put(GUEST);
            vm.ioeventfd(pioEvent, 0x700, 2, true, 0x1234L, false);
            vm.ioeventfd(mmioEvent, MMIO_PORT, 4, false, 7L, false);
            try (KvmVcpu vcpu = vm.createVcpu(0)) {
                vcpu.setCpuid(kvm.supportedCpuid());
                startInRealMode(vcpu);
                Thread watchdog = watchdog(vcpu);
                try {
                    KvmRun run = vcpu.runState();

                    assertEquals(KvmExit.IO, runToExit(vcpu));
                    assertEquals(0x700, run.ioPort());
                    assertEquals(KvmExit.IO_OUT, run.ioDirection());
                    assertEquals(0x1111, run.ioData(0));
                    assertEquals(0, pioEvent.take());

                    assertEquals(KvmExit.MMIO, runToExit(vcpu), "the matching OUT must not exit");
                    assertEquals(1, pioEvent.take());
                    assertEquals(MMIO_PORT, run.mmioAddress());
                    assertTrue(run.mmioIsWrite());
                    assertEquals(4, run.mmioLength());
                    assertEquals(8, run.mmioData() & 0xFFFF_FFFFL);
                    assertEquals(0, mmioEvent.take());

                    assertEquals(KvmExit.IO, runToExit(vcpu), "the matching MMIO write must not exit");
                    assertEquals(0x500, run.ioPort());
                    assertEquals(1, run.ioData(0));
                    assertEquals(1, mmioEvent.take());

                    vm.irqfd(irqEvent, 5, false);
                    irqEvent.signal(1);
                    assertEquals(KvmExit.IO, runToExit(vcpu));
                    assertEquals(0x501, run.ioPort());
                    assertEquals(0x42, run.ioData(0), "IRQ 5 handler");
                    vm.irqfd(irqEvent, 5, true);

                    // The MSI goes through the local APIC, which starts software-disabled.
                    ByteBuffer lapic = ByteBuffer.wrap(vcpu.getLapic()).order(ByteOrder.LITTLE_ENDIAN);
                    lapic.putInt(APIC_SVR, lapic.getInt(APIC_SVR) | APIC_SVR_ENABLE);
                    vcpu.setLapic(lapic.array());
                    // Fixed delivery, edge, vector 0x30, physical destination APIC ID 0 (SDM 3A, 10.11).
                    assertEquals(1, vm.signalMsi(0xFEE0_0000L, 0x30), "delivered to one vCPU");
                    assertEquals(KvmExit.IO, runToExit(vcpu));
                    assertEquals(0x501, run.ioPort());
                    assertEquals(0x43, run.ioData(0), "vector 0x30 handler");
                } finally {
                    watchdog.interrupt();
                    watchdog.join();
                }
            }
            vm.ioeventfd(pioEvent, 0x700, 2, true, 0x1234L, true);
            vm.ioeventfd(mmioEvent, MMIO_PORT, 4, false, 7L, true);
        }
    }

    /** Real mode with CS = DS = SS = 0 at {@link #CODE}, stack below 0x8000, interrupts off. */
    private static void startInRealMode(KvmVcpu vcpu) throws KvmException {
        KvmSregs sregs = new KvmSregs();
        vcpu.getSregs(sregs);
        sregs.cs.base = 0;
        sregs.cs.selector = 0;
        vcpu.setSregs(sregs);
        KvmRegs regs = new KvmRegs();
        regs.rip = CODE;
        regs.rflags = 0x2;
        regs.gpr[KvmRegs.RSP] = 0x8000;
        vcpu.setRegs(regs);
    }

    private static int runToExit(KvmVcpu vcpu) throws KvmException {
        if (!vcpu.run()) {
            throw new AssertionError("the guest did not exit within " + WAIT_SECONDS + " s (vCPU kicked)");
        }
        return vcpu.runState().exitReason();
    }

    /** Kicks the vCPU out of the guest if the test is still running after {@link #WAIT_SECONDS}. */
    private static Thread watchdog(KvmVcpu vcpu) {
        Thread t = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(WAIT_SECONDS);
                vcpu.kick();
            } catch (InterruptedException e) {
                // the test finished
            }
        }, "kvm-test-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
