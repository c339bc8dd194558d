package org.linecommerce.conversation.internal.provider;

/**
 * What the assistant did for a message, so that a provider can say it: the actions are ours, the
 * words are the provider's.
 *
 * @param detail a short reason or extra fact (e.g. why an order was not placed), or null
 */
public record Outcome(Kind kind, String detail) {

  public enum Kind {
    /** Hello: greet (by name when the profile is known) and suggest what to ask. */
    GREETED,
    /** Thanks: you're welcome, with suggestions. */
    THANKED,
    /** Products found for a search ({@code products}, in stock first). */
    PRODUCTS_FOUND,
    /** Nothing matched the search. */
    NO_PRODUCTS_FOUND,
    /** The price of {@code focus} (one product) and what else was found. */
    PRICE_GIVEN,
    /** The availability of {@code focus}: {@code stock} units available (0 = out of stock). */
    STOCK_GIVEN,
    /** Price, stock or order asked without a product the assistant could identify: ask which one. */
    PRODUCT_NEEDED,
    /** Order intent for {@code focus} without a quantity: ask how many. */
    QUANTITY_NEEDED,
    /** An order was placed: {@code order} is pending; tell the summary and ask to confirm or cancel. */
    ORDER_PLACED,
    /** The order could not be placed; {@code detail} says why (out of stock, invalid, unavailable). */
    ORDER_NOT_PLACED,
    /** The customer's orders ({@code orders}, newest first) or the one asked about ({@code order}). */
    ORDER_STATUS_GIVEN,
    /** The customer has no orders. */
    NO_ORDERS,
    /** The chat is handed to a human: say so; the bot is quiet until handback. */
    HANDED_OFF,
    /** A complaint was recorded: apologise and offer a human. */
    COMPLAINT_RECORDED,
    /** The catalog or the order service did not answer in time: apologise, ask to try again shortly. */
    SERVICE_UNAVAILABLE,
    /** The message was not understood: say what the shop can do. */
    NOT_UNDERSTOOD
  }

  public static Outcome of(Kind kind) {
    return new Outcome(kind, null);
  }
}
