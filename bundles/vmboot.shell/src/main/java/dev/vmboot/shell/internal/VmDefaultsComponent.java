package dev.vmboot.shell.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM defaults of the autoboot menu, configured by PID {@value VmDefaultsConfiguration#PID}; a change applies to
 * the next boot. An invalid configuration is logged in one line and the settings before it stay (the defaults, when
 * vmboot starts with it); immediate, so that it keeps them.
 */
@Component(service = {VmDefaultsComponent.class, ConfigurationCheck.class}, immediate = true,
        configurationPid = VmDefaultsConfiguration.PID)
@Designate(ocd = VmDefaultsConfiguration.class)
public class VmDefaultsComponent implements ConfigurationCheck {
    private static final Logger LOG = LoggerFactory.getLogger(VmDefaultsComponent.class);

    private volatile VmDefaults current = VmDefaults.STANDARD;

    @Activate
    @Modified
    void configure(Map<String, Object> properties) {
        try {
            current = read(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("configuration {}: {}; the VM defaults stay memory {}, {} vCPU(s), disks {}",
                    VmDefaultsConfiguration.PID, e.getMessage(), current.memory(), current.cpus(), current.disks());
        }
    }

    VmDefaults current() {
        return current;
    }

    @Override
    public String pid() {
        return VmDefaultsConfiguration.PID;
    }

    @Override
    public void check(Map<String, ?> properties) {
        read(properties);
    }

    private static VmDefaults read(Map<String, ?> properties) {
        return VmDefaults.from(ConfigurationView.of(VmDefaultsConfiguration.class, properties));
    }
}
