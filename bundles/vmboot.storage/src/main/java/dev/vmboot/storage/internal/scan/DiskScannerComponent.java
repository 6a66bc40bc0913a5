package dev.vmboot.storage.internal.scan;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import dev.vmboot.api.boot.BootImage;
import dev.vmboot.api.fs.FileSystem;
import dev.vmboot.api.fs.FileSystemReader;
import dev.vmboot.api.scan.DiskReport;
import dev.vmboot.api.scan.DiskScanner;
import dev.vmboot.api.scan.Location;
import dev.vmboot.api.storage.Storage;

/**
 * The {@link DiskScanner} service: every {@link FileSystemReader} service present is used (a reader bundle that stops
 * disappears from the next volume scanned, one that starts joins it), configured by {@link ScanConfiguration}.
 */
@Component(service = DiskScanner.class, configurationPid = ScanConfiguration.PID)
@Designate(ocd = ScanConfiguration.class)
public class DiskScannerComponent implements DiskScanner {

    @Reference
    private Storage storage;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<FileSystemReader> readers = new CopyOnWriteArrayList<>();

    private volatile ScanEngine engine;

    @Activate
    @Modified
    void configure(ScanConfiguration configuration) {
        engine = new ScanEngine(storage, readers, ScanSettings.from(configuration));
    }

    @Override
    public List<DiskReport> scan(List<String> disks, Consumer<String> progress) throws IOException {
        return engine.scan(disks, progress);
    }

    @Override
    public FileSystem openFileSystem(Location volume) throws IOException {
        return engine.openFileSystem(volume);
    }

    @Override
    public BootImage loadImage(String locationOrFile) throws IOException {
        return engine.loadImage(locationOrFile);
    }

    @Override
    public BootImage loadFile(String locationOrFile) throws IOException {
        return engine.loadFile(locationOrFile);
    }
}
