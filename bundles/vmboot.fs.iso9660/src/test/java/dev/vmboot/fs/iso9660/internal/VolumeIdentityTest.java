package dev.vmboot.fs.iso9660.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Labels and UUIDs derived the way libblkid derives them, for the cases the image tests cannot easily make. */
class VolumeIdentityTest {

    /** blkid takes the case of the Joliet part and appends the rest of the primary label as recorded. */
    @Test
    void jolietPrefixIsExtendedByThePrimaryLabel() {
        assertEquals("Install Medium fOR_AMD64", label("INSTALL_MEDIUM_FOR_AMD64", "Install Medium f"));
        assertEquals("Debian 12.5.0 amd64 1", label("Debian 12.5.0 amd64 1", "Debian 12.5.0 am"));
    }

    @Test
    void underscoresStandForWhatTheOtherSideCouldNotHold() {
        assertEquals("Grüße", label("GR__E", "Grüße"));
        assertEquals("Kopie (2)", label("KOPIE (2)", "Kopie _2)"));
    }

    @Test
    void aJolietLabelThatIsNoPrefixWins() {
        assertEquals("Something else", label("DISK", "Something else"));
    }

    @Test
    void withoutJolietThePrimaryLabelIsTrimmed() {
        VolumeDescriptorSet set = new VolumeDescriptorSet(descriptor(1, padded("PLAIN LABEL", 32, false)),
                Optional.empty(), -1);
        assertEquals("PLAIN LABEL", VolumeIdentity.label(set));
    }

    @Test
    void uuidIsTheModificationDateElseTheCreationDate() {
        byte[] created = date("2020010203040506", 0);
        byte[] modified = date("2024123123595999", 4);
        assertEquals("2024-12-31-23-59-59-99", VolumeIdentity.uuid(set(created, modified)));
        assertEquals("2020-01-02-03-04-05-06", VolumeIdentity.uuid(set(created, date("0000000000000000", 0))));
        assertEquals("", VolumeIdentity.uuid(set(date("0000000000000000", 0), date("0000000000000000", 0))));
        assertEquals("0000-00-00-00-00-00-00", VolumeIdentity.uuid(set(date("0000000000000000", 8),
                date("0000000000000000", 0))), "an offset makes an all-zero date a set one, as in blkid");
    }

    private static String label(String primary, String joliet) {
        VolumeDescriptorSet set = new VolumeDescriptorSet(descriptor(1, padded(primary, 32, false)),
                Optional.of(descriptor(2, padded(joliet, 32, true))), -1);
        return VolumeIdentity.label(set);
    }

    private static VolumeDescriptorSet set(byte[] created, byte[] modified) {
        VolumeDescriptor pvd = new VolumeDescriptor(1, 0, padded("", 32, false), new byte[32], 100, null, created,
                modified);
        return new VolumeDescriptorSet(pvd, Optional.empty(), -1);
    }

    private static VolumeDescriptor descriptor(int type, byte[] volumeId) {
        return new VolumeDescriptor(type, 0, volumeId, new byte[32], 100, null, new byte[17], new byte[17]);
    }

    private static byte[] padded(String s, int length, boolean ucs2) {
        byte[] text = s.getBytes(ucs2 ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i += ucs2 ? 2 : 1) {
            if (ucs2) {
                out[i + 1] = ' ';
            } else {
                out[i] = ' ';
            }
        }
        System.arraycopy(text, 0, out, 0, Math.min(text.length, length));
        return out;
    }

    private static byte[] date(String digits, int offset) {
        byte[] d = Arrays.copyOf(digits.getBytes(StandardCharsets.US_ASCII), 17);
        d[16] = (byte) offset;
        return d;
    }
}
