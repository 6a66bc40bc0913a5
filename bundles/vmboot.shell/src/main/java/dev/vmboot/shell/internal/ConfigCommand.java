package dev.vmboot.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * {@code vmboot:config}: every setting the installed bundles describe with Metatype, its value in Configuration Admin,
 * and a change of it at run time, checked first by its Metatype description (type, range, options) and by the
 * component it configures. A change lasts until vmboot stops; {@code etc/PID.cfg} keeps one across starts.
 */
@Component(service = ConfigCommand.class, property = {"osgi.command.scope=vmboot", "osgi.command.function=config"})
public class ConfigCommand {
    static final CommandSyntax SYNTAX = new CommandSyntax("config", List.of(), 0, Integer.MAX_VALUE,
            "nothing, a PID, or a PID and KEY=VALUE settings",
            String.join("\n",
                    "usage: config [PID [KEY=VALUE...]]",
                    "  (nothing)         the configurable PIDs",
                    "  PID               that PID's settings: value, type, range, default and what each does",
                    "  PID KEY=VALUE...  change settings at run time (lists comma-separated), checked first; the",
                    "                    change lasts until vmboot stops (etc/PID.cfg keeps settings across starts)"));
    private static final int WIDTH = MenuScreen.WIDTH;

    private final BundleContext context;

    @Reference
    private ConfigurationAdmin configAdmin;

    @Reference
    private MetaTypeService metaType;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<ConfigurationCheck> checks = new CopyOnWriteArrayList<>();

    @Activate
    public ConfigCommand(BundleContext context) {
        this.context = context;
    }

    @Descriptor("Show or change the settings described by Metatype: config [PID [KEY=VALUE...]] (config --help)")
    public String config(@Descriptor("[PID [KEY=VALUE...]]") String... arguments)
            throws IOException {
        CommandArguments args;
        try {
            args = SYNTAX.parse(arguments);
        } catch (CommandArguments.HelpRequested help) {
            return help.usage();
        }
        List<String> operands = args.operands();
        Map<String, ObjectClassDefinition> described = described();
        if (operands.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            described.forEach((pid, ocd) -> sb.append(clip(String.format("%-26s %s", pid, ocd.getName())))
                    .append('\n'));
            return sb.length() == 0 ? "no settings are described" : sb.toString().stripTrailing();
        }
        String pid = operands.get(0);
        ObjectClassDefinition ocd = Optional.ofNullable(described.get(pid)).orElseThrow(() -> new UsageException(
                "config: no settings are described for PID " + CommandArguments.shown(pid)
                        + "; vmboot:config lists the PIDs"));
        Map<String, Object> current = current(pid);
        if (operands.size() == 1) {
            return describe(pid, ocd, current);
        }
        Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            attributes.put(ad.getID(), ad);
        }
        Map<String, Object> changed = new TreeMap<>(current);
        Map<String, Object> rawSettings = new TreeMap<>(current);
        Map<String, AttributeDefinition> changedDefinitions = new TreeMap<>();
        for (String setting : operands.subList(1, operands.size())) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("config: " + CommandArguments.shown(setting)
                        + " is not KEY=VALUE, e.g. timeout=10");
            }
            String key = setting.substring(0, eq);
            AttributeDefinition ad = attributes.get(key);
            if (ad == null) {
                throw new UsageException("config: " + pid + " has no setting " + CommandArguments.shown(key)
                        + "; it has " + String.join(", ", attributes.keySet()));
            }
            rawSettings.put(key, setting.substring(eq + 1));
            changedDefinitions.put(key, ad);
        }
        // The component's own sentence first: it says what a value may be where Metatype only says it is not.
        check(pid, rawSettings);
        changedDefinitions.forEach((key, ad) -> changed.put(key, typed(ad, (String) rawSettings.get(key))));
        check(pid, changed);
        Configuration configuration = configuration(pid);
        Dictionary<String, Object> properties = new Hashtable<>();
        changed.forEach(properties::put);
        configuration.update(properties);
        return pid + " changed: " + String.join(" ", operands.subList(1, operands.size()));
    }

    private void check(String pid, Map<String, Object> properties) {
        for (ConfigurationCheck check : checks) {
            if (check.pid().equals(pid)) {
                try {
                    check.check(properties);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("config: " + pid + ": " + e.getMessage());
                }
            }
        }
    }

    /** The value of one setting as its Metatype type says, checked by its description (range, options). */
    private static Object typed(AttributeDefinition ad, String value) {
        List<String> values = ad.getCardinality() == 0 ? List.of(value)
                : Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
        List<Object> out = new ArrayList<>();
        for (String v : values) {
            String problem = ad.validate(v);
            if (problem != null && !problem.isEmpty()) {
                throw new UsageException("config: " + ad.getID() + "=" + CommandArguments.shown(v) + " is refused: "
                        + problem + allowed(ad));
            }
            out.add(switch (ad.getType()) {
            case AttributeDefinition.INTEGER -> Integer.valueOf(v.trim());
            case AttributeDefinition.LONG -> Long.valueOf(v.trim());
            case AttributeDefinition.BOOLEAN -> Boolean.valueOf(v.trim());
            default -> v;
            });
        }
        if (ad.getCardinality() == 0) {
            return out.get(0);
        }
        return out.stream().map(String::valueOf).toArray(String[]::new);
    }

    private static String allowed(AttributeDefinition ad) {
        String[] options = ad.getOptionValues();
        return options == null || options.length == 0 ? "" : " (one of " + String.join(", ", options) + ")";
    }

    private String describe(String pid, ObjectClassDefinition ocd, Map<String, Object> current) {
        StringBuilder sb = new StringBuilder(clip(pid + ": " + ocd.getName())).append('\n');
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            Object value = current.get(ad.getID());
            String shown = value == null ? String.join(",", Optional.ofNullable(ad.getDefaultValue())
                    .orElse(new String[0])) : value instanceof String[] a ? String.join(",", a) : String.valueOf(value);
            sb.append(clip("  " + ad.getID() + " = " + MenuScreen.printable(shown) + "   (" + typeName(ad)
                    + allowed(ad) + (value == null ? ", the default" : "") + ")")).append('\n');
            for (String line : wrap(ad.getDescription(), WIDTH - 6)) {
                sb.append("      ").append(line).append('\n');
            }
        }
        return sb.toString().stripTrailing();
    }

    private static String typeName(AttributeDefinition ad) {
        String type = switch (ad.getType()) {
        case AttributeDefinition.INTEGER -> "integer";
        case AttributeDefinition.LONG -> "long";
        case AttributeDefinition.BOOLEAN -> "true/false";
        default -> "text";
        };
        return ad.getCardinality() == 0 ? type : "list of " + type;
    }

    /** The PIDs described by the installed bundles, with their definitions, by PID. */
    private Map<String, ObjectClassDefinition> described() {
        Map<String, ObjectClassDefinition> all = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String pid : info.getPids()) {
                all.put(pid, info.getObjectClassDefinition(pid, null));
            }
        }
        return all;
    }

    private Map<String, Object> current(String pid) throws IOException {
        Map<String, Object> values = new TreeMap<>();
        Optional<Configuration> c = existing(pid);
        if (c.isPresent() && c.get().getProperties() != null) {
            Dictionary<String, Object> p = c.get().getProperties();
            for (Enumeration<String> keys = p.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                values.put(key, p.get(key));
            }
        }
        return values;
    }

    private Configuration configuration(String pid) throws IOException {
        Optional<Configuration> c = existing(pid);
        return c.isPresent() ? c.get() : configAdmin.getConfiguration(pid, "?");
    }

    private Optional<Configuration> existing(String pid) throws IOException {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
            return found == null || found.length == 0 ? Optional.empty() : Optional.of(found[0]);
        } catch (InvalidSyntaxException e) {
            throw new UsageException("config: " + CommandArguments.shown(pid) + " is not a PID");
        }
    }

    private static String clip(String line) {
        return line.length() <= WIDTH ? line : line.substring(0, WIDTH - 3) + "...";
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : (text == null ? "" : text).split("\\s+")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() == 0 ? "" : " ").append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }
}
