package dev.vmboot.machine.internal;

import java.util.Map;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.Segment;

/**
 * Small guest programs for the KVM tests, assembled with GNU as (x86-64 binutils) from the source in the comments and
 * linked at address 0; the bytes are what {@code ld --oformat binary} produced.
 */
final class GuestCode {
    private GuestCode() {
    }

    /** Where the 32-bit and real-mode programs are loaded. */
    static final long CODE = 0x1000;
    /** Where {@link #flatGdt} puts the GDT (cloud-hypervisor's BOOT_GDT_START). */
    static final long GDT = 0x500;
    /** Page tables for the long-mode program: PML4, PDPT, PD for 0-1 GiB, PD for 3-4 GiB. */
    static final long PML4 = 0x10000;

    /**
     * Starts at the reset vector in a 64 KiB ROM at 0xFFFF_0000 (offset 0 here; {@link #RESET_VECTOR} at 0xFFF0),
     * goes to protected mode with its own GDT, then to long mode with the page tables of {@link #identityPaging},
     * writes "Hello from long mode\n" to COM1 and powers off through the ACPI sleep register 0x600 (SLP_TYP 5 |
     * SLP_EN = 0x34).
     */
    static final byte[] LONG_MODE_ROM = {
            (byte) 0xFA,                                                    // 0000  cli
            0x2E, 0x66, 0x0F, 0x01, 0x16, (byte) 0xA8, 0x00,                // 0001  lgdtl %cs:gdt_desc
            0x0F, 0x20, (byte) 0xC0,                                        // 0008  mov %cr0, %eax
            0x66, (byte) 0x83, (byte) 0xC8, 0x01,                           // 000b  or $1, %eax
            0x0F, 0x22, (byte) 0xC0,                                        // 000f  mov %eax, %cr0
            0x66, (byte) 0xEA, 0x1A, 0x00, (byte) 0xFF, (byte) 0xFF, 0x08, 0x00,  // 0012  ljmpl $0x08, $(ROM + pm32)
            0x66, (byte) 0xB8, 0x10, 0x00,                                  // 001a  mov $0x10, %ax
            (byte) 0x8E, (byte) 0xD8,                                       // 001e  mov %ax, %ds
            (byte) 0x8E, (byte) 0xC0,                                       // 0020  mov %ax, %es
            (byte) 0x8E, (byte) 0xD0,                                       // 0022  mov %ax, %ss
            0x0F, 0x20, (byte) 0xE0,                                        // 0024  mov %cr4, %eax
            (byte) 0x83, (byte) 0xC8, 0x20,                                 // 0027  or $0x20, %eax
            0x0F, 0x22, (byte) 0xE0,                                        // 002a  mov %eax, %cr4
            (byte) 0xB8, 0x00, 0x00, 0x01, 0x00,                            // 002d  mov $0x10000, %eax
            0x0F, 0x22, (byte) 0xD8,                                        // 0032  mov %eax, %cr3
            (byte) 0xB9, (byte) 0x80, 0x00, 0x00, (byte) 0xC0,              // 0035  mov $0xC0000080, %ecx
            0x0F, 0x32,                                                     // 003a  rdmsr
            0x0D, 0x00, 0x01, 0x00, 0x00,                                   // 003c  or $0x100, %eax
            0x0F, 0x30,                                                     // 0041  wrmsr
            0x0F, 0x20, (byte) 0xC0,                                        // 0043  mov %cr0, %eax
            0x0D, 0x00, 0x00, 0x00, (byte) 0x80,                            // 0046  or $0x80000000, %eax
            0x0F, 0x22, (byte) 0xC0,                                        // 004b  mov %eax, %cr0
            (byte) 0xEA, 0x55, 0x00, (byte) 0xFF, (byte) 0xFF, 0x18, 0x00,  // 004e  ljmp $0x18, $(ROM + lm64)
            0x48, (byte) 0x8D, 0x35, 0x16, 0x00, 0x00, 0x00,                // 0055  lea msg(%rip), %rsi
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03,                           // 005c  mov $0x3f8, %dx
            (byte) 0xAC,                                                    // 0060  1:  lodsb
            (byte) 0x84, (byte) 0xC0,                                       // 0061  test %al, %al
            0x74, 0x03,                                                     // 0063  jz 2f
            (byte) 0xEE,                                                    // 0065  out %al, %dx
            (byte) 0xEB, (byte) 0xF8,                                       // 0066  jmp 1b
            0x66, (byte) 0xBA, 0x00, 0x06,                                  // 0068  2:  mov $0x600, %dx
            (byte) 0xB0, 0x34,                                              // 006c  mov $0x34, %al
            (byte) 0xEE,                                                    // 006e  out %al, %dx
            (byte) 0xF4,                                                    // 006f  3:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0070  jmp 3b
            0x48, 0x65, 0x6C, 0x6C, 0x6F, 0x20, 0x66, 0x72,                 // 0072  msg: .asciz "Hello from long mode\n"
            0x6F, 0x6D, 0x20, 0x6C, 0x6F, 0x6E, 0x67, 0x20,
            0x6D, 0x6F, 0x64, 0x65, 0x0A, 0x00,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,                 // 0088  .quad 0
            (byte) 0xFF, (byte) 0xFF, 0x00, 0x00, 0x00, (byte) 0x9B, (byte) 0xCF, 0x00,  // 0090  .quad 0x00CF9B000000FFFF
            (byte) 0xFF, (byte) 0xFF, 0x00, 0x00, 0x00, (byte) 0x93, (byte) 0xCF, 0x00,  // 0098  .quad 0x00CF93000000FFFF
            (byte) 0xFF, (byte) 0xFF, 0x00, 0x00, 0x00, (byte) 0x9B, (byte) 0xAF, 0x00,  // 00a0  .quad 0x00AF9B000000FFFF
            0x1F, 0x00,                                                     // 00a8  .word gdt_end - gdt - 1
            (byte) 0x88, 0x00, (byte) 0xFF, (byte) 0xFF,                    // 00aa  .long ROM + gdt
    };

    /** At ROM offset 0xFFF0 (linear 0xFFFF_FFF0): {@code jmp} to offset 0 of the same 64 KiB segment. */
    static final byte[] RESET_VECTOR = {
            (byte) 0xE9, 0x0D, 0x00,                                        // fff0  jmp 0x0000 (IP wraps at 64 KiB)
    };

    /**
     * 32-bit: MMIO writes of 4 and 2 bytes to a device at 0xD000_0000, a 4-byte MMIO read reported on port 0x500, an
     * unhandled MMIO read reported, a write to the ROM at 0xFFFF_0000 and a read back of it reported, then power-off.
     */
    static final byte[] MMIO = {
            (byte) 0xBB, 0x00, 0x00, 0x00, (byte) 0xD0,                     // 0000  mov $0xD0000000, %ebx
            (byte) 0xC7, 0x03, 0x78, 0x56, 0x34, 0x12,                      // 0005  movl $0x12345678, (%ebx)
            0x66, (byte) 0xC7, 0x43, 0x08, (byte) 0xEF, (byte) 0xBE,        // 000b  movw $0xBEEF, 8(%ebx)
            (byte) 0x8B, 0x43, 0x04,                                        // 0011  mov 4(%ebx), %eax
            0x66, (byte) 0xBA, 0x00, 0x05,                                  // 0014  mov $0x500, %dx
            (byte) 0xEF,                                                    // 0018  out %eax, %dx
            (byte) 0x8B, (byte) 0x83, 0x00, 0x10, 0x00, 0x00,               // 0019  mov 0x1000(%ebx), %eax
            (byte) 0xEF,                                                    // 001f  out %eax, %dx
            (byte) 0xBB, 0x00, 0x00, (byte) 0xFF, (byte) 0xFF,              // 0020  mov $0xFFFF0000, %ebx
            (byte) 0xC7, 0x03, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA, (byte) 0xAA,  // 0025  movl $0xAAAAAAAA, (%ebx)
            (byte) 0x8B, 0x03,                                              // 002b  mov (%ebx), %eax
            (byte) 0xEF,                                                    // 002d  out %eax, %dx
            0x66, (byte) 0xBA, 0x00, 0x06,                                  // 002e  mov $0x600, %dx
            (byte) 0xB0, 0x34,                                              // 0032  mov $0x34, %al
            (byte) 0xEE,                                                    // 0034  out %al, %dx
            (byte) 0xF4,                                                    // 0035  1:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0036  jmp 1b
    };

    /** 32-bit: interrupts off, report on port 0x500, halt forever. */
    static final byte[] HALT = {
            (byte) 0xFA,                                                    // 0000  cli
            0x66, (byte) 0xBA, 0x00, 0x05,                                  // 0001  mov $0x500, %dx
            (byte) 0xB8, 0x01, 0x00, 0x00, 0x00,                            // 0005  mov $1, %eax
            (byte) 0xEF,                                                    // 000a  out %eax, %dx
            (byte) 0xF4,                                                    // 000b  1:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 000c  jmp 1b
    };

    /** 32-bit: report on port 0x500, then INT3 with an empty IDT: #GP, #DF, triple fault. */
    static final byte[] TRIPLE_FAULT = {
            0x66, (byte) 0xBA, 0x00, 0x05,                                  // 0000  mov $0x500, %dx
            (byte) 0xB8, 0x01, 0x00, 0x00, 0x00,                            // 0004  mov $1, %eax
            (byte) 0xEF,                                                    // 0009  out %eax, %dx
            (byte) 0xCC,                                                    // 000a  int3
    };

    /**
     * Real mode: 8259 master at vectors 0x20-0x27 with only IRQ 5 unmasked, STI, report 1 on port 0x500, HLT in a
     * loop. The IRQ 5 handler ({@link #IRQ_HANDLER} bytes in) writes 0x42 to port 0x501, EOIs and IRETs.
     */
    static final byte[] IRQ = {
            (byte) 0xFA,                                                    // 0000  cli
            (byte) 0xB0, 0x11,                                              // 0001  mov $0x11, %al
            (byte) 0xE6, 0x20,                                              // 0003  out %al, $0x20
            (byte) 0xB0, 0x20,                                              // 0005  mov $0x20, %al
            (byte) 0xE6, 0x21,                                              // 0007  out %al, $0x21
            (byte) 0xB0, 0x04,                                              // 0009  mov $0x04, %al
            (byte) 0xE6, 0x21,                                              // 000b  out %al, $0x21
            (byte) 0xB0, 0x01,                                              // 000d  mov $0x01, %al
            (byte) 0xE6, 0x21,                                              // 000f  out %al, $0x21
            (byte) 0xB0, (byte) 0xDF,                                       // 0011  mov $0xDF, %al
            (byte) 0xE6, 0x21,                                              // 0013  out %al, $0x21
            (byte) 0xB0, (byte) 0xFF,                                       // 0015  mov $0xFF, %al
            (byte) 0xE6, (byte) 0xA1,                                       // 0017  out %al, $0xA1
            (byte) 0xFB,                                                    // 0019  sti
            (byte) 0xBA, 0x00, 0x05,                                        // 001a  mov $0x500, %dx
            (byte) 0xB0, 0x01,                                              // 001d  mov $1, %al
            (byte) 0xEE,                                                    // 001f  out %al, %dx
            (byte) 0xF4,                                                    // 0020  1:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0021  jmp 1b
            (byte) 0xBA, 0x01, 0x05,                                        // 0023  mov $0x501, %dx
            (byte) 0xB0, 0x42,                                              // 0026  mov $0x42, %al
            (byte) 0xEE,                                                    // 0028  out %al, %dx
            (byte) 0xB0, 0x20,                                              // 0029  mov $0x20, %al
            (byte) 0xE6, 0x20,                                              // 002b  out %al, $0x20
            (byte) 0xCF,                                                    // 002d  iret
    };
    static final int IRQ_HANDLER = 0x23;

    /** 32-bit: OUT to port 0x510 as many times as the dword at 0x2000 says, then power-off. */
    static final byte[] PORT_LOOP = {
            (byte) 0x8B, 0x0D, 0x00, 0x20, 0x00, 0x00,                      // 0000  mov 0x2000, %ecx
            0x66, (byte) 0xBA, 0x10, 0x05,                                  // 0006  mov $0x510, %dx
            (byte) 0xEE,                                                    // 000a  1:  out %al, %dx
            0x49,                                                           // 000b  dec %ecx
            0x75, (byte) 0xFC,                                              // 000c  jnz 1b
            0x66, (byte) 0xBA, 0x00, 0x06,                                  // 000e  mov $0x600, %dx
            (byte) 0xB0, 0x34,                                              // 0012  mov $0x34, %al
            (byte) 0xEE,                                                    // 0014  out %al, %dx
            (byte) 0xF4,                                                    // 0015  2:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0016  jmp 2b
    };
    static final long PORT_LOOP_COUNT = 0x2000;

    /** Identity-maps 0-2 MiB and 0xFFE0_0000-4 GiB with 2 MiB pages at {@link #PML4}. */
    static void identityPaging(GuestMemory m) {
        long pdpt = PML4 + 0x1000;
        long pdLow = PML4 + 0x2000;
        long pdHigh = PML4 + 0x3000;
        m.writeLong(PML4, pdpt | 0x3); // present, writable
        m.writeLong(pdpt, pdLow | 0x3);
        m.writeLong(pdpt + 3 * 8, pdHigh | 0x3);
        m.writeLong(pdLow, 0x83); // present, writable, 2 MiB page
        m.writeLong(pdHigh + 511 * 8, 0xFFE0_0000L | 0x83);
    }

    /** A GDT at {@link #GDT}: null, flat 32-bit code (0x08), flat data (0x10), a 0x68-byte TSS (0x18). */
    static void flatGdt(GuestMemory m) {
        m.writeLong(GDT, 0);
        m.writeLong(GDT + 8, 0x00CF_9B00_0000_FFFFL);
        m.writeLong(GDT + 16, 0x00CF_9300_0000_FFFFL);
        m.writeLong(GDT + 24, 0x0000_8B00_0000_0067L);
    }

    /** 32-bit protected mode with flat segments, paging off, an empty IDT (the PVH entry state). */
    static CpuState flat32(long rip) {
        return new CpuState(rip, 0x2, 0, 0, 0, 0, 0, 0, 0x8000, Segment.flat(0x08, 0xB, true, false),
                Segment.flat(0x10, 0x3, true, false), new Segment(0, 0x67, 0x18, 0xB, true, 0, false, false, false,
                        false), GDT, 31, 0, 0, 0x11, 0, 0, 0, Map.of());
    }

    /** Real mode with all segments at 0, the IVT at 0 and a stack below 0x8000. */
    static CpuState realMode(long rip) {
        Segment code = new Segment(0, 0xFFFF, 0, 0xB, true, 0, false, true, false, false);
        Segment data = new Segment(0, 0xFFFF, 0, 0x3, true, 0, false, true, false, false);
        Segment tss = new Segment(0, 0xFFFF, 0, 0xB, true, 0, false, false, false, false);
        return new CpuState(rip, 0x2, 0, 0, 0, 0, 0, 0, 0x8000, code, data, tss, 0, 0xFFFF, 0, 0x3FF, 0x6000_0010L,
                0, 0, 0, Map.of());
    }
}
