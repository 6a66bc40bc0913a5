package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** api.rst 4.5: what KVM_CAP_MAX_VCPUS and KVM_CAP_NR_VCPUS say about the vCPUs of one VM. */
class KvmVcpuLimitTest {

    @Test
    void maxVcpusWinsThenNrVcpusThenFour() {
        assertEquals(288, Kvm.maxVcpus(288, 32));
        assertEquals(32, Kvm.maxVcpus(0, 32));
        assertEquals(4, Kvm.maxVcpus(0, 0));
    }
}
