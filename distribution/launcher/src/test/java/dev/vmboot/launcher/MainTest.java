package dev.vmboot.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {
    private static boolean oneShotInstalls(String etcFile) {
        return etcFile.matches(Main.ONE_SHOT_ETC_FILTER);
    }

    @Test
    void aOneShotRunTakesTheConfigurationButNotTheDeployWatcher() {
        assertTrue(oneShotInstalls("dev.vmboot.storage.scan.cfg"));
        assertTrue(oneShotInstalls("org.apache.felix.log.config"));
        assertFalse(oneShotInstalls("org.apache.felix.fileinstall-deploy.cfg"));
        assertFalse(oneShotInstalls("gosh_profile"), "etc/ holds the shell profile too, which is no configuration");
    }
}
