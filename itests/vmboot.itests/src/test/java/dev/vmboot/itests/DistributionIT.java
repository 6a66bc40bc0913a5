package dev.vmboot.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * The distribution's bundle set in Felix: everything resolves and starts, every vmboot DS component is satisfied, and
 * the vmboot commands run through the gogo command processor.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DistributionIT extends VmbootContainer {

    @Inject
    private ServiceComponentRuntime scr;

    @Test
    public void everyDistributionBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        int vmbootBundles = 0;
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int expected = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != expected) {
                notActive.add(b.getSymbolicName() + " state " + b.getState());
            }
            if (b.getSymbolicName().startsWith("vmboot.")) {
                vmbootBundles++;
            }
        }
        assertEquals("bundles not active: " + notActive, List.of(), notActive);
        assertTrue("vmboot bundles installed: " + vmbootBundles, vmbootBundles >= 3);
    }

    @Test
    public void everyVmbootComponentIsSatisfied() {
        List<String> unsatisfied = new ArrayList<>();
        int components = 0;
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (!d.bundle.symbolicName.startsWith("vmboot.")) {
                continue;
            }
            components++;
            for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                if (c.state != ComponentConfigurationDTO.ACTIVE && c.state != ComponentConfigurationDTO.SATISFIED) {
                    unsatisfied.add(d.name + " state " + c.state + " unsatisfied " + c.unsatisfiedReferences.length);
                }
            }
        }
        assertEquals(List.of(), unsatisfied);
        assertTrue("vmboot components: " + components, components >= 2);
    }

    @Test
    public void devicesCommandListsThePlugIns() throws Exception {
        String out = run("vmboot:devices");
        assertTrue(out, out.contains("filesystem readers:"));
        assertTrue(out, out.contains("boot protocols:"));
        assertTrue(out, out.contains("hypervisors:"));
        assertTrue("each hypervisor is listed by its name: " + out,
                out.matches("(?s).*hypervisors:\\R  kvm +vmboot\\.machine .*"));
        for (String type : new String[] {"blk", "console", "net", "rng"}) {
            assertTrue("the virtio " + type + " plug-in is found at run time and listed by its type: " + out,
                    out.matches("(?s).*virtio devices:\\R(?:  .*\\R)*?  " + type + " +vmboot\\.virtio\\." + type + " .*"));
        }
    }

    @Test
    public void failingCommandsGiveTheirReason() throws Exception {
        try {
            run("vmboot:ls 'no-such-disk.img:1:/'");
            throw new AssertionError("ls of a missing image succeeded");
        } catch (IOException | IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("no-such-disk.img"));
        }
    }

    @Test
    public void everyVmbootCommandIsRegistered() throws Exception {
        for (String fn : new String[] {"scan", "ls", "cat", "extract", "boot", "list", "stop", "devices"}) {
            String help = run("help vmboot:" + fn);
            assertFalse("no help for " + fn, help.isBlank());
        }
    }

}
