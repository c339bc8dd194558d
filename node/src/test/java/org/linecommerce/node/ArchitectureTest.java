package org.linecommerce.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Enforces the module borders on the production code of every module. */
class ArchitectureTest {

  @Test
  void productionCodeKeepsTheModuleBorders() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
        .importPackages("org.linecommerce");
    assertThat(classes).as("the runtime's classes are imported").isNotEmpty();
    for (ArchRule rule : ModuleBorders.rules("org.linecommerce")) {
      rule.check(classes);
    }
  }

  @Test
  void rulesCatchADomainReachingIntoAnotherDomainsInternals() {
    // archfixture.customer reaches into archfixture.catalog.internal (only catalog.api is allowed),
    // and catalog.api calls back into customer (a cycle)
    JavaClasses fixture = new ClassFileImporter().importPackages("archfixture");
    List<String> violated = ModuleBorders.rules("archfixture").stream()
        .filter(rule -> {
          EvaluationResult result = rule.evaluate(fixture);
          return result.hasViolation();
        })
        .map(ArchRule::getDescription)
        .toList();
    assertThat(violated).contains("customer uses catalog only through catalog.api", "no cycles between modules");
  }
}
