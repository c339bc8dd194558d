package org.linecommerce.gateway.line;

/** A user's LINE profile ({@code GET /v2/bot/profile/{userId}}); {@code language} is null when LINE does not tell. */
public record LineProfile(String userId, String displayName, String pictureUrl, String statusMessage, String language) {}
