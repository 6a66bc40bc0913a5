package dev.vmboot.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KvmErrorsTest {

    @Test
    void missingDeviceTellsHowToEnableKvm() {
        assertEquals("KVM not available: /dev/kvm is missing; enable VT-x/AMD-V in firmware, load kvm_intel or "
                + "kvm_amd", KvmErrors.openFailure("/dev/kvm", LibC.ENOENT));
        assertTrue(KvmErrors.openFailure("/dev/kvm", LibC.ENODEV).startsWith("KVM not available"));
    }

    @Test
    void permissionDeniedTellsToJoinGroupKvm() {
        String m = KvmErrors.openFailure("/dev/kvm", LibC.EACCES);
        assertTrue(m.contains("add yourself to group kvm"), m);
        assertTrue(KvmErrors.openFailure("/dev/kvm", LibC.EPERM).contains("group kvm"));
    }

    @Test
    void wrongApiVersionNamesBoth() {
        assertEquals("KVM API version 11 is not supported (vmboot needs version 12)",
                KvmErrors.apiVersionMismatch(11));
    }

    @Test
    void otherErrorsNameTheErrno() {
        assertEquals("cannot open /dev/kvm: EINVAL, invalid argument", KvmErrors.openFailure("/dev/kvm",
                LibC.EINVAL));
        assertEquals("cannot open /dev/kvm: errno 99", KvmErrors.openFailure("/dev/kvm", 99));
    }

    @Test
    void openingAMissingDeviceThroughLibcGivesTheMessage() {
        KvmException e = assertThrows(KvmException.class, () -> Kvm.open("/nonexistent/kvm"));
        assertTrue(e.getMessage().startsWith("KVM not available: /nonexistent/kvm is missing"), e.getMessage());
    }

    @Test
    void aDeviceThatIsNotKvmFailsTheVersionIoctl() {
        KvmException e = assertThrows(KvmException.class, () -> Kvm.open("/dev/null"));
        assertEquals("KVM_GET_API_VERSION failed: ENOTTY, not the device the ioctl is for", e.getMessage());
        assertEquals(25, e.errno()); // ENOTTY
    }
}
