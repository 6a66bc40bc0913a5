#!/usr/bin/perl
# Keeps one empty KVM virtual machine open until killed (run.sh starts it in the background of every job).
#
# Why: Linux's KVM_CREATE_VM increments, and the VM's destruction decrements, the scheduler's preempt-notifier static
# key (kvm_create_vm -> preempt_notifier_inc). A 0 <-> 1 change re-patches __schedule with text_poke_bp (an INT3
# over the jump while the other CPUs are synchronised). Under QEMU's TCG, which runs L1 here, that cross-CPU code
# patching sometimes leaves a CPU re-executing the INT3 forever (both L1 CPUs looping in exc_int3 ->
# kprobe_int3_handler, the whole guest frozen until the lab's timeout). Tests that create and destroy VMs one after
# another (100 create/destroy cycles) hit it within a few hundred VMs. With this VM held, the count never drops to
# 0, so __schedule is patched once and never again.
use strict;
use warnings;

# include/uapi/linux/kvm.h: #define KVM_CREATE_VM _IO(KVMIO, 0x01), KVMIO 0xAE.
my $KVM_CREATE_VM = 0xAE01;
open(my $kvm, '+<', '/dev/kvm') or die "hold-kvm-vm: /dev/kvm: $!\n";
my $vm = ioctl($kvm, $KVM_CREATE_VM, 0);
defined $vm or die "hold-kvm-vm: KVM_CREATE_VM: $!\n";
sleep while 1;
