package dev.vmboot.boottests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessFootprintTest {

    @Test
    void readsThreadsAndResidentSetFromStatusText() {
        String status = "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nVmPeak:\t 3662848 kB\nVmSize:\t 3600000 kB\n"
                + "VmRSS:\t  131072 kB\nRssAnon:\t   65536 kB\nThreads:\t17\nSigQ:\t0/95000\n";
        ProcessFootprint f = ProcessFootprint.parse(status, 9);
        assertEquals(new ProcessFootprint(17, 9, 3_600_000, 131072), f);
        assertEquals("17 threads, 9 descriptors, address space 3515 MiB, RSS 128 MiB", f.toString());
    }

    @Test
    void aStatusWithoutTheFieldIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessFootprint.parse("Name:\tjava\nThreads:\t3\nVmSize:\t1000 kB\n", 1));
        assertTrue(e.getMessage().contains("VmRSS:"), e.getMessage());
    }

    @Test
    void readsThisProcess() throws Exception {
        ProcessFootprint self = ProcessFootprint.of(ProcessHandle.current().pid());
        assertTrue(self.threads() >= 1 && self.descriptors() >= 3 && self.rssKib() > 1024, self.toString());
    }
}
