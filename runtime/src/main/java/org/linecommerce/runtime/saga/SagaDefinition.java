package org.linecommerce.runtime.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A kind of saga: a unique name, the type of its input (a record, stored in the journal as JSON
 * text) and an ordered list of steps. Definitions are code: register each one with
 * {@link Sagas#register} on <em>every</em> node (in {@code DomainModule.init}, which runs on every
 * node), because a saga may run, and resume after a crash, on any node.
 *
 * <pre>{@code
 * SagaDefinition<Checkout> checkout = SagaDefinition.builder("checkout", Checkout.class)
 *     .step(SagaStep.<Checkout>action("reserve-stock", ctx -> catalog.reserve(ctx.input(), ctx.commandId()))
 *         .compensatedBy(ctx -> catalog.release(ctx.actionCommandId()))
 *         .withTimeout(Duration.ofSeconds(5)))
 *     .step(SagaStep.<Checkout>awaitSignal("await-confirmation", Duration.ofMinutes(15))
 *         .onSignal((ctx, payload) -> payload.path("confirmed").asBoolean()
 *             ? StepOutcome.success("confirmed") : StepOutcome.failure("cancelled by the customer"))
 *         .onDeadline(StepOutcome.failure("reservation expired")))
 *     .build();
 * }</pre>
 *
 * @param <D> the input type
 */
public final class SagaDefinition<D> {

  private final String name;
  private final Class<D> inputType;
  private final List<SagaStep<D>> steps;

  private SagaDefinition(String name, Class<D> inputType, List<SagaStep<D>> steps) {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("a saga definition needs a name");
    Objects.requireNonNull(inputType, "inputType");
    if (steps.isEmpty()) throw new IllegalArgumentException("saga " + name + " has no steps");
    Set<String> names = new HashSet<>();
    for (SagaStep<D> step : steps) {
      if (!names.add(step.name())) {
        throw new IllegalArgumentException("saga " + name + " has two steps named " + step.name());
      }
    }
    this.name = name;
    this.inputType = inputType;
    this.steps = List.copyOf(steps);
  }

  public static <D> Builder<D> builder(String name, Class<D> inputType) {
    return new Builder<>(name, inputType);
  }

  public String name() {
    return name;
  }

  public Class<D> inputType() {
    return inputType;
  }

  public List<SagaStep<D>> steps() {
    return steps;
  }

  SagaStep<D> step(int index) {
    return steps.get(index);
  }

  /** Index of the step named {@code stepName}, or -1. */
  int indexOf(String stepName) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(stepName)) return i;
    }
    return -1;
  }

  D decodeInput(ObjectMapper mapper, String json) {
    try {
      return mapper.readValue(json, inputType);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "input of saga " + name + " is not a valid " + inputType.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "SagaDefinition[" + name + ", " + steps.size() + " steps]";
  }

  public static final class Builder<D> {
    private final String name;
    private final Class<D> inputType;
    private final List<SagaStep<D>> steps = new ArrayList<>();

    private Builder(String name, Class<D> inputType) {
      this.name = name;
      this.inputType = inputType;
    }

    public Builder<D> step(SagaStep<D> step) {
      steps.add(Objects.requireNonNull(step, "step"));
      return this;
    }

    public SagaDefinition<D> build() {
      return new SagaDefinition<>(name, inputType, steps);
    }
  }
}
