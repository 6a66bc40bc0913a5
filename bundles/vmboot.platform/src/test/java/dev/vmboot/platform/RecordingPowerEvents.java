package dev.vmboot.platform;

/** Counts power-off and reset requests. */
final class RecordingPowerEvents implements PowerEvents {

    int powerOffs;
    int resets;

    @Override
    public synchronized void powerOff() {
        powerOffs++;
    }

    @Override
    public synchronized void reset() {
        resets++;
    }
}
