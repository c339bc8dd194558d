/**
 * The product-catalog domain's protocol, the only package other modules may import: product data
 * ({@link org.linecommerce.catalog.api.ProductData}), the events products persist
 * ({@link org.linecommerce.catalog.api.ProductEvent}, tagged for subscribers), the entity's
 * commands and replies, and the client facade other domains call ({@code CatalogClient}).
 */
package org.linecommerce.catalog.api;
