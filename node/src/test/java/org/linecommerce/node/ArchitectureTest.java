package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Enforces the module borders ({@link ModuleBorders}) on the production code of every module.
 *
 * <p>The classes are imported by package from wherever the class path holds them: {@code
 * target/classes} folders when the reactor stops at {@code test} (or in an IDE), the modules' jars
 * when it runs to {@code package}/{@code verify}. Jars are therefore not excluded, only test
 * classes; and the test first checks that a known production class of every module was imported,
 * so a rule can never pass because it saw nothing.
 */
class ArchitectureTest {

  /**
   * One production class per module that has any. bot-gateway holds only a package-info so far:
   * add its first class here when it gets one.
   */
  static final List<String> KNOWN_CLASSES = List.of(
      "org.linecommerce.runtime.node.Node",
      "org.linecommerce.catalog.CatalogModule",
      "org.linecommerce.catalog.api.CatalogClient",
      "org.linecommerce.catalog.internal.CatalogImport",
      "org.linecommerce.customer.CustomerModule",
      "org.linecommerce.customer.api.CustomerClient",
      "org.linecommerce.customer.internal.Customer",
      "org.linecommerce.conversation.ConversationModule",
      "org.linecommerce.conversation.api.ConversationCommand",
      "org.linecommerce.conversation.internal.Conversation",
      "org.linecommerce.node.Main");

  static JavaClasses productionClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.linecommerce");
  }

  @Test
  void importsTheProductionClassesOfEveryModuleWhateverTheMavenPhase() {
    JavaClasses classes = productionClasses();
    for (String known : KNOWN_CLASSES) {
      assertThat(classes.contain(known)).as("imported %s", known).isTrue();
    }
    assertThat(classes.stream().map(c -> c.getName()))
        .as("no test class is imported")
        .noneMatch(name -> name.endsWith("Test") || name.endsWith("IT"));
  }

  @Test
  void productionCodeKeepsTheModuleBorders() {
    JavaClasses classes = productionClasses();
    assertThat(KNOWN_CLASSES).allMatch(classes::contain);
    List<String> violations = ModuleBorders.rules("org.linecommerce").stream()
        .map(rule -> rule.evaluate(classes))
        .filter(EvaluationResult::hasViolation)
        .map(result -> result.getFailureReport().toString())
        .toList();
    assertThat(violations).as("module border violations").isEmpty();
  }

  @Test
  void everyRuleFailsOnAViolation() {
    // the fixture breaks each kind of rule once: customer.internal reaches into catalog.internal,
    // catalog.api calls back into customer (a cycle, and catalog may use no domain), customer.api
    // imports customer.internal, and runtime imports a domain
    JavaClasses fixture = new ClassFileImporter().importPackages("archfixture");
    List<String> violated = ModuleBorders.rules("archfixture").stream()
        .filter(rule -> {
          EvaluationResult result = rule.evaluate(fixture);
          return result.hasViolation();
        })
        .map(ArchRule::getDescription)
        .toList();
    assertThat(violated).contains(
        "customer uses catalog only through catalog.api",
        "catalog does not use customer",
        "customer.api does not use customer.internal",
        "runtime knows no domain",
        "no cycles between modules");
  }
}
