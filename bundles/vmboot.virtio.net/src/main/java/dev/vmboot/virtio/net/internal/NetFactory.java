package dev.vmboot.virtio.net.internal;

import java.io.IOException;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.vmboot.api.virtio.VirtioDevice;
import dev.vmboot.api.virtio.VirtioDeviceFactory;
import dev.vmboot.virtio.DeviceCounters;

/**
 * Creates virtio-net devices: {@code net,tap=NAME[,mac=MAC][,vm=NAME]}. The tap is opened here, before the machine
 * starts, so a missing {@code /dev/net/tun}, a missing permission or a tap in use is one error of {@code boot}, and
 * created (non-persistent) if it does not exist and this process may. Stateless: each device owns its tap.
 */
@Component(property = VirtioDeviceFactory.TYPE_PROPERTY + "=" + NetFactory.TYPE)
public final class NetFactory implements VirtioDeviceFactory {
    static final String TYPE = "net";
    /** The offloads offered when the tap takes them all. */
    static final int ALL_OFFLOADS = TapDevice.TUN_F_CSUM | TapDevice.TUN_F_TSO4 | TapDevice.TUN_F_TSO6;

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * @throws IllegalArgumentException for a missing tap, an unknown option or a malformed value
     * @throws IOException              if the tap cannot be opened or created, saying why
     */
    @Override
    public VirtioDevice create(Map<String, String> options) throws IOException {
        NetOptions parsed = NetOptions.parse(options);
        return create(parsed, LinuxTap.open(parsed.tap(), VirtioNet.MAX_PACKET));
    }

    /** The device over an opened tap (tests give a memory one); closes the tap if the device cannot be made. */
    static VirtioNet create(NetOptions options, TapDevice tap) {
        try {
            return new VirtioNet(options, tap, takesOffloads(tap), VirtioNet.BUFFER_WAIT_MILLIS,
                    new DeviceCounters<>(NetCounter.class));
        } catch (RuntimeException e) {
            tap.close();
            throw e;
        }
    }

    /** Whether the tap takes checksum and TSO offloads (TUNSETOFFLOAD); it is left with none until activation. */
    private static boolean takesOffloads(TapDevice tap) {
        try {
            tap.setOffload(ALL_OFFLOADS);
            tap.setOffload(0);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
