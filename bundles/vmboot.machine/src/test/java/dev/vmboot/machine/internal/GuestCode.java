package dev.vmboot.machine.internal;

import java.util.Map;

import dev.vmboot.api.memory.GuestMemory;
import dev.vmboot.api.vm.CpuState;
import dev.vmboot.api.vm.Segment;

/**
 * Small guest programs for the KVM tests, assembled with GNU as (x86-64 binutils, {@code as --32}) from the source in
 * the comments and linked where they run (address 0 for the older ones, {@link #CODE} for those that refer to their
 * own labels); the bytes are what {@code ld --oformat binary} produced.
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

    /**
     * Real mode at {@link #CODE}: IRQ 4 (8259 master at vector 0x20, only IRQ 4 unmasked) transmits "IRQ 4 via
     * 8259\n" one byte per interrupt. Enabling the UART's THR-empty interrupt raises the first; each byte written to
     * THR empties at once and raises the next. The handler checks IIR (a '?' is sent for anything but THR empty),
     * clears IER after the last byte and sets a flag; the main loop checks the flag with interrupts off and sleeps with
     * STI; HLT (so an interrupt between the check and the HLT cannot be lost), then powers off.
     */
    static final byte[] UART_IRQ_PIC = {
            (byte) 0xFA,                                                    // 0000  cli
            (byte) 0xC7, 0x06, (byte) 0x90, 0x00, 0x41, 0x10,               // 0001  movw $uart_irq, 0x24*4  # IVT[0x24]: IRQ 4
            (byte) 0xC7, 0x06, (byte) 0x92, 0x00, 0x00, 0x00,               // 0007  movw $0, 0x24*4+2
            (byte) 0xB0, 0x11,                                              // 000d  mov $0x11, %al  # 8259 ICW1
            (byte) 0xE6, 0x20,                                              // 000f  out %al, $0x20
            (byte) 0xB0, 0x20,                                              // 0011  mov $0x20, %al  # ICW2: vector 0x20
            (byte) 0xE6, 0x21,                                              // 0013  out %al, $0x21
            (byte) 0xB0, 0x04,                                              // 0015  mov $0x04, %al  # ICW3
            (byte) 0xE6, 0x21,                                              // 0017  out %al, $0x21
            (byte) 0xB0, 0x01,                                              // 0019  mov $0x01, %al  # ICW4
            (byte) 0xE6, 0x21,                                              // 001b  out %al, $0x21
            (byte) 0xB0, (byte) 0xEF,                                       // 001d  mov $0xEF, %al  # OCW1: IRQ 4 only
            (byte) 0xE6, 0x21,                                              // 001f  out %al, $0x21
            (byte) 0xB0, (byte) 0xFF,                                       // 0021  mov $0xFF, %al
            (byte) 0xE6, (byte) 0xA1,                                       // 0023  out %al, $0xA1
            (byte) 0xFB,                                                    // 0025  sti
            (byte) 0xBA, (byte) 0xF9, 0x03,                                 // 0026  mov $0x3F9, %dx  # IER: THR empty
            (byte) 0xB0, 0x02,                                              // 0029  mov $0x02, %al
            (byte) 0xEE,                                                    // 002b  out %al, %dx
            (byte) 0xFA,                                                    // 002c  1:  cli  # check, then sleep:
            (byte) 0x80, 0x3E, 0x7B, 0x10, 0x00,                            // 002d  cmpb $0, done
            0x75, 0x04,                                                     // 0032  jne 2f
            (byte) 0xFB,                                                    // 0034  sti  # no interrupt until HLT
            (byte) 0xF4,                                                    // 0035  hlt
            (byte) 0xEB, (byte) 0xF4,                                       // 0036  jmp 1b
            (byte) 0xBA, 0x00, 0x06,                                        // 0038  2:  mov $0x600, %dx  # ACPI S5
            (byte) 0xB0, 0x34,                                              // 003b  mov $0x34, %al
            (byte) 0xEE,                                                    // 003d  out %al, %dx
            (byte) 0xF4,                                                    // 003e  9:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 003f  jmp 9b
            0x50,                                                           // 0041  uart_irq:  push %ax
            0x52,                                                           // 0042  push %dx
            0x53,                                                           // 0043  push %bx
            (byte) 0xBA, (byte) 0xFA, 0x03,                                 // 0044  mov $0x3FA, %dx  # IIR
            (byte) 0xEC,                                                    // 0047  in %dx, %al
            0x24, 0x0F,                                                     // 0048  and $0x0F, %al
            0x3C, 0x02,                                                     // 004a  cmp $0x02, %al  # THR empty?
            0x75, 0x1E,                                                     // 004c  jne 4f
            0x0F, (byte) 0xB6, 0x1E, 0x7A, 0x10,                            // 004e  movzbw next, %bx
            (byte) 0x8A, (byte) 0x87, 0x7C, 0x10,                           // 0053  mov msg(%bx), %al
            (byte) 0x84, (byte) 0xC0,                                       // 0057  test %al, %al
            0x74, 0x06,                                                     // 0059  jz 3f
            (byte) 0xFE, 0x06, 0x7A, 0x10,                                  // 005b  incb next
            (byte) 0xEB, 0x0D,                                              // 005f  jmp 5f
            (byte) 0xBA, (byte) 0xF9, 0x03,                                 // 0061  3:  mov $0x3F9, %dx  # IER: none
            (byte) 0xEE,                                                    // 0064  out %al, %dx
            (byte) 0xC6, 0x06, 0x7B, 0x10, 0x01,                            // 0065  movb $1, done
            (byte) 0xEB, 0x06,                                              // 006a  jmp 6f
            (byte) 0xB0, 0x3F,                                              // 006c  4:  mov $'?', %al
            (byte) 0xBA, (byte) 0xF8, 0x03,                                 // 006e  5:  mov $0x3F8, %dx  # THR
            (byte) 0xEE,                                                    // 0071  out %al, %dx
            (byte) 0xB0, 0x20,                                              // 0072  6:  mov $0x20, %al  # EOI
            (byte) 0xE6, 0x20,                                              // 0074  out %al, $0x20
            0x5B,                                                           // 0076  pop %bx
            0x5A,                                                           // 0077  pop %dx
            0x58,                                                           // 0078  pop %ax
            (byte) 0xCF,                                                    // 0079  iret
            0x00,                                                           // 007a  next: .byte 0
            0x00,                                                           // 007b  done: .byte 0
            0x49, 0x52, 0x51, 0x20, 0x34, 0x20, 0x76, 0x69,                 // 007c  msg: .asciz "IRQ 4 via 8259\n"
            0x61, 0x20, 0x38, 0x32, 0x35, 0x39, 0x0A, 0x00,
    };

    /**
     * 32-bit at {@link #CODE}, the flat state of {@link #flat32}: the same interrupt-driven transmission of "IRQ 4 via
     * IOAPIC\n", with the 8259s masked, an IDT at 0x3000 whose vector 0x34 is the handler, the local APIC enabled
     * and IOAPIC pin 4 routed to vector 0x34 (edge, fixed, APIC ID 0); the handler EOIs at the local APIC.
     */
    static final byte[] UART_IRQ_IOAPIC = {
            (byte) 0xFA,                                                    // 0000  cli
            (byte) 0xB8, (byte) 0x86, 0x10, 0x00, 0x00,                     // 0001  mov $uart_irq, %eax  # IDT[0x34] at 0x3000
            0x66, (byte) 0xA3, (byte) 0xA0, 0x31, 0x00, 0x00,               // 0006  mov %ax, 0x3000 + 0x34*8
            0x66, (byte) 0xC7, 0x05, (byte) 0xA2, 0x31, 0x00, 0x00, 0x08,   // 000c  movw $0x08, 0x3000 + 0x34*8 + 2
            0x00,
            0x66, (byte) 0xC7, 0x05, (byte) 0xA4, 0x31, 0x00, 0x00, 0x00,   // 0015  movw $0x8E00, 0x3000 + 0x34*8 + 4
            (byte) 0x8E,
            (byte) 0xC1, (byte) 0xE8, 0x10,                                 // 001e  shr $16, %eax
            0x66, (byte) 0xA3, (byte) 0xA6, 0x31, 0x00, 0x00,               // 0021  mov %ax, 0x3000 + 0x34*8 + 6
            0x0F, 0x01, 0x1D, (byte) 0xD0, 0x10, 0x00, 0x00,                // 0027  lidt idt_desc
            (byte) 0xB0, (byte) 0xFF,                                       // 002e  mov $0xFF, %al  # mask the 8259s
            (byte) 0xE6, 0x21,                                              // 0030  out %al, $0x21
            (byte) 0xE6, (byte) 0xA1,                                       // 0032  out %al, $0xA1
            (byte) 0xC7, 0x05, (byte) 0xF0, 0x00, (byte) 0xE0,              // 0034  movl $0x1FF, 0xFEE000F0  # LAPIC SVR: on
            (byte) 0xFE, (byte) 0xFF, 0x01, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x00, 0x00, (byte) 0xC0, (byte) 0xFE, 0x19,  // 003e  movl $0x19, 0xFEC00000  # IOREDTBL4 high
            0x00, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x10, 0x00, (byte) 0xC0, (byte) 0xFE, 0x00,  // 0048  movl $0, 0xFEC00010  # APIC ID 0
            0x00, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x00, 0x00, (byte) 0xC0, (byte) 0xFE, 0x18,  // 0052  movl $0x18, 0xFEC00000  # IOREDTBL4 low
            0x00, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x10, 0x00, (byte) 0xC0, (byte) 0xFE, 0x34,  // 005c  movl $0x34, 0xFEC00010  # vector 0x34, edge
            0x00, 0x00, 0x00,
            (byte) 0xFB,                                                    // 0066  sti
            0x66, (byte) 0xBA, (byte) 0xF9, 0x03,                           // 0067  mov $0x3F9, %dx  # IER: THR empty
            (byte) 0xB0, 0x02,                                              // 006b  mov $0x02, %al
            (byte) 0xEE,                                                    // 006d  out %al, %dx
            (byte) 0xFA,                                                    // 006e  1:  cli  # check, then sleep:
            (byte) 0x80, 0x3D, (byte) 0xD7, 0x10, 0x00, 0x00, 0x00,         // 006f  cmpb $0, done
            0x75, 0x04,                                                     // 0076  jne 2f
            (byte) 0xFB,                                                    // 0078  sti  # no interrupt until HLT
            (byte) 0xF4,                                                    // 0079  hlt
            (byte) 0xEB, (byte) 0xF2,                                       // 007a  jmp 1b
            0x66, (byte) 0xBA, 0x00, 0x06,                                  // 007c  2:  mov $0x600, %dx  # ACPI S5
            (byte) 0xB0, 0x34,                                              // 0080  mov $0x34, %al
            (byte) 0xEE,                                                    // 0082  out %al, %dx
            (byte) 0xF4,                                                    // 0083  9:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0084  jmp 9b
            0x50,                                                           // 0086  uart_irq:  push %eax
            0x52,                                                           // 0087  push %edx
            0x53,                                                           // 0088  push %ebx
            0x66, (byte) 0xBA, (byte) 0xFA, 0x03,                           // 0089  mov $0x3FA, %dx  # IIR
            (byte) 0xEC,                                                    // 008d  in %dx, %al
            0x24, 0x0F,                                                     // 008e  and $0x0F, %al
            0x3C, 0x02,                                                     // 0090  cmp $0x02, %al  # THR empty?
            0x75, 0x27,                                                     // 0092  jne 4f
            0x0F, (byte) 0xB6, 0x1D, (byte) 0xD6, 0x10, 0x00, 0x00,         // 0094  movzbl next, %ebx
            (byte) 0x8A, (byte) 0x83, (byte) 0xD8, 0x10, 0x00, 0x00,        // 009b  mov msg(%ebx), %al
            (byte) 0x84, (byte) 0xC0,                                       // 00a1  test %al, %al
            0x74, 0x08,                                                     // 00a3  jz 3f
            (byte) 0xFE, 0x05, (byte) 0xD6, 0x10, 0x00, 0x00,               // 00a5  incb next
            (byte) 0xEB, 0x10,                                              // 00ab  jmp 5f
            0x66, (byte) 0xBA, (byte) 0xF9, 0x03,                           // 00ad  3:  mov $0x3F9, %dx  # IER: none
            (byte) 0xEE,                                                    // 00b1  out %al, %dx
            (byte) 0xC6, 0x05, (byte) 0xD7, 0x10, 0x00, 0x00, 0x01,         // 00b2  movb $1, done
            (byte) 0xEB, 0x07,                                              // 00b9  jmp 6f
            (byte) 0xB0, 0x3F,                                              // 00bb  4:  mov $'?', %al
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03,                           // 00bd  5:  mov $0x3F8, %dx  # THR
            (byte) 0xEE,                                                    // 00c1  out %al, %dx
            (byte) 0xC7, 0x05, (byte) 0xB0, 0x00, (byte) 0xE0,              // 00c2  6:  movl $0, 0xFEE000B0  # LAPIC EOI
            (byte) 0xFE, 0x00, 0x00, 0x00, 0x00,
            0x5B,                                                           // 00cc  pop %ebx
            0x5A,                                                           // 00cd  pop %edx
            0x58,                                                           // 00ce  pop %eax
            (byte) 0xCF,                                                    // 00cf  iret
            (byte) 0xA7, 0x01,                                              // 00d0  idt_desc: .word 0x34*8 + 7
            0x00, 0x30, 0x00, 0x00,                                         // 00d2  .long 0x3000
            0x00,                                                           // 00d6  next: .byte 0
            0x00,                                                           // 00d7  done: .byte 0
            0x49, 0x52, 0x51, 0x20, 0x34, 0x20, 0x76, 0x69,                 // 00d8  msg: .asciz "IRQ 4 via IOAPIC\n"
            0x61, 0x20, 0x49, 0x4F, 0x41, 0x50, 0x49, 0x43,
            0x0A, 0x00,
    };

    /**
     * Real mode at {@link #CODE}: PIT channel 0 in mode 2 at 100 Hz, IRQ 0 the only 8259 input unmasked; prints "PIT "
     * and, from the timer handler, the tick count as a digit for ticks 1 to 5, masks IRQ 0 on the fifth, then the
     * main loop prints a newline and powers off.
     */
    static final byte[] PIT_TICKS = {
            (byte) 0xFA,                                                    // 0000  cli
            (byte) 0xC7, 0x06, (byte) 0x80, 0x00, 0x58, 0x10,               // 0001  movw $pit_irq, 0x20*4  # IVT[0x20]: IRQ 0
            (byte) 0xC7, 0x06, (byte) 0x82, 0x00, 0x00, 0x00,               // 0007  movw $0, 0x20*4+2
            (byte) 0xB0, 0x11,                                              // 000d  mov $0x11, %al  # 8259 ICW1
            (byte) 0xE6, 0x20,                                              // 000f  out %al, $0x20
            (byte) 0xB0, 0x20,                                              // 0011  mov $0x20, %al  # ICW2: vector 0x20
            (byte) 0xE6, 0x21,                                              // 0013  out %al, $0x21
            (byte) 0xB0, 0x04,                                              // 0015  mov $0x04, %al  # ICW3
            (byte) 0xE6, 0x21,                                              // 0017  out %al, $0x21
            (byte) 0xB0, 0x01,                                              // 0019  mov $0x01, %al  # ICW4
            (byte) 0xE6, 0x21,                                              // 001b  out %al, $0x21
            (byte) 0xB0, (byte) 0xFE,                                       // 001d  mov $0xFE, %al  # OCW1: IRQ 0 only
            (byte) 0xE6, 0x21,                                              // 001f  out %al, $0x21
            (byte) 0xB0, (byte) 0xFF,                                       // 0021  mov $0xFF, %al
            (byte) 0xE6, (byte) 0xA1,                                       // 0023  out %al, $0xA1
            (byte) 0xB0, 0x34,                                              // 0025  mov $0x34, %al  # PIT ch 0, mode 2
            (byte) 0xE6, 0x43,                                              // 0027  out %al, $0x43
            (byte) 0xB0, (byte) 0x9C,                                       // 0029  mov $(11932 & 0xFF), %al  # 100 Hz
            (byte) 0xE6, 0x40,                                              // 002b  out %al, $0x40
            (byte) 0xB0, 0x2E,                                              // 002d  mov $(11932 >> 8), %al
            (byte) 0xE6, 0x40,                                              // 002f  out %al, $0x40
            (byte) 0xBA, (byte) 0xF8, 0x03,                                 // 0031  mov $0x3F8, %dx
            (byte) 0xB0, 0x50,                                              // 0034  mov $'P', %al
            (byte) 0xEE,                                                    // 0036  out %al, %dx
            (byte) 0xB0, 0x49,                                              // 0037  mov $'I', %al
            (byte) 0xEE,                                                    // 0039  out %al, %dx
            (byte) 0xB0, 0x54,                                              // 003a  mov $'T', %al
            (byte) 0xEE,                                                    // 003c  out %al, %dx
            (byte) 0xB0, 0x20,                                              // 003d  mov $' ', %al
            (byte) 0xEE,                                                    // 003f  out %al, %dx
            (byte) 0xFA,                                                    // 0040  1:  cli  # check, then sleep:
            (byte) 0x80, 0x3E, 0x79, 0x10, 0x05,                            // 0041  cmpb $5, ticks
            0x73, 0x04,                                                     // 0046  jae 2f
            (byte) 0xFB,                                                    // 0048  sti  # no interrupt until HLT
            (byte) 0xF4,                                                    // 0049  hlt
            (byte) 0xEB, (byte) 0xF4,                                       // 004a  jmp 1b
            (byte) 0xB0, 0x0A,                                              // 004c  2:  mov $'\n', %al
            (byte) 0xEE,                                                    // 004e  out %al, %dx
            (byte) 0xBA, 0x00, 0x06,                                        // 004f  mov $0x600, %dx  # ACPI S5
            (byte) 0xB0, 0x34,                                              // 0052  mov $0x34, %al
            (byte) 0xEE,                                                    // 0054  out %al, %dx
            (byte) 0xF4,                                                    // 0055  9:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0056  jmp 9b
            0x50,                                                           // 0058  pit_irq:  push %ax
            0x52,                                                           // 0059  push %dx
            (byte) 0xFE, 0x06, 0x79, 0x10,                                  // 005a  incb ticks
            (byte) 0xA0, 0x79, 0x10,                                        // 005e  mov ticks, %al
            0x04, 0x30,                                                     // 0061  add $'0', %al
            (byte) 0xBA, (byte) 0xF8, 0x03,                                 // 0063  mov $0x3F8, %dx
            (byte) 0xEE,                                                    // 0066  out %al, %dx
            (byte) 0x80, 0x3E, 0x79, 0x10, 0x05,                            // 0067  cmpb $5, ticks
            0x72, 0x04,                                                     // 006c  jb 3f
            (byte) 0xB0, (byte) 0xFF,                                       // 006e  mov $0xFF, %al  # mask IRQ 0
            (byte) 0xE6, 0x21,                                              // 0070  out %al, $0x21
            (byte) 0xB0, 0x20,                                              // 0072  3:  mov $0x20, %al  # EOI
            (byte) 0xE6, 0x20,                                              // 0074  out %al, $0x20
            0x5A,                                                           // 0076  pop %dx
            0x58,                                                           // 0077  pop %ax
            (byte) 0xCF,                                                    // 0078  iret
            0x00,                                                           // 0079  ticks: .byte 0
    };

    /**
     * 32-bit at {@link #CODE} on the boot vCPU: enables its local APIC, sends INIT, SIPI, SIPI (vector 0x08: start at
     * {@link #AP_TRAMPOLINE}) to APIC ID 1 through the ICR at 0xFEE0_0300, waits for the AP's flag at 0x9001, prints
     * "BSP &lt;own APIC ID&gt; saw AP &lt;ID the AP stored at 0x9000&gt;\n" and powers off.
     */
    static final byte[] SMP_BSP = {
            (byte) 0xC7, 0x05, (byte) 0xF0, 0x00, (byte) 0xE0,              // 0000  movl $0x1FF, 0xFEE000F0  # LAPIC SVR: on
            (byte) 0xFE, (byte) 0xFF, 0x01, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x10, 0x03, (byte) 0xE0, (byte) 0xFE, 0x00,  // 000a  movl $0x01000000, 0xFEE00310  # ICR: APIC 1
            0x00, 0x00, 0x01,
            (byte) 0xC7, 0x05, 0x00, 0x03, (byte) 0xE0, (byte) 0xFE, 0x00,  // 0014  movl $0x00004500, 0xFEE00300  # INIT
            0x45, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x00, 0x03, (byte) 0xE0, (byte) 0xFE, 0x08,  // 001e  movl $0x00004608, 0xFEE00300  # SIPI 0x8000
            0x46, 0x00, 0x00,
            (byte) 0xC7, 0x05, 0x00, 0x03, (byte) 0xE0, (byte) 0xFE, 0x08,  // 0028  movl $0x00004608, 0xFEE00300  # SIPI again
            0x46, 0x00, 0x00,
            (byte) 0xF3, (byte) 0x90,                                       // 0032  1:  pause
            (byte) 0x80, 0x3D, 0x01, (byte) 0x90, 0x00, 0x00, 0x00,         // 0034  cmpb $0, 0x9001  # AP up?
            0x74, (byte) 0xF5,                                              // 003b  je 1b
            (byte) 0xBE, 0x73, 0x10, 0x00, 0x00,                            // 003d  mov $msg, %esi
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03,                           // 0042  mov $0x3F8, %dx
            (byte) 0xAC,                                                    // 0046  2:  lodsb
            (byte) 0x84, (byte) 0xC0,                                       // 0047  test %al, %al
            0x74, 0x10,                                                     // 0049  jz 3f
            0x3C, 0x40,                                                     // 004b  cmp $'@', %al
            0x75, 0x21,                                                     // 004d  jne 4f
            (byte) 0xA1, 0x20, 0x00, (byte) 0xE0, (byte) 0xFE,              // 004f  mov 0xFEE00020, %eax  # own APIC ID
            (byte) 0xC1, (byte) 0xE8, 0x18,                                 // 0054  shr $24, %eax
            0x04, 0x30,                                                     // 0057  add $'0', %al
            (byte) 0xEB, 0x15,                                              // 0059  jmp 4f
            (byte) 0xA0, 0x00, (byte) 0x90, 0x00, 0x00,                     // 005b  3:  mov 0x9000, %al  # the AP's ID
            0x04, 0x30,                                                     // 0060  add $'0', %al
            (byte) 0xEE,                                                    // 0062  out %al, %dx
            (byte) 0xB0, 0x0A,                                              // 0063  mov $'\n', %al
            (byte) 0xEE,                                                    // 0065  out %al, %dx
            0x66, (byte) 0xBA, 0x00, 0x06,                                  // 0066  mov $0x600, %dx  # ACPI S5
            (byte) 0xB0, 0x34,                                              // 006a  mov $0x34, %al
            (byte) 0xEE,                                                    // 006c  out %al, %dx
            (byte) 0xF4,                                                    // 006d  5:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 006e  jmp 5b
            (byte) 0xEE,                                                    // 0070  4:  out %al, %dx
            (byte) 0xEB, (byte) 0xD3,                                       // 0071  jmp 2b
            0x42, 0x53, 0x50, 0x20, 0x40, 0x20, 0x73, 0x61,                 // 0073  msg: .asciz "BSP @ saw AP "
            0x77, 0x20, 0x41, 0x50, 0x20, 0x00,
    };

    /** Where the AP starts after the SIPI: real mode, CS = 0x0800, IP = 0. */
    static final long AP_TRAMPOLINE = 0x8000;

    /**
     * The AP's real-mode trampoline (position independent, at {@link #AP_TRAMPOLINE}): reads its initial APIC ID from
     * CPUID leaf 1, prints "AP &lt;ID&gt; up\n", stores the ID at 0x9000 and 1 at 0x9001, and halts.
     */
    static final byte[] SMP_AP = {
            0x66, (byte) 0xB8, 0x01, 0x00, 0x00, 0x00,                      // 0000  mov $1, %eax
            0x0F, (byte) 0xA2,                                              // 0006  cpuid  # EBX[31:24]: APIC ID
            0x66, (byte) 0xC1, (byte) 0xEB, 0x18,                           // 0008  shr $24, %ebx
            (byte) 0xBA, (byte) 0xF8, 0x03,                                 // 000c  mov $0x3F8, %dx
            (byte) 0xB0, 0x41,                                              // 000f  mov $'A', %al
            (byte) 0xEE,                                                    // 0011  out %al, %dx
            (byte) 0xB0, 0x50,                                              // 0012  mov $'P', %al
            (byte) 0xEE,                                                    // 0014  out %al, %dx
            (byte) 0xB0, 0x20,                                              // 0015  mov $' ', %al
            (byte) 0xEE,                                                    // 0017  out %al, %dx
            (byte) 0x88, (byte) 0xD8,                                       // 0018  mov %bl, %al
            0x04, 0x30,                                                     // 001a  add $'0', %al
            (byte) 0xEE,                                                    // 001c  out %al, %dx
            (byte) 0xB0, 0x20,                                              // 001d  mov $' ', %al
            (byte) 0xEE,                                                    // 001f  out %al, %dx
            (byte) 0xB0, 0x75,                                              // 0020  mov $'u', %al
            (byte) 0xEE,                                                    // 0022  out %al, %dx
            (byte) 0xB0, 0x70,                                              // 0023  mov $'p', %al
            (byte) 0xEE,                                                    // 0025  out %al, %dx
            (byte) 0xB0, 0x0A,                                              // 0026  mov $'\n', %al
            (byte) 0xEE,                                                    // 0028  out %al, %dx
            0x31, (byte) 0xC0,                                              // 0029  xor %ax, %ax
            (byte) 0x8E, (byte) 0xD8,                                       // 002b  mov %ax, %ds
            (byte) 0x88, 0x1E, 0x00, (byte) 0x90,                           // 002d  mov %bl, 0x9000  # APIC ID
            (byte) 0xC6, 0x06, 0x01, (byte) 0x90, 0x01,                     // 0031  movb $1, 0x9001  # up
            (byte) 0xFA,                                                    // 0036  cli
            (byte) 0xF4,                                                    // 0037  1:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0038  jmp 1b
    };

    /**
     * 32-bit at {@link #CODE}: runs the port script at {@link #PORT_SCRIPT} (entries of port:16, size:16, value:32;
     * size 1, 2 or 4 does that OUT, anything else ends it), then halts with interrupts off.
     */
    static final byte[] PORT_SCRIPT_RUNNER = {
            (byte) 0xBE, 0x00, 0x20, 0x00, 0x00,                            // 0000  mov $0x2000, %esi  # the script
            0x0F, (byte) 0xB7, 0x16,                                        // 0005  1:  movzwl (%esi), %edx  # port
            0x0F, (byte) 0xB7, 0x4E, 0x02,                                  // 0008  movzwl 2(%esi), %ecx  # size
            (byte) 0x8B, 0x46, 0x04,                                        // 000c  mov 4(%esi), %eax  # value
            (byte) 0x83, (byte) 0xC6, 0x08,                                 // 000f  add $8, %esi
            (byte) 0x83, (byte) 0xF9, 0x01,                                 // 0012  cmp $1, %ecx
            0x74, 0x0E,                                                     // 0015  je 2f
            (byte) 0x83, (byte) 0xF9, 0x02,                                 // 0017  cmp $2, %ecx
            0x74, 0x0C,                                                     // 001a  je 3f
            (byte) 0x83, (byte) 0xF9, 0x04,                                 // 001c  cmp $4, %ecx
            0x74, 0x0B,                                                     // 001f  je 4f
            (byte) 0xFA,                                                    // 0021  cli  # end of script
            (byte) 0xF4,                                                    // 0022  5:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0023  jmp 5b
            (byte) 0xEE,                                                    // 0025  2:  out %al, %dx
            (byte) 0xEB, (byte) 0xDD,                                       // 0026  jmp 1b
            0x66, (byte) 0xEF,                                              // 0028  3:  out %ax, %dx
            (byte) 0xEB, (byte) 0xD9,                                       // 002a  jmp 1b
            (byte) 0xEF,                                                    // 002c  4:  out %eax, %dx
            (byte) 0xEB, (byte) 0xD6,                                       // 002d  jmp 1b
    };
    static final long PORT_SCRIPT = 0x2000;

    /** Writes a port script for {@link #PORT_SCRIPT_RUNNER}: triples of port, size, value. */
    static void portScript(GuestMemory m, int... portSizeValue) {
        if (portSizeValue.length % 3 != 0) {
            throw new IllegalArgumentException("port, size, value triples");
        }
        long at = PORT_SCRIPT;
        for (int i = 0; i < portSizeValue.length; i += 3, at += 8) {
            m.writeShort(at, (short) portSizeValue[i]);
            m.writeShort(at + 2, (short) portSizeValue[i + 1]);
            m.writeInt(at + 4, portSizeValue[i + 2]);
        }
        m.writeLong(at, 0);
    }

    /** Where {@link #EXIT_LOOP_PVH} is loaded and entered (1 MiB, where kernels go). */
    static final long EXIT_LOOP_PVH_ADDRESS = 0x10_0000;
    /** Offset of the dword in {@link #EXIT_LOOP_PVH} that says how many exits to make. */
    static final int EXIT_LOOP_PVH_COUNT = 0xD0;

    /**
     * The VM-exit benchmark's guest, for the PVH entry state (flat 32-bit, paging off), at
     * {@link #EXIT_LOOP_PVH_ADDRESS}: OUTs to port 0x500, which no device owns under vmboot or QEMU, as many times as
     * the dword at {@link #EXIT_LOOP_PVH_COUNT} says, timed with RDTSC around the loop, prints
     * "vm-exits: &lt;count, hex&gt; port exits in TSC ticks 0x&lt;16 hex digits&gt;\n" on COM1 (polling LSR), then
     * powers off the way each VMM understands: ACPI S5 through cloud-hypervisor's port 0x600 for vmboot, QEMU's
     * isa-debug-exit at port 0xF4. The same bytes run under both, so the TSC counts compare the two exit paths.
     */
    static final byte[] EXIT_LOOP_PVH = {
            (byte) 0xBC, 0x00, 0x00, 0x08, 0x00,                            // 0000  mov $0x80000, %esp  # stack in low RAM
            (byte) 0x8B, 0x0D, (byte) 0xD0, 0x00, 0x10, 0x00,               // 0005  mov count, %ecx  # exits to make
            0x0F, 0x31,                                                     // 000b  rdtsc
            (byte) 0x89, (byte) 0xC6,                                       // 000d  mov %eax, %esi
            (byte) 0x89, (byte) 0xD7,                                       // 000f  mov %edx, %edi
            0x66, (byte) 0xBA, 0x00, 0x05,                                  // 0011  mov $0x500, %dx  # a port nobody owns
            (byte) 0xEE,                                                    // 0015  1:  out %al, %dx
            0x49,                                                           // 0016  dec %ecx
            0x75, (byte) 0xFC,                                              // 0017  jnz 1b
            0x0F, 0x31,                                                     // 0019  rdtsc
            0x29, (byte) 0xF0,                                              // 001b  sub %esi, %eax  # edx:eax = TSC ticks
            0x19, (byte) 0xFA,                                              // 001d  sbb %edi, %edx
            (byte) 0x89, (byte) 0xC7,                                       // 001f  mov %eax, %edi
            (byte) 0x89, (byte) 0xD6,                                       // 0021  mov %edx, %esi
            (byte) 0xBB, (byte) 0xA6, 0x00, 0x10, 0x00,                     // 0023  mov $msg, %ebx
            (byte) 0xE8, 0x3A, 0x00, 0x00, 0x00,                            // 0028  call puts
            (byte) 0xA1, (byte) 0xD0, 0x00, 0x10, 0x00,                     // 002d  mov count, %eax
            (byte) 0xE8, 0x3F, 0x00, 0x00, 0x00,                            // 0032  call hex32
            (byte) 0xBB, (byte) 0xB1, 0x00, 0x10, 0x00,                     // 0037  mov $msg2, %ebx
            (byte) 0xE8, 0x26, 0x00, 0x00, 0x00,                            // 003c  call puts
            (byte) 0x89, (byte) 0xF0,                                       // 0041  mov %esi, %eax
            (byte) 0xE8, 0x2E, 0x00, 0x00, 0x00,                            // 0043  call hex32
            (byte) 0x89, (byte) 0xF8,                                       // 0048  mov %edi, %eax
            (byte) 0xE8, 0x27, 0x00, 0x00, 0x00,                            // 004a  call hex32
            (byte) 0xB0, 0x0A,                                              // 004f  mov $'\n', %al
            (byte) 0xE8, 0x3D, 0x00, 0x00, 0x00,                            // 0051  call putc
            0x66, (byte) 0xBA, 0x00, 0x06,                                  // 0056  mov $0x600, %dx  # vmboot: ACPI S5
            (byte) 0xB0, 0x34,                                              // 005a  mov $0x34, %al
            (byte) 0xEE,                                                    // 005c  out %al, %dx
            0x66, (byte) 0xBA, (byte) 0xF4, 0x00,                           // 005d  mov $0xF4, %dx  # QEMU: isa-debug-exit
            0x31, (byte) 0xC0,                                              // 0061  xor %eax, %eax
            (byte) 0xEE,                                                    // 0063  out %al, %dx
            (byte) 0xF4,                                                    // 0064  2:  hlt
            (byte) 0xEB, (byte) 0xFD,                                       // 0065  jmp 2b
            (byte) 0x8A, 0x03,                                              // 0067  puts:  mov (%ebx), %al
            (byte) 0x84, (byte) 0xC0,                                       // 0069  test %al, %al
            0x74, 0x08,                                                     // 006b  jz 3f
            (byte) 0xE8, 0x21, 0x00, 0x00, 0x00,                            // 006d  call putc
            0x43,                                                           // 0072  inc %ebx
            (byte) 0xEB, (byte) 0xF2,                                       // 0073  jmp puts
            (byte) 0xC3,                                                    // 0075  3:  ret
            (byte) 0xB9, 0x08, 0x00, 0x00, 0x00,                            // 0076  hex32:  mov $8, %ecx
            (byte) 0xC1, (byte) 0xC0, 0x04,                                 // 007b  4:  rol $4, %eax
            0x50,                                                           // 007e  push %eax
            0x24, 0x0F,                                                     // 007f  and $0xF, %al
            0x04, 0x30,                                                     // 0081  add $'0', %al
            0x3C, 0x39,                                                     // 0083  cmp $'9', %al
            0x76, 0x02,                                                     // 0085  jbe 5f
            0x04, 0x27,                                                     // 0087  add $('a' - '9' - 1), %al
            (byte) 0xE8, 0x05, 0x00, 0x00, 0x00,                            // 0089  5:  call putc
            0x58,                                                           // 008e  pop %eax
            0x49,                                                           // 008f  dec %ecx
            0x75, (byte) 0xE9,                                              // 0090  jnz 4b
            (byte) 0xC3,                                                    // 0092  ret
            0x52,                                                           // 0093  putc:  push %edx
            0x50,                                                           // 0094  push %eax
            0x66, (byte) 0xBA, (byte) 0xFD, 0x03,                           // 0095  mov $0x3FD, %dx  # LSR
            (byte) 0xEC,                                                    // 0099  6:  in %dx, %al
            (byte) 0xA8, 0x20,                                              // 009a  test $0x20, %al  # THR empty?
            0x74, (byte) 0xFB,                                              // 009c  jz 6b
            0x58,                                                           // 009e  pop %eax
            0x66, (byte) 0xBA, (byte) 0xF8, 0x03,                           // 009f  mov $0x3F8, %dx
            (byte) 0xEE,                                                    // 00a3  out %al, %dx
            0x5A,                                                           // 00a4  pop %edx
            (byte) 0xC3,                                                    // 00a5  ret
            0x76, 0x6D, 0x2D, 0x65, 0x78, 0x69, 0x74, 0x73,                 // 00a6  msg: .asciz "vm-exits: "
            0x3A, 0x20, 0x00,
            0x20, 0x70, 0x6F, 0x72, 0x74, 0x20, 0x65, 0x78,                 // 00b1  msg2: .asciz " port exits in TSC ticks 0x"
            0x69, 0x74, 0x73, 0x20, 0x69, 0x6E, 0x20, 0x54,
            0x53, 0x43, 0x20, 0x74, 0x69, 0x63, 0x6B, 0x73,
            0x20, 0x30, 0x78, 0x00,
            (byte) 0x8D, 0x76, 0x00,                                        // 00cd  .balign 4
            0x00, 0x00, 0x00, 0x00,                                         // 00d0  count: .long 0
    };

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
