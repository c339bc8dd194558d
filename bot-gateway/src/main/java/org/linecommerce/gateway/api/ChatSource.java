package org.linecommerce.gateway.api;

import org.linecommerce.runtime.CborSerializable;

/**
 * Where a webhook event comes from: a one-to-one chat ({@code user}), a group or a room.
 *
 * @param type {@code user}, {@code group}, {@code room}, or a type unknown to us
 * @param userId the sender (may be null in groups and rooms for users who did not consent)
 */
public record ChatSource(String type, String userId, String groupId, String roomId) implements CborSerializable {

  /** The chat's id: the group's, else the room's, else the user's, else {@code "unknown"}. */
  public String chatId() {
    if (groupId != null && !groupId.isBlank()) return groupId;
    if (roomId != null && !roomId.isBlank()) return roomId;
    if (userId != null && !userId.isBlank()) return userId;
    return "unknown";
  }

  /** Whether this is a one-to-one chat with a user. */
  public boolean oneToOne() {
    return "user".equals(type) && userId != null;
  }
}
