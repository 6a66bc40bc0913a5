package dev.vmboot.payload;

/** Classes BundleClassClosureTest puts into a root jar and a library jar. */
final class SlimFixtures {
    private SlimFixtures() {
    }

    /** In the root jar: uses the library's Used. */
    static final class Root {
        int use() {
            return new Used().value();
        }
    }

    /** In the library: reached from Root, and reaches Transitive. */
    static final class Used {
        int value() {
            return Transitive.ONE + 1;
        }
    }

    /** In the library: reached only through Used. */
    static final class Transitive {
        static final int ONE = Integer.parseInt("1");
    }

    /** In the library: named only by a META-INF/services file. */
    static final class Provider {
    }

    /** In the library: nothing refers to it. */
    static final class Unused {
    }
}
