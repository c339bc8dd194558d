package org.linecommerce.runtime;

/**
 * Marker for every message and event that crosses an actor, node or journal boundary. It is the
 * only type bound to Pekko's Jackson CBOR serializer ({@code serialization-bindings} in the
 * runtime's reference.conf); Java serialization is off.
 */
public interface CborSerializable {}
