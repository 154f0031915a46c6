package io.gyre.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries, as rules that fail the build when code crosses them. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.gyre");
    }

    @Test
    void theApiDependsOnNoOtherGyreModule() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.gyre.api")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.gyre.core..", "io.gyre.cli..", "io.gyre.testkit..", "io.gyre.results..")
                .because("gyre-api is the model and the SPIs every module and adapter builds on");
        rule.check(classes);
    }

    @Test
    void theEngineNeverImportsTheCli() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.gyre.core")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.gyre.cli..", "picocli..")
                .because("the engine is embedded by servers and programs that have no command line");
        rule.check(classes);
    }

    @Test
    void theEngineKnowsNoStoreAdapter() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.gyre.core")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.gyre.redis..", "redis..")
                .because("the engine sees stores only through the gyre-api SPIs; the CLI picks the adapter");
        rule.check(classes);
    }

    @Test
    void resultsDependOnTheApiOnlyNotTheEngine() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.gyre.results")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.gyre.core..", "io.gyre.cli..", "org.apache.hadoop..")
                .because("result formats and the merge are a library the engine, the CLI and servers share, and"
                        + " Parquet is used without Hadoop (docs/adr/0008-parquet-library.md)");
        rule.check(classes);
    }

    @Test
    void theApiHasNoHeavyDependencies() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.gyre.api")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.fasterxml..", "org.yaml..", "picocli..", "org.apache.parquet..")
                .because("adapters depend on gyre-api only and must not inherit its libraries");
        rule.check(classes);
    }

    @Test
    void engineCodeReadsTimeOnlyThroughAnInjectedClock() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage("io.gyre.core")
                .should()
                .callMethod(java.time.Instant.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .callMethod(Thread.class, "sleep", long.class)
                .because("time and waiting are injected so tests can drive a manual clock");
        rule.check(classes);
    }

    @Test
    void oneFlatPackagePerModule() {
        ArchRule rule = classes()
                .should()
                .resideInAnyPackage(
                        "io.gyre.api",
                        "io.gyre.core",
                        "io.gyre.cli",
                        "io.gyre.testkit",
                        "io.gyre.redis",
                        "io.gyre.results")
                .because("the module boundary is the architecture: a group that wants a package wants a module");
        rule.check(classes);
    }
}
