package org.linecommerce.runtime;

/**
 * A persisted event that other domains may subscribe to. {@link #eventType()} is the seeds'
 * dotted name ({@code customer.created}); {@link #eventVersion()} grows when the payload changes,
 * and old versions stay readable.
 */
public interface DomainEvent extends CborSerializable {
  MessageMeta meta();

  String eventType();

  default int eventVersion() {
    return 1;
  }
}
