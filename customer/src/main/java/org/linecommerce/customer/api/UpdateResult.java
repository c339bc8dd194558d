package org.linecommerce.customer.api;

import org.linecommerce.runtime.CborSerializable;

/**
 * What a write did: {@code CREATED} (the customer was registered by it), {@code UPDATED},
 * {@code UNCHANGED} (nothing persisted: the same data again) or {@code ERASED}; with the customer
 * as it is now.
 */
public record UpdateResult(Outcome outcome, CustomerView customer) implements CborSerializable {

  public enum Outcome { CREATED, UPDATED, UNCHANGED, ERASED }
}
