package org.linecommerce.conversation.api;

import org.linecommerce.runtime.CborSerializable;

/** A suggestion a chat UI shows as a button: {@code label} (short) sends {@code text} when tapped. */
public record QuickReply(String label, String text) implements CborSerializable {}
