package dev.constellation.maven;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;
import java.util.TreeSet;
import org.apache.maven.plugin.Mojo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package rules of docs/architecture.md, checked on the compiled classes of every
 * product module. It lives in the Maven plugin's tests because this module depends, directly or
 * through others, on all the product modules (api, orchestrator, agent, aws), so its test class
 * path holds all their classes without a module of its own. The test-support modules (the AWS fake,
 * the loopback test services) are on that path too, with test scope: the rules check that nothing
 * that ships uses them. Test classes are not imported: the rules are about what ships.
 */
class ArchitectureTest {

  private static JavaClasses product;

  @BeforeAll
  static void importProductClasses() {
    product = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.constellation");
    // A rule over no classes passes whatever the code does: check every module was found.
    Set<String> modules = new TreeSet<>();
    for (JavaClass c : product) {
      String rest = c.getPackageName().substring("dev.constellation.".length());
      modules.add(rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest);
    }
    assertThat(modules).contains("api", "orchestrator", "agent", "aws", "maven", "awsfake", "testservices");
  }

  @Test
  void theApiJarDependsOnNothingButTheJdk() {
    classes().that().resideInAPackage("dev.constellation.api..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.constellation.api..", "java..")
        .because("scripts compile against the api jar alone; it must pull nothing onto their class path")
        .check(product);
  }

  @Test
  void modulesDependOnlyDownwards() {
    // api <- orchestrator <- agent <- aws <- maven (plugin): each may use the ones to its left.
    check(noClasses().that().resideInAPackage("dev.constellation.orchestrator..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.constellation.agent..", "dev.constellation.aws..", "dev.constellation.maven.."));
    check(noClasses().that().resideInAPackage("dev.constellation.agent..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.constellation.aws..", "dev.constellation.maven.."));
    check(noClasses().that().resideInAPackage("dev.constellation.aws..")
        .should().dependOnClassesThat().resideInAPackage("dev.constellation.maven.."));
  }

  @Test
  void nothingThatShipsUsesTheTestSupportModules() {
    // The AWS fake (constellation-aws-fake) and the loopback services (constellation-test-services)
    // are test-scope dependencies: only tests, which this import leaves out, may use them.
    check(noClasses().that().resideInAnyPackage("dev.constellation.api..", "dev.constellation.orchestrator..",
            "dev.constellation.agent..", "dev.constellation.aws..", "dev.constellation.maven..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.constellation.awsfake..", "dev.constellation.testservices..")
        .because("the AWS fake and the test services are test support; no product jar may need them at run time"));
  }

  @Test
  void theTestServicesDependOnNoConstellationModule() {
    // Below the orchestrator in the build order, so every module's tests (the orchestrator's too) can use them.
    check(noClasses().that().resideInAPackage("dev.constellation.testservices..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.constellation.api..", "dev.constellation.orchestrator..",
            "dev.constellation.agent..", "dev.constellation.aws..", "dev.constellation.maven..", "dev.constellation.awsfake.."));
  }

  @Test
  void theOrchestratorCoreKnowsNoneOfItsAdapters() {
    check(noClasses().that().resideInAPackage("dev.constellation.orchestrator")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.constellation.orchestrator.http..", "dev.constellation.orchestrator.lambda..",
            "dev.constellation.orchestrator.dynamodb..")
        .because("the Lambda, DynamoDB and HTTP adapters plug into the core, never the other way"));
  }

  @Test
  void mavenTypesStayInTheMojos() {
    // The mojos (ours and the generated HelpMojo) and ProjectClasspath, which turns the Maven
    // project into a plain class path for them, are the only classes that see Maven.
    DescribedPredicate<JavaClass> partOfAMojo = new DescribedPredicate<>("part of a mojo") {
      @Override
      public boolean test(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
          if (k.isAssignableTo(Mojo.class) || k.isEquivalentTo(ProjectClasspath.class)) {
            return true;
          }
        }
        return false;
      }
    };
    check(noClasses().that(DescribedPredicate.not(partOfAMojo))
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.maven..", "org.codehaus.plexus..")
        .because("planning, running, images and reports are plain Java that tests and other tools call without Maven"));
  }

  @Test
  void theAgentCoreUsesNoAwsSdkTypesOutsideTheStoreAdapters() {
    check(noClasses().that().resideInAPackage("dev.constellation.agent..")
        .and().resideOutsideOfPackages("dev.constellation.agent.results.s3..", "dev.constellation.agent.results.timestream..")
        .and().doNotHaveFullyQualifiedName("dev.constellation.agent.results.reliable.AwsErrors")
        .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..")
        .because("the agent runs with a local results store and no AWS at all; the S3 and Timestream stores"
            + " (and the reliable sink's classification of their errors) are the only adapters to the SDK"));
  }

  @Test
  void theOrchestratorUsesAwsTypesOnlyInItsLambdaAndDynamoDbAdapters() {
    check(noClasses().that().resideInAPackage("dev.constellation.orchestrator..")
        .and().resideOutsideOfPackages("dev.constellation.orchestrator.lambda..", "dev.constellation.orchestrator.dynamodb..")
        .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws.."));
  }

  @Test
  void noModuleCycles() {
    check(slices().matching("dev.constellation.(*)..").should().beFreeOfCycles());
  }

  @Test
  void noPackageCycles() {
    check(slices().matching("dev.constellation.(**)").should().beFreeOfCycles());
  }

  private static void check(ArchRule rule) {
    rule.check(product);
  }
}
