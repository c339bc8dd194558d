package org.linecommerce.node;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The module borders of ARCHITECTURE.md as ArchUnit rules over a root package: a domain uses
 * another domain only through its {@code api} package; only the allowed domain-to-domain edges
 * exist (catalog is the leaf; customer uses the catalog for checkout and recommendations, as the
 * customer issue requires; conversation sits above them, gateway on top); the
 * runtime knows no domain; a domain's {@code api} does not import its own {@code internal} (the
 * api is what other domains compile against, so it must not drag the implementation with it);
 * there are no cycles between domains.
 *
 * <p>Rules allow an empty "that" set because ai-conversation and bot-gateway have no classes yet;
 * {@link ArchitectureTest} proves separately that every module's classes were imported.
 */
final class ModuleBorders {

  /** Domain package → the domains it may use (through their api). */
  static final Map<String, List<String>> ALLOWED = Map.of(
      "catalog", List.of(),
      "customer", List.of("catalog"),
      "conversation", List.of("customer", "catalog"),
      "gateway", List.of("customer", "catalog", "conversation"));

  private ModuleBorders() {}

  static List<ArchRule> rules(String root) {
    List<ArchRule> rules = new ArrayList<>();
    for (String domain : ALLOWED.keySet()) {
      for (String other : ALLOWED.keySet()) {
        if (other.equals(domain)) continue;
        String from = root + "." + domain + "..";
        String to = root + "." + other + "..";
        if (ALLOWED.get(domain).contains(other)) {
          rules.add(noClasses().that().resideInAPackage(from)
              .should().dependOnClassesThat(resideInAPackage(to).and(not(resideInAPackage(root + "." + other + ".api.."))))
              .as(domain + " uses " + other + " only through " + other + ".api")
              .allowEmptyShould(true));
        } else {
          rules.add(noClasses().that().resideInAPackage(from)
              .should().dependOnClassesThat().resideInAPackage(to)
              .as(domain + " does not use " + other)
              .allowEmptyShould(true));
        }
      }
    }
    for (String domain : ALLOWED.keySet()) {
      rules.add(noClasses().that().resideInAPackage(root + "." + domain + ".api..")
          .should().dependOnClassesThat().resideInAPackage(root + "." + domain + ".internal..")
          .as(domain + ".api does not use " + domain + ".internal")
          .allowEmptyShould(true));
    }
    rules.add(noClasses().that().resideInAPackage(root + ".runtime..")
        .should().dependOnClassesThat().resideInAnyPackage(
            ALLOWED.keySet().stream().map(d -> root + "." + d + "..").toArray(String[]::new))
        .as("runtime knows no domain")
        .allowEmptyShould(true));
    rules.add(slices().matching(root + ".(*)..").should().beFreeOfCycles()
        .as("no cycles between modules")
        .allowEmptyShould(true));
    return rules;
  }
}
